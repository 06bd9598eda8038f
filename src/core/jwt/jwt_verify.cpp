// Signature then claims: the full JWT acceptance check.
#include "core/jwt/jwt_verify.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

Result<VerifiedJws> VerifyJwt(std::string_view token, const std::vector<Key>& keys, const VerifyOptions& options,
                              const ClaimPolicy& policy) {
  Result<VerifiedJws> verified = VerifyJws(token, keys, options);
  if (!verified.ok()) return verified;
  AUTH_EXT_RETURN_IF_ERROR(CheckClaims(verified.value().payload, policy));
  return verified;
}

}  // namespace auth_ext::core::jwt
