// The options argument of an account operation, read from C: checked by the one validator,
// auth_ext._options, then read key by key.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// options checked against allowed (a JSON object of name: kind, as auth_ext._options takes it) for
// operation fn: nullptr for no options (NULL or {}); 22023 VALIDATION_ERROR as _options raises it.
// The result has no JSON nulls (a null value is an option not given).
Jsonb* CheckedOptions(const char* fn, Jsonb* options, const char* allowed);

// An option's value, or nullptr when not given (options may be nullptr).
text* OptionText(Jsonb* options, const char* key);
bool OptionBool(Jsonb* options, const char* key, bool fallback);
// *given false when absent; the value was checked to be a 32-bit integer.
int32 OptionInt(Jsonb* options, const char* key, bool* given);
Jsonb* OptionObject(Jsonb* options, const char* key);

}  // namespace auth_ext::pg
