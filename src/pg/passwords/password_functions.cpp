// SQL functions over passwords: auth_ext.hash_password and auth_ext.verify_password (Better Auth's
// scrypt format), and auth_ext._utf16_length (how Better Auth counts a password's length).
#include "pg/core_call.hpp"
#include "pg/passwords/password_normalization.hpp"

#include "core/password/scrypt_hash.hpp"
#include "core/password/utf16_length.hpp"

namespace core = auth_ext::core;
using auth_ext::pg::CallCore;
using auth_ext::pg::CoreOutcome;

// hash_password(password text) returns text: "<salt>:<key>" that Better Auth's verifyPassword accepts.
AUTH_EXT_SQL_FUNCTION(auth_ext_hash_password) {
  auth_ext::pg::PasswordBytes password = auth_ext::pg::NormalizePassword(PG_GETARG_TEXT_PP(0));
  CoreOutcome outcome = CallCore([&] {
    return core::password::HashPassword(std::string_view(password.data, password.len));
  });
  auth_ext::pg::WipePassword(&password);
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(outcome));
}

// verify_password(password text, hash text) returns boolean; a malformed hash raises 22P02.
AUTH_EXT_SQL_FUNCTION(auth_ext_verify_password) {
  text* stored_text = PG_GETARG_TEXT_PP(1);
  char* stored = text_to_cstring(stored_text);
  auth_ext::pg::PasswordBytes password = auth_ext::pg::NormalizePassword(PG_GETARG_TEXT_PP(0));
  CoreOutcome outcome = CallCore([&] {
    return core::password::VerifyPassword(std::string_view(password.data, password.len), stored);
  });
  auth_ext::pg::WipePassword(&password);
  pfree(stored);
  if (!outcome.ok) auth_ext::pg::RaiseCoreError(outcome);
  PG_RETURN_BOOL(outcome.boolean);
}

// _utf16_length(text) returns integer: JavaScript's String.length, how Better Auth counts passwords.
AUTH_EXT_SQL_FUNCTION(auth_ext_utf16_length) {
  text* value = PG_GETARG_TEXT_PP(0);
  std::string_view bytes(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
  PG_RETURN_INT32(static_cast<int32>(core::password::Utf16Length(bytes)));
}
