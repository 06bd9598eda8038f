// Registered-claim checks for a JWT payload (RFC 7519 §4.1): exp, nbf, iat, iss, aud.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"

namespace auth_ext::core::jwt {

struct ClaimPolicy {
  std::int64_t now = 0;                 // seconds since the Unix epoch
  std::int64_t leeway_seconds = 0;      // clock skew allowed on exp, nbf and iat (>= 0)
  bool require_exp = true;              // a token without exp is refused
  std::optional<std::string> issuer;    // when set, iss must equal it
  std::optional<std::string> audience;  // when set, aud (string or array of strings) must contain it
};

// The NumericDate claims of a payload (absent: nullopt).
struct TimeClaims {
  std::optional<double> exp;
  std::optional<double> nbf;
  std::optional<double> iat;
};

// Reads exp, nbf and iat; kInvalidToken "claim <name> must be a number" when one is not a number.
Result<TimeClaims> ReadTimeClaims(const nlohmann::json& payload);

// The time rules, in one place (CheckClaims uses them too): NULL when the claims are valid at
// now, else the refusal message ("token has no exp claim", "token has expired", "token is not yet
// valid", "token was issued in the future"). Never allocates or throws, so a verified-token cache
// can re-check a remembered token's times on every use exactly as a first verification would.
const char* TimeClaimsRefusal(const TimeClaims& times, std::int64_t now, std::int64_t leeway_seconds,
                              bool require_exp) noexcept;

// Checks payload against policy; kInvalidToken on failure: "token has no exp claim",
// "claim <name> must be a number" (NumericDate: an integer or a float, never a boolean or
// string), "token has expired" (now >= exp + leeway), "token is not yet valid"
// (nbf > now + leeway), "token was issued in the future" (iat > now + leeway), "claim iss must be
// a string", "token issuer does not match", "claim aud must be a string or an array of strings",
// "token audience does not match". A negative leeway is kInvalidArgument.
Status CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy);

}  // namespace auth_ext::core::jwt
