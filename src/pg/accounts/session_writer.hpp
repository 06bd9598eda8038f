// The one session writer: a session row as Better Auth's createSession writes it, for sign-in,
// sign-up, email verification and password change.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

struct NewSession {
  text* user_id;
  text* ip_address;       // nullptr: ''
  text* user_agent;       // nullptr: ''
  bool remember_me;       // false: one day, never refreshed (auth_ext.dont_remember_session)
  bool has_expires_in;    // else the session_expires_in_seconds setting
  int32 expires_in;       // seconds
  Jsonb* fields;          // extra session columns, or nullptr
  text* token;            // a caller-chosen token, or nullptr for a generated one
  bool user_locked;       // the caller holds a lock on the user row already
};

// Writes the session and returns its row as Better Auth's JSON. Runs with the current user's
// rights (callers are the extension owner's SECURITY DEFINER functions). P0002 USER_NOT_FOUND when
// the user is gone; 22023 VALIDATION_ERROR for a taken session token or bad fields; 42P01 without a
// session table.
Jsonb* CreateSession(const NewSession& session);

}  // namespace auth_ext::pg
