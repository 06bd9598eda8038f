// auth_ext.get_session's fast path: a kept SPI plan looks the session and its user up by token and
// BuildSessionJson writes the result from the two rows; expired sessions and sessions due for
// Better Auth's sliding refresh go to the PL/pgSQL slow path (auth_ext._get_session_slow), which
// deletes or extends them.
#include "pg/core_call.hpp"
#include "pg/settings.hpp"

#include "pg/accounts/session_credential.hpp"
#include "pg/accounts/session_json.hpp"

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

// A prepared statement kept across calls; re-prepared when the schema setting changes.
struct KeptPlan {
  SPIPlanPtr plan = nullptr;
  char schema[NAMEDATALEN] = "";
};

// The lookup: both rows whole, and the expiry; BuildSessionJson writes the result from the rows.
KeptPlan row_plan;
const char kRowLookupTemplate[] =
    "SELECT se, u, se.\"expiresAt\""
    " FROM %s.session se JOIN %s.\"user\" u ON u.id OPERATOR(pg_catalog.=) se.\"userId\""
    " WHERE se.token OPERATOR(pg_catalog.=) $1";

// The general builder, for tables with a column type BuildSessionJson does not write: the same
// rows through auth_ext._row_json / _js_dates, as sign-up, sign-in and the slow path build them.
KeptPlan json_plan;
const char kJsonLookupTemplate[] =
    "SELECT pg_catalog.jsonb_build_object("
    " 'session', COALESCE(auth_ext._row_json(se), auth_ext._js_dates(pg_catalog.to_jsonb(se))),"
    " 'user', COALESCE(auth_ext._row_json(u), auth_ext._js_dates(pg_catalog.to_jsonb(u))))"
    " FROM %s.session se JOIN %s.\"user\" u ON u.id OPERATOR(pg_catalog.=) se.\"userId\""
    " WHERE se.token OPERATOR(pg_catalog.=) $1";

// The kept plan of template for schema (inside SPI_connect).
SPIPlanPtr PlanFor(KeptPlan& kept, const char* query_template, const char* schema) {
  if (kept.plan != nullptr && strcmp(kept.schema, schema) == 0) return kept.plan;
  const char* quoted = quote_identifier(schema);
  char* query = psprintf(query_template, quoted, quoted);
  Oid argtypes[1] = {TEXTOID};
  SPIPlanPtr plan = SPI_prepare(query, 1, argtypes);
  if (plan == nullptr) elog(ERROR, "auth_ext: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
  if (SPI_keepplan(plan) != 0) elog(ERROR, "auth_ext: SPI_keepplan failed");
  if (kept.plan != nullptr) SPI_freeplan(kept.plan);
  kept.plan = plan;
  strlcpy(kept.schema, schema, sizeof kept.schema);
  return plan;
}

// Runs a kept plan for the token; VOLATILE (read_only false) so it sees this transaction's writes.
bool Lookup(KeptPlan& kept, const char* query_template, const char* schema, text* token) {
  Datum arg = PointerGetDatum(token);
  int rc = SPI_execute_plan(PlanFor(kept, query_template, schema), &arg, nullptr, false, 1);
  if (rc != SPI_OK_SELECT) elog(ERROR, "auth_ext: session lookup failed: %s", SPI_result_code_string(rc));
  return SPI_processed > 0;
}

// A copy of a jsonb in the caller's memory context (inside SPI_connect).
Jsonb* CopyOut(Jsonb* value) {
  Jsonb* copy = static_cast<Jsonb*>(SPI_palloc(VARSIZE(value)));
  memcpy(copy, value, VARSIZE(value));
  return copy;
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
  if (!Lookup(row_plan, kRowLookupTemplate, schema, token_text)) {
    SPI_finish();
    PG_RETURN_NULL();
  }
  bool isnull = false;
  TupleDesc desc = SPI_tuptable->tupdesc;
  HeapTuple row = SPI_tuptable->vals[0];
  const TimestampTz expires_at = DatumGetTimestampTz(SPI_getbinval(row, desc, 3, &isnull));
  const TimestampTz now = GetCurrentTransactionStartTimestamp();
  const bool expired = expires_at <= now;
  const bool refresh_due = expires_at - expires_in * USECS_PER_SEC + update_age * USECS_PER_SEC <= now;
  Jsonb* result = nullptr;
  if (!expired && !refresh_due) {
    Jsonb* built = auth_ext::pg::BuildSessionJson(SPI_getbinval(row, desc, 1, &isnull), SPI_getbinval(row, desc, 2, &isnull));
    if (built == nullptr && Lookup(json_plan, kJsonLookupTemplate, schema, token_text)) {
      built = DatumGetJsonbP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    }
    if (built != nullptr) result = CopyOut(built);
  }
  SPI_finish();
  if (result != nullptr) PG_RETURN_JSONB_P(result);

  Datum slow = SlowPath(token_text, &isnull);  // deletes an expired row, or extends the session
  if (isnull) PG_RETURN_NULL();
  PG_RETURN_DATUM(slow);
}
