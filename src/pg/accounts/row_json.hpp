// Rows as Better Auth returns them, built in C: the one row builder of auth_ext.
#pragma once

#include "pg/postgres_headers.hpp"

extern "C" {
#include "utils/jsonb.h"
}

namespace auth_ext::pg {

// One row (a composite datum) as Better Auth's JSON: each column becomes a member named after it;
// text as a string, boolean, numbers as numbers (NaN and infinities as strings, as to_jsonb), NULL
// as null, timestamptz as JavaScript's Date JSON (UTC, milliseconds, "Z"; null where JavaScript
// has no date), and every other type (json, jsonb, arrays, ...) as Postgres's to_jsonb writes it.
// Never NULL.
Jsonb* BuildRowJson(Datum row);

// {"session": <row>, "user": <row>} from two composite datums, by the same rules.
Jsonb* BuildSessionJson(Datum session_row, Datum user_row);

}  // namespace auth_ext::pg
