// Verification of a JWT for the SQL layer: keys given as a JWK/JWKS, or Better Auth's jwks table
// plus the configured HS256 shared secret; claims checked against the settings.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// Verifies token and returns its payload as jsonb; raises 28000 for a bad or expired token, 22023
// for unusable keys, 55000 for missing configuration. With require_sub, a token without a string
// "sub" claim is refused too.
Jsonb* VerifyTokenToJsonb(text* token, Jsonb* keys, bool require_sub);

}  // namespace auth_ext::pg
