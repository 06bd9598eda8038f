// Direct, read-only access to Better Auth's jwks table.
#include "pg/jwt/jwks_table.hpp"

#include <cstring>

#include "pg/catalog/table_scan.hpp"
#include "pg/catalog/trusted_tables.hpp"
#include "pg/settings.hpp"
#include "pg/table_names.hpp"

extern "C" {
#include "access/table.h"
#include "executor/tuptable.h"
#include "storage/bufmgr.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace auth_ext::pg {

namespace {

struct Columns {
  AttrNumber id, public_key, alg, expires_at;
};

void RequireColumn(AttrNumber attnum, const char* table, const char* name) {
  if (attnum == InvalidAttrNumber) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("Better Auth's jwks table \"%s\" has no column \"%s\"", table, name),
                    errhint("Run SELECT * FROM auth_ext.check_schema() to see what differs from Better Auth's schema.")));
  }
}

// The columns' numbers, from the open relation's descriptor (one pass, no catalog lookups: this
// runs on every verification), by their configured names (better_auth_names). "id" and
// "publicKey" are required, "alg" and "expiresAt" optional.
Columns ReadColumns(Relation rel) {
  const JwksNames& names = JwksTableNames();
  Columns cols{InvalidAttrNumber, InvalidAttrNumber, InvalidAttrNumber, InvalidAttrNumber};
  TupleDesc desc = RelationGetDescr(rel);
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    const char* name = NameStr(att->attname);
    if (strcmp(name, names.id) == 0) cols.id = att->attnum;
    else if (strcmp(name, names.public_key) == 0) cols.public_key = att->attnum;
    else if (strcmp(name, names.alg) == 0) cols.alg = att->attnum;
    else if (strcmp(name, names.expires_at) == 0) cols.expires_at = att->attnum;
  }
  RequireColumn(cols.id, names.table, names.id);
  RequireColumn(cols.public_key, names.table, names.public_key);
  return cols;
}

bool IsTextType(Oid type) { return type == TEXTOID || type == VARCHAROID; }

// A value as text, through its type's output function (ids may be uuid).
char* DatumText(Datum value, Oid type) {
  if (IsTextType(type)) return TextDatumGetCString(value);
  Oid output;
  bool varlena;
  getTypeOutputInfo(type, &output, &varlena);
  return OidOutputFunctionCall(output, value);
}

// The column's value as text; NULL (and isnull) when the value is NULL or the column is missing.
char* ColumnText(HeapTuple tuple, TupleDesc desc, AttrNumber attnum, bool* isnull) {
  if (attnum == InvalidAttrNumber) {
    *isnull = true;
    return nullptr;
  }
  Datum value = heap_getattr(tuple, attnum, desc, isnull);
  if (*isnull) return nullptr;
  return DatumText(value, TupleDescAttr(desc, attnum - 1)->atttypid);
}

// Whether the slot's column holds exactly expected (NULL: the value is NULL or the column missing).
// Text columns are compared in place, without copying; other types through their text form.
bool ColumnEquals(TupleTableSlot* slot, AttrNumber attnum, const char* expected, size_t expected_len) {
  if (attnum == InvalidAttrNumber) return expected == nullptr;
  bool isnull;
  Datum value = slot_getattr(slot, attnum, &isnull);
  if (isnull || expected == nullptr) return isnull && expected == nullptr;
  Oid type = TupleDescAttr(slot->tts_tupleDescriptor, attnum - 1)->atttypid;
  if (IsTextType(type)) {
    struct varlena* original = reinterpret_cast<struct varlena*>(DatumGetPointer(value));
    struct varlena* text = pg_detoast_datum_packed(original);
    bool equal = VARSIZE_ANY_EXHDR(text) == expected_len && memcmp(VARDATA_ANY(text), expected, expected_len) == 0;
    if (text != original) pfree(text);
    return equal;
  }
  char* text = DatumText(value, type);
  bool equal = strlen(text) == expected_len && memcmp(text, expected, expected_len) == 0;
  pfree(text);
  return equal;
}

bool ExpiresAtEquals(TupleTableSlot* slot, AttrNumber attnum, const JwksRowContent& expected) {
  if (attnum == InvalidAttrNumber) return !expected.has_expires_at;
  bool isnull;
  Datum value = slot_getattr(slot, attnum, &isnull);
  if (isnull || !expected.has_expires_at) return isnull && !expected.has_expires_at;
  return DatumGetTimestampTz(value) == expected.expires_at_value;
}

}  // namespace

Oid JwksTableOid() {
  RequireTrustedTables();  // a jwks table another role planted would hand out identities
  char* schema = pstrdup(SettingValue(Setting::kBetterAuthSchema));
  char* table = pstrdup(JwksTableNames().table);
  Oid relid = TableOid(schema, table);
  pfree(table);
  pfree(schema);
  return relid;
}

JwksRows ReadJwksRows(Oid relid) {
  Relation rel = table_open(relid, AccessShareLock);
  Columns cols = ReadColumns(rel);

  JwksRows out{0, nullptr};
  int capacity = 8;
  out.rows = static_cast<JwksRow*>(palloc0(sizeof(JwksRow) * capacity));
  ForEachVisibleTuple(rel, [&](HeapTuple tuple, TupleDesc desc) {
    bool id_null, key_null, alg_null, exp_null;
    char* kid = ColumnText(tuple, desc, cols.id, &id_null);
    char* key = ColumnText(tuple, desc, cols.public_key, &key_null);
    if (id_null || key_null) return;
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
        row.expires_at_value = DatumGetTimestampTz(exp);
        row.expires_at = static_cast<int64>(timestamptz_to_time_t(row.expires_at_value));
      }
    }
    row.tid = tuple->t_self;
  });
  table_close(rel, AccessShareLock);
  return out;
}

bool JwksRowUnchanged(Oid relid, const JwksRowContent& content) {
  Relation rel = table_open(relid, AccessShareLock);
  // A vacuum may have truncated the table below the row's block, or a TRUNCATE emptied it.
  if (ItemPointerGetBlockNumber(&content.tid) >= RelationGetNumberOfBlocks(rel)) {
    table_close(rel, AccessShareLock);
    return false;
  }
  Columns cols = ReadColumns(rel);
  bool pushed = PushSnapshotIfNone();
  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  ItemPointerData tid = content.tid;
  bool unchanged = table_tuple_fetch_row_version(rel, &tid, GetActiveSnapshot(), slot) &&
                   ColumnEquals(slot, cols.id, content.kid, content.kid_len) &&
                   ColumnEquals(slot, cols.public_key, content.public_key, content.public_key_len) &&
                   ColumnEquals(slot, cols.alg, content.alg, content.alg_len) &&
                   ExpiresAtEquals(slot, cols.expires_at, content);
  ExecDropSingleTupleTableSlot(slot);
  PopSnapshotIfPushed(pushed);
  table_close(rel, AccessShareLock);
  return unchanged;
}

}  // namespace auth_ext::pg
