// Direct, read-only access to Better Auth's jwks table.
#include "pg/jwt/jwks_table.hpp"

#include "pg/settings.hpp"

extern "C" {
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "storage/bufmgr.h"
#include "utils/timestamp.h"
}

namespace auth_ext::pg {

namespace {

struct Columns {
  AttrNumber id, public_key, alg, expires_at;
};

AttrNumber RequireColumn(Oid relid, const char* name, bool required) {
  AttrNumber attnum = get_attnum(relid, name);
  if (attnum == InvalidAttrNumber && required) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("Better Auth's jwks table has no column \"%s\"", name),
                    errhint("Run SELECT * FROM auth_ext.check_schema() to see what differs from Better Auth's schema.")));
  }
  return attnum;
}

// The column's value as text, through its type's output function (ids may be uuid).
char* ColumnText(HeapTuple tuple, TupleDesc desc, AttrNumber attnum, bool* isnull) {
  if (attnum == InvalidAttrNumber) {
    *isnull = true;
    return nullptr;
  }
  Datum value = heap_getattr(tuple, attnum, desc, isnull);
  if (*isnull) return nullptr;
  Oid type = TupleDescAttr(desc, attnum - 1)->atttypid;
  if (type == TEXTOID || type == VARCHAROID) return TextDatumGetCString(value);
  Oid output;
  bool varlena;
  getTypeOutputInfo(type, &output, &varlena);
  return OidOutputFunctionCall(output, value);
}

// Makes sure a snapshot is active for the scan; returns whether one was pushed.
bool EnsureSnapshot() {
  if (ActiveSnapshotSet()) return false;
  PushActiveSnapshot(GetTransactionSnapshot());
  return true;
}

}  // namespace

Oid JwksTableOid() {
  char* schema = pstrdup(SettingValue(Setting::kBetterAuthSchema));
  Oid ns = get_namespace_oid(schema, true);
  pfree(schema);
  return OidIsValid(ns) ? get_relname_relid("jwks", ns) : InvalidOid;
}

JwksRows ReadJwksRows(Oid relid) {
  Relation rel = table_open(relid, AccessShareLock);
  Columns cols{RequireColumn(relid, "id", true), RequireColumn(relid, "publicKey", true),
               RequireColumn(relid, "alg", false), RequireColumn(relid, "expiresAt", false)};
  bool pushed = EnsureSnapshot();
  TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
  TupleDesc desc = RelationGetDescr(rel);

  JwksRows out{0, nullptr};
  int capacity = 8;
  out.rows = static_cast<JwksRow*>(palloc0(sizeof(JwksRow) * capacity));
  HeapTuple tuple;
  while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
    bool id_null, key_null, alg_null, exp_null;
    char* kid = ColumnText(tuple, desc, cols.id, &id_null);
    char* key = ColumnText(tuple, desc, cols.public_key, &key_null);
    if (id_null || key_null) continue;
    if (out.count == capacity) {
      capacity *= 2;
      out.rows = static_cast<JwksRow*>(repalloc(out.rows, sizeof(JwksRow) * capacity));
    }
    JwksRow& row = out.rows[out.count++];
    row.kid = kid;
    row.public_key = key;
    row.alg = ColumnText(tuple, desc, cols.alg, &alg_null);
    row.has_expires_at = false;
    if (cols.expires_at != InvalidAttrNumber) {
      Datum exp = heap_getattr(tuple, cols.expires_at, desc, &exp_null);
      if (!exp_null) {
        row.has_expires_at = true;
        row.expires_at = static_cast<int64>(timestamptz_to_time_t(DatumGetTimestampTz(exp)));
      }
    }
    row.tid = tuple->t_self;
  }
  table_endscan(scan);
  if (pushed) PopActiveSnapshot();
  table_close(rel, AccessShareLock);
  return out;
}

bool JwksRowIsCurrent(Oid relid, const ItemPointerData* tid) {
  Relation rel = table_open(relid, AccessShareLock);
  // A vacuum may have truncated the table below the cached row's block.
  if (ItemPointerGetBlockNumber(tid) >= RelationGetNumberOfBlocks(rel)) {
    table_close(rel, AccessShareLock);
    return false;
  }
  bool pushed = EnsureSnapshot();
  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  ItemPointerData copy = *tid;
  bool visible = table_tuple_fetch_row_version(rel, &copy, GetActiveSnapshot(), slot);
  ExecDropSingleTupleTableSlot(slot);
  if (pushed) PopActiveSnapshot();
  table_close(rel, AccessShareLock);
  return visible;
}

}  // namespace auth_ext::pg
