// Better Auth's tables checked before owner-rights code touches them (see trusted_tables.hpp).
#include "pg/catalog/trusted_tables.hpp"

#include <cstring>

#include "pg/settings.hpp"
#include "pg/table_names.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
}

namespace auth_ext::pg {

namespace {

// The error code of auth_ext.error_codes() the refusals carry (message prefix and CONSTRAINT field).
constexpr const char kUntrustedCode[] = "UNTRUSTED_OBJECT";

// Whether the last check passed, and under which settings generation.
bool trusted = false;
uint64 trusted_generation = 0;

// Invalidation callbacks only drop the flag: they also run while a transaction aborts, where no
// catalog lookup may happen.
void DropVerdict(Datum, int, uint32) { trusted = false; }
void DropVerdictRelcache(Datum, Oid) { trusted = false; }

// The relations to check ($1), the owner ($2). Offenders first, one row each: what is wrong with
// whom. Run with search_path pinned to pg_catalog, pg_temp (built-ins resolve unqualified, and a
// temporary schema is never searched for functions or operators).
constexpr const char kOffendersQuery[] = R"sql(
WITH rel(oid) AS (SELECT unnest($1::oid[])),
-- The relations and what hangs off them and runs code on their rows: column defaults and
-- generated columns, constraints, triggers, policies, rules, indexes.
hanging(classid, objid) AS (
  SELECT 'pg_class'::regclass, r.oid FROM rel r
  UNION
  SELECT d.classid, d.objid FROM pg_depend d JOIN rel r ON d.refobjid = r.oid
   WHERE d.refclassid = 'pg_class'::regclass
     AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
  UNION
  SELECT 'pg_rewrite'::regclass, w.oid FROM pg_rewrite w JOIN rel r ON w.ev_class = r.oid
  UNION
  SELECT 'pg_class'::regclass, i.indexrelid FROM pg_index i JOIN rel r ON i.indrelid = r.oid
),
-- The functions, operators and types those use.
used(classid, objid, user_classid, user_objid) AS (
  SELECT DISTINCT d.refclassid, d.refobjid, d.classid, d.objid
    FROM pg_depend d JOIN hanging h ON d.classid = h.classid AND d.objid = h.objid
   WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass, 'pg_type'::regclass)
),
owned(classid, objid, user_classid, user_objid, owner) AS (
  SELECT u.classid, u.objid, u.user_classid, u.user_objid,
         COALESCE((SELECT p.proowner FROM pg_proc p WHERE u.classid = 'pg_proc'::regclass AND p.oid = u.objid),
                  (SELECT o.oprowner FROM pg_operator o WHERE u.classid = 'pg_operator'::regclass AND o.oid = u.objid),
                  (SELECT t.typowner FROM pg_type t WHERE u.classid = 'pg_type'::regclass AND t.oid = u.objid))
    FROM used u
   WHERE u.objid >= 16384  -- FirstNormalObjectId: below it, PostgreSQL's own objects
)
SELECT format('%s belongs to role %s, not to %s, the owner of the auth_ext extension',
              pg_describe_object('pg_class'::regclass, c.oid, 0), quote_ident(pg_get_userbyid(c.relowner)),
              quote_ident(pg_get_userbyid($2))),
       format('ALTER %s %s OWNER TO %s; or drop it if another role planted it',
              CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, c.oid::regclass, quote_ident(pg_get_userbyid($2)))
  FROM rel r JOIN pg_class c ON c.oid = r.oid
 WHERE c.relowner <> $2
UNION ALL
SELECT format('%s uses %s, which belongs to role %s, not to %s, the owner of the auth_ext extension',
              pg_describe_object(o.user_classid, o.user_objid, 0), pg_describe_object(o.classid, o.objid, 0),
              quote_ident(pg_get_userbyid(o.owner)), quote_ident(pg_get_userbyid($2))),
       format('hand %s to %s, or remove %s', pg_describe_object(o.classid, o.objid, 0),
              quote_ident(pg_get_userbyid($2)), pg_describe_object(o.user_classid, o.user_objid, 0))
  FROM owned o JOIN pg_roles a ON a.oid = o.owner
 WHERE o.owner <> $2 AND NOT a.rolsuper
)sql";

SPIPlanPtr offenders_plan = nullptr;

// Appends the relation schema.name to the list when it exists.
void AddRelation(Oid ns, const char* name, Datum* relations, int* count) {
  const Oid relid = OidIsValid(ns) ? get_relname_relid(name, ns) : InvalidOid;
  if (OidIsValid(relid)) relations[(*count)++] = ObjectIdGetDatum(relid);
}

// Better Auth's tables that exist in schema (by the configured names), palloc'd with room for the
// views too; *count of them.
Datum* ModelRelations(const char* schema, int* count) {
  const int models = ModelCount();
  Datum* relations = static_cast<Datum*>(palloc(sizeof(Datum) * 2 * models));
  *count = 0;
  const Oid ns = get_namespace_oid(schema, true);
  for (int i = 0; i < models; ++i) AddRelation(ns, ModelTable(i), relations, count);
  return relations;
}

// Runs the offenders query over the relations, at most limit rows (0: all), and calls
// visit(problem, fix) for each row, inside SPI (visit may not call SPI_finish).
template <typename Visit>
void ForEachOffender(Datum* relations, int count, Oid owner, long limit, Visit&& visit) {
  if (count == 0) return;
  ArrayType* array = construct_array(relations, count, OIDOID, sizeof(Oid), true, TYPALIGN_INT);
  // search_path pinned for this query, as a function's SET clause would: the caller may be the
  // application role with a search_path of its choosing (authenticate() reads the jwks table).
  const int nest_level = NewGUCNestLevel();
  (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                          false);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "auth_ext: SPI_connect failed");
  if (offenders_plan == nullptr) {
    Oid argtypes[2] = {OIDARRAYOID, OIDOID};
    SPIPlanPtr plan = SPI_prepare(kOffendersQuery, 2, argtypes);
    if (plan == nullptr) elog(ERROR, "auth_ext: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(plan) != 0) elog(ERROR, "auth_ext: SPI_keepplan failed");
    offenders_plan = plan;
  }
  Datum args[2] = {PointerGetDatum(array), ObjectIdGetDatum(owner)};
  const int rc = SPI_execute_plan(offenders_plan, args, nullptr, true, limit);
  if (rc != SPI_OK_SELECT) elog(ERROR, "auth_ext: ownership check failed: %s", SPI_result_code_string(rc));
  for (uint64 i = 0; i < SPI_processed; ++i) {
    visit(SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1),
          SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2));
  }
  SPI_finish();
  AtEOXact_GUC(true, nest_level);
}

}  // namespace

Oid ExtensionOwner() {
  const Oid ns = get_namespace_oid("auth_ext", true);
  const Oid setting = OidIsValid(ns) ? get_relname_relid("setting", ns) : InvalidOid;
  HeapTuple tuple = OidIsValid(setting) ? SearchSysCache1(RELOID, ObjectIdGetDatum(setting)) : nullptr;
  if (!HeapTupleIsValid(tuple)) {
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("auth_ext: table auth_ext.setting is missing"),
                    errhint("Reinstall the extension: DROP EXTENSION auth_ext; CREATE EXTENSION auth_ext.")));
  }
  const Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
  ReleaseSysCache(tuple);
  return owner;
}

void RequireTrustedTables() {
  // The settings first: reading them may process invalidations that drop the verdict.
  const char* schema_setting = SettingValue(Setting::kBetterAuthSchema);
  const uint64 generation = SettingsGeneration();
  if (trusted && trusted_generation == generation) return;
  char* schema = pstrdup(schema_setting);
  const Oid owner = ExtensionOwner();
  int count = 0;
  Datum* relations = ModelRelations(schema, &count);
  const Oid views = get_namespace_oid(kNamesSchema, true);
  if (OidIsValid(views)) {
    HeapTuple tuple = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(views));
    if (!HeapTupleIsValid(tuple)) elog(ERROR, "auth_ext: cache lookup failed for schema %u", views);
    const Oid views_owner = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tuple))->nspowner;
    ReleaseSysCache(tuple);
    if (views_owner != owner) {
      ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                      errmsg("%s: schema %s belongs to role %s, not to %s, the owner of the auth_ext extension",
                             kUntrustedCode, kNamesSchema, quote_identifier(GetUserNameFromId(views_owner, false)),
                             quote_identifier(GetUserNameFromId(owner, false))),
                      errhint("The account functions reach Better Auth's tables through views in that schema: "
                              "drop or rename it; auth_ext.sync_table_names(), run by the extension owner, creates it."),
                      err_generic_string(PG_DIAG_CONSTRAINT_NAME, kUntrustedCode)));
    }
    for (int i = 0; i < ModelCount(); ++i) AddRelation(views, ModelName(i), relations, &count);
  }
  char* offender = nullptr;
  ForEachOffender(relations, count, owner, 1, [&](char* problem, char*) {
    offender = static_cast<char*>(SPI_palloc(strlen(problem) + 1));
    strcpy(offender, problem);
  });
  pfree(relations);
  if (offender != nullptr) {
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("%s: %s", kUntrustedCode, offender),
                    err_generic_string(PG_DIAG_CONSTRAINT_NAME, kUntrustedCode),
                    errdetail("Code that runs with the extension owner's rights touches only Better Auth tables the "
                              "owner owns, and only when every function, operator and type they run is the owner's, a "
                              "superuser's or built in."),
                    errhint("If it is yours, hand it to the owner (ALTER ... OWNER TO); otherwise drop it. "
                            "SELECT * FROM auth_ext.check_schema(%s) lists what is wrong.",
                            quote_literal_cstr(schema))));
  }
  pfree(schema);
  trusted = true;
  trusted_generation = generation;
}

void RegisterTrustedTablesCallbacks() {
  constexpr int kCaches[] = {RELOID, TYPEOID, PROCOID, OPEROID, NAMESPACEOID, AUTHOID};
  for (int cache : kCaches) CacheRegisterSyscacheCallback(cache, DropVerdict, (Datum)0);
  CacheRegisterRelcacheCallback(DropVerdictRelcache, (Datum)0);
}

}  // namespace auth_ext::pg

// _untrusted_objects(schema name) returns setof (problem text, fix text): every way Better Auth's
// tables in schema fail the ownership rule above (check_schema reports them).
AUTH_EXT_SQL_FUNCTION(auth_ext_untrusted_objects) {
  char* schema = NameStr(*PG_GETARG_NAME(0));
  auth_ext::pg::BeginMaterializedSrf(fcinfo);
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  int count = 0;
  Datum* relations = auth_ext::pg::ModelRelations(schema, &count);
  auth_ext::pg::ForEachOffender(relations, count, auth_ext::pg::ExtensionOwner(), 0, [&](char* problem, char* fix) {
    Datum values[2] = {CStringGetTextDatum(problem), CStringGetTextDatum(fix)};
    bool nulls[2] = {false, false};
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  });
  return (Datum)0;
}
