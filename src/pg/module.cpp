// The extension's module: magic block and load-time initialization.
#include "pg/postgres_headers.hpp"

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
}
