// The verified identity of the current transaction, for row-level security. It lives in backend
// memory (not a GUC), so only auth_ext.authenticate() can set it, and it is cleared at commit,
// abort, prepare, and when the subtransaction that set it rolls back.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// Registers the transaction callbacks; called from _PG_init.
void RegisterIdentityCallbacks();

}  // namespace auth_ext::pg
