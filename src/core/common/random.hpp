// Randomness from OpenSSL's CSPRNG, and Better Auth's id alphabet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/result.hpp"

namespace auth_ext::core {

// Fills buf with len bytes from RAND_bytes.
Status RandomBytes(std::uint8_t* buf, std::size_t len);

// Better Auth's generateId(size): size characters of [a-zA-Z0-9], drawn from random bytes with
// rejection of bytes >= 248 so every character is equally likely (docs/better-auth-compatibility.md §2).
Result<std::string> GenerateBetterAuthId(std::size_t size);

}  // namespace auth_ext::core
