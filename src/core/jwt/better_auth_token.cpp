// Better Auth's HS256 tokens: payload text as JSON.stringify writes it, signing and jose's checks.
#include "core/jwt/better_auth_token.hpp"

#include <new>
#include <set>

#include <nlohmann/json.hpp>

#include "core/json/strict_json.hpp"
#include "core/jwt/claims.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jws_sign.hpp"
#include "core/jwt/jws_verify.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

Result<Key> SecretKey(std::string_view secret) {
  if (secret.empty()) return MakeError(ErrorKind::kInvalidArgument, "better_auth_secret is empty");
  return KeyFromBetterAuthSecret(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size());
}

// A JSON string as JSON.stringify writes it: '"' and '\' escaped, \b \f \n \r \t, other controls
// as \u00xx (lower-case hex); everything else, non-ASCII included, as is. nlohmann's dump with
// ensure_ascii off writes exactly that (and 0x7f as is, as JavaScript does).
std::string JsonString(const std::string& value) {
  return nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

Result<std::string> SignUnguarded(const std::vector<StringClaim>& claims, std::int64_t iat, std::int64_t exp,
                                  std::string_view secret) {
  std::set<std::string> seen = {"iat", "exp"};
  std::string payload = "{";
  for (const StringClaim& claim : claims) {
    if (!seen.insert(claim.name).second) {
      return MakeError(ErrorKind::kInvalidArgument, "token claim names must be distinct and not iat or exp");
    }
    try {
      payload += JsonString(claim.name);
      payload += ':';
      payload += JsonString(claim.value);
    } catch (const nlohmann::json::type_error&) {
      return MakeError(ErrorKind::kInvalidArgument, "token claims contain invalid utf-8");
    }
    payload += ',';
  }
  payload += "\"iat\":" + std::to_string(iat) + ",\"exp\":" + std::to_string(exp) + "}";
  Result<Key> key = SecretKey(secret);
  if (!key.ok()) return key.error();
  return SignJwsText(payload, key.value(), Algorithm::kHS256);
}

Result<VerifiedBetterAuthToken> VerifyUnguarded(std::string_view token, std::string_view secret, std::int64_t now) {
  Result<Key> key = SecretKey(secret);
  if (!key.ok()) return key.error();
  VerifyOptions options;
  options.algorithm = Algorithm::kHS256;
  options.ignore_kid = true;  // jose with a secret: the kid names nothing
  Result<VerifiedJws> verified = VerifyJws(token, key.value(), options);
  if (!verified.ok()) return verified.error();
  // jose's validateClaimsSet without maxTokenAge: types of iat, nbf, exp; then nbf, then exp.
  Result<TimeClaims> times = ReadTimeClaims(verified.value().payload);
  if (!times.ok()) return times.error();
  const long double at = static_cast<long double>(now);
  if (times.value().nbf && static_cast<long double>(*times.value().nbf) > at) {
    return MakeError(ErrorKind::kInvalidToken, "token is not yet valid");
  }
  VerifiedBetterAuthToken out;
  if (times.value().exp && static_cast<long double>(*times.value().exp) <= at) {
    out.verdict = BetterAuthTokenVerdict::kExpired;
    return out;
  }
  out.payload_text = std::move(verified.value().payload_text);
  return out;
}

template <typename Fn>
auto Guarded(Fn&& fn, const char* what) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, std::string("out of memory while ") + what);
  } catch (...) {
    return MakeError(ErrorKind::kInternal, std::string("unexpected failure while ") + what);
  }
}

}  // namespace

Result<std::string> SignBetterAuthToken(const std::vector<StringClaim>& claims, std::int64_t iat, std::int64_t exp,
                                        std::string_view secret) {
  return Guarded([&] { return SignUnguarded(claims, iat, exp, secret); }, "signing a token");
}

Result<VerifiedBetterAuthToken> VerifyBetterAuthToken(std::string_view token, std::string_view secret,
                                                      std::int64_t now) {
  return Guarded([&] { return VerifyUnguarded(token, secret, now); }, "verifying a token");
}

}  // namespace auth_ext::core::jwt
