// The JWS algorithms auth_ext accepts (RFC 7518, RFC 8037, RFC 9864), and their names.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/common/result.hpp"

namespace auth_ext::core::jwt {

enum class Algorithm {
  kEdDSA,    // "EdDSA" with an Ed25519 key (RFC 8037), what Better Auth signs with by default
  kEd25519,  // "Ed25519", RFC 9864's fully-specified name for the same signature
  kES256,    // ECDSA P-256 SHA-256, signature raw R||S (64 bytes)
  kES512,    // ECDSA P-521 SHA-512, signature raw R||S (132 bytes)
  kRS256,    // RSASSA-PKCS1-v1_5 SHA-256
  kPS256,    // RSASSA-PSS SHA-256, MGF1-SHA-256, 32-byte salt
  kHS256,    // HMAC SHA-256, full 32-byte tag
};

// Maps a header or JWK "alg" value to an Algorithm. "none" is refused with its own message
// ("unsigned tokens (alg none) are not accepted"), anything else unknown with
// "unsupported algorithm"; both kInvalidToken (callers parsing a JWK re-label the kind).
Result<Algorithm> ParseAlgorithm(std::string_view name);

// The registered name ("EdDSA", "Ed25519", "ES256", ...).
std::string_view AlgorithmName(Algorithm alg);

// True when a and b verify the same way (equal, or EdDSA and Ed25519).
bool AlgorithmsEquivalent(Algorithm a, Algorithm b);

// The exact signature length the algorithm produces, or 0 for RSA (the modulus length decides).
std::size_t FixedSignatureLength(Algorithm alg);

}  // namespace auth_ext::core::jwt
