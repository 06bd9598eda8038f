// Per-backend cache of the public keys in Better Auth's jwks table, parsed once into OpenSSL keys.
// An unknown kid re-reads the table (new or rotated keys); a known kid is used only while the
// tuple at the ctid it was read from is visible and still holds exactly the id, publicKey, alg and
// expiresAt it was built from, so an updated, deleted or truncated key is noticed on the next call
// in every backend, even when another row has since taken its ctid.
#pragma once

#include "pg/postgres_headers.hpp"

#include "pg/core_call.hpp"
#include "pg/jwt/jwks_table.hpp"

namespace auth_ext::core::jwt {
struct Key;
}

namespace auth_ext::pg {

struct CachedJwk {
  const core::jwt::Key* key;  // owned by the cache; valid until the next reload
  uint64 serial;              // names the row content the key was built from: equal serials mean
                              // the same id, publicKey, alg and expiresAt (kept across reloads)
  bool has_expires_at;
  int64 expires_at;
  const char* problem;        // non-NULL when the row could not be used (why)
};

// Looks kid up, reloading the cache from the table when needed. found=false when no row has kid.
// Raises errors (table missing a column, out of memory) only from Postgres frames.
CachedJwk LookupJwk(Oid relid, const char* kid, bool* found);

}  // namespace auth_ext::pg
