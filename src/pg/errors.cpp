// One table from core error kinds to SQLSTATEs; see docs/errors.md.
#include "pg/errors.hpp"

extern "C" {
#include "utils/elog.h"
}

namespace auth_ext::pg {

int SqlStateFor(core::ErrorKind kind) noexcept {
  switch (kind) {
    case core::ErrorKind::kInvalidArgument: return ERRCODE_INVALID_PARAMETER_VALUE;          // 22023
    case core::ErrorKind::kMalformedData: return ERRCODE_INVALID_TEXT_REPRESENTATION;        // 22P02
    case core::ErrorKind::kInvalidToken: return ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION; // 28000
    case core::ErrorKind::kNotConfigured: return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;   // 55000
    case core::ErrorKind::kCryptoFailure: return ERRCODE_EXTERNAL_ROUTINE_INVOCATION_EXCEPTION; // 39000
    case core::ErrorKind::kOutOfMemory: return ERRCODE_OUT_OF_MEMORY;                        // 53200
    case core::ErrorKind::kInternal: return ERRCODE_INTERNAL_ERROR;                           // XX000
  }
  return ERRCODE_INTERNAL_ERROR;
}

}  // namespace auth_ext::pg
