// Base64url without padding (RFC 7515 §2), the encoding of every JWS segment and JWK member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/secure_bytes.hpp"

namespace auth_ext::core::encoding {

// Base64url of len bytes, "-_" alphabet, no "=" padding.
std::string Base64UrlEncode(const std::uint8_t* data, std::size_t len);
std::string Base64UrlEncode(std::string_view bytes);

// Strict decode: only [A-Za-z0-9_-], no padding, length not 1 mod 4, zero unused trailing bits
// (so every byte string has exactly one accepted encoding); std::nullopt otherwise. The result is
// wiped on release because JWK members such as "d" and "k" are secrets.
std::optional<SecureBytes> Base64UrlDecode(std::string_view text);

}  // namespace auth_ext::core::encoding
