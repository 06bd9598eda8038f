// auth_ext._create_session in C: one INSERT statement, kept, writes the session row and, for a
// "don't remember me" session, its marker in auth_ext.dont_remember_session (removing up to 100
// markers of expired sessions, skipping any another transaction holds). Extra session columns
// (Better Auth's session.additionalFields) are the one dynamic case: the same statement text with
// the checked column list of auth_ext._extra_columns, run unkept.
#include "pg/accounts/session_writer.hpp"

#include "pg/accounts/coded_error.hpp"
#include "pg/catalog/account_views.hpp"
#include "pg/settings.hpp"
#include "pg/spi/kept_plan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

namespace auth_ext::pg {

namespace {

// The statement, with the extra columns' names (%1$s), their values (%2$s, read from r, the
// fields as a session row) and the marker's common table expressions (%3$s). $1 expiresAt, $2 the
// caller's token or NULL, $3 now (createdAt, updatedAt), $4 ipAddress, $5 userAgent, $6 userId,
// $7 the extra fields (NULL for none).
constexpr char kInsertTemplate[] =
    "WITH ins AS (INSERT INTO auth_ext_names.session AS se"
    " (id, \"expiresAt\", token, \"createdAt\", \"updatedAt\", \"ipAddress\", \"userAgent\", \"userId\"%1$s)"
    " SELECT auth_ext._new_id(), $1, COALESCE($2, auth_ext.generate_id(32)), $3, $3, $4, $5, $6%2$s"
    " FROM pg_catalog.jsonb_populate_record(CAST(NULL AS auth_ext_names.session), $7) r"
    " RETURNING se)%3$s"
    " SELECT auth_ext._row_json(i.se) FROM ins i";

constexpr char kMarker[] =
    ", mark AS (INSERT INTO auth_ext.dont_remember_session AS m (session_id, expires_at)"
    " SELECT CAST((i.se).id AS pg_catalog.text), (i.se).\"expiresAt\" FROM ins i"
    " ON CONFLICT (session_id) DO UPDATE SET expires_at = EXCLUDED.expires_at),"
    " gone AS (DELETE FROM auth_ext.dont_remember_session d WHERE d.session_id OPERATOR(pg_catalog.=) ANY (ARRAY("
    "SELECT o.session_id FROM auth_ext.dont_remember_session o"
    " WHERE o.expires_at OPERATOR(pg_catalog.<) $3"
    " AND o.session_id OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT CAST((i.se).id AS pg_catalog.text) FROM ins i))"
    " LIMIT 100 FOR UPDATE SKIP LOCKED)))";

constexpr int kInsertArgs = 7;
#define AUTH_EXT_INSERT_ARGTYPES {TIMESTAMPTZOID, TEXTOID, TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID}

// The two statements without extra columns, kept; their text is built from the template once.
KeptPlan remembered_plan = {nullptr, kInsertArgs, AUTH_EXT_INSERT_ARGTYPES, nullptr};
KeptPlan dont_remember_plan = {nullptr, kInsertArgs, AUTH_EXT_INSERT_ARGTYPES, nullptr};

// The user row, locked as the foreign key's check locks it: a user deleted meanwhile is a coded
// error, never a foreign key violation naming a constraint.
KeptPlan lock_user_plan = {"SELECT FROM auth_ext_names.\"user\" u WHERE u.id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE",
                           1, {TEXTOID}, nullptr};

KeptPlan token_taken_plan = {"SELECT FROM auth_ext_names.session se WHERE se.token OPERATOR(pg_catalog.=) $1",
                             1, {TEXTOID}, nullptr};

KeptPlan extra_columns_plan = {
    "SELECT e.columns, e.vals FROM auth_ext._extra_columns('session', 'session_fields', $1,"
    " ARRAY['id', 'expiresAt', 'token', 'createdAt', 'updatedAt', 'ipAddress', 'userAgent', 'userId'], 'auth_ext') e",
    1, {JSONBOID}, nullptr};

char* InsertStatement(const char* columns, const char* values, bool marker) {
  return psprintf(kInsertTemplate, columns, values, marker ? kMarker : "");
}

KeptPlan& PlanWithoutFields(bool marker) {
  KeptPlan& kept = marker ? dont_remember_plan : remembered_plan;
  if (kept.query == nullptr) kept.query = MemoryContextStrdup(TopMemoryContext, InsertStatement("", "", marker));
  return kept;
}

constexpr int64 kDontRememberSeconds = 86400;  // Better Auth: one day

}  // namespace

Jsonb* CreateSession(const NewSession& session) {
  static const char* const kModels[] = {"session", "user"};
  RequireAccountTables(kModels, 2);
  // Better Auth: session.expiresIn (the caller's, else the setting), or one day for a "don't
  // remember me" session whatever expiresIn is.
  const int64 lifetime = !session.remember_me       ? kDontRememberSeconds
                         : session.has_expires_in ? session.expires_in
                                                  : SettingInt(Setting::kSessionExpiresInSeconds);
  const TimestampTz now = GetCurrentTransactionStartTimestamp();
  const TimestampTz now_ms = now - now % 1000;  // JavaScript dates have milliseconds
  text* empty = cstring_to_text("");
  Datum args[kInsertArgs] = {TimestampTzGetDatum(now_ms + lifetime * USECS_PER_SEC),
                             PointerGetDatum(session.token),
                             TimestampTzGetDatum(now_ms),
                             PointerGetDatum(session.ip_address ? session.ip_address : empty),
                             PointerGetDatum(session.user_agent ? session.user_agent : empty),
                             PointerGetDatum(session.user_id),
                             session.fields ? JsonbPGetDatum(session.fields) : Datum(0)};
  // No fields: $7 NULL, which jsonb_populate_record reads as a row of NULLs (no JSON to parse).
  const char nulls[kInsertArgs + 1] = {' ', session.token ? ' ' : 'n', ' ', ' ', ' ', session.user_id ? ' ' : 'n',
                                       session.fields ? ' ' : 'n', '\0'};

  ConnectSpi();
  if (!session.user_locked && (session.user_id == nullptr || RunKept(lock_user_plan, &args[5], nulls + 5, SPI_OK_SELECT) == 0)) {
    SPI_finish();
    RaiseCoded("USER_NOT_FOUND");
  }
  // A caller-chosen token that is taken (a generated one cannot collide in practice); one taken by a
  // transaction that commits meanwhile is the unique index's 23505.
  if (session.token != nullptr && RunKept(token_taken_plan, &args[1], nullptr, SPI_OK_SELECT) > 0) {
    SPI_finish();
    RaiseCoded("VALIDATION_ERROR", "session_token is already taken");
  }
  uint64 rows = 0;
  if (session.fields == nullptr) {
    rows = RunKept(PlanWithoutFields(!session.remember_me), args, nulls, SPI_OK_SELECT);
  } else {
    RunKept(extra_columns_plan, &args[6], nullptr, SPI_OK_SELECT);
    const char* columns = ResultText(0, 1);
    const char* values = ResultText(0, 2);
    Oid argtypes[kInsertArgs] = AUTH_EXT_INSERT_ARGTYPES;
    const int rc = SPI_execute_with_args(InsertStatement(columns ? columns : "", values ? values : "", !session.remember_me),
                                         kInsertArgs, argtypes, args, nulls, false, 0);
    if (rc != SPI_OK_SELECT) elog(ERROR, "auth_ext: session insert failed: %s", SPI_result_code_string(rc));
    rows = SPI_processed;
  }
  if (rows != 1) elog(ERROR, "auth_ext: the session insert returned %llu rows", static_cast<unsigned long long>(rows));
  bool isnull = false;
  Jsonb* result = static_cast<Jsonb*>(CopyVarlenaOut(DatumGetJsonbP(ResultColumn(0, 1, &isnull))));
  SPI_finish();
  return result;
}

}  // namespace auth_ext::pg

// _create_session(user_id, ip_address, user_agent, remember_me, session_expires_in, session_fields,
// session_token) returns jsonb: the new session row. NULL ip/agent: ''; remember_me NULL: true.
AUTH_EXT_SQL_FUNCTION(auth_ext_create_session) {
  auth_ext::pg::NewSession session{};
  session.user_id = PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0);
  session.ip_address = PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1);
  session.user_agent = PG_ARGISNULL(2) ? nullptr : PG_GETARG_TEXT_PP(2);
  session.remember_me = PG_ARGISNULL(3) || PG_GETARG_BOOL(3);
  session.has_expires_in = !PG_ARGISNULL(4);
  session.expires_in = session.has_expires_in ? PG_GETARG_INT32(4) : 0;
  session.fields = PG_ARGISNULL(5) ? nullptr : PG_GETARG_JSONB_P(5);
  session.token = PG_ARGISNULL(6) ? nullptr : PG_GETARG_TEXT_PP(6);
  session.user_locked = false;
  PG_RETURN_JSONB_P(auth_ext::pg::CreateSession(session));
}
