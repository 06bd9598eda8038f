// Shared engine behind base64.hpp and base64url.hpp: one encoder and one strict decoder,
// parameterised by alphabet and padding rule.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/secure_bytes.hpp"

namespace auth_ext::core::encoding::detail {

enum class Base64Variant {
  kStandardPadded,  // RFC 4648 §4: "+/" and "=" padding to a multiple of 4
  kUrlUnpadded,     // RFC 4648 §5 without padding, as RFC 7515 §2 requires
};

// Encodes len bytes in the given variant.
std::string Base64EncodeVariant(const std::uint8_t* data, std::size_t len, Base64Variant variant);

// Decodes text in the given variant into out (cleared first). Returns false, leaving out empty,
// on any character outside the alphabet, misplaced or missing (standard) or present (url) padding,
// an impossible length, or non-zero unused bits in the last character (non-canonical text).
bool Base64DecodeVariant(std::string_view text, Base64Variant variant, SecureBytes& out);

}  // namespace auth_ext::core::encoding::detail
