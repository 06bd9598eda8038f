// The auth_ext_names views kept current for the account statements (see account_views.hpp).
#include "pg/catalog/account_views.hpp"

#include <cstring>

#include "pg/catalog/trusted_tables.hpp"
#include "pg/settings.hpp"
#include "pg/table_names.hpp"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace auth_ext::pg {

namespace {

// Whether the views were found current (or, read-only, usable as they are), under which settings
// generation. Invalidation callbacks only drop the flag: they also run while a transaction aborts.
bool views_ready = false;
uint64 views_generation = 0;

void DropViewsVerdict(Datum, int, uint32) { views_ready = false; }
void DropViewsVerdictRelcache(Datum, Oid) { views_ready = false; }

// Whether the views were built from the settings and tables as they are now: the fingerprint
// sync_table_names() left as the schema's comment.
bool ViewsCurrent() {
  const Oid views = get_namespace_oid(kNamesSchema, true);
  if (!OidIsValid(views)) return false;
  char* built = GetComment(views, NamespaceRelationId, 0);
  if (built == nullptr) return false;
  char* now = TableNamesFingerprint();
  const bool current = strcmp(built, now) == 0;
  pfree(now);
  pfree(built);
  return current;
}

// The one builder, auth_ext.sync_table_names(), run with the caller's (the owner's) rights.
void BuildViews() {
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "auth_ext: SPI_connect failed");
  const int rc = SPI_execute("SELECT pg_catalog.count(*) FROM auth_ext.sync_table_names()", false, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "auth_ext: sync_table_names() failed: %s", SPI_result_code_string(rc));
  SPI_finish();
}

// The index of a Better Auth model in ModelName()'s order, or -1.
int ModelIndex(const char* model) {
  for (int i = 0; i < ModelCount(); ++i) {
    if (strcmp(ModelName(i), model) == 0) return i;
  }
  return -1;
}

// 42P01 for a model whose view is missing, saying why and what to do.
void RaiseMissing(const char* model) {
  const int index = ModelIndex(model);
  if (index < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("auth_ext: not one of Better Auth's models"),
                    errhint("The models are user, session, account, verification, jwks and rateLimit.")));
  }
  char* schema = pstrdup(SettingValue(Setting::kBetterAuthSchema));
  const char* table = ModelTable(index);
  const Oid ns = get_namespace_oid(schema, true);
  if (OidIsValid(ns) && OidIsValid(get_relname_relid(table, ns))) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("auth_ext's view of Better Auth's %s table is not built yet", model),
                    errdetail("Account statements reach Better Auth's tables through views in schema %s, built by the "
                              "first account call on the primary; this transaction is read-only.",
                              kNamesSchema),
                    errhint("Run any account call, or SELECT * FROM auth_ext.sync_table_names() as the extension "
                            "owner, on the primary once; the views replicate.")));
  }
  if (strcmp(model, "rateLimit") == 0) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("Better Auth's rateLimit table is missing in schema \"%s\"", schema),
                    errhint("Better Auth's migrator creates it with rateLimit: { storage: \"database\" }: CREATE TABLE "
                            "%s.%s (\"id\" text not null primary key, \"key\" text not null unique, \"count\" integer "
                            "not null, \"lastRequest\" bigint not null)",
                            quote_identifier(schema), quote_identifier(table))));
  }
  ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                  errmsg("Better Auth's %s table is missing in schema \"%s\"", model, schema),
                  errhint("Run SELECT * FROM auth_ext.check_schema(%s); Better Auth's migrator, or "
                          "auth_ext.create_better_auth_schema(%s), creates the tables.",
                          quote_literal_cstr(schema), quote_literal_cstr(schema))));
}

}  // namespace

void RequireAccountViews() {
  RequireTrustedTables();  // reads the settings first, which may process invalidations
  const uint64 generation = SettingsGeneration();
  if (views_ready && views_generation == generation) return;
  if (!ViewsCurrent() && !RecoveryInProgress() && !XactReadOnly) {
    BuildViews();
    RequireTrustedTables();  // the views just built (their changes dropped the verdict)
  }
  views_ready = true;
  views_generation = SettingsGeneration();
}

void RequireAccountTables(const char* const* models, int count) {
  RequireAccountViews();
  const Oid views = get_namespace_oid(kNamesSchema, true);
  for (int i = 0; i < count; ++i) {
    if (!OidIsValid(views) || !OidIsValid(get_relname_relid(models[i], views))) RaiseMissing(models[i]);
  }
}

void RegisterAccountViewsCallbacks() {
  // A table created, dropped or altered (pg_class: its column count), a schema created or dropped.
  CacheRegisterSyscacheCallback(RELOID, DropViewsVerdict, (Datum)0);
  CacheRegisterSyscacheCallback(NAMESPACEOID, DropViewsVerdict, (Datum)0);
  CacheRegisterRelcacheCallback(DropViewsVerdictRelcache, (Datum)0);
}

}  // namespace auth_ext::pg

// _require_tables(models text[]) returns void: the views current, and those of models there.
AUTH_EXT_SQL_FUNCTION(auth_ext_require_tables) {
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  Datum* elements = nullptr;
  bool* nulls = nullptr;
  int count = 0;
  deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elements, &nulls, &count);
  const char** models = static_cast<const char**>(palloc(sizeof(char*) * (count > 0 ? count : 1)));
  for (int i = 0; i < count; ++i) {
    if (nulls[i]) ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("auth_ext: a model name is NULL")));
    models[i] = TextDatumGetCString(elements[i]);
  }
  auth_ext::pg::RequireAccountTables(models, count);
  PG_RETURN_VOID();
}
