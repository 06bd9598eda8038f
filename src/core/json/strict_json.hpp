// Strict JSON parsing for untrusted input (JWS headers and payloads, JWKs): nlohmann::json with
// duplicate member names refused at every depth, bounded size and nesting, no NUL characters.
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
// duplicate member names in any object, "\u0000" in strings or names (PostgreSQL's jsonb cannot
// hold it), and input beyond the limits. Errors are kInvalidArgument; the message names the
// problem and never quotes the input.
Result<nlohmann::json> ParseStrict(std::string_view text, const ParseLimits& limits = {});

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
