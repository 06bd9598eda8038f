// Strict JSON parsing through nlohmann's SAX interface: a DOM builder that also tracks depth,
// refuses duplicate names, NUL characters and numbers PostgreSQL's numeric cannot hold, and
// reports errors without quoting the input.
#include "core/json/strict_json.hpp"

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::json {

namespace {

using Json = nlohmann::json;

// Builds a Json value from SAX events. Every callback returns false to stop the parse; error_
// then says why (a parse_error callback from nlohmann, or one of our own refusals). With keep, the
// top-level object keeps only the members named there: the others are checked as strictly (names,
// depth, NULs) but never built.
class StrictDomBuilder {
 public:
  StrictDomBuilder(std::size_t max_depth, const std::vector<std::string_view>* keep)
      : max_depth_(max_depth), keep_(keep) {}

  bool null() { return AddValue(Json(nullptr)); }
  bool boolean(bool val) { return AddValue(Json(val)); }
  bool number_integer(Json::number_integer_t val) { return AddValue(Json(val)); }
  bool number_unsigned(Json::number_unsigned_t val) { return AddValue(Json(val)); }
  // Integers (at most 20 digits, no fraction or exponent) always fit PostgreSQL's numeric; every
  // other number arrives here with its text.
  bool number_float(Json::number_float_t val, const Json::string_t& text) {
    if (!FitsPostgresNumeric(text)) return Fail("json number is outside the range of PostgreSQL's numeric");
    return AddValue(Json(val));
  }
  bool string(Json::string_t& val) {
    if (val.find('\0') != Json::string_t::npos) return Fail("json strings must not contain \\u0000");
    return AddValue(Json(std::move(val)));
  }
  bool binary(Json::binary_t& /*val*/) { return Fail("json binary values are not supported"); }

  bool start_object(std::size_t /*elements*/) { return Open(Json::object()); }
  bool key(Json::string_t& val) {
    if (val.find('\0') != Json::string_t::npos) return Fail("json member names must not contain \\u0000");
    if (keep_ == nullptr) {
      Json& object = *stack_.back();
      if (object.contains(val)) return Fail("json object has a duplicate member name");
      pending_member_ = &object[val];
      return true;
    }
    // Names are tracked apart from the Json, which holds only the kept members.
    std::vector<std::string>& names = names_.back();
    for (const std::string& name : names) {
      if (name == val) return Fail("json object has a duplicate member name");
    }
    names.push_back(val);
    if (skip_depth_ > 0) return true;
    drop_next_ = stack_.size() == 1 && !Kept(val);
    if (!drop_next_) pending_member_ = &(*stack_.back())[val];
    return true;
  }
  bool end_object() { return Close(true); }
  bool start_array(std::size_t /*elements*/) { return Open(Json::array()); }
  bool end_array() { return Close(false); }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& /*ex*/) {
    error_ = "invalid json";
    error_detail_ = "syntax error at byte " + std::to_string(position);
    return false;
  }

  Json TakeRoot() { return std::move(root_); }
  const std::string& error() const { return error_; }
  const std::string& error_detail() const { return error_detail_; }

 private:
  bool Fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // Places value where the parse currently is: the root, the next array element, or the member
  // whose name key() just read. Returns the stored value.
  Json* Place(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *pending_member_ = std::move(value);
    return pending_member_;
  }

  bool Kept(const std::string& name) const {
    for (std::string_view kept : *keep_) {
      if (kept == name) return true;
    }
    return false;
  }

  // True when the value now arriving belongs to a member that is not kept (it is only checked).
  bool Dropping() {
    if (skip_depth_ > 0) return true;
    if (!drop_next_) return false;
    drop_next_ = false;
    return true;
  }

  bool AddValue(Json value) {
    if (!Dropping()) Place(std::move(value));
    return true;
  }

  bool Open(Json container) {
    if (stack_.size() + skip_depth_ >= max_depth_) return Fail("json nesting is too deep");
    const bool is_object = container.is_object();
    if (Dropping()) {
      ++skip_depth_;
    } else {
      stack_.push_back(Place(std::move(container)));
    }
    if (keep_ != nullptr && is_object) names_.emplace_back();
    return true;
  }

  bool Close(bool is_object) {
    if (skip_depth_ > 0) {
      --skip_depth_;
    } else {
      stack_.pop_back();
    }
    if (keep_ != nullptr && is_object) names_.pop_back();
    return true;
  }

  std::size_t max_depth_;
  const std::vector<std::string_view>* keep_;  // null: build everything
  Json root_;
  std::vector<Json*> stack_;
  Json* pending_member_ = nullptr;
  std::vector<std::vector<std::string>> names_;  // with keep_: the names seen in each open object
  std::size_t skip_depth_ = 0;                    // open containers inside a member not kept
  bool drop_next_ = false;                        // the next value is a member not kept
  std::string error_;
  std::string error_detail_;
};

Result<Json> ParseStrictUnguarded(std::string_view text, const ParseLimits& limits,
                                  const std::vector<std::string_view>* keep) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ErrorKind::kInvalidArgument, "json text is too long",
                     "The limit is " + std::to_string(limits.max_bytes) + " bytes.");
  }
  // nlohmann skips a leading byte order mark and stops at a NUL byte as if the input ended there;
  // jsonb_in does neither (see ParseStrict).
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    return MakeError(ErrorKind::kInvalidArgument, "json text must not start with a byte order mark");
  }
  if (text.find('\0') != std::string_view::npos) {
    return MakeError(ErrorKind::kInvalidArgument, "json text must not contain a NUL byte");
  }
  StrictDomBuilder builder(limits.max_depth, keep);
  const bool ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!ok) {
    return MakeError(ErrorKind::kInvalidArgument, builder.error().empty() ? "invalid json" : builder.error(),
                     builder.error_detail());
  }
  return builder.TakeRoot();
}

}  // namespace

bool FitsPostgresNumeric(std::string_view number) {
  // PostgreSQL's numeric (numeric.c, the same from 14 to 18): NBASE 10000, so 4 decimal digits per
  // base-10000 digit; an int16 weight; the display scale in 14 bits.
  constexpr std::int64_t kExponentLimit = 1073741823;  // INT_MAX / 2: set_var_from_str refuses |e| >= it
  constexpr std::int64_t kMaxDisplayScale = 16383;     // NUMERIC_DSCALE_MAX
  constexpr std::int64_t kMinWeight = -32768;          // the int16 n_weight make_result stores
  constexpr std::int64_t kMaxWeight = 32767;
  constexpr std::int64_t kDecDigits = 4;               // DEC_DIGITS

  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  if (i < number.size() && number[i] == '-') ++i;
  // The decimal position of the first nonzero digit (10^position), before the exponent.
  bool nonzero = false;
  std::int64_t lead_index = 0;  // index of that digit among the integer digits, or -(fraction index + 1)
  std::int64_t int_digits = 0;
  while (i < number.size() && is_digit(number[i])) {
    if (!nonzero && number[i] != '0') {
      nonzero = true;
      lead_index = int_digits;
    }
    ++int_digits;
    ++i;
  }
  if (int_digits == 0) return false;
  std::int64_t frac_digits = 0;
  bool lead_in_fraction = false;
  if (i < number.size() && number[i] == '.') {
    ++i;
    while (i < number.size() && is_digit(number[i])) {
      if (!nonzero && number[i] != '0') {
        nonzero = true;
        lead_in_fraction = true;
        lead_index = frac_digits;
      }
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0) return false;
  }
  std::int64_t exponent = 0;
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < number.size() && (number[i] == '+' || number[i] == '-')) negative = number[i++] == '-';
    std::int64_t magnitude = 0;
    const std::size_t first = i;
    while (i < number.size() && is_digit(number[i])) {
      // Saturates like strtol: anything from the limit on is refused anyway.
      if (magnitude < kExponentLimit) magnitude = magnitude * 10 + (number[i] - '0');
      ++i;
    }
    if (i == first || magnitude >= kExponentLimit) return false;
    exponent = negative ? -magnitude : magnitude;
  }
  if (i != number.size()) return false;

  const std::int64_t display_scale = frac_digits - exponent;  // set_var_from_str clamps it at 0
  if (display_scale > kMaxDisplayScale) return false;
  if (!nonzero) return true;  // zero is stored with weight 0, whatever its exponent
  const std::int64_t position = (lead_in_fraction ? -(lead_index + 1) : int_digits - 1 - lead_index) + exponent;
  const std::int64_t weight = position >= 0 ? position / kDecDigits : -((-position + kDecDigits - 1) / kDecDigits);
  return weight >= kMinWeight && weight <= kMaxWeight;
}

Result<nlohmann::json> ParseStrict(std::string_view text, const ParseLimits& limits) {
  try {
    return ParseStrictUnguarded(text, limits, nullptr);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while parsing json");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while parsing json");
  }
}

Result<nlohmann::json> ParseStrictObject(std::string_view text, const ParseLimits& limits) {
  Result<Json> parsed = ParseStrict(text, limits);
  if (!parsed.ok()) return parsed;
  if (!parsed.value().is_object()) {
    return MakeError(ErrorKind::kInvalidArgument, "json value is not an object");
  }
  return parsed;
}

Result<nlohmann::json> ParseStrictKeeping(std::string_view text, const std::vector<std::string_view>& keep,
                                          const ParseLimits& limits) {
  try {
    return ParseStrictUnguarded(text, limits, &keep);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while parsing json");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while parsing json");
  }
}

const nlohmann::json* FindMember(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<double> AsNumber(const nlohmann::json& value) {
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

std::optional<std::string_view> AsString(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  return std::string_view(value.get_ref<const std::string&>());
}

}  // namespace auth_ext::core::json
