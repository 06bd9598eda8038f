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
  char* kid;         // "id" (as text, through its type's output function)
  char* public_key;  // "publicKey": a public JWK as JSON text
  char* alg;         // "alg", NULL when unset
  bool has_expires_at;
  int64 expires_at;                // "expiresAt" in Unix seconds
  TimestampTz expires_at_value;    // "expiresAt" exactly as stored
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

// What a cached key was built from, as plain data (the pointers stay owned by the caller).
struct JwksRowContent {
  ItemPointerData tid;     // where the row was read
  const char* kid;         // "id" as text
  size_t kid_len;
  const char* public_key;  // "publicKey"
  size_t public_key_len;
  const char* alg;         // "alg", NULL when it was NULL or the column is missing
  size_t alg_len;
  bool has_expires_at;
  TimestampTz expires_at_value;
};

// True when the tuple at content.tid is visible to the current snapshot AND holds exactly
// content's id, publicKey, alg and expiresAt: then a key built from that content may be used
// without re-reading the table. A visible tuple alone proves nothing: after a DELETE and VACUUM,
// a TRUNCATE (a new, empty file) or an UPDATE whose new version lands on a freed slot, another
// row can sit at the same ctid. Reads only the current snapshot and the tuple itself, so it holds
// on a hot standby too (no triggers, no writes).
bool JwksRowUnchanged(Oid relid, const JwksRowContent& content);

}  // namespace auth_ext::pg
