// Strict JSON parsing for untrusted input (JWS headers and payloads, JWKs): nlohmann::json with
// duplicate member names refused at every depth, bounded size and nesting, and nothing accepted
// that PostgreSQL's jsonb_in would refuse (a verified payload is handed to jsonb_in, so every text
// accepted here must be one it takes).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"

namespace auth_ext::core::json {

struct ParseLimits {
  std::size_t max_bytes = 64 * 1024;  // longer texts are refused before parsing
  std::size_t max_depth = 64;         // nested objects/arrays deeper than this are refused
};

// Parses exactly one JSON value (RFC 8259, UTF-8, no comments, nothing after it). Refuses
// duplicate member names in any object, input beyond the limits, and everything RFC 8259 allows
// but PostgreSQL's jsonb_in does not (src/common/jsonapi.c, utils/adt/jsonb.c and numeric.c):
//   - a leading byte order mark (RFC 8259 §8.1 lets parsers ignore it; jsonb_in refuses it);
//   - a NUL byte anywhere (jsonb_in reads a C string, so it would see only the text before it);
//   - "\u0000" in strings or names (text cannot hold it);
//   - a number outside PostgreSQL's numeric, see FitsPostgresNumeric.
// Lone or reversed UTF-16 surrogate escapes, control characters in strings and invalid UTF-8 are
// refused by the grammar itself, as jsonb_in refuses them. Errors are kInvalidArgument; the
// message names the problem and never quotes the input.
Result<nlohmann::json> ParseStrict(std::string_view text, const ParseLimits& limits = {});

// True when number, a JSON number's text (RFC 8259 grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?),
// is one PostgreSQL's numeric_in takes, as jsonb_in requires. numeric_in (set_var_from_str, then
// make_result) refuses with 22003: an exponent of INT_MAX/2 (1073741823) or more in magnitude; a
// display scale (digits after the point, minus the exponent) above NUMERIC_DSCALE_MAX (16383),
// zero included ("0e-16384"); and a nonzero value whose base-10000 weight is outside int16
// (below 1e-131072 or from 1e131072 on). Anything else in the grammar is taken.
bool FitsPostgresNumeric(std::string_view number);

// ParseStrict, then requires the top-level value to be an object.
Result<nlohmann::json> ParseStrictObject(std::string_view text, const ParseLimits& limits = {});

// ParseStrict, except that a top-level object keeps only the members named in keep: every other
// member is checked exactly as strictly (duplicate names at any depth, NULs, depth, syntax) but
// not built, which saves building a tree nobody reads (a JWT payload whose registered claims are
// checked). Any other top-level value is returned whole.
Result<nlohmann::json> ParseStrictKeeping(std::string_view text, const std::vector<std::string_view>& keep,
                                          const ParseLimits& limits = {});

// The member named key of object, or nullptr when object is not an object or has no such member.
const nlohmann::json* FindMember(const nlohmann::json& object, std::string_view key);

// The value as a number when it is a JSON number (integer or float; never a boolean or string).
std::optional<double> AsNumber(const nlohmann::json& value);

// The value as a string when it is a JSON string.
std::optional<std::string_view> AsString(const nlohmann::json& value);

}  // namespace auth_ext::core::json
