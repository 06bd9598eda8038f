// What every account write checks first.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

// 25006 READ_ONLY in a read-only transaction (a hot standby), then the views of the user and
// account tables there and current (RequireAccountTables).
void PrepareAccountWrite();

}  // namespace auth_ext::pg
