// Direct reads of a table by the extension itself (no SQL, so no privilege check on the caller):
// finding the table by schema and name, and visiting every tuple the active snapshot sees. Used
// for auth_ext.setting (settings cache) and Better Auth's jwks table (key cache).
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/tableam.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace auth_ext::pg {

// The table's oid; InvalidOid when the schema or the table does not exist.
Oid TableOid(const char* schema, const char* table);

// Makes sure a snapshot is active: pushes the transaction snapshot when none is, and returns
// whether it did. Pass the answer to PopSnapshotIfPushed when done.
bool PushSnapshotIfNone();
void PopSnapshotIfPushed(bool pushed);

// Calls visit(HeapTuple, TupleDesc) for every tuple of rel (opened by the caller) that the active
// snapshot sees, the transaction snapshot when none is active. visit may raise an error: the scan
// and the snapshot are then released by the transaction's abort, so nothing here owns a resource
// a longjmp could skip.
template <typename Visit>
void ForEachVisibleTuple(Relation rel, Visit&& visit) {
  bool pushed = PushSnapshotIfNone();
  TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
  TupleDesc desc = RelationGetDescr(rel);
  HeapTuple tuple;
  while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) visit(tuple, desc);
  table_endscan(scan);
  PopSnapshotIfPushed(pushed);
}

}  // namespace auth_ext::pg
