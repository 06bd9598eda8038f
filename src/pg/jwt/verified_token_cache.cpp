// The verified-token cache's Postgres side: the checks made on every use, and the cache itself.
#include "pg/jwt/verified_token_cache.hpp"

#include <cstring>
#include <memory>

#include "pg/core_call.hpp"
#include "pg/jwt/jwks_table.hpp"
#include "pg/jwt/key_cache.hpp"
#include "pg/settings.hpp"

namespace auth_ext::pg {

namespace {

namespace jwt = auth_ext::core::jwt;

Resident<std::unique_ptr<jwt::VerifiedTokenCache>> cache;

// The cache, emptied when the settings changed since its entries were verified; NULL when it
// cannot be made.
jwt::VerifiedTokenCache* CurrentCache(bool create) {
  if (*cache == nullptr) {
    if (!create) return nullptr;
    CoreOutcome made = CallCoreInto(*cache, []() -> core::Result<std::unique_ptr<jwt::VerifiedTokenCache>> {
      return std::make_unique<jwt::VerifiedTokenCache>();
    });
    if (!made.ok) return nullptr;  // no cache: every token is verified in full
  }
  jwt::VerifiedTokenCache* current = cache->get();
  const uint64 generation = SettingsGeneration();
  if (current->generation != generation) {
    current->Clear();
    current->generation = generation;
  }
  return current;
}

// Whether the jwks key that verified entry is still the key row's current content and not expired.
bool KeyStillValid(const jwt::RememberedToken& entry, int64 now) {
  // Plain copies: the calls below run Postgres code (which never touches this cache).
  const Oid relid = static_cast<Oid>(entry.origin);
  const uint64 serial = entry.key_serial;
  char* kid = pstrdup(entry.kid.c_str());
  if (JwksTableOid() != relid) return false;
  bool found = false;
  CachedJwk key = LookupJwk(relid, kid, &found);
  pfree(kid);
  if (!found || key.problem != nullptr || key.serial != serial) return false;
  const int64 grace = SettingInt(Setting::kJwksGracePeriodSeconds);
  return !(key.has_expires_at && now >= key.expires_at + grace);
}

}  // namespace

Jsonb* RecallVerifiedToken(std::string_view token, int64 now, int64 leeway, bool require_exp, bool require_sub) {
  jwt::VerifiedTokenCache* current = CurrentCache(false);
  if (current == nullptr) return nullptr;
  const uint64 generation = current->generation;
  const jwt::RememberedToken* entry = current->Find(token);
  if (entry == nullptr) return nullptr;
  if (require_sub && !entry->has_sub) return nullptr;  // the full path gives the refusal
  bool valid = jwt::TimeClaimsRefusal(entry->times, now, leeway, require_exp) == nullptr;
  if (valid && entry->source == jwt::TokenKeySource::kJwksRow) {
    valid = KeyStillValid(*entry, now);
    entry = current->Find(token);  // re-find after Postgres code; an invalidation may have run
    if (entry == nullptr) return nullptr;
  }
  if (SettingsGeneration() != generation) return nullptr;  // settings changed meanwhile: verify in full
  if (!valid) {
    current->Forget(entry);
    return nullptr;
  }
  current->Touch(entry);
  ereport(DEBUG1, (errmsg_internal("auth_ext: token recognised by the verified-token cache")));
  Jsonb* claims = static_cast<Jsonb*>(palloc(entry->claims.size()));
  memcpy(claims, entry->claims.data(), entry->claims.size());
  return claims;
}

void RememberVerifiedToken(std::string_view token, uint64 generation, const TokenProvenance& provenance,
                           const core::jwt::TimeClaims& times, bool has_sub, const Jsonb* claims) {
  const size_t claims_bytes = VARSIZE(claims);
  if (!jwt::VerifiedTokenCache::Fits(token.size(), claims_bytes)) return;
  jwt::VerifiedTokenCache* current = CurrentCache(true);
  if (current == nullptr || current->generation != generation) return;
  const char* claims_data = reinterpret_cast<const char*>(claims);
  jwt::RememberedToken& slot = current->SlotFor(token);
  // An entry that cannot be built (out of memory) leaves the slot as it was: nothing to do.
  (void)CallCoreInto(slot, [&]() -> core::Result<jwt::RememberedToken> {
    auto entry = current->Prepare(token);
    if (!entry.ok()) return entry;
    jwt::RememberedToken& e = entry.value();
    e.claims.assign(claims_data, claims_bytes);
    e.has_sub = has_sub;
    e.times = times;
    e.source = provenance.source;
    if (provenance.source == jwt::TokenKeySource::kJwksRow) {
      e.origin = provenance.relid;
      e.kid = provenance.kid;
      e.key_serial = provenance.key_serial;
    }
    return entry;
  });
}

void ForgetVerifiedTokens() {
  if (*cache != nullptr) (*cache)->Clear();
}

int VerifiedTokenCount() { return *cache != nullptr ? static_cast<int>((*cache)->size()) : 0; }

}  // namespace auth_ext::pg
