// One table from core error kinds to SQLSTATEs.
#pragma once

#include "pg/postgres_headers.hpp"

#include "core/common/result.hpp"

namespace auth_ext::pg {

// The SQLSTATE (as made by MAKE_SQLSTATE) that a core error kind is reported with.
int SqlStateFor(core::ErrorKind kind) noexcept;

}  // namespace auth_ext::pg
