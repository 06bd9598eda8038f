// Better Auth's configured table and column names (the better_auth_names setting, parsed by
// core/schema/table_names) as the Postgres layer uses them: the jwks table is read directly, by
// its configured names; every account statement names the views of schema auth_ext_names, which
// present the tables under Better Auth's default names (pg/catalog/account_views.hpp; built by
// sql/src/45_table_names.sql from these names).
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// The schema holding the views.
inline constexpr const char kNamesSchema[] = "auth_ext_names";

// NULL when value is a valid better_auth_names setting, otherwise why not (palloc'd; never
// quoting the value).
const char* TableNamesProblem(const char* value);

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
