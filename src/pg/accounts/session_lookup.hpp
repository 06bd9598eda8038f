// Better Auth's session lookup, the one implementation behind get_session and authenticate_session.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// {"session","user"} for the session a credential names (bare token, signed cookie value, or
// "Bearer ..."), or NULL. As Better Auth 1.7.25's get-session route: an expired session is deleted
// and not returned; a session due for the sliding refresh (expiresAt - expiresIn + updateAge <= now)
// is extended to now + expiresIn, except a "don't remember me" session (1-day lifetime: the marker
// auth_ext.dont_remember_session, or expiresAt = createdAt + 1 day without one), which is
// never refreshed. A read-only transaction (a hot standby) writes nothing. Runs its SQL with the
// current user's rights: callers are SECURITY DEFINER functions owned by the extension's owner.
// Raises 42P01 when Better Auth's tables are missing, 55000 for a signed value without the secret.
Jsonb* GetSession(text* credential);

// Whether a session with exactly this token exists and has not expired (as GetSession decides,
// without deleting or refreshing it). Sees this transaction's writes, so a session created earlier
// in the same statement counts. Same rights and errors as GetSession.
bool SessionIsLive(text* token);

// Whether the session with this id exists, belongs to user_id and has not expired (the test of a
// JWT's sid claim under jwt_require_live_session). Writes nothing; runs as the extension owner
// whoever calls it (authenticate() is not SECURITY DEFINER), restoring the caller's role after.
bool SessionIdIsLive(text* session_id, text* user_id);

}  // namespace auth_ext::pg
