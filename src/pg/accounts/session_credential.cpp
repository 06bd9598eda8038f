// The session token a Better Auth credential carries, checked against the better_auth_secret setting:
// the function get_session uses, and the SQL function auth_ext._session_token_from_credential; and
// the other direction, the signed cookie value for a session (auth_ext.sign_session_cookie).
#include "pg/accounts/session_credential.hpp"

#include "pg/core_call.hpp"
#include "pg/settings.hpp"

#include "pg/accounts/session_lookup.hpp"

#include "core/session/cookie_signature.hpp"

namespace auth_ext::pg {

char* SessionTokenFromCredential(text* credential_text) {
  std::string_view credential(VARDATA_ANY(credential_text), VARSIZE_ANY_EXHDR(credential_text));
  const char* configured = SettingValue(Setting::kBetterAuthSecret);
  char* secret = pstrdup(configured != nullptr ? configured : "");
  size_t secret_len = strlen(secret);
  CoreOutcome out = CallCore([&] {
    return core::session::SessionTokenFromCredential(credential, std::string_view(secret, secret_len));
  });
  explicit_bzero(secret, secret_len);
  pfree(secret);
  if (!out.ok) RaiseCoreError(out);
  return out.value_len == 0 ? nullptr : out.value;
}

const char* RequireBetterAuthSecret(const char* purpose) {
  const char* secret = SettingValue(Setting::kBetterAuthSecret);
  if (secret == nullptr || secret[0] == '\0') {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("%s need the better_auth_secret setting", purpose),
                    errhint("SELECT auth_ext.configure('better_auth_secret', <BETTER_AUTH_SECRET>) as the database owner.")));
  }
  return secret;
}

char* CopyBetterAuthSecret(const char* purpose) { return pstrdup(RequireBetterAuthSecret(purpose)); }

void ForgetSecret(char* secret) {
  explicit_bzero(secret, strlen(secret));
  pfree(secret);
}

}  // namespace auth_ext::pg

// _session_token_from_credential(credential text) returns text: the session token a bare token,
// signed cookie value or bearer value carries; NULL when a signature does not match; 55000 when a
// signed value arrives and better_auth_secret is not configured.
AUTH_EXT_SQL_FUNCTION(auth_ext_session_token_from_credential) {
  char* token = auth_ext::pg::SessionTokenFromCredential(PG_GETARG_TEXT_PP(0));
  if (token == nullptr) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(cstring_to_text(token));
}

// sign_session_cookie(token text) returns text: Better Auth's signed session cookie value,
// "<token>.<base64(HMAC-SHA256(better_auth_secret, token))>" (not URL-encoded), for a live session's
// token of Better Auth's shape (32 letters and digits); NULL for any other value, so the function
// signs nothing else (the secret also signs Better Auth's other cookies, and a role that may write
// the session table could otherwise make any value a session's token). 55000 when
// better_auth_secret is not configured.
AUTH_EXT_SQL_FUNCTION(auth_ext_sign_session_cookie) {
  text* token_text = PG_GETARG_TEXT_PP(0);
  auth_ext::pg::RequireBetterAuthSecret("signed session cookies");  // first, so a missing secret is 55000 whatever the token
  if (!auth_ext::core::session::IsSessionTokenShape(
          std::string_view(VARDATA_ANY(token_text), VARSIZE_ANY_EXHDR(token_text)))) {
    PG_RETURN_NULL();
  }
  if (!auth_ext::pg::SessionIsLive(token_text)) PG_RETURN_NULL();
  char* secret = pstrdup(auth_ext::pg::RequireBetterAuthSecret("signed session cookies"));  // read again after the look-up
  size_t secret_len = strlen(secret);
  std::string_view token(VARDATA_ANY(token_text), VARSIZE_ANY_EXHDR(token_text));
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&] {
    return auth_ext::core::session::SignSessionToken(token, std::string_view(secret, secret_len));
  });
  explicit_bzero(secret, secret_len);
  pfree(secret);
  if (!out.ok) auth_ext::pg::RaiseCoreError(out);
  size_t total = token.size() + 1 + out.value_len;
  text* result = static_cast<text*>(palloc(VARHDRSZ + total));
  SET_VARSIZE(result, VARHDRSZ + total);
  memcpy(VARDATA(result), token.data(), token.size());
  VARDATA(result)[token.size()] = '.';
  memcpy(VARDATA(result) + token.size() + 1, out.value, out.value_len);
  PG_RETURN_TEXT_P(result);
}
