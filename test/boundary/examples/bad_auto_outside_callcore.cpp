// Fails the boundary check: a bare auto hides the type (here a core::Result) from the check.
#include "pg/core_call.hpp"

#include "core/common/random.hpp"

AUTH_EXT_SQL_FUNCTION(auth_ext_example_bad_auto) {
  auto id = auth_ext::core::GenerateBetterAuthId(32);
  PG_RETURN_TEXT_P(cstring_to_text(id.value().c_str()));
}
