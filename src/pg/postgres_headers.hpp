// The one place Postgres server headers enter C++: wrapped in extern "C", with the supported
// version range checked at compile time.
#pragma once

extern "C" {
#include "postgres.h"

#if PG_VERSION_NUM >= 160000
// VARDATA_ANY, VARSIZE_ANY_EXHDR and the other varlena macros moved here from postgres.h in 16.
#include "varatt.h"
#endif
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "mb/pg_wchar.h"
}

#if PG_VERSION_NUM < 140000
#error "auth_ext requires PostgreSQL 14 or later"
#endif

// The library is built with -fvisibility=hidden; before PostgreSQL 16, PGDLLEXPORT is empty on
// ELF platforms, so the symbols Postgres looks up (magic block, function info, entry points)
// need the default visibility spelled out.
#if PG_VERSION_NUM < 160000 && defined(__GNUC__)
#undef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

// Declares a SQL-callable V1 function with C linkage: AUTH_EXT_SQL_FUNCTION(auth_ext_x) { ... }
// The body is a Postgres frame: an error raised in it longjmps, so it owns no C++ object with a
// destructor and catches no exception; C++ work goes into a CallCore lambda (pg/core_call.hpp).
// test/boundary/check_boundary.py enforces this for every entry point (suite unit).
#define AUTH_EXT_SQL_FUNCTION(name)        \
  extern "C" {                             \
  PG_FUNCTION_INFO_V1(name);               \
  }                                        \
  extern "C" PGDLLEXPORT Datum name(PG_FUNCTION_ARGS)

namespace auth_ext::pg {
// Sets fcinfo up to return a materialized set (a tuplestore); InitMaterializedSRF on 15 and later.
void BeginMaterializedSrf(FunctionCallInfo fcinfo);
}  // namespace auth_ext::pg
