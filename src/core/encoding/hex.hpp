// Lowercase hexadecimal encoding and strict decoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/secure_bytes.hpp"

namespace auth_ext::core::encoding {

// Lowercase hex of len bytes.
std::string HexEncode(const std::uint8_t* data, std::size_t len);

// True when text is non-empty, of even length, and only [0-9a-f] (lowercase, as Better Auth writes).
bool IsLowerHex(std::string_view text);

// Decodes lowercase hex; std::nullopt on odd length or any other character.
std::optional<SecureBytes> HexDecodeLower(std::string_view text);

}  // namespace auth_ext::core::encoding
