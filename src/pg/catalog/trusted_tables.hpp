// Better Auth's tables as code running with the extension owner's rights may touch them: only
// tables (and the auth_ext_names views and their schema) that the owner owns, and only when
// everything that runs code as their rows are read or written belongs to the owner, to a superuser
// or to PostgreSQL itself: the functions, operators and types that their triggers, rules,
// row-level security policies, column defaults and generated columns, check constraints, index
// expressions and column types (domains) use. A table another role planted in Better Auth's schema
// (an absent rateLimit or jwks table, say) would otherwise run that role's code as the owner.
//
// Checked once and remembered until the catalog changes (any relation, type, function, operator,
// schema or role changes, or the settings do): every account statement and every jwks read passes
// through the check, which then costs a flag test.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// The role the extension's objects belong to, whose rights SECURITY DEFINER functions run with.
Oid ExtensionOwner();

// Raises 42501 naming the object and its owner when one of Better Auth's tables that exist (by the
// configured names, in better_auth_schema), the schema auth_ext_names or one of its views, or
// anything they run code through, is not to be trusted as above.
void RequireTrustedTables();

// Registers the invalidation callbacks; called from _PG_init.
void RegisterTrustedTablesCallbacks();

}  // namespace auth_ext::pg
