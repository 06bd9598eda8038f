// The extension's module: magic block and load-time initialization.
#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/guc.h"
}

#include "pg/catalog/account_views.hpp"
#include "pg/catalog/trusted_tables.hpp"
#include "pg/identity/identity.hpp"
#include "pg/settings.hpp"

extern "C" {
PG_MODULE_MAGIC;

PGDLLEXPORT void _PG_init(void);
}

// Runs when a backend first loads the library.
PGDLLEXPORT void _PG_init(void) {
  auth_ext::pg::RegisterSettingsCallbacks();
  auth_ext::pg::RegisterIdentityCallbacks();
  auth_ext::pg::RegisterTrustedTablesCallbacks();
  auth_ext::pg::RegisterAccountViewsCallbacks();
  // No placeholder variable named auth_ext.* can exist: SET auth_ext.user_id = ... is an error,
  // so nothing but auth_ext.authenticate() looks like a way to set the identity.
#if PG_VERSION_NUM >= 150000
  MarkGUCPrefixReserved("auth_ext");
#else
  EmitWarningsOnPlaceholders("auth_ext");
#endif
}
