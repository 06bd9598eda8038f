// Rows as Better Auth's JSON, built in C: one builder for every row auth_ext returns (sign-up,
// sign-in, get_session, sessions made by change_password). Text, booleans, numbers, NULL and
// timestamptz (as JavaScript's Date JSON) are written directly; every other column type goes
// through Postgres's own to_jsonb conversion, so any table Better Auth can make is answered.
#include "pg/accounts/row_json.hpp"

#include <cstdio>
#include <cstdlib>

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
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

void PushNull(JsonbParseState** state) {
  JsonbValue v;
  v.type = jbvNull;
  pushJsonbValue(state, WJB_VALUE, &v);
}

void PushNumeric(JsonbParseState** state, Numeric value) {
  JsonbValue v;
  v.type = jbvNumeric;
  v.val.numeric = value;
  pushJsonbValue(state, WJB_VALUE, &v);
}

// The range of a JavaScript Date: +-8.64e15 ms from the Unix epoch.
constexpr int64 kJsDateMaxMs = INT64CONST(8640000000000000);

// JavaScript's Date.prototype.toJSON for a finite timestamptz (palloc'd; pushJsonbValue keeps
// the pointer): 2026-11-22T14:44:48.309Z, with the expanded year form (+010000, -000001) outside
// 0000-9999 as toISOString writes it. NULL where JavaScript has no date (infinities, or beyond
// its range), written as JSON null like JSON.stringify writes an invalid Date.
char* FormatJsDate(TimestampTz ts, int* len) {
  if (TIMESTAMP_NOT_FINITE(ts)) return nullptr;
  const int64 unix_us = ts + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
  const int64 unix_ms = unix_us / 1000 - (unix_us % 1000 < 0 ? 1 : 0);
  if (unix_ms > kJsDateMaxMs || unix_ms < -kJsDateMaxMs) return nullptr;
  struct pg_tm tm;
  fsec_t fsec;
  if (timestamp2tm(ts, nullptr, &tm, &fsec, nullptr, nullptr) != 0) return nullptr;
  constexpr size_t kBufferSize = 64;
  char* out = static_cast<char*>(palloc(kBufferSize));
  char year[16];
  // tm_year is astronomical (0 is 1 BC), as JavaScript's years are.
  if (tm.tm_year >= 0 && tm.tm_year <= 9999) {
    snprintf(year, sizeof year, "%04d", tm.tm_year);
  } else {
    snprintf(year, sizeof year, "%c%06d", tm.tm_year < 0 ? '-' : '+', std::abs(tm.tm_year));
  }
  *len = snprintf(out, kBufferSize, "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<int>(fsec / 1000));
  return out;
}

// A value as Postgres's to_jsonb(value) writes it (to_jsonb reads its argument's type from the
// call expression, so the call carries one).
void PushViaToJsonb(JsonbParseState** state, Oid type, Datum value) {
  FmgrInfo flinfo;
  fmgr_info(F_TO_JSONB, &flinfo);
  flinfo.fn_expr = reinterpret_cast<Node*>(makeFuncExpr(F_TO_JSONB, JSONBOID,
                                                        list_make1(makeNullConst(type, -1, InvalidOid)),
                                                        InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL));
  Jsonb* converted = DatumGetJsonbP(FunctionCall1(&flinfo, value));
  JsonbValue v;
  v.type = jbvBinary;
  v.val.binary.data = &converted->root;
  v.val.binary.len = static_cast<int>(VARSIZE(converted) - VARHDRSZ);
  pushJsonbValue(state, WJB_VALUE, &v);  // unpacks scalars and containers alike
}

// A float as to_jsonb writes it: a JSON number, or a string for NaN and the infinities.
void PushFloat(JsonbParseState** state, Oid type, Datum value) {
  char* text = OidOutputFunctionCall(type == FLOAT4OID ? F_FLOAT4OUT : F_FLOAT8OUT, value);
  if (strcmp(text, "NaN") == 0 || strcmp(text, "Infinity") == 0 || strcmp(text, "-Infinity") == 0) {
    PushString(state, WJB_VALUE, text, static_cast<int>(strlen(text)));
    return;
  }
  PushNumeric(state, DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
                                                         ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1))));
}

// One column's value.
void PushColumn(JsonbParseState** state, Oid type, Datum value, bool isnull) {
  if (isnull) {
    PushNull(state);
    return;
  }
  switch (type) {
    case TEXTOID:
    case VARCHAROID: {
      text* t = DatumGetTextPP(value);
      PushString(state, WJB_VALUE, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
      return;
    }
    case BOOLOID: {
      JsonbValue v;
      v.type = jbvBool;
      v.val.boolean = DatumGetBool(value);
      pushJsonbValue(state, WJB_VALUE, &v);
      return;
    }
    case TIMESTAMPTZOID: {
      int len = 0;
      char* date = FormatJsDate(DatumGetTimestampTz(value), &len);
      if (date == nullptr) {
        PushNull(state);
      } else {
        PushString(state, WJB_VALUE, date, len);
      }
      return;
    }
    case INT2OID:
      PushNumeric(state, int64_to_numeric(DatumGetInt16(value)));
      return;
    case INT4OID:
      PushNumeric(state, int64_to_numeric(DatumGetInt32(value)));
      return;
    case INT8OID:
      PushNumeric(state, int64_to_numeric(DatumGetInt64(value)));
      return;
    case FLOAT4OID:
    case FLOAT8OID:
      PushFloat(state, type, value);
      return;
    case NUMERICOID: {
      Numeric n = DatumGetNumeric(value);
      if (numeric_is_nan(n) || numeric_is_inf(n)) {  // as to_jsonb: "NaN", "Infinity", "-Infinity"
        char* text = DatumGetCString(DirectFunctionCall1(numeric_out, value));
        PushString(state, WJB_VALUE, text, static_cast<int>(strlen(text)));
      } else {
        PushNumeric(state, n);
      }
      return;
    }
    default: {
      Oid base = getBaseType(type);  // a domain is written as its base type
      if (base != type) {
        PushColumn(state, base, value, false);
      } else {
        PushViaToJsonb(state, type, value);  // json, jsonb, arrays, uuid, dates, anything else
      }
      return;
    }
  }
}

// One row as an object value; *done receives what pushJsonbValue returns for the closing brace
// (the whole value at top level).
void PushRow(JsonbParseState** state, Datum row, JsonbValue** done = nullptr) {
  HeapTupleHeader header = DatumGetHeapTupleHeader(row);
  TupleDesc desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(header), HeapTupleHeaderGetTypMod(header));
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(header);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = header;
  pushJsonbValue(state, WJB_BEGIN_OBJECT, nullptr);
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute attr = TupleDescAttr(desc, i);
    if (attr->attisdropped) continue;
    const char* name = pstrdup(NameStr(attr->attname));  // the state keeps the pointer past ReleaseTupleDesc
    PushString(state, WJB_KEY, name, static_cast<int>(strlen(name)));
    bool isnull = false;
    Datum value = heap_getattr(&tuple, i + 1, desc, &isnull);
    PushColumn(state, attr->atttypid, value, isnull);
  }
  ReleaseTupleDesc(desc);
  JsonbValue* closed = pushJsonbValue(state, WJB_END_OBJECT, nullptr);
  if (done != nullptr) *done = closed;
}

}  // namespace

Jsonb* BuildSessionJson(Datum session_row, Datum user_row) {
  JsonbParseState* state = nullptr;
  pushJsonbValue(&state, WJB_BEGIN_OBJECT, nullptr);
  PushString(&state, WJB_KEY, "session", 7);
  PushRow(&state, session_row);
  PushString(&state, WJB_KEY, "user", 4);
  PushRow(&state, user_row);
  return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, nullptr));
}

Jsonb* BuildRowJson(Datum row) {
  JsonbParseState* state = nullptr;
  JsonbValue* value = nullptr;
  PushRow(&state, row, &value);
  return JsonbValueToJsonb(value);
}

}  // namespace auth_ext::pg

// _row_json(row record) returns jsonb: the row as Better Auth's JSON (JavaScript dates).
AUTH_EXT_SQL_FUNCTION(auth_ext_row_json) { PG_RETURN_JSONB_P(auth_ext::pg::BuildRowJson(PG_GETARG_DATUM(0))); }
