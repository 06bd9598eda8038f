// The password check of an email sign-in, the one copy sign_in_email and password_proof share.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// A user found by email (lowercased) and its credential account's hash. palloc'd in the caller's
// context; found false (and the rest nullptr) when there is no such user.
struct Credential {
  bool found;
  text* user_id;
  text* stored_hash;    // nullptr: no credential account (or no password on it)
  Jsonb* user;          // the user row as Better Auth's JSON
  bool email_verified;
};

// Better Auth's email rule (auth_ext._is_valid_email); false for NULL.
bool IsValidEmail(text* email);

// The one lookup of an email sign-in, with a password or a proof.
Credential CredentialByEmail(text* email);

// 22023 INVALID_EMAIL / VALIDATION_ERROR (no password) / PASSWORD_TOO_LONG, then the credential by
// email and whether password matches it (*matches). An unknown email and a hash not in Better
// Auth's format cost one scrypt as a wrong password does and give false; the caller raises one
// error for all.
Credential CheckSignInPassword(text* email, text* password, bool* matches);

}  // namespace auth_ext::pg
