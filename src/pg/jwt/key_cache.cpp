// The jwks key cache: C++ containers holding OpenSSL keys, rebuilt inside CallCore-style guarded
// scopes from rows that Postgres code read beforehand.
#include "pg/jwt/key_cache.hpp"

#include <memory>
#include <new>
#include <string>
#include <unordered_map>

#include "core/jwt/algorithm.hpp"
#include "core/jwt/jwk.hpp"
#include "pg/settings.hpp"

namespace auth_ext::pg {

namespace {

struct Entry {
  std::unique_ptr<core::jwt::Key> key;  // null when the row was unusable
  std::string problem;
  bool has_expires_at = false;
  int64 expires_at = 0;
  // The row the entry was built from, compared with the table before each use (JwksRowUnchanged).
  ItemPointerData tid;
  std::string kid;
  std::string public_key;
  bool has_alg = false;
  std::string alg;
  TimestampTz expires_at_value = 0;
};

struct Cache {
  Oid relid = InvalidOid;
  uint64 settings_generation = 0;
  std::unordered_map<std::string, Entry> entries;
};

Cache* cache = nullptr;  // owned; replaced whole on reload, so readers never see a half-built one

// Parses one row; never throws.
Entry BuildEntry(const JwksRow& row) {
  Entry entry;
  entry.has_expires_at = row.has_expires_at;
  entry.expires_at = row.expires_at;
  entry.expires_at_value = row.has_expires_at ? row.expires_at_value : 0;
  entry.tid = row.tid;
  entry.kid = row.kid;
  entry.public_key = row.public_key;
  entry.has_alg = row.alg != nullptr;
  if (entry.has_alg) entry.alg = row.alg;
  auto parsed = core::jwt::ParseJwkText(row.public_key, core::jwt::KeyUse::kVerify);
  if (!parsed.ok()) {
    entry.problem = "key row " + std::string(row.kid) + " in the jwks table is unusable: " + parsed.error().message;
    return entry;
  }
  core::jwt::Key key = std::move(parsed.value());
  key.kid = row.kid;  // Better Auth stores the kid in the id column, not in the JWK
  if (row.alg != nullptr) {  // the row's alg decides, as in Better Auth's own verification
    auto alg = core::jwt::ParseAlgorithm(row.alg);
    if (!alg.ok() || !core::jwt::KeyPermits(key, alg.value())) {
      entry.problem = "key row " + std::string(row.kid) + " in the jwks table has an alg its key cannot use";
      return entry;
    }
    key.alg = alg.value();
  }
  entry.key = std::make_unique<core::jwt::Key>(std::move(key));
  return entry;
}

// Replaces the cache with one built from rows; returns false (cache dropped) on allocation failure.
bool Rebuild(Oid relid, uint64 generation, const JwksRows& rows) noexcept {
  try {
    auto fresh = std::make_unique<Cache>();
    fresh->relid = relid;
    fresh->settings_generation = generation;
    for (int i = 0; i < rows.count; ++i) {
      fresh->entries.emplace(rows.rows[i].kid, BuildEntry(rows.rows[i]));
    }
    delete cache;  // frees every OpenSSL key of the old cache
    cache = fresh.release();
    return true;
  } catch (...) {
    delete cache;
    cache = nullptr;
    return false;
  }
}

// Finds kid in the current cache; never throws.
const Entry* Find(const char* kid) noexcept {
  if (cache == nullptr) return nullptr;
  try {
    auto it = cache->entries.find(kid);
    return it == cache->entries.end() ? nullptr : &it->second;
  } catch (...) {
    return nullptr;
  }
}

// The entry's source row as plain data; the pointers stay valid until the cache is rebuilt.
JwksRowContent ContentOf(const Entry* entry) noexcept {
  JwksRowContent content{};
  content.tid = entry->tid;
  content.kid = entry->kid.data();
  content.kid_len = entry->kid.size();
  content.public_key = entry->public_key.data();
  content.public_key_len = entry->public_key.size();
  content.alg = entry->has_alg ? entry->alg.data() : nullptr;
  content.alg_len = entry->alg.size();
  content.has_expires_at = entry->has_expires_at;
  content.expires_at_value = entry->expires_at_value;
  return content;
}

CachedJwk ToCached(const Entry* entry) {
  CachedJwk out{};
  out.key = entry->key.get();
  out.has_expires_at = entry->has_expires_at;
  out.expires_at = entry->expires_at;
  out.problem = entry->key ? nullptr : entry->problem.c_str();
  return out;
}

void Reload(Oid relid) {
  uint64 generation = SettingsGeneration();
  JwksRows rows = ReadJwksRows(relid);
  bool ok = Rebuild(relid, generation, rows);
  if (!ok) ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory building the jwks key cache")));
}

}  // namespace

CachedJwk LookupJwk(Oid relid, const char* kid, bool* found) {
  bool stale = cache == nullptr || cache->relid != relid || cache->settings_generation != SettingsGeneration();
  const Entry* entry = stale ? nullptr : Find(kid);
  if (entry != nullptr) {
    // Plain data pointing into the cache: the Postgres code below never touches the cache, and an
    // error it raises unwinds no C++ object.
    JwksRowContent content = ContentOf(entry);
    if (JwksRowUnchanged(relid, content)) {
      entry = Find(kid);  // re-find: the check above ran Postgres code
      if (entry != nullptr) {
        *found = true;
        return ToCached(entry);
      }
    }
  }
  Reload(relid);  // unknown kid, or the row at the cached ctid is gone or differs: read the table again
  entry = Find(kid);
  *found = entry != nullptr;
  return *found ? ToCached(entry) : CachedJwk{};
}

}  // namespace auth_ext::pg
