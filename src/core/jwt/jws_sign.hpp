// Signing JWTs as compact JWS, with the header Better Auth writes: {"alg":...,"kid":...}.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/common/result.hpp"
#include "core/jwt/algorithm.hpp"
#include "core/jwt/jwk.hpp"

namespace auth_ext::core::jwt {

// Returns BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature), where header is
// {"alg":"<alg>"} plus "kid" when the key has one (no "typ"), payload is claims_object serialized
// compactly, and alg is resolved by ResolveAlgorithm(key, alg). kInvalidArgument when claims_object
// is not an object or holds invalid UTF-8, or the key cannot sign with the algorithm.
Result<std::string> SignJwt(const nlohmann::json& claims_object, const Key& key,
                            std::optional<Algorithm> alg = std::nullopt);

// SignJwt over a payload already serialized (its exact bytes are signed, e.g. claims in the order
// another implementation writes them); the caller guarantees it is a JSON object.
Result<std::string> SignJwsText(std::string_view payload_text, const Key& key,
                                std::optional<Algorithm> alg = std::nullopt);

}  // namespace auth_ext::core::jwt
