// PrepareAccountWrite and its SQL function auth_ext._prepare_write().
#include "pg/accounts/prepare_write.hpp"

#include "pg/accounts/coded_error.hpp"
#include "pg/catalog/account_views.hpp"

extern "C" {
#include "access/xact.h"
}

namespace auth_ext::pg {

void PrepareAccountWrite() {
  if (XactReadOnly) RaiseCoded("READ_ONLY", nullptr, "Send account writes to the primary, not a replica.");
  static const char* const kModels[] = {"user", "account"};
  RequireAccountTables(kModels, 2);
}

}  // namespace auth_ext::pg

// _prepare_write() returns void.
AUTH_EXT_SQL_FUNCTION(auth_ext_prepare_write) {
  auth_ext::pg::PrepareAccountWrite();
  PG_RETURN_VOID();
}
