// auth_ext's coded errors raised from C: the same error auth_ext._raise raises for PL/pgSQL (its
// SQLSTATE, 'CODE: message', the code in the CONSTRAINT field), by calling it, so the table of
// codes (auth_ext.error_codes()) and the raise stay one each.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// Raises error code (a code of auth_ext.error_codes()), with message instead of the table's
// message and hint when not nullptr. Call only from a frame that owns no C++ objects.
[[noreturn]] void RaiseCoded(const char* code, const char* message = nullptr, const char* hint = nullptr);

}  // namespace auth_ext::pg
