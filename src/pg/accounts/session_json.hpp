// get_session's result built in C from the session and user rows, as Better Auth returns them.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// {"session": <row>, "user": <row>} from two composite datums (whole-row values). Each column
// becomes a member named after it: text as a string, boolean, numbers as numbers, NULL as null,
// timestamptz as JavaScript's Date JSON (UTC, milliseconds, "Z"), the form Better Auth's
// responses use. Returns NULL when a column has a type it does not write (the caller then uses
// the general SQL builder), so any table Better Auth can make is answered.
Jsonb* BuildSessionJson(Datum session_row, Datum user_row);

// One row (a composite datum) as Better Auth's JSON, by the same rules; NULL as above.
Jsonb* BuildRowJson(Datum row);

}  // namespace auth_ext::pg
