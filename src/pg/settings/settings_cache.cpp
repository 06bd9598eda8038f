// Settings: built-in definitions, the per-backend cache over auth_ext.setting, and the SQL
// functions auth_ext.setting_definitions(), auth_ext._validate_setting() and the trigger that
// invalidates every backend's cache when the table changes.
#include "pg/settings.hpp"

#include <cstring>

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace auth_ext::pg {

namespace {

enum class Kind { kText, kSchema, kInteger, kBoolean, kSecret, kIdFormat };

struct Definition {
  const char* name;
  const char* default_value;  // NULL: unset by default
  Kind kind;
  int64 min_value;  // integers only
  int64 max_value;
  const char* description;
};

// One row per Setting, in enum order.
const Definition kDefinitions[] = {
    {"better_auth_schema", "public", Kind::kSchema, 0, 0,
     "schema holding Better Auth's tables (user, session, account, verification, jwks)"},
    {"jwt_issuer", nullptr, Kind::kText, 0, 0,
     "required iss claim (Better Auth: the origin of its baseURL); unset: not checked"},
    {"jwt_audience", nullptr, Kind::kText, 0, 0,
     "required aud claim (Better Auth: the origin of its baseURL); unset: not checked"},
    {"jwt_leeway_seconds", "0", Kind::kInteger, 0, 3600,
     "clock skew allowed when checking exp, nbf and iat"},
    {"jwt_require_exp", "true", Kind::kBoolean, 0, 0, "refuse tokens without an exp claim"},
    {"jwks_grace_period_seconds", "2592000", Kind::kInteger, 0, 315360000,
     "keys in the jwks table stay valid this long after expiresAt (Better Auth: 30 days)"},
    {"jwt_shared_secret", nullptr, Kind::kSecret, 0, 0,
     "HS256 shared secret accepted by verify_jwt(token) besides the jwks table"},
    {"better_auth_secret", nullptr, Kind::kSecret, 0, 0,
     "Better Auth's secret (BETTER_AUTH_SECRET), used to check signed session cookies"},
    {"session_expires_in_seconds", "604800", Kind::kInteger, 60, 315360000,
     "session lifetime (Better Auth session.expiresIn)"},
    {"session_update_age_seconds", "86400", Kind::kInteger, 0, 315360000,
     "sliding refresh interval (Better Auth session.updateAge)"},
    {"min_password_length", "8", Kind::kInteger, 1, 4096,
     "minimum password length in UTF-16 code units (Better Auth minPasswordLength)"},
    {"max_password_length", "128", Kind::kInteger, 1, 4096,
     "maximum password length in UTF-16 code units (Better Auth maxPasswordLength)"},
    {"id_format", "random", Kind::kIdFormat, 0, 0,
     "ids for new rows: random (32 characters, Better Auth's default) or uuid"},
};
static_assert(sizeof(kDefinitions) / sizeof(kDefinitions[0]) == static_cast<size_t>(Setting::kCount),
              "one definition per Setting");

constexpr int kSettingCount = static_cast<int>(Setting::kCount);

struct Cache {
  bool valid;
  uint64 generation;
  MemoryContext context;
  char* values[kSettingCount];  // configured values, NULL when the table has no row
  Size lengths[kSettingCount];
};

Cache cache = {};

int FindDefinition(const char* name) {
  for (int i = 0; i < kSettingCount; ++i) {
    if (strcmp(kDefinitions[i].name, name) == 0) return i;
  }
  return -1;
}

// Drops the cache, wiping secret values first.
void InvalidateCache() {
  if (cache.context != nullptr) {
    for (int i = 0; i < kSettingCount; ++i) {
      if (cache.values[i] != nullptr) explicit_bzero(cache.values[i], cache.lengths[i]);
      cache.values[i] = nullptr;
    }
    MemoryContextReset(cache.context);
  }
  cache.valid = false;
  cache.generation++;
}

void RelcacheCallback(Datum, Oid relid) {
  // The table's oid may have changed (extension re-created): drop on any relcache message we
  // cannot attribute, and on messages for our table. Other tables' messages are frequent, but
  // reloading is a single small scan.
  if (!cache.valid) return;
  Oid ns = get_namespace_oid("auth_ext", true);
  Oid ours = OidIsValid(ns) ? get_relname_relid("setting", ns) : InvalidOid;
  if (relid == InvalidOid || relid == ours) InvalidateCache();
}

// Reads every row of auth_ext.setting directly (the extension reads its own table; the caller
// needs no privilege on it).
void LoadCache() {
  if (cache.context == nullptr) {
    cache.context = AllocSetContextCreate(TopMemoryContext, "auth_ext settings", ALLOCSET_SMALL_SIZES);
  }
  Oid ns = get_namespace_oid("auth_ext", true);
  Oid relid = OidIsValid(ns) ? get_relname_relid("setting", ns) : InvalidOid;
  if (!OidIsValid(relid)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("table auth_ext.setting does not exist"),
                    errhint("Is the extension installed? CREATE EXTENSION auth_ext")));
  }
  Relation rel = table_open(relid, AccessShareLock);
  // table_open may have processed invalidations: start from a clean cache.
  for (int i = 0; i < kSettingCount; ++i) cache.values[i] = nullptr;
  MemoryContextReset(cache.context);

  bool pushed = false;
  if (!ActiveSnapshotSet()) {
    PushActiveSnapshot(GetTransactionSnapshot());
    pushed = true;
  }
  TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
  TupleDesc desc = RelationGetDescr(rel);
  HeapTuple tuple;
  while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
    bool name_null = false, value_null = false;
    Datum name_datum = heap_getattr(tuple, 1, desc, &name_null);
    Datum value_datum = heap_getattr(tuple, 2, desc, &value_null);
    if (name_null || value_null) continue;
    char* name = TextDatumGetCString(name_datum);
    int index = FindDefinition(name);
    pfree(name);
    if (index < 0) continue;
    text* value = DatumGetTextPP(value_datum);
    Size len = VARSIZE_ANY_EXHDR(value);
    char* copy = static_cast<char*>(MemoryContextAlloc(cache.context, len + 1));
    memcpy(copy, VARDATA_ANY(value), len);
    copy[len] = '\0';
    cache.values[index] = copy;
    cache.lengths[index] = len;
    if (reinterpret_cast<Pointer>(value) != DatumGetPointer(value_datum)) {
      explicit_bzero(VARDATA_ANY(value), len);
      pfree(value);
    }
  }
  table_endscan(scan);
  if (pushed) PopActiveSnapshot();
  table_close(rel, AccessShareLock);
  cache.valid = true;
}

const char* ValidateValue(const Definition& def, const char* value) {
  switch (def.kind) {
    case Kind::kText:
    case Kind::kSecret:
      if (value[0] == '\0') return "the value must not be empty";
      return nullptr;
    case Kind::kSchema:
      if (value[0] == '\0' || strlen(value) >= NAMEDATALEN) return "the value must be a schema name";
      return nullptr;
    case Kind::kInteger: {
      char* end = nullptr;
      errno = 0;
      long long parsed = strtoll(value, &end, 10);
      if (errno != 0 || end == value || *end != '\0') return "the value must be an integer";
      if (parsed < def.min_value || parsed > def.max_value) return "the value is out of range";
      return nullptr;
    }
    case Kind::kBoolean:
      if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) return "the value must be true or false";
      return nullptr;
    case Kind::kIdFormat:
      if (strcmp(value, "random") != 0 && strcmp(value, "uuid") != 0) return "the value must be random or uuid";
      return nullptr;
  }
  return "unknown setting kind";
}

}  // namespace

const char* SettingValue(Setting setting) {
  if (!cache.valid) LoadCache();
  int index = static_cast<int>(setting);
  const char* value = cache.values[index];
  return value != nullptr ? value : kDefinitions[index].default_value;
}

int64 SettingInt(Setting setting) {
  const char* value = SettingValue(setting);
  return value != nullptr ? strtoll(value, nullptr, 10) : 0;
}

bool SettingBool(Setting setting) {
  const char* value = SettingValue(setting);
  return value != nullptr && strcmp(value, "true") == 0;
}

uint64 SettingsGeneration() { return cache.generation; }

void RegisterSettingsCallbacks() { CacheRegisterRelcacheCallback(RelcacheCallback, (Datum)0); }

}  // namespace auth_ext::pg

using auth_ext::pg::kDefinitions;

// setting_definitions(): every setting with its default, whether it is a secret, and what it does.
AUTH_EXT_SQL_FUNCTION(auth_ext_setting_definitions) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  auth_ext::pg::BeginMaterializedSrf(fcinfo);
  for (const auto& def : kDefinitions) {
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    values[0] = CStringGetTextDatum(def.name);
    if (def.default_value != nullptr) {
      values[1] = CStringGetTextDatum(def.default_value);
    } else {
      nulls[1] = true;
    }
    values[2] = BoolGetDatum(def.kind == auth_ext::pg::Kind::kSecret);
    values[3] = CStringGetTextDatum(def.description);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

// _validate_setting(name, value): raises 22023 for an unknown name or a bad value (never echoing
// a secret value); returns whether the setting is a secret.
AUTH_EXT_SQL_FUNCTION(auth_ext_validate_setting) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  int index = auth_ext::pg::FindDefinition(name);
  if (index < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("unknown auth_ext setting \"%s\"", name),
                    errhint("SELECT name FROM auth_ext.setting_definitions() lists them.")));
  }
  const auto& def = kDefinitions[index];
  if (!PG_ARGISNULL(1)) {
    char* value = text_to_cstring(PG_GETARG_TEXT_PP(1));
    const char* problem = auth_ext::pg::ValidateValue(def, value);
    bool secret = def.kind == auth_ext::pg::Kind::kSecret;
    if (problem != nullptr) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("invalid value for auth_ext setting \"%s\"", name),
                      secret ? errdetail("%s.", problem) : errdetail("\"%s\": %s.", value, problem)));
    }
    explicit_bzero(value, strlen(value));
  }
  PG_RETURN_BOOL(def.kind == auth_ext::pg::Kind::kSecret);
}

// Statement-level trigger on auth_ext.setting: every backend drops its cached settings at commit.
AUTH_EXT_SQL_FUNCTION(auth_ext_settings_changed) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("auth_ext._settings_changed() must be called as a trigger")));
  }
  TriggerData* trigdata = reinterpret_cast<TriggerData*>(fcinfo->context);
  CacheInvalidateRelcache(trigdata->tg_relation);
  return PointerGetDatum(nullptr);
}

// _setting_value(name) returns text: the value in force (secrets excluded: NULL), from the cache.
AUTH_EXT_SQL_FUNCTION(auth_ext_setting_value) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  int index = auth_ext::pg::FindDefinition(name);
  if (index < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown auth_ext setting \"%s\"", name)));
  }
  if (kDefinitions[index].kind == auth_ext::pg::Kind::kSecret) PG_RETURN_NULL();
  const char* value = auth_ext::pg::SettingValue(static_cast<auth_ext::pg::Setting>(index));
  if (value == nullptr) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(cstring_to_text(value));
}
