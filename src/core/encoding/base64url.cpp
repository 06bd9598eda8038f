// Base64url without padding: thin wrappers over the shared strict codec.
#include "core/encoding/base64url.hpp"

#include "core/encoding/base64_codec.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::encoding {

std::string Base64UrlEncode(const std::uint8_t* data, std::size_t len) {
  return detail::Base64EncodeVariant(data, len, detail::Base64Variant::kUrlUnpadded);
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64UrlEncode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::optional<SecureBytes> Base64UrlDecode(std::string_view text) {
  SecureBytes out;
  if (!detail::Base64DecodeVariant(text, detail::Base64Variant::kUrlUnpadded, out)) return std::nullopt;
  return out;
}

}  // namespace auth_ext::core::encoding
