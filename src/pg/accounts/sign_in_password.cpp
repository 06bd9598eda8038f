// CheckSignInPassword, CredentialByEmail and the SQL function auth_ext._check_sign_in_password.
// The scrypt is auth_ext.verify_password's, called through a kept statement.
#include "pg/accounts/sign_in_password.hpp"

#include "pg/accounts/coded_error.hpp"
#include "pg/accounts/row_json.hpp"
#include "pg/core_call.hpp"
#include "pg/settings.hpp"
#include "pg/spi/kept_plan.hpp"

#include "core/password/scrypt_hash.hpp"
#include "core/password/utf16_length.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
}

namespace auth_ext::pg {

namespace {

namespace core = auth_ext::core;

KeptPlan valid_email_plan = {"SELECT auth_ext._is_valid_email($1)", 1, {TEXTOID}, nullptr};

KeptPlan credential_plan = {
    "SELECT CAST(u.id AS pg_catalog.text), CAST(a.password AS pg_catalog.text), auth_ext._row_json(u),"
    " COALESCE(CAST(u.\"emailVerified\" AS pg_catalog.text) OPERATOR(pg_catalog.=) 'true', false)"
    " FROM auth_ext_names.\"user\" u"
    " LEFT JOIN auth_ext_names.account a ON a.\"userId\" OPERATOR(pg_catalog.=) u.id"
    " AND a.\"providerId\" OPERATOR(pg_catalog.=) 'credential' AND a.\"accountId\" OPERATOR(pg_catalog.=) u.id"
    " WHERE u.email OPERATOR(pg_catalog.=) pg_catalog.lower($1)"
    " ORDER BY a.id LIMIT 1",
    1, {TEXTOID}, nullptr};

KeptPlan verify_plan = {"SELECT auth_ext.verify_password($1, $2)", 2, {TEXTOID, TEXTOID}, nullptr};

// Verified against when there is no usable hash, so an unknown email costs the same scrypt.
constexpr char kDummyHash[] =
    "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d";

// A text result, copied out of SPI's memory into the caller's.
text* CopyText(Datum value) { return static_cast<text*>(CopyVarlenaOut(DatumGetTextPP(value))); }

// Whether Better Auth could read stored (auth_ext.verify_password raises 22P02 where it cannot).
bool IsBetterAuthHash(text* stored) {
  std::string_view bytes(VARDATA_ANY(stored), VARSIZE_ANY_EXHDR(stored));
  CoreOutcome outcome = CallCore([&]() -> core::Result<bool> { return core::password::ParseStoredHash(bytes).ok(); });
  return outcome.ok && outcome.boolean;
}

bool VerifyPassword(text* password, text* stored) {
  Datum args[2] = {PointerGetDatum(password), PointerGetDatum(stored)};
  return KeptBool(verify_plan, args, nullptr);
}

}  // namespace

bool IsValidEmail(text* email) {
  if (email == nullptr) return false;
  Datum args[1] = {PointerGetDatum(email)};
  return KeptBool(valid_email_plan, args, nullptr);
}

Credential CredentialByEmail(text* email) {
  Credential found{};
  Datum args[1] = {PointerGetDatum(email)};
  ConnectSpi();
  if (RunKept(credential_plan, args, nullptr, SPI_OK_SELECT) > 0) {
    bool isnull = false;
    found.found = true;
    found.user_id = CopyText(ResultColumn(0, 1, &isnull));
    const Datum hash = ResultColumn(0, 2, &isnull);
    found.stored_hash = isnull ? nullptr : CopyText(hash);
    found.user = static_cast<Jsonb*>(CopyVarlenaOut(DatumGetJsonbP(ResultColumn(0, 3, &isnull))));
    found.email_verified = DatumGetBool(ResultColumn(0, 4, &isnull));
  }
  SPI_finish();
  return found;
}

Credential CheckSignInPassword(text* email, text* password, bool* matches) {
  *matches = false;
  if (!IsValidEmail(email)) RaiseCoded("INVALID_EMAIL");
  if (password == nullptr) RaiseCoded("VALIDATION_ERROR", "Password is required");  // Better Auth's body validation
  const std::string_view bytes(VARDATA_ANY(password), VARSIZE_ANY_EXHDR(password));
  if (static_cast<int64>(core::password::Utf16Length(bytes)) > SettingInt(Setting::kMaxPasswordLength)) {
    RaiseCoded("PASSWORD_TOO_LONG");
  }
  Credential found = CredentialByEmail(email);
  if (found.stored_hash != nullptr && IsBetterAuthHash(found.stored_hash)) {
    *matches = VerifyPassword(password, found.stored_hash);
  } else {
    // No hash, or one that is not Better Auth's scrypt format (another hasher's, or damaged): a
    // wrong password, at the cost of one, never an internal error. check_schema() reports such rows.
    VerifyPassword(password, cstring_to_text(kDummyHash));
  }
  return found;
}

}  // namespace auth_ext::pg

// _check_sign_in_password(email, password, OUT user_id, OUT stored_hash, OUT found_user, OUT matches).
AUTH_EXT_SQL_FUNCTION(auth_ext_check_sign_in_password) {
  bool matches = false;
  auth_ext::pg::Credential found = auth_ext::pg::CheckSignInPassword(PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0),
                                                                     PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1), &matches);
  TupleDesc desc = nullptr;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE) elog(ERROR, "auth_ext: a record is expected");
  desc = BlessTupleDesc(desc);
  Datum values[4] = {PointerGetDatum(found.user_id), PointerGetDatum(found.stored_hash), JsonbPGetDatum(found.user),
                     BoolGetDatum(matches)};
  bool nulls[4] = {!found.found, found.stored_hash == nullptr, !found.found, false};
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
