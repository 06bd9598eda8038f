// The per-backend cache over auth_ext.setting: loaded on first use, dropped (secrets wiped) when a
// relcache invalidation names the table, which the trigger auth_ext._settings_changed sends.
#include "pg/settings.hpp"

#include <cstring>

#include "pg/catalog/table_scan.hpp"
#include "pg/settings/setting_definitions.hpp"

extern "C" {
#include "access/table.h"
#include "utils/inval.h"
#include "utils/memutils.h"
}

namespace auth_ext::pg {

namespace {

using settings::kDefinitions;
using settings::kSettingCount;

struct Cache {
  bool valid;
  uint64 generation;
  Oid relid;  // auth_ext.setting, the table the values were read from
  MemoryContext context;
  char* values[kSettingCount];  // configured values, NULL when the table has no row
  Size lengths[kSettingCount];
};

Cache cache = {};

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
  // Drops the cache on a message for the table it was read from (a changed row, through the
  // trigger; the table dropped with the extension) and on a reset of the whole relcache. No
  // catalog lookup here: invalidation callbacks also run while a transaction aborts, where
  // PostgreSQL 17 and later refuse one ("ResourceOwnerEnlarge called after release started").
  if (cache.valid && (relid == InvalidOid || relid == cache.relid)) InvalidateCache();
}

// Stores one row of auth_ext.setting (name, value) in the cache; other rows are skipped.
void CacheRow(HeapTuple tuple, TupleDesc desc) {
  bool name_null = false, value_null = false;
  Datum name_datum = heap_getattr(tuple, 1, desc, &name_null);
  Datum value_datum = heap_getattr(tuple, 2, desc, &value_null);
  if (name_null || value_null) return;
  char* name = TextDatumGetCString(name_datum);
  int index = settings::FindDefinition(name);
  pfree(name);
  if (index < 0) return;
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

// Reads every row of auth_ext.setting directly (the extension reads its own table; the caller
// needs no privilege on it).
void LoadCache() {
  if (cache.context == nullptr) {
    cache.context = AllocSetContextCreate(TopMemoryContext, "auth_ext settings", ALLOCSET_SMALL_SIZES);
  }
  Oid relid = TableOid("auth_ext", "setting");
  if (!OidIsValid(relid)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("table auth_ext.setting does not exist"),
                    errhint("Is the extension installed? CREATE EXTENSION auth_ext")));
  }
  Relation rel = table_open(relid, AccessShareLock);
  cache.relid = relid;
  // table_open may have processed invalidations: start from a clean cache.
  for (int i = 0; i < kSettingCount; ++i) cache.values[i] = nullptr;
  MemoryContextReset(cache.context);
  ForEachVisibleTuple(rel, CacheRow);
  table_close(rel, AccessShareLock);
  cache.valid = true;
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
