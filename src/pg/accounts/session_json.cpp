// get_session's result built in C from the session and user rows: one pass over each row's columns
// instead of to_jsonb, jsonb_build_object and to_char per call.
#include "pg/accounts/session_json.hpp"

#include <cstdio>

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

namespace auth_ext::pg {

namespace {

void PushString(JsonbParseState** state, JsonbIteratorToken token, const char* data, int len) {
  JsonbValue v;
  v.type = jbvString;
  v.val.string.val = const_cast<char*>(data);
  v.val.string.len = len;
  pushJsonbValue(state, token, &v);
}

constexpr int kJsDateLength = 24;  // 2026-11-22T14:44:48.309Z

// JavaScript's Date.prototype.toJSON for a timestamptz, palloc'd (pushJsonbValue keeps the
// pointer); NULL when it has no such form (infinite, or a year outside 0001-9999).
char* FormatJsDate(TimestampTz ts) {
  if (TIMESTAMP_NOT_FINITE(ts)) return nullptr;
  struct pg_tm tm;
  fsec_t fsec;
  if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0) return nullptr;
  if (tm.tm_year < 1 || tm.tm_year > 9999) return nullptr;
  constexpr size_t kBufferSize = 64;  // room for any int fields; the checks above bound them to 24
  char* out = static_cast<char*>(palloc(kBufferSize));
  int len = snprintf(out, kBufferSize, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(fsec / 1000));
  return len == kJsDateLength ? out : nullptr;
}

// A number column as to_jsonb writes it: a JSON number, or a string for NaN and infinities.
void PushNumber(JsonbParseState** state, Oid type, Datum value) {
  Oid output;
  bool varlena;
  getTypeOutputInfo(type, &output, &varlena);
  char* text = OidOutputFunctionCall(output, value);
  if (strcmp(text, "NaN") == 0 || strcmp(text, "Infinity") == 0 || strcmp(text, "-Infinity") == 0) {
    PushString(state, WJB_VALUE, text, static_cast<int>(strlen(text)));
    return;
  }
  JsonbValue v;
  v.type = jbvNumeric;
  v.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
                                                      ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
  pushJsonbValue(state, WJB_VALUE, &v);
}

// One column's value; false for a type this builder does not write.
bool PushColumn(JsonbParseState** state, Oid type, Datum value, bool isnull) {
  JsonbValue v;
  if (isnull) {
    v.type = jbvNull;
    pushJsonbValue(state, WJB_VALUE, &v);
    return true;
  }
  switch (type) {
    case TEXTOID:
    case VARCHAROID: {
      text* t = DatumGetTextPP(value);
      PushString(state, WJB_VALUE, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
      return true;
    }
    case BOOLOID:
      v.type = jbvBool;
      v.val.boolean = DatumGetBool(value);
      pushJsonbValue(state, WJB_VALUE, &v);
      return true;
    case TIMESTAMPTZOID: {
      char* date = FormatJsDate(DatumGetTimestampTz(value));
      if (date == nullptr) return false;
      PushString(state, WJB_VALUE, date, kJsDateLength);
      return true;
    }
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case FLOAT4OID:
    case FLOAT8OID:
    case NUMERICOID:
      PushNumber(state, type, value);
      return true;
    default:
      return false;
  }
}

// One row as an object value; false when a column has a type this builder does not write.
// *done receives what pushJsonbValue returns for the closing brace (the whole value at top level).
bool PushRow(JsonbParseState** state, Datum row, JsonbValue** done = nullptr) {
  HeapTupleHeader header = DatumGetHeapTupleHeader(row);
  TupleDesc desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(header), HeapTupleHeaderGetTypMod(header));
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(header);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = header;
  bool ok = true;
  pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
  for (int i = 0; i < desc->natts && ok; ++i) {
    Form_pg_attribute attr = TupleDescAttr(desc, i);
    if (attr->attisdropped) continue;
    const char* name = pstrdup(NameStr(attr->attname));  // the state keeps the pointer past ReleaseTupleDesc
    PushString(state, WJB_KEY, name, static_cast<int>(strlen(name)));
    bool isnull = false;
    Datum value = heap_getattr(&tuple, i + 1, desc, &isnull);
    ok = PushColumn(state, attr->atttypid, value, isnull);
  }
  ReleaseTupleDesc(desc);
  if (!ok) return false;
  JsonbValue* closed = pushJsonbValue(state, WJB_END_OBJECT, nullptr);
  if (done != nullptr) *done = closed;
  return true;
}

}  // namespace

Jsonb* BuildSessionJson(Datum session_row, Datum user_row) {
  JsonbParseState* state = nullptr;
  pushJsonbValue(&state, WJB_BEGIN_OBJECT, nullptr);
  PushString(&state, WJB_KEY, "session", 7);
  if (!PushRow(&state, session_row)) return nullptr;
  PushString(&state, WJB_KEY, "user", 4);
  if (!PushRow(&state, user_row)) return nullptr;
  return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, nullptr));
}

Jsonb* BuildRowJson(Datum row) {
  JsonbParseState* state = nullptr;
  JsonbValue* value = nullptr;
  if (!PushRow(&state, row, &value)) return nullptr;
  return JsonbValueToJsonb(value);
}

}  // namespace auth_ext::pg

// _row_json(row record) returns jsonb: the row as Better Auth's JSON (JavaScript dates), or NULL
// when a column has a type BuildRowJson does not write (callers fall back to to_jsonb).
AUTH_EXT_SQL_FUNCTION(auth_ext_row_json) {
  Jsonb* result = auth_ext::pg::BuildRowJson(PG_GETARG_DATUM(0));
  if (result == nullptr) PG_RETURN_NULL();
  PG_RETURN_JSONB_P(result);
}
