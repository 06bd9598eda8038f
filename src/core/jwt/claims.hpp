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

// Checks payload against policy; kInvalidToken on failure: "token has no exp claim",
// "claim <name> must be a number" (NumericDate: an integer or a float, never a boolean or
// string), "token has expired" (now >= exp + leeway), "token is not yet valid"
// (nbf > now + leeway), "token was issued in the future" (iat > now + leeway), "claim iss must be
// a string", "token issuer does not match", "claim aud must be a string or an array of strings",
// "token audience does not match". A negative leeway is kInvalidArgument.
Status CheckClaims(const nlohmann::json& payload, const ClaimPolicy& policy);

}  // namespace auth_ext::core::jwt
