// auth_ext.get_session: the whole of Better Auth's session lookup in C. Kept SPI plans look the
// session and its user up by token, delete an expired session and apply the sliding refresh;
// BuildSessionJson writes the result from the rows. The plans name Better Auth's tables through
// the views of schema auth_ext_names, as every account statement does (pg/catalog/account_views.hpp),
// and every operator as OPERATOR(pg_catalog.x), so no schema an attacker may write to takes part in
// resolving them. They are static: PostgreSQL plans them again by itself when a view is rebuilt.
#include "pg/accounts/session_lookup.hpp"

#include "pg/catalog/account_views.hpp"
#include "pg/catalog/trusted_tables.hpp"
#include "pg/core_call.hpp"
#include "pg/settings.hpp"
#include "pg/spi/kept_plan.hpp"

#include "pg/accounts/session_credential.hpp"
#include "pg/accounts/row_json.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "executor/spi.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace auth_ext::pg {

namespace {

// The session and its user, whole, with the expiry the decisions read.
KeptPlan lookup_plan = {
    "SELECT se, u, se.\"expiresAt\""
    " FROM auth_ext_names.session se JOIN auth_ext_names.\"user\" u ON u.id OPERATOR(pg_catalog.=) se.\"userId\""
    " WHERE se.token OPERATOR(pg_catalog.=) $1",
    1, {TEXTOID}, nullptr};

// Whether a session with this token exists, and until when.
KeptPlan expiry_plan = {"SELECT se.\"expiresAt\" FROM auth_ext_names.session se WHERE se.token OPERATOR(pg_catalog.=) $1",
                        1, {TEXTOID}, nullptr};

// A JWT's session (its sid claim) by id, and its user: whether it is still there, and until when.
KeptPlan sid_plan = {"SELECT se.\"expiresAt\" FROM auth_ext_names.session se"
                     " WHERE se.id OPERATOR(pg_catalog.=) $1 AND se.\"userId\" OPERATOR(pg_catalog.=) $2",
                     2, {TEXTOID, TEXTOID}, nullptr};

// Better Auth deletes an expired session when it meets it; its "don't remember me" marker goes too.
KeptPlan delete_plan = {
    "WITH d AS (DELETE FROM auth_ext_names.session WHERE token OPERATOR(pg_catalog.=) $1 RETURNING CAST(id AS pg_catalog.text) AS id)"
    " DELETE FROM auth_ext.dont_remember_session m WHERE m.session_id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT d.id FROM d))",
    1, {TEXTOID}, nullptr};

// Read only when a refresh is due: whether auth_ext marked the session "don't remember me" when it
// created it (auth_ext.dont_remember_session, written in the session's INSERT statement), and its
// createdAt, which tells a session Better Auth itself created with rememberMe false.
KeptPlan dont_remember_plan = {
    "SELECT EXISTS (SELECT FROM auth_ext.dont_remember_session m"
    " WHERE m.session_id OPERATOR(pg_catalog.=) CAST(se.id AS pg_catalog.text)),"
    " CAST(se.\"createdAt\" AS pg_catalog.timestamptz)"
    " FROM auth_ext_names.session se WHERE se.token OPERATOR(pg_catalog.=) $1",
    1, {TEXTOID}, nullptr};

// Better Auth's sliding refresh: expiresAt = now + expiresIn, updatedAt = now.
KeptPlan refresh_plan = {
    "UPDATE auth_ext_names.session se SET \"expiresAt\" = $2, \"updatedAt\" = $3"
    " WHERE se.token OPERATOR(pg_catalog.=) $1 RETURNING se",
    3, {TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID}, nullptr};

// The views get_session reads, current (PostgreSQL plans the kept statements again after a rebuild).
void RequireSessionTables() {
  static const char* const kModels[] = {"session", "user"};
  RequireAccountTables(kModels, 2);
}

constexpr int64 kDontRememberLifetime = INT64CONST(86400) * USECS_PER_SEC;  // Better Auth: 1 day
constexpr int64 kDontRememberTolerance = INT64CONST(60) * USECS_PER_SEC;

// Whether a session that is due for the sliding refresh is a "don't remember me" one, never
// refreshed (Better Auth recognises it by its signed dont_remember cookie, which the database never
// sees). One auth_ext created with remember_me false has its marker, written with the row. One
// Better Auth created so has none; it has expiresAt = createdAt + 1 day (never refreshed by either
// side), which no session with a longer expiresIn has, and which no write of Better Auth's moves:
// updateSession and the refresh move updatedAt (the old test, expiresAt - updatedAt = 1 day, was
// undone by any such write), createdAt never changes. Inside SPI_connect; args[0] is the token.
bool IsDontRememberSession(Datum* args, TimestampTz expires_at, int64 expires_in_us) {
  if (RunKept(dont_remember_plan, args, nullptr, SPI_OK_SELECT) == 0) return false;  // deleted meanwhile: refresh finds nothing
  bool isnull = false;
  const bool marked = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  if (marked) return true;
  bool created_at_null = false;
  const TimestampTz created_at = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &created_at_null));
  if (created_at_null || expires_in_us <= kDontRememberLifetime + kDontRememberTolerance) return false;
  const int64 lifetime = expires_at - created_at;
  return lifetime >= kDontRememberLifetime - kDontRememberTolerance &&
         lifetime <= kDontRememberLifetime + kDontRememberTolerance;
}

// Whether kept (a SELECT of a session's expiresAt) finds a session that has not expired.
bool SessionNotExpired(KeptPlan& kept, Datum* args) {
  ConnectSpi();
  bool live = false;
  if (RunKept(kept, args, nullptr, SPI_OK_SELECT) > 0) {
    bool isnull = false;
    const Datum expires_at = ResultColumn(0, 1, &isnull);
    live = !isnull && DatumGetTimestampTz(expires_at) >= GetCurrentTransactionStartTimestamp();
  }
  SPI_finish();
  return live;
}

}  // namespace

Jsonb* GetSession(text* credential) {
  char* token = SessionTokenFromCredential(credential);
  if (token == nullptr || token[0] == '\0') return nullptr;
  const int64 expires_in_us = SettingInt(Setting::kSessionExpiresInSeconds) * USECS_PER_SEC;
  const int64 update_age_us = SettingInt(Setting::kSessionUpdateAgeSeconds) * USECS_PER_SEC;
  RequireSessionTables();
  Datum args[3] = {PointerGetDatum(cstring_to_text(token)), 0, 0};

  ConnectSpi();
  if (RunKept(lookup_plan, args, nullptr, SPI_OK_SELECT) == 0) {
    SPI_finish();
    return nullptr;
  }
  SPITupleTable* found = SPI_tuptable;  // kept until SPI_finish, past the statements below
  HeapTuple row = found->vals[0];
  bool isnull = false;
  Datum session_row = SPI_getbinval(row, found->tupdesc, 1, &isnull);
  const Datum user_row = SPI_getbinval(row, found->tupdesc, 2, &isnull);
  const TimestampTz expires_at = DatumGetTimestampTz(SPI_getbinval(row, found->tupdesc, 3, &isnull));
  const TimestampTz now = GetCurrentTransactionStartTimestamp();
  const bool writable = !XactReadOnly;  // a hot standby's transactions are read-only

  if (expires_at < now) {  // Better Auth: expiresAt < now is expired; the row goes
    if (writable) RunKept(delete_plan, args, nullptr, SPI_OK_DELETE);
    SPI_finish();
    return nullptr;
  }
  // The marker is read only here, when a refresh would otherwise be written (the fast path is one
  // indexed SELECT).
  const bool refresh_due = expires_at - expires_in_us + update_age_us <= now && writable &&
                           !IsDontRememberSession(args, expires_at, expires_in_us);
  if (refresh_due) {
    const TimestampTz now_ms = now - now % 1000;  // JavaScript dates have milliseconds
    args[1] = TimestampTzGetDatum(now_ms + expires_in_us);
    args[2] = TimestampTzGetDatum(now_ms);
    if (RunKept(refresh_plan, args, nullptr, SPI_OK_UPDATE_RETURNING) == 0) {  // deleted meanwhile
      SPI_finish();
      return nullptr;
    }
    session_row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
  }
  Jsonb* result = static_cast<Jsonb*>(CopyVarlenaOut(BuildSessionJson(session_row, user_row)));
  SPI_finish();
  return result;
}

bool SessionIsLive(text* token) {
  RequireSessionTables();
  Datum args[1] = {PointerGetDatum(cstring_to_text_with_len(VARDATA_ANY(token), VARSIZE_ANY_EXHDR(token)))};
  const bool live = SessionNotExpired(expiry_plan, args);
  return live;
}

bool SessionIdIsLive(text* session_id, text* user_id) {
  Oid caller = InvalidOid;
  int caller_context = 0;
  GetUserIdAndSecContext(&caller, &caller_context);
  // The owner's rights for the lookup only; an error on the way is undone by the (sub)transaction's
  // abort, which restores the caller's role and security context.
  SetUserIdAndSecContext(ExtensionOwner(), caller_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
  RequireSessionTables();
  Datum args[2] = {PointerGetDatum(session_id), PointerGetDatum(user_id)};
  const bool live = SessionNotExpired(sid_plan, args);
  SetUserIdAndSecContext(caller, caller_context);
  return live;
}

}  // namespace auth_ext::pg

// get_session(credential text) returns jsonb: {"session","user"} for a valid session, else NULL.
AUTH_EXT_SQL_FUNCTION(auth_ext_get_session) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  Jsonb* result = auth_ext::pg::GetSession(PG_GETARG_TEXT_PP(0));
  if (result == nullptr) PG_RETURN_NULL();
  PG_RETURN_JSONB_P(result);
}
