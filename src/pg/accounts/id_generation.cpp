// The C primitives under the account functions: Better Auth ids and tokens, JavaScript string
// length, and session credentials checked against the Better Auth secret.
#include "pg/core_call.hpp"
#include "pg/accounts/session_credential.hpp"

#include "core/common/random.hpp"
#include "core/password/utf16_length.hpp"

namespace core = auth_ext::core;

// generate_id(size integer DEFAULT 32) returns text: size characters of [a-zA-Z0-9] from OpenSSL's
// CSPRNG, drawn as Better Auth's generateId draws them.
AUTH_EXT_SQL_FUNCTION(auth_ext_generate_id) {
  int32 size = PG_GETARG_INT32(0);
  if (size < 1 || size > 255) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("id size must be between 1 and 255")));
  }
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&] { return core::GenerateBetterAuthId(size); });
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}

// _utf16_length(text) returns integer: JavaScript's String.length, how Better Auth counts passwords.
AUTH_EXT_SQL_FUNCTION(auth_ext_utf16_length) {
  text* value = PG_GETARG_TEXT_PP(0);
  std::string_view bytes(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
  PG_RETURN_INT32(static_cast<int32>(core::password::Utf16Length(bytes)));
}

// _session_token_from_credential(credential text) returns text: the session token a bare token,
// signed cookie value or bearer value carries; NULL when a signature does not match; 55000 when a
// signed value arrives and better_auth_secret is not configured.
AUTH_EXT_SQL_FUNCTION(auth_ext_session_token_from_credential) {
  char* token = auth_ext::pg::SessionTokenFromCredential(PG_GETARG_TEXT_PP(0));
  if (token == nullptr) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(cstring_to_text(token));
}
