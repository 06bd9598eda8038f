// RaiseCoded: auth_ext._raise, called through a kept statement.
#include "pg/accounts/coded_error.hpp"

#include "pg/spi/kept_plan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/builtins.h"
}

namespace auth_ext::pg {

namespace {

KeptPlan raise_plan = {"SELECT auth_ext._raise($1, $2, $3)", 3, {TEXTOID, TEXTOID, TEXTOID}, nullptr};

}  // namespace

void RaiseCoded(const char* code, const char* message, const char* hint) {
  Datum args[3] = {CStringGetTextDatum(code), message ? CStringGetTextDatum(message) : Datum(0),
                   hint ? CStringGetTextDatum(hint) : Datum(0)};
  const char nulls[4] = {' ', message ? ' ' : 'n', hint ? ' ' : 'n', '\0'};
  ConnectSpi();
  RunKept(raise_plan, args, nulls, SPI_OK_SELECT);
  elog(ERROR, "auth_ext: auth_ext._raise(%s) returned", code);
  pg_unreachable();
}

}  // namespace auth_ext::pg
