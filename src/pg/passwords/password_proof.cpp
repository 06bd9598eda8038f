// SQL glue of password proofs (core/password/password_proof.hpp): auth_ext._seal_password_proof and
// auth_ext._open_password_proof, keyed by better_auth_secret, for auth_ext.password_proof and the
// proof paths of sign_in_email and sign_up_email (sql/src/55_password_proofs.sql).
#include "pg/core_call.hpp"

#include "pg/accounts/session_credential.hpp"

#include "core/password/password_proof.hpp"

namespace {

constexpr const char* kPurpose = "password proofs";

}  // namespace

// _seal_password_proof(payload text) returns text: the proof of payload. Internal (owner only):
// it seals anything it is given.
AUTH_EXT_SQL_FUNCTION(auth_ext_seal_password_proof) {
  text* payload = PG_GETARG_TEXT_PP(0);
  char* secret = auth_ext::pg::CopyBetterAuthSecret(kPurpose);
  size_t secret_len = strlen(secret);
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&] {
    return auth_ext::core::password::SealProof(std::string_view(VARDATA_ANY(payload), VARSIZE_ANY_EXHDR(payload)),
                                               std::string_view(secret, secret_len));
  });
  auth_ext::pg::ForgetSecret(secret);
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}

// _open_password_proof(proof text) returns text: the payload a proof seals, or NULL when it is not
// a proof sealed with the current key (any other text, one character changed, another secret).
AUTH_EXT_SQL_FUNCTION(auth_ext_open_password_proof) {
  text* proof = PG_GETARG_TEXT_PP(0);
  char* secret = auth_ext::pg::CopyBetterAuthSecret(kPurpose);
  size_t secret_len = strlen(secret);
  bool invalid = false;
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&]() -> auth_ext::core::Result<std::string> {
    auto opened = auth_ext::core::password::OpenProof(std::string_view(VARDATA_ANY(proof), VARSIZE_ANY_EXHDR(proof)),
                                                      std::string_view(secret, secret_len));
    if (!opened.ok() && opened.error().kind == auth_ext::core::ErrorKind::kInvalidToken) {
      invalid = true;
      return std::string();
    }
    return opened;
  });
  auth_ext::pg::ForgetSecret(secret);
  if (invalid) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}
