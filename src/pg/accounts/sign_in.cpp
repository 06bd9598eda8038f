// auth_ext.sign_in_email in C: Better Auth's email sign-in in one statement, with kept statements
// as get_session. The password is checked (CheckSignInPassword: scrypt, unlocked) or a standby's
// proof taken (auth_ext._check_current_password_proof, the check change_password shares); then the
// user row and the credential account are locked (delete_user's order) and the hash compared
// again, so a password change or deletion that committed meanwhile wins and none can commit before
// this transaction ends; then the session (CreateSession, the one session writer).
#include "pg/accounts/account_options.hpp"
#include "pg/accounts/coded_error.hpp"
#include "pg/accounts/prepare_write.hpp"
#include "pg/accounts/session_writer.hpp"
#include "pg/accounts/sign_in_password.hpp"
#include "pg/spi/kept_plan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/builtins.h"
}

namespace auth_ext::pg {

namespace {

constexpr char kOptions[] =
    "{\"ip_address\": \"string\", \"user_agent\": \"string\", \"remember_me\": \"boolean\","
    " \"session_expires_in\": \"integer\", \"session_fields\": \"object\","
    " \"require_email_verification\": \"boolean\", \"create_session\": \"boolean\"}";

KeptPlan proof_plan = {"SELECT COALESCE(auth_ext._check_current_password_proof($1, $2, $3), false)", 3,
                       {TEXTOID, TEXTOID, TEXTOID}, nullptr};

KeptPlan lock_user_plan = {"SELECT FROM auth_ext_names.\"user\" u WHERE u.id OPERATOR(pg_catalog.=) $1 FOR SHARE",
                           1, {TEXTOID}, nullptr};

KeptPlan lock_account_plan = {
    "SELECT CAST(a.password AS pg_catalog.text) FROM auth_ext_names.account a"
    " WHERE a.\"userId\" OPERATOR(pg_catalog.=) $1 AND a.\"providerId\" OPERATOR(pg_catalog.=) 'credential'"
    " AND a.\"accountId\" OPERATOR(pg_catalog.=) $1 ORDER BY a.id LIMIT 1 FOR SHARE",
    1, {TEXTOID}, nullptr};

bool SameText(text* a, text* b) {
  return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) && memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

// Whether a standby's proof shows the current password of the credential's user.
bool ProofMatches(const Credential& found, text* proof) {
  Datum args[3] = {PointerGetDatum(found.user_id), PointerGetDatum(found.stored_hash), PointerGetDatum(proof)};
  const char nulls[4] = {found.user_id ? ' ' : 'n', found.stored_hash ? ' ' : 'n', ' ', '\0'};
  return KeptBool(proof_plan, args, nulls);
}

// Locks the user row, then its credential account, and whether the hash is still stored_hash.
bool LockAndRecheck(const Credential& found) {
  Datum args[1] = {PointerGetDatum(found.user_id)};
  ConnectSpi();
  bool valid = false;
  if (RunKept(lock_user_plan, args, nullptr, SPI_OK_SELECT) > 0 && RunKept(lock_account_plan, args, nullptr, SPI_OK_SELECT) > 0) {
    bool isnull = false;
    const Datum locked = ResultColumn(0, 1, &isnull);
    valid = !isnull && SameText(DatumGetTextPP(locked), found.stored_hash);
  }
  SPI_finish();
  return valid;
}

// {"token", "user", "session"}; token and session JSON null without a session.
Jsonb* SignInResult(Jsonb* user, Jsonb* session) {
  JsonbParseState* state = nullptr;
  JsonbValue key, value;
  auto push_key = [&](const char* name) {
    key.type = jbvString;
    key.val.string.val = const_cast<char*>(name);
    key.val.string.len = static_cast<int>(strlen(name));
    pushJsonbValue(&state, WJB_KEY, &key);
  };
  auto push_json = [&](Jsonb* json) {
    if (json == nullptr) {
      value.type = jbvNull;
    } else {
      value.type = jbvBinary;
      value.val.binary.data = &json->root;
      value.val.binary.len = static_cast<int>(VARSIZE(json) - VARHDRSZ);
    }
    pushJsonbValue(&state, WJB_VALUE, &value);
  };
  pushJsonbValue(&state, WJB_BEGIN_OBJECT, nullptr);
  push_key("token");
  JsonbValue token;
  if (session != nullptr && getKeyJsonValueFromContainer(&session->root, "token", 5, &token) != nullptr) {
    pushJsonbValue(&state, WJB_VALUE, &token);
  } else {
    value.type = jbvNull;
    pushJsonbValue(&state, WJB_VALUE, &value);
  }
  push_key("user");
  push_json(user);
  push_key("session");
  push_json(session);
  return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, nullptr));
}

}  // namespace

Jsonb* SignInEmail(text* email, text* password, Jsonb* given_options, text* proof) {
  Jsonb* options = CheckedOptions("sign_in_email", given_options, kOptions);
  PrepareAccountWrite();
  bool has_expires_in = false;
  const int32 expires_in = OptionInt(options, "session_expires_in", &has_expires_in);
  if (has_expires_in && (expires_in < 1 || expires_in > 315360000)) {
    RaiseCoded("VALIDATION_ERROR", "session_expires_in must be from 1 to 315360000 seconds");
  }
  bool matches = false;
  Credential found{};
  if (proof == nullptr) {
    found = CheckSignInPassword(email, password, &matches);
  } else {
    // The password was checked where the proof was made (a standby): no scrypt here. The proof
    // must be this email's user's, made while the stored hash was the one there now.
    if (password != nullptr) RaiseCoded("VALIDATION_ERROR", "Give password or password_proof, not both");
    if (!IsValidEmail(email)) RaiseCoded("INVALID_EMAIL");
    found = CredentialByEmail(email);
    matches = ProofMatches(found, proof);
    if (!matches) RaiseCoded("INVALID_PASSWORD_PROOF");
  }
  const bool valid = matches && found.found && found.stored_hash != nullptr && LockAndRecheck(found);
  // One raise for every refusal, so the whole error is the same for an unknown email, a wrong
  // password and a password changed meanwhile.
  if (!valid) RaiseCoded(proof == nullptr ? "INVALID_EMAIL_OR_PASSWORD" : "INVALID_PASSWORD_PROOF");
  // Better Auth checks the password first: only the right password learns that the email is not
  // verified.
  if (OptionBool(options, "require_email_verification", false) && !found.email_verified) RaiseCoded("EMAIL_NOT_VERIFIED");
  if (!OptionBool(options, "create_session", true)) return SignInResult(found.user, nullptr);
  NewSession session{};
  session.user_id = found.user_id;
  session.ip_address = OptionText(options, "ip_address");
  session.user_agent = OptionText(options, "user_agent");
  session.remember_me = OptionBool(options, "remember_me", true);
  session.has_expires_in = has_expires_in;
  session.expires_in = expires_in;
  session.fields = OptionObject(options, "session_fields");
  session.token = nullptr;
  session.user_locked = true;
  return SignInResult(found.user, CreateSession(session));
}

}  // namespace auth_ext::pg

// sign_in_email(email text, password text, options jsonb, password_proof text) returns jsonb.
AUTH_EXT_SQL_FUNCTION(auth_ext_sign_in_email) {
  PG_RETURN_JSONB_P(auth_ext::pg::SignInEmail(PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0),
                                              PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1),
                                              PG_ARGISNULL(2) ? nullptr : PG_GETARG_JSONB_P(2),
                                              PG_ARGISNULL(3) ? nullptr : PG_GETARG_TEXT_PP(3)));
}
