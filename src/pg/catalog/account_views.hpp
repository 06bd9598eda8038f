// The one way account statements reach Better Auth's tables: the views in schema auth_ext_names,
// one per existing table (user, session, account, verification, rateLimit), each presenting
// the table under Better Auth's default model name and its columns under Better Auth's field names
// (renamed ones included, when the better_auth_names setting renames them). Every account
// statement, PL/pgSQL and C alike, names these views statically, so its plan is kept; where the
// tables really are (better_auth_schema, better_auth_names) is known only to the views' builder,
// auth_ext.sync_table_names() (sql/src/45_table_names.sql), and to the fingerprint it leaves
// (pg/table_names.hpp). The jwks table is read directly by its configured names
// (pg/jwt/jwks_table.cpp): JWT verification runs as the application role, on standbys too.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// Makes the views current before an account statement: checks the ownership rule
// (pg/catalog/trusted_tables.hpp), and when the views were built from other settings or tables
// (none yet, a column added, a table created) rebuilds them where it can write (a read-write
// transaction on the primary; the caller runs with the extension owner's rights). On a standby or in
// a read-only transaction the views are used as they are (the primary's rebuild replicates). Checked
// once and remembered until the catalog or the settings change, so a call in the steady state costs
// a flag test.
void RequireAccountViews();

// RequireAccountViews(), then 42P01 with a hint when the view of one of models (Better Auth model
// names: "user", "session", ...) is missing: its table does not exist (the hint says how to create
// it), or exists but its view was never built and this transaction cannot build it (a standby
// before the primary's first account call).
void RequireAccountTables(const char* const* models, int count);

// Registers the invalidation callbacks; called from _PG_init.
void RegisterAccountViewsCallbacks();

}  // namespace auth_ext::pg
