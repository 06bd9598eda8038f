// The session token a Better Auth credential carries, checked against the better_auth_secret setting:
// the function get_session uses, and the SQL function auth_ext._session_token_from_credential.
#include "pg/accounts/session_credential.hpp"

#include "pg/core_call.hpp"
#include "pg/settings.hpp"

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

}  // namespace auth_ext::pg

// _session_token_from_credential(credential text) returns text: the session token a bare token,
// signed cookie value or bearer value carries; NULL when a signature does not match; 55000 when a
// signed value arrives and better_auth_secret is not configured.
AUTH_EXT_SQL_FUNCTION(auth_ext_session_token_from_credential) {
  char* token = auth_ext::pg::SessionTokenFromCredential(PG_GETARG_TEXT_PP(0));
  if (token == nullptr) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(cstring_to_text(token));
}
