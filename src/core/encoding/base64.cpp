// Standard padded base64: thin wrappers over the shared strict codec.
#include "core/encoding/base64.hpp"

#include "core/encoding/base64_codec.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::encoding {

std::string Base64Encode(const std::uint8_t* data, std::size_t len) {
  return detail::Base64EncodeVariant(data, len, detail::Base64Variant::kStandardPadded);
}

std::string Base64Encode(std::string_view bytes) {
  return Base64Encode(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::optional<SecureBytes> Base64Decode(std::string_view text) {
  SecureBytes out;
  if (!detail::Base64DecodeVariant(text, detail::Base64Variant::kStandardPadded, out)) return std::nullopt;
  return out;
}

}  // namespace auth_ext::core::encoding
