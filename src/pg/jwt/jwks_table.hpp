// Reads Better Auth's jwks table (schema from the better_auth_schema setting) directly, without
// the caller needing privileges on it: the application role must not read its private keys.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "storage/itemptr.h"
}

namespace auth_ext::pg {

// One row as plain palloc'd data. Only public material is read (never "privateKey").
struct JwksRow {
  char* kid;         // "id"
  char* public_key;  // "publicKey": a public JWK as JSON text
  char* alg;         // "alg", NULL when unset
  bool has_expires_at;
  int64 expires_at;  // "expiresAt" in Unix seconds
  ItemPointerData tid;
};

struct JwksRows {
  int count;
  JwksRow* rows;
};

// The jwks table's oid; InvalidOid when the schema or table does not exist.
Oid JwksTableOid();

// Every row visible to the current snapshot. Raises 42P01 when the table lacks a needed column.
JwksRows ReadJwksRows(Oid relid);

// True when the row version read at tid is still the one the current snapshot sees (it was not
// updated or deleted since): lets a cached key be trusted without re-reading the table.
bool JwksRowIsCurrent(Oid relid, const ItemPointerData* tid);

}  // namespace auth_ext::pg
