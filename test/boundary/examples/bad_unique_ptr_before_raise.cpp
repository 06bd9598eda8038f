// Fails the boundary check: a helper that raises a core error (RaiseCoreError) while a
// unique_ptr of the core sits in its frame.
#include "pg/core_call.hpp"

#include "core/common/openssl_ptr.hpp"

namespace auth_ext::pg {

void ExampleBadHelper(const CoreOutcome& outcome) {
  core::EvpMdCtxPtr context(EVP_MD_CTX_new());
  if (!outcome.ok) RaiseCoreError(outcome);
}

}  // namespace auth_ext::pg
