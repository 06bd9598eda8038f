// Lowercase hexadecimal encoding and strict decoding.
#include "core/encoding/hex.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::encoding {

namespace {
constexpr char kDigits[] = "0123456789abcdef";

int LowerHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string HexEncode(const std::uint8_t* data, std::size_t len) {
  std::string out;
  out.resize(len * 2);
  for (std::size_t i = 0; i < len; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

bool IsLowerHex(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0) return false;
  for (char c : text) {
    if (LowerHexValue(c) < 0) return false;
  }
  return true;
}

std::optional<SecureBytes> HexDecodeLower(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  SecureBytes out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = LowerHexValue(text[2 * i]);
    int lo = LowerHexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return out;
}

}  // namespace auth_ext::core::encoding
