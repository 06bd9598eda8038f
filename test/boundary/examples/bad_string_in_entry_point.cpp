// Fails the boundary check: a std::string in the entry point's frame; the ereport below longjmps
// over it and its heap buffer leaks.
#include "pg/core_call.hpp"

AUTH_EXT_SQL_FUNCTION(auth_ext_example_bad_string) {
  std::string name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  if (name.empty()) ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("empty")));
  PG_RETURN_TEXT_P(cstring_to_text(name.c_str()));
}
