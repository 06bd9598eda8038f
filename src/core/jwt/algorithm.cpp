// JWS algorithm names and per-algorithm facts.
#include "core/jwt/algorithm.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

Result<Algorithm> ParseAlgorithm(std::string_view name) {
  if (name == "EdDSA") return Algorithm::kEdDSA;
  if (name == "Ed25519") return Algorithm::kEd25519;
  if (name == "ES256") return Algorithm::kES256;
  if (name == "ES512") return Algorithm::kES512;
  if (name == "RS256") return Algorithm::kRS256;
  if (name == "PS256") return Algorithm::kPS256;
  if (name == "HS256") return Algorithm::kHS256;
  if (name == "none") {
    return MakeError(ErrorKind::kInvalidToken, "unsigned tokens (alg none) are not accepted");
  }
  return MakeError(ErrorKind::kInvalidToken, "unsupported algorithm",
                   "Supported algorithms: EdDSA, Ed25519, ES256, ES512, RS256, PS256, HS256.");
}

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kEdDSA: return "EdDSA";
    case Algorithm::kEd25519: return "Ed25519";
    case Algorithm::kES256: return "ES256";
    case Algorithm::kES512: return "ES512";
    case Algorithm::kRS256: return "RS256";
    case Algorithm::kPS256: return "PS256";
    case Algorithm::kHS256: return "HS256";
  }
  return "unknown";
}

bool AlgorithmsEquivalent(Algorithm a, Algorithm b) {
  auto is_ed25519 = [](Algorithm x) { return x == Algorithm::kEdDSA || x == Algorithm::kEd25519; };
  return a == b || (is_ed25519(a) && is_ed25519(b));
}

std::size_t FixedSignatureLength(Algorithm alg) {
  switch (alg) {
    case Algorithm::kEdDSA:
    case Algorithm::kEd25519:
    case Algorithm::kES256: return 64;
    case Algorithm::kES512: return 132;
    case Algorithm::kHS256: return 32;
    case Algorithm::kRS256:
    case Algorithm::kPS256: return 0;
  }
  return 0;
}

}  // namespace auth_ext::core::jwt
