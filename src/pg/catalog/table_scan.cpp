// Direct reads of a table by the extension itself: lookup by name and the active snapshot.
#include "pg/catalog/table_scan.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
}

namespace auth_ext::pg {

Oid TableOid(const char* schema, const char* table) {
  Oid ns = get_namespace_oid(schema, true);
  return OidIsValid(ns) ? get_relname_relid(table, ns) : InvalidOid;
}

bool PushSnapshotIfNone() {
  if (ActiveSnapshotSet()) return false;
  PushActiveSnapshot(GetTransactionSnapshot());
  return true;
}

void PopSnapshotIfPushed(bool pushed) {
  if (pushed) PopActiveSnapshot();
}

}  // namespace auth_ext::pg
