// Reads a compact JWS's protected header before verification, to choose the key: only "alg" and
// "kid" are taken from it, and neither is trusted until the signature verifies with a key whose
// own algorithm matches.
#pragma once

#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace auth_ext::core::jwt {

struct TokenHeader {
  std::string alg;  // as written; may be unsupported (verification refuses it then)
  std::string kid;  // empty when absent
};

// Decodes the first segment strictly. kInvalidToken when the token is oversized, has no '.', the
// header is not strict base64url JSON object, or "alg"/"kid" are present but not strings.
Result<TokenHeader> PeekTokenHeader(std::string_view token, std::size_t max_token_bytes);

}  // namespace auth_ext::core::jwt
