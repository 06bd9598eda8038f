// The better_auth_names setting in the Postgres layer: validation, each model's table, the jwks
// table's names, and the fingerprint of what the auth_ext_names views are built from; cached per
// backend until the settings change.
#include "pg/table_names.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/schema/table_names.hpp"
#include "pg/core_call.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "commands/comment.h"
#include "lib/stringinfo.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
}

namespace auth_ext::pg {

namespace {

// The parsed setting as plain palloc'd data (TopMemoryContext), for one settings generation.
constexpr int kModelCount = static_cast<int>(sizeof(core::schema::kModels) / sizeof(core::schema::kModels[0]));

struct NamesCache {
  bool valid;
  uint64 generation;
  JwksNames jwks;
  const char* tables[kModelCount];  // each model's table, in kModels' order
};

NamesCache names_cache = {};

// Frees the strings of a previous generation.
void FreeJwksNames(JwksNames& names) {
  for (const char* text : {names.table, names.id, names.public_key, names.alg, names.expires_at}) {
    if (text != nullptr) pfree(const_cast<char*>(text));
  }
  names = JwksNames{};
}

// The configured names, parsed once per settings generation. The setting was validated when it was
// configured; should it fail to parse now, the error is raised (never defaults silently).
const NamesCache& Names() {
  if (names_cache.valid && names_cache.generation == SettingsGeneration()) return names_cache;
  char* value = pstrdup(SettingValue(Setting::kBetterAuthNames));
  const uint64 generation = SettingsGeneration();
  // One string with the results separated by NULs: the jwks table and its four columns, then
  // every model's table.
  CoreOutcome out = CallCore([&]() -> core::Result<std::string> {
    core::Result<core::schema::TableNames> parsed = core::schema::ParseTableNames(value);
    if (!parsed.ok()) return parsed.error();
    const core::schema::TableNames& names = parsed.value();
    std::string packed;
    for (const std::string& part : {names.Table("jwks"), names.Column("jwks", "id"), names.Column("jwks", "publicKey"),
                                    names.Column("jwks", "alg"), names.Column("jwks", "expiresAt")}) {
      packed += part;
      packed.push_back('\0');
    }
    for (std::string_view model : core::schema::kModels) {
      packed += names.Table(model);
      packed.push_back('\0');
    }
    return packed;
  });
  pfree(value);
  if (!out.ok) RaiseCoreError(out);
  FreeJwksNames(names_cache.jwks);
  for (const char*& table : names_cache.tables) {
    if (table != nullptr) pfree(const_cast<char*>(table));
    table = nullptr;
  }
  const char* parts[5 + kModelCount];
  const char* cursor = out.value;
  for (const char*& part : parts) {
    part = cursor;
    cursor += strlen(cursor) + 1;
  }
  names_cache.jwks = JwksNames{MemoryContextStrdup(TopMemoryContext, parts[0]), MemoryContextStrdup(TopMemoryContext, parts[1]),
                               MemoryContextStrdup(TopMemoryContext, parts[2]), MemoryContextStrdup(TopMemoryContext, parts[3]),
                               MemoryContextStrdup(TopMemoryContext, parts[4])};
  for (int i = 0; i < kModelCount; ++i) names_cache.tables[i] = MemoryContextStrdup(TopMemoryContext, parts[5 + i]);
  pfree(out.value);
  names_cache.generation = generation;
  names_cache.valid = true;
  return names_cache;
}

}  // namespace

const char* TableNamesProblem(const char* value) {
  CoreOutcome out = CallCore([&]() -> core::Status {
    core::Result<core::schema::TableNames> parsed = core::schema::ParseTableNames(value);
    if (!parsed.ok()) return parsed.error();
    return core::OkStatus();
  });
  if (out.ok) return nullptr;
  return out.message != nullptr ? out.message : "the value is not valid";
}

int ModelCount() { return kModelCount; }

const char* ModelName(int index) {
  // kModels' names are short literals; copied once into NUL-terminated buffers.
  static char names[kModelCount][NAMEDATALEN];
  const std::string_view model = core::schema::kModels[index];
  if (names[index][0] == '\0') strlcpy(names[index], model.data(), std::min(sizeof names[index], model.size() + 1));
  return names[index];
}

const char* ModelTable(int index) { return Names().tables[index]; }

const JwksNames& JwksTableNames() { return Names().jwks; }

char* TableNamesFingerprint() {
  const NamesCache& names = Names();
  char* schema = pstrdup(SettingValue(Setting::kBetterAuthSchema));
  char* setting = pstrdup(SettingValue(Setting::kBetterAuthNames));
  StringInfoData out;
  initStringInfo(&out);
  appendStringInfo(&out, "%s %s ", schema, setting);
  const Oid ns = get_namespace_oid(schema, true);
  const Oid views = get_namespace_oid(kNamesSchema, true);
  for (int i = 0; i < kModelCount; ++i) {
    if (i > 0) appendStringInfoChar(&out, ',');
    const Oid relid = OidIsValid(ns) ? get_relname_relid(names.tables[i], ns) : InvalidOid;
    HeapTuple tuple = OidIsValid(relid) ? SearchSysCache1(RELOID, ObjectIdGetDatum(relid)) : nullptr;
    if (HeapTupleIsValid(tuple)) {
      appendStringInfo(&out, "%u:%d", relid, static_cast<int>(reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relnatts));
      ReleaseSysCache(tuple);
    } else {
      appendStringInfoChar(&out, '-');
    }
    if (OidIsValid(views) && OidIsValid(get_relname_relid(ModelName(i), views))) appendStringInfoChar(&out, '+');
  }
  pfree(setting);
  pfree(schema);
  return out.data;
}

}  // namespace auth_ext::pg

// _table_names_fingerprint() returns text: what the auth_ext_names views are built from.
AUTH_EXT_SQL_FUNCTION(auth_ext_table_names_fingerprint) {
  PG_RETURN_TEXT_P(cstring_to_text(auth_ext::pg::TableNamesFingerprint()));
}
