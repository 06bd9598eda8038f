// The session token a Better Auth credential carries, checked against the better_auth_secret
// setting (shared by get_session and the SQL-callable primitive).
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// palloc'd token, or NULL when the credential carries none or its signature does not match;
// 55000 when a signed value arrives and better_auth_secret is not configured.
char* SessionTokenFromCredential(text* credential);

// The better_auth_secret setting (valid as SettingValue's result is); 55000 "<purpose> need the
// better_auth_secret setting" when it is not set.
const char* RequireBetterAuthSecret(const char* purpose);

// A palloc'd copy of better_auth_secret (55000 as above when unset), for a call into the core that
// may process invalidations meanwhile; give it back with ForgetSecret, which wipes it.
char* CopyBetterAuthSecret(const char* purpose);
void ForgetSecret(char* secret);

}  // namespace auth_ext::pg
