// SQL function auth_ext.generate_id: ids and tokens as Better Auth generates them.
#include "pg/core_call.hpp"

#include "core/common/random.hpp"

namespace core = auth_ext::core;

// generate_id(size integer DEFAULT 32) returns text: size characters of [a-zA-Z0-9] from OpenSSL's
// CSPRNG, drawn as Better Auth's generateId draws them.
AUTH_EXT_SQL_FUNCTION(auth_ext_generate_id) {
  int32 size = PG_GETARG_INT32(0);
  if (size < 1 || size > 255) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("id size must be between 1 and 255")));
  }
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&] { return core::GenerateBetterAuthId(size); });
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}
