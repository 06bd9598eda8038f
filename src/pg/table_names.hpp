// Better Auth's configured table and column names (the better_auth_names setting, parsed by
// core/schema/table_names) as the Postgres layer uses them: the jwks table is read directly, by
// its configured names; every other statement names the tables in one schema, Better Auth's own
// (better_auth_schema) or, when names are configured, the schema of views that present the
// renamed tables under Better Auth's default names (sql/src/45_table_names.sql builds them).
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// The schema holding the views when names are configured.
inline constexpr const char kNamesSchema[] = "auth_ext_names";

// NULL when value is a valid better_auth_names setting, otherwise why not (palloc'd; never
// quoting the value).
const char* TableNamesProblem(const char* value);

// True when the better_auth_names setting renames a table or column.
bool TableNamesConfigured();

// The schema statements name Better Auth's tables in: kNamesSchema when names are configured,
// else better_auth_schema, once RequireTrustedTables() (pg/catalog/trusted_tables.hpp) has passed.
// Valid until the settings change (copy it before further calls).
const char* QueriedSchema();

// Better Auth's models auth_ext uses (core::schema::kModels, in its order), and each one's configured
// table (valid until the settings change).
int ModelCount();
const char* ModelName(int index);
const char* ModelTable(int index);

// The jwks table's configured name and columns (valid until the settings change).
struct JwksNames {
  const char* table;
  const char* id;
  const char* public_key;
  const char* alg;
  const char* expires_at;
};
const JwksNames& JwksTableNames();

// What the views are built from, as text: the two settings, and for each model its table's oid and
// column count (a column added or a table created changes it) and whether its view exists.
// palloc'd.
char* TableNamesFingerprint();

}  // namespace auth_ext::pg
