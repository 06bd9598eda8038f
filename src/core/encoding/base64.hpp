// Standard padded base64 (RFC 4648 §4), as Better Auth writes its cookie signatures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/secure_bytes.hpp"

namespace auth_ext::core::encoding {

// Base64 of len bytes, "+/" alphabet, "=" padded to a multiple of 4 (32 bytes -> 44 characters).
std::string Base64Encode(const std::uint8_t* data, std::size_t len);
std::string Base64Encode(std::string_view bytes);

// Strict decode: length a multiple of 4, only [A-Za-z0-9+/], "=" only as the last one or two
// characters and exactly as many as needed, zero unused trailing bits, no whitespace;
// std::nullopt otherwise.
std::optional<SecureBytes> Base64Decode(std::string_view text);

}  // namespace auth_ext::core::encoding
