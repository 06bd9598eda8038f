// libFuzzer target: strict JSON parsing never crashes or throws, anything it accepts serializes
// and re-parses to an equal value, ParseStrictKeeping gives the same verdict (and message) and
// exactly the kept members, and (differential) anything it accepts is accepted by JsonbInAccepts,
// a separate model of what PostgreSQL's jsonb_in takes in a UTF8 database, written from
// src/common/jsonapi.c (json_lex, json_lex_string, json_lex_number) and numeric.c
// (set_var_from_str, strip_var, make_result) step by step rather than by formula.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/strict_json.hpp"

namespace {

class JsonbInModel {
 public:
  explicit JsonbInModel(std::string_view text) : s_(text) {}

  bool Accepts() {
    // jsonb_in reads a C string of server-encoded (valid UTF-8) text.
    if (s_.find('\0') != std::string_view::npos || !ValidUtf8()) return false;
    SkipWhitespace();
    if (!Value(0)) return false;
    SkipWhitespace();
    return i_ == s_.size();
  }

 private:
  bool ValidUtf8() const {  // RFC 3629: shortest form, no surrogates, at most U+10FFFF
    std::size_t i = 0;
    while (i < s_.size()) {
      const unsigned char c = static_cast<unsigned char>(s_[i]);
      std::size_t more = 0;
      std::uint32_t cp = 0;
      if (c < 0x80) {
        ++i;
        continue;
      }
      if ((c & 0xE0) == 0xC0) {
        more = 1;
        cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        more = 2;
        cp = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        more = 3;
        cp = c & 0x07;
      } else {
        return false;
      }
      for (std::size_t k = 1; k <= more; ++k) {
        if (i + k >= s_.size() || (static_cast<unsigned char>(s_[i + k]) & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (static_cast<unsigned char>(s_[i + k]) & 0x3F);
      }
      static constexpr std::uint32_t kShortest[] = {0, 0x80, 0x800, 0x10000};
      if (cp < kShortest[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      i += more + 1;
    }
    return true;
  }

  void SkipWhitespace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }

  bool Value(int depth) {
    if (depth > 1000 || i_ >= s_.size()) return false;
    const char c = s_[i_];
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      SkipWhitespace();
      if (i_ < s_.size() && s_[i_] == close) { ++i_; return true; }
      while (true) {
        SkipWhitespace();
        if (c == '{') {
          if (i_ >= s_.size() || s_[i_] != '"' || !String()) return false;
          SkipWhitespace();
          if (i_ >= s_.size() || s_[i_] != ':') return false;
          ++i_;
          SkipWhitespace();
        }
        if (!Value(depth + 1)) return false;
        SkipWhitespace();
        if (i_ >= s_.size()) return false;
        if (s_[i_] == ',') { ++i_; continue; }
        if (s_[i_] == close) { ++i_; return true; }
        return false;
      }
    }
    if (c == '"') return String();
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    // json_lex reads a run of "alphanumeric" bytes (letters, digits, '_', bytes >= 0x80) as one token.
    const std::size_t start = i_;
    while (i_ < s_.size() && Alphanumeric(s_[i_])) ++i_;
    const std::string_view word = s_.substr(start, i_ - start);
    return word == "true" || word == "false" || word == "null";
  }

  static bool Alphanumeric(char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || u >= 0x80;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // json_lex_string with de-escaping (jsonb always de-escapes), in a UTF8 database.
  bool String() {
    ++i_;  // the opening quote
    long high_surrogate = -1;
    while (true) {
      if (i_ >= s_.size()) return false;
      const char c = s_[i_];
      if (c == '"') {
        ++i_;
        return high_surrogate == -1;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        if (high_surrogate != -1) return false;
        ++i_;
        continue;
      }
      if (++i_ >= s_.size()) return false;
      const char e = s_[i_++];
      if (e == 'u') {
        long ch = 0;
        for (int k = 0; k < 4; ++k) {
          if (i_ >= s_.size() || Hex(s_[i_]) < 0) return false;
          ch = ch * 16 + Hex(s_[i_++]);
        }
        if (ch >= 0xD800 && ch <= 0xDBFF) {
          if (high_surrogate != -1) return false;
          high_surrogate = ch;
          continue;
        }
        if (ch >= 0xDC00 && ch <= 0xDFFF) {
          if (high_surrogate == -1) return false;
          high_surrogate = -1;
          continue;
        }
        if (high_surrogate != -1) return false;
        if (ch == 0) return false;  // "\u0000 cannot be converted to text"
        continue;
      }
      if (high_surrogate != -1) return false;
      if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
    }
  }

  // json_lex_number, then numeric_in on the token.
  bool Number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digit = [&](std::size_t k) { return k < s_.size() && s_[k] >= '0' && s_[k] <= '9'; };
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (digit(i_)) {
      while (digit(i_)) ++i_;
    } else {
      return false;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digit(i_)) return false;
      while (digit(i_)) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digit(i_)) return false;
      while (digit(i_)) ++i_;
    }
    if (i_ < s_.size() && Alphanumeric(s_[i_])) return false;  // trailing garbage joins the token
    return NumericIn(s_.substr(start, i_ - start));
  }

  // set_var_from_str, strip_var and make_result's overflow check, as numeric.c does them.
  static bool NumericIn(std::string_view str) {
    constexpr int kDecDigits = 4;
    std::size_t cp = 0;
    if (str[cp] == '-') ++cp;
    std::vector<int> decdigits(kDecDigits, 0);  // leading padding
    long long dweight = -1, dscale = 0;
    bool have_dp = false;
    while (cp < str.size()) {
      if (str[cp] >= '0' && str[cp] <= '9') {
        decdigits.push_back(str[cp++] - '0');
        if (!have_dp) ++dweight; else ++dscale;
      } else if (str[cp] == '.') {
        have_dp = true;
        ++cp;
      } else {
        break;
      }
    }
    const long long ddigits = static_cast<long long>(decdigits.size()) - kDecDigits;
    decdigits.insert(decdigits.end(), kDecDigits - 1, 0);  // trailing padding
    if (cp < str.size()) {  // 'e' or 'E'; strtol saturates at LONG_MAX / LONG_MIN
      ++cp;
      bool negative = false;
      if (str[cp] == '+' || str[cp] == '-') negative = str[cp++] == '-';
      long long exponent = 0;
      for (; cp < str.size(); ++cp) exponent = exponent > LLONG_MAX / 20 ? exponent : exponent * 10 + (str[cp] - '0');
      if (negative) exponent = -exponent;
      if (exponent >= INT_MAX / 2 || exponent <= -(INT_MAX / 2)) return false;
      dweight += exponent;
      dscale -= exponent;
      if (dscale < 0) dscale = 0;
    }
    long long weight = dweight >= 0 ? (dweight + 1 + kDecDigits - 1) / kDecDigits - 1
                                    : -((-dweight - 1) / kDecDigits + 1);
    const long long offset = (weight + 1) * kDecDigits - (dweight + 1);
    const long long ndigits = (ddigits + offset + kDecDigits - 1) / kDecDigits;
    std::vector<int> digits;
    long long i = kDecDigits - offset;
    for (long long n = 0; n < ndigits; ++n) {
      digits.push_back(((decdigits[i] * 10 + decdigits[i + 1]) * 10 + decdigits[i + 2]) * 10 + decdigits[i + 3]);
      i += kDecDigits;
    }
    // strip_var
    std::size_t first = 0, last = digits.size();
    while (first < last && digits[first] == 0) { ++first; --weight; }
    while (last > first && digits[last - 1] == 0) --last;
    if (first == last) weight = 0;
    // make_result: the weight is stored in an int16, the display scale in 14 bits.
    return weight >= INT16_MIN && weight <= INT16_MAX && dscale <= 0x3FFF;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace auth_ext::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<nlohmann::json> parsed = json::ParseStrict(text);
  static const std::vector<std::string_view> kKeep = {"exp", "sub"};
  Result<nlohmann::json> kept = json::ParseStrictKeeping(text, kKeep);
  if (kept.ok() != parsed.ok()) std::abort();
  if (!parsed.ok()) {
    if (parsed.error().kind != ErrorKind::kInvalidArgument) std::abort();
    if (kept.error().message != parsed.error().message) std::abort();
    return 0;
  }
  // The core must never take a text that jsonb_in would refuse (a verified payload goes there).
  if (!JsonbInModel(text).Accepts()) std::abort();
  nlohmann::json expected = parsed.value();
  if (expected.is_object()) {
    nlohmann::json only = nlohmann::json::object();
    for (std::string_view name : kKeep) {
      if (auto* member = json::FindMember(expected, name)) only[std::string(name)] = *member;
    }
    expected = std::move(only);
  }
  if (kept.value() != expected) std::abort();
  const std::string again = parsed.value().dump();
  Result<nlohmann::json> reparsed = json::ParseStrict(again, {again.size(), 64});
  if (!reparsed.ok() || reparsed.value() != parsed.value()) std::abort();
  if (auto* member = json::FindMember(parsed.value(), "exp")) (void)json::AsNumber(*member);
  return 0;
}
