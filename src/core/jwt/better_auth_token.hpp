// Better Auth's own HS256 tokens, keyed with its secret (BETTER_AUTH_SECRET): signJWT in
// better-auth's crypto/jwt.ts (jose's SignJWT) and the jose jwtVerify(token, secret,
// {algorithms: ["HS256"]}) its /verify-email route checks them with. Its email verification tokens
// are these (docs/better-auth-compatibility.md §10).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace auth_ext::core::jwt {

// A string claim of the payload, in the order it is written.
struct StringClaim {
  std::string name;
  std::string value;
};

// jose's new SignJWT(claims).setProtectedHeader({alg: "HS256"}).setIssuedAt().setExpirationTime(exp)
// .sign(new TextEncoder().encode(secret)): header {"alg":"HS256"}, payload the claims in their
// order, then "iat" and "exp" (JSON.stringify's text: no spaces, strings escaped as JavaScript
// escapes them). kInvalidArgument for an empty secret, a repeated or registered (iat, exp) name,
// or invalid UTF-8.
Result<std::string> SignBetterAuthToken(const std::vector<StringClaim>& claims, std::int64_t iat, std::int64_t exp,
                                        std::string_view secret);

enum class BetterAuthTokenVerdict {
  kValid,    // payload_text holds the payload
  kExpired,  // jose's JWTExpired: signature good, exp <= now (Better Auth: TOKEN_EXPIRED)
};

struct VerifiedBetterAuthToken {
  BetterAuthTokenVerdict verdict = BetterAuthTokenVerdict::kValid;
  std::string payload_text;  // the payload's JSON text (strictly parsed: jsonb_in takes it); empty when expired
};

// jose's jwtVerify(token, secret, {algorithms: ["HS256"]}) at now (seconds): the compact JWS is
// checked by VerifyJws with the secret's key (alg must be HS256, any kid ignored, crit refused, the
// tag compared in constant time), then jose's claim rules in jose's order: iat, nbf and exp must be
// numbers when present; nbf > now is refused; exp <= now is kExpired. As jose (without maxTokenAge)
// a token without exp, or with an iat in the future, is accepted. Every refusal but expiry is
// kInvalidToken (Better Auth: INVALID_TOKEN); an empty secret is kInvalidArgument.
Result<VerifiedBetterAuthToken> VerifyBetterAuthToken(std::string_view token, std::string_view secret,
                                                      std::int64_t now);

}  // namespace auth_ext::core::jwt
