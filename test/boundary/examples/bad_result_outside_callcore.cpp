// Fails the boundary check: a core::Result (it owns a std::string) held in the entry point's frame.
#include "pg/core_call.hpp"

#include "core/common/random.hpp"

AUTH_EXT_SQL_FUNCTION(auth_ext_example_bad_result) {
  auth_ext::core::Result<std::string> id = auth_ext::core::GenerateBetterAuthId(32);
  PG_RETURN_TEXT_P(cstring_to_text(id.value().c_str()));
}
