// Passes the boundary check: C++ objects live only inside the CallCore lambda; the Postgres frame
// holds plain data (pointers, string_view, CoreOutcome) when it raises.
#include "pg/core_call.hpp"

AUTH_EXT_SQL_FUNCTION(auth_ext_example_good) {
  text* arg = PG_GETARG_TEXT_PP(0);
  std::string_view input(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg));
  auth_ext::pg::CoreOutcome out = auth_ext::pg::CallCore([&]() -> auth_ext::core::Result<std::string> {
    std::string copy(input);
    auto upper = copy;  // inside the lambda: destroyed before CallCore returns
    return upper;
  });
  for (const auto& c : input) (void)c;
  PG_RETURN_TEXT_P(auth_ext::pg::OutcomeToText(out));
}
