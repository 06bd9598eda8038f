// Fails the boundary check: a try block of its own in an entry point (exceptions belong to CallCore).
#include "pg/core_call.hpp"

AUTH_EXT_SQL_FUNCTION(auth_ext_example_bad_try) {
  char* value = nullptr;
  try {
    value = pstrdup("x");
  } catch (...) {
    PG_RETURN_NULL();
  }
  PG_RETURN_TEXT_P(cstring_to_text(value));
}
