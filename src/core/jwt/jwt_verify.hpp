// One call for the SQL layer: verify a JWT's signature, then its registered claims.
#pragma once

#include <string_view>
#include <vector>

#include "core/common/result.hpp"
#include "core/jwt/claims.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jws_verify.hpp"

namespace auth_ext::core::jwt {

// VerifyJws, then CheckClaims on the payload; returns the verified token only when both pass.
Result<VerifiedJws> VerifyJwt(std::string_view token, const std::vector<Key>& keys, const VerifyOptions& options,
                              const ClaimPolicy& policy);

}  // namespace auth_ext::core::jwt
