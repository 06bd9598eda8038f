// The jwks key cache: C++ containers holding OpenSSL keys, rebuilt inside CallCoreInto from rows
// that Postgres code read beforehand.
#include "pg/jwt/key_cache.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/jwt/algorithm.hpp"
#include "core/jwt/jwk.hpp"
#include "pg/settings.hpp"

namespace auth_ext::pg {

namespace {

struct Entry {
  std::unique_ptr<core::jwt::Key> key;  // null when the row was unusable
  uint64 serial = 0;                    // see CachedJwk::serial
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
  std::map<std::string, Entry, std::less<>> entries;  // by kid; looked up without allocating
};

// Replaced whole on reload, so readers never see a half-built one.
Resident<std::unique_ptr<Cache>> cache;
uint64 last_serial = 0;  // serials handed out so far in this backend

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

// Whether entry was built from exactly row's content (then it keeps its serial).
bool SameContent(const Entry& entry, const JwksRow& row) {
  return entry.kid == row.kid && entry.public_key == row.public_key && entry.has_alg == (row.alg != nullptr) &&
         (!entry.has_alg || entry.alg == row.alg) && entry.has_expires_at == row.has_expires_at &&
         (!entry.has_expires_at || entry.expires_at_value == row.expires_at_value);
}

// A cache built from rows; an entry whose row content is unchanged since previous keeps its serial.
core::Result<std::unique_ptr<Cache>> Build(Oid relid, uint64 generation, const JwksRows& rows, const Cache* previous) {
  auto fresh = std::make_unique<Cache>();
  fresh->relid = relid;
  fresh->settings_generation = generation;
  for (int i = 0; i < rows.count; ++i) {
    Entry entry = BuildEntry(rows.rows[i]);
    const Entry* before = nullptr;
    if (previous != nullptr && previous->relid == relid) {
      auto it = previous->entries.find(std::string_view(entry.kid));
      if (it != previous->entries.end()) before = &it->second;
    }
    entry.serial = before != nullptr && SameContent(*before, rows.rows[i]) ? before->serial : ++last_serial;
    fresh->entries.emplace(rows.rows[i].kid, std::move(entry));
  }
  return fresh;
}

// Finds kid in the current cache; never throws (a heterogeneous find allocates nothing).
const Entry* Find(const char* kid) noexcept {
  const Cache* current = cache->get();
  if (current == nullptr) return nullptr;
  auto it = current->entries.find(std::string_view(kid));
  return it == current->entries.end() ? nullptr : &it->second;
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

CachedJwk ToCached(const Entry* entry) noexcept {
  CachedJwk out{};
  out.key = entry->key.get();
  out.serial = entry->serial;
  out.has_expires_at = entry->has_expires_at;
  out.expires_at = entry->expires_at;
  out.problem = entry->key ? nullptr : entry->problem.c_str();
  return out;
}

void Reload(Oid relid) {
  uint64 generation = SettingsGeneration();
  JwksRows rows = ReadJwksRows(relid);
  const Cache* previous = cache->get();
  CoreOutcome built = CallCoreInto(*cache, [&]() { return Build(relid, generation, rows, previous); });
  if (!built.ok) {
    cache->reset();  // never keep keys the table may no longer hold
    RaiseCoreError(built);
  }
}

}  // namespace

CachedJwk LookupJwk(Oid relid, const char* kid, bool* found) {
  const Cache* current = cache->get();
  bool stale = current == nullptr || current->relid != relid || current->settings_generation != SettingsGeneration();
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
