// The per-backend verified-token cache (see core/jwt/verified_token_cache.hpp) for the keys-NULL
// path of verify_jwt and authenticate: a token verified in full once is recognised again without
// its signature check, but only while it is still valid, checked on every use:
//   - exp, nbf and iat against the statement time with the configured leeway (core::jwt::
//     TimeClaimsRefusal, the same rule as a first verification);
//   - for a jwks key: the jwks table is the same table, and the key cache (LookupJwk) still finds
//     the row at the token's kid holding exactly the id, publicKey, alg and expiresAt the verifying
//     key was built from (the same serial), and the key's expiresAt plus grace has not passed;
//   - the settings are unchanged (SettingsGeneration), which also covers the HS256 shared secret,
//     the issuer, audience, leeway and require_exp.
// Anything else (or any doubt) forgets the entry and the caller verifies in full, so every refusal
// comes from the full path with its usual message.
#pragma once

#include "pg/postgres_headers.hpp"

#include <string_view>

#include "core/jwt/claims.hpp"
#include "core/jwt/verified_token_cache.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// What verified a token, as plain data.
struct TokenProvenance {
  core::jwt::TokenKeySource source;
  Oid relid;          // kJwksRow: the jwks table
  const char* kid;    // kJwksRow: the key row's id
  uint64 key_serial;  // kJwksRow: CachedJwk::serial of the verifying key
};

// The claims of token (palloc'd) when this backend verified exactly this token before and it is
// still acceptable at now; NULL otherwise. With require_sub, only a token with a string "sub".
Jsonb* RecallVerifiedToken(std::string_view token, int64 now, int64 leeway, bool require_exp, bool require_sub);

// Remembers a token that has just passed full verification under the settings of generation
// (SettingsGeneration() when the policy was read; nothing is remembered if they changed since).
// Never raises for the cache's sake: a token that cannot be remembered is simply not remembered.
void RememberVerifiedToken(std::string_view token, uint64 generation, const TokenProvenance& provenance,
                           const core::jwt::TimeClaims& times, bool has_sub, const Jsonb* claims);

// Forgets every remembered token (tests, and a settings change).
void ForgetVerifiedTokens();

// The number of remembered tokens.
int VerifiedTokenCount();

}  // namespace auth_ext::pg
