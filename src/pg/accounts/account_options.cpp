// CheckedOptions and the readers of its result.
#include "pg/accounts/account_options.hpp"

#include "pg/spi/kept_plan.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
}

namespace auth_ext::pg {

namespace {

KeptPlan options_plan = {"SELECT auth_ext._options($1, $2, CAST($3 AS pg_catalog.jsonb))", 3, {TEXTOID, JSONBOID, TEXTOID}, nullptr};

bool Lookup(Jsonb* options, const char* key, JsonbValue* value) {
  if (options == nullptr) return false;
  return getKeyJsonValueFromContainer(&options->root, key, static_cast<int>(strlen(key)), value) != nullptr &&
         value->type != jbvNull;
}

}  // namespace

Jsonb* CheckedOptions(const char* fn, Jsonb* options, const char* allowed) {
  // The common call (no options) costs a test.
  if (options == nullptr || (JB_ROOT_IS_OBJECT(options) && JB_ROOT_COUNT(options) == 0)) return nullptr;
  Datum args[3] = {CStringGetTextDatum(fn), JsonbPGetDatum(options), CStringGetTextDatum(allowed)};
  ConnectSpi();
  RunKept(options_plan, args, nullptr, SPI_OK_SELECT);
  bool isnull = false;
  Jsonb* copy = static_cast<Jsonb*>(CopyVarlenaOut(DatumGetJsonbP(ResultColumn(0, 1, &isnull))));
  SPI_finish();
  return copy;
}

text* OptionText(Jsonb* options, const char* key) {
  JsonbValue value;
  if (!Lookup(options, key, &value) || value.type != jbvString) return nullptr;
  return cstring_to_text_with_len(value.val.string.val, value.val.string.len);
}

bool OptionBool(Jsonb* options, const char* key, bool fallback) {
  JsonbValue value;
  if (!Lookup(options, key, &value) || value.type != jbvBool) return fallback;
  return value.val.boolean;
}

int32 OptionInt(Jsonb* options, const char* key, bool* given) {
  JsonbValue value;
  *given = Lookup(options, key, &value) && value.type == jbvNumeric;
  if (!*given) return 0;
  return DatumGetInt32(DirectFunctionCall1(numeric_int4, NumericGetDatum(value.val.numeric)));
}

Jsonb* OptionObject(Jsonb* options, const char* key) {
  JsonbValue value;
  if (!Lookup(options, key, &value) || value.type != jbvBinary) return nullptr;
  return JsonbValueToJsonb(&value);
}

}  // namespace auth_ext::pg
