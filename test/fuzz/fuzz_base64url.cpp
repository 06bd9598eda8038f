// libFuzzer target: strict base64url and base64 decoding never crash, and whatever they accept
// re-encodes to exactly the input (one canonical text per byte string); encoding round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/encoding/base64.hpp"
#include "core/encoding/base64url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace auth_ext::core::encoding;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto bytes = Base64UrlDecode(text)) {
    if (Base64UrlEncode(bytes->data(), bytes->size()) != text) std::abort();
  }
  if (auto bytes = Base64Decode(text)) {
    if (Base64Encode(bytes->data(), bytes->size()) != text) std::abort();
  }
  auto url = Base64UrlDecode(Base64UrlEncode(data, size));
  if (!url || url->size() != size || !std::equal(url->begin(), url->end(), data)) std::abort();
  auto standard = Base64Decode(Base64Encode(data, size));
  if (!standard || standard->size() != size || !std::equal(standard->begin(), standard->end(), data)) std::abort();
  return 0;
}
