// Shared base64 engine: table-driven encoding and canonical-only decoding for both alphabets.
#include "core/encoding/base64_codec.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::encoding::detail {

namespace {

constexpr char kStandardAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const char* AlphabetFor(Base64Variant variant) {
  return variant == Base64Variant::kStandardPadded ? kStandardAlphabet : kUrlAlphabet;
}

// Sextet values by character for one alphabet; -1 for characters outside it.
struct DecodeTable {
  std::int8_t value[256];
  explicit constexpr DecodeTable(const char* alphabet) : value() {
    for (int c = 0; c < 256; ++c) value[c] = -1;
    for (int i = 0; i < 64; ++i) value[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
};

constexpr DecodeTable kStandardTable(kStandardAlphabet);
constexpr DecodeTable kUrlTable(kUrlAlphabet);

}  // namespace

std::string Base64EncodeVariant(const std::uint8_t* data, std::size_t len, Base64Variant variant) {
  const char* alphabet = AlphabetFor(variant);
  const bool pad = variant == Base64Variant::kStandardPadded;
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= len; i += 3) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8) | data[i + 2];
    out.push_back(alphabet[(v >> 18) & 0x3f]);
    out.push_back(alphabet[(v >> 12) & 0x3f]);
    out.push_back(alphabet[(v >> 6) & 0x3f]);
    out.push_back(alphabet[v & 0x3f]);
  }
  const std::size_t rest = len - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{data[i]} << 16;
    out.push_back(alphabet[(v >> 18) & 0x3f]);
    out.push_back(alphabet[(v >> 12) & 0x3f]);
    if (pad) out.append("==");
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{data[i]} << 16) | (std::uint32_t{data[i + 1]} << 8);
    out.push_back(alphabet[(v >> 18) & 0x3f]);
    out.push_back(alphabet[(v >> 12) & 0x3f]);
    out.push_back(alphabet[(v >> 6) & 0x3f]);
    if (pad) out.push_back('=');
  }
  return out;
}

bool Base64DecodeVariant(std::string_view text, Base64Variant variant, SecureBytes& out) {
  out.clear();
  std::string_view body = text;
  if (variant == Base64Variant::kStandardPadded) {
    if (text.size() % 4 != 0) return false;
    std::size_t padding = 0;
    while (padding < 2 && padding < body.size() && body[body.size() - 1 - padding] == '=') ++padding;
    body = body.substr(0, body.size() - padding);
  }
  // A single leftover character carries only 6 bits: no byte can end there.
  if (body.size() % 4 == 1) return false;

  const std::int8_t* table =
      variant == Base64Variant::kStandardPadded ? kStandardTable.value : kUrlTable.value;
  out.resize(body.size() / 4 * 3 + (body.size() % 4 == 0 ? 0 : body.size() % 4 - 1));
  std::size_t n = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : body) {
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0) {
      out.clear();
      return false;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = static_cast<std::uint8_t>((acc >> bits) & 0xff);
      acc &= (1u << bits) - 1;
    }
  }
  // Canonical encodings leave the unused low bits of the last character zero.
  if (acc != 0) {
    out.clear();
    return false;
  }
  return true;
}

}  // namespace auth_ext::core::encoding::detail
