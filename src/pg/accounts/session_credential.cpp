// The session token a Better Auth credential carries, checked against the better_auth_secret setting.
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
