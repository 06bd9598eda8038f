// Verification of compact-serialized JWS tokens (RFC 7515 §7.1) against a set of keys.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"
#include "core/jwt/algorithm.hpp"
#include "core/jwt/jwk.hpp"

namespace auth_ext::core::jwt {

inline constexpr std::size_t kDefaultMaxTokenBytes = 16 * 1024;

struct VerifyOptions {
  // The algorithm for keys that carry no "alg" (RSA keys need it or their own "alg").
  std::optional<Algorithm> algorithm;
  std::size_t max_token_bytes = kDefaultMaxTokenBytes;
  // With a one-key set: use that key whatever "kid" the token carries (or none). For a key that
  // is the only one a token can mean, as the configured HS256 shared secret: a kid names nothing
  // there, so it must neither select nor refuse the key.
  bool ignore_kid = false;
};

struct VerifiedJws {
  nlohmann::json header;     // the protected header, a JSON object
  nlohmann::json payload;    // the payload's registered claims (exp nbf iat iss aud sub), a JSON object
  std::string payload_text;  // the payload's exact decoded JSON text (all of it)
  Algorithm algorithm;       // the header's "alg"
  std::string kid;           // the "kid" of the key that verified the token (may be empty)
};

// Verifies token and returns its decoded header and payload. Every refusal is kInvalidToken with
// its own message and never quotes the token: too long, not exactly three segments, a segment
// that is not strict base64url, a header or payload that is not a JSON object without duplicate
// names, a missing/unsupported/"none" alg, any "crit", no key for the token's kid (a token without
// kid needs a one-key set), an alg other than the key's expected algorithm (see ResolveAlgorithm),
// a wrong-length or invalid signature. A key set whose RSA key has no algorithm is kInvalidArgument.
// Header members "jwk", "jku", "x5u" and "x5c" are never used to find keys.
Result<VerifiedJws> VerifyJws(std::string_view token, const std::vector<Key>& keys, const VerifyOptions& options = {});

// VerifyJws against a single key.
Result<VerifiedJws> VerifyJws(std::string_view token, const Key& key, const VerifyOptions& options = {});

}  // namespace auth_ext::core::jwt
