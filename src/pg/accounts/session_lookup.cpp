// auth_ext.get_session's fast path: a cached SPI plan looks the session and its user up by token;
// expired sessions and sessions due for Better Auth's sliding refresh go to the PL/pgSQL slow path
// (auth_ext._get_session_slow), which deletes or extends them.
#include "pg/core_call.hpp"
#include "pg/settings.hpp"

#include "pg/accounts/session_credential.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
}

namespace {

// The prepared lookup, kept across calls; re-prepared when the schema setting changes.
SPIPlanPtr lookup_plan = nullptr;
char lookup_schema[NAMEDATALEN] = "";

const char kLookupTemplate[] =
    "SELECT pg_catalog.jsonb_build_object("
    " 'session', pg_catalog.to_jsonb(se) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object("
    "   'expiresAt', pg_catalog.to_char(pg_catalog.timezone('UTC', se.\"expiresAt\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    "   'createdAt', pg_catalog.to_char(pg_catalog.timezone('UTC', se.\"createdAt\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    "   'updatedAt', pg_catalog.to_char(pg_catalog.timezone('UTC', se.\"updatedAt\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')),"
    " 'user', pg_catalog.to_jsonb(u) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object("
    "   'createdAt', pg_catalog.to_char(pg_catalog.timezone('UTC', u.\"createdAt\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
    "   'updatedAt', pg_catalog.to_char(pg_catalog.timezone('UTC', u.\"updatedAt\"), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))),"
    " se.\"expiresAt\""
    " FROM %s.session se JOIN %s.\"user\" u ON u.id OPERATOR(pg_catalog.=) se.\"userId\""
    " WHERE se.token OPERATOR(pg_catalog.=) $1";

// The kept plan for schema (inside SPI_connect).
SPIPlanPtr LookupPlan(const char* schema) {
  if (lookup_plan != nullptr && strcmp(lookup_schema, schema) == 0) return lookup_plan;
  const char* quoted = quote_identifier(schema);
  char* query = psprintf(kLookupTemplate, quoted, quoted);
  Oid argtypes[1] = {TEXTOID};
  SPIPlanPtr plan = SPI_prepare(query, 1, argtypes);
  if (plan == nullptr) elog(ERROR, "auth_ext: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
  if (SPI_keepplan(plan) != 0) elog(ERROR, "auth_ext: SPI_keepplan failed");
  if (lookup_plan != nullptr) SPI_freeplan(lookup_plan);
  lookup_plan = plan;
  strlcpy(lookup_schema, schema, sizeof lookup_schema);
  return plan;
}

// Calls auth_ext._get_session_slow(token).
Datum SlowPath(text* token, bool* isnull) {
  Oid argtypes[1] = {TEXTOID};
  List* name = list_make2(makeString(pstrdup("auth_ext")), makeString(pstrdup("_get_session_slow")));
  FmgrInfo flinfo;
  fmgr_info(LookupFuncName(name, 1, argtypes, false), &flinfo);
  LOCAL_FCINFO(call, 1);
  InitFunctionCallInfoData(*call, &flinfo, 1, InvalidOid, nullptr, nullptr);
  call->args[0].value = PointerGetDatum(token);
  call->args[0].isnull = false;
  Datum result = FunctionCallInvoke(call);
  *isnull = call->isnull;
  return result;
}

}  // namespace

// get_session(credential text) returns jsonb: {"session","user"} for a valid session, else NULL.
AUTH_EXT_SQL_FUNCTION(auth_ext_get_session) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  char* token = auth_ext::pg::SessionTokenFromCredential(PG_GETARG_TEXT_PP(0));
  if (token == nullptr || token[0] == '\0') PG_RETURN_NULL();
  char* schema = pstrdup(auth_ext::pg::SettingValue(auth_ext::pg::Setting::kBetterAuthSchema));
  const int64 expires_in = auth_ext::pg::SettingInt(auth_ext::pg::Setting::kSessionExpiresInSeconds);
  const int64 update_age = auth_ext::pg::SettingInt(auth_ext::pg::Setting::kSessionUpdateAgeSeconds);
  Oid ns = get_namespace_oid(schema, true);
  if (!OidIsValid(ns) || !OidIsValid(get_relname_relid("session", ns)) || !OidIsValid(get_relname_relid("user", ns))) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("Better Auth's tables are missing in schema \"%s\"", schema),
                    errhint("Run SELECT * FROM auth_ext.check_schema('%s'); auth_ext.create_better_auth_schema('%s') creates them.",
                            schema, schema)));
  }
  text* token_text = cstring_to_text(token);

  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "auth_ext: SPI_connect failed");
  Datum arg = PointerGetDatum(token_text);
  int rc = SPI_execute_plan(LookupPlan(schema), &arg, nullptr, false, 1);  // VOLATILE: sees this transaction's writes
  if (rc != SPI_OK_SELECT) elog(ERROR, "auth_ext: session lookup failed: %s", SPI_result_code_string(rc));
  if (SPI_processed == 0) {
    SPI_finish();
    PG_RETURN_NULL();
  }
  bool isnull = false;
  TupleDesc desc = SPI_tuptable->tupdesc;
  HeapTuple row = SPI_tuptable->vals[0];
  const TimestampTz expires_at = DatumGetTimestampTz(SPI_getbinval(row, desc, 2, &isnull));
  const TimestampTz now = GetCurrentTransactionStartTimestamp();
  const bool expired = expires_at <= now;
  const bool refresh_due = expires_at - expires_in * USECS_PER_SEC + update_age * USECS_PER_SEC <= now;
  Jsonb* result = nullptr;
  if (!expired && !refresh_due) {
    Jsonb* found = DatumGetJsonbP(SPI_getbinval(row, desc, 1, &isnull));
    result = static_cast<Jsonb*>(SPI_palloc(VARSIZE(found)));  // in the caller's context
    memcpy(result, found, VARSIZE(found));
  }
  SPI_finish();
  if (result != nullptr) PG_RETURN_JSONB_P(result);

  Datum slow = SlowPath(token_text, &isnull);  // deletes an expired row, or extends the session
  if (isnull) PG_RETURN_NULL();
  PG_RETURN_DATUM(slow);
}
