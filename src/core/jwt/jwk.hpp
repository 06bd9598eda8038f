// JSON Web Keys (RFC 7517/7518/8037) turned into OpenSSL keys or HMAC secrets, ready to verify
// or sign JWS tokens.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/common/openssl_ptr.hpp"
#include "core/common/result.hpp"
#include "core/common/secure_bytes.hpp"
#include "core/jwt/algorithm.hpp"

namespace auth_ext::core::jwt {

enum class KeyType { kOkp, kEc, kRsa, kOct };
enum class Curve { kNone, kEd25519, kP256, kP521 };

// What the key will be used for: verification needs only the public part; signing needs the
// private members ("d", and for RSA also "p", "q", "dp", "dq", "qi") or the "oct" secret.
enum class KeyUse { kVerify, kSign };

// A parsed key. Move-only: it owns an OpenSSL key or a secret that is wiped when released.
struct Key {
  KeyType type = KeyType::kOct;
  Curve curve = Curve::kNone;      // kEd25519 for OKP, kP256/kP521 for EC, kNone otherwise
  std::string kid;                 // the JWK's "kid"; empty when it has none
  std::optional<Algorithm> alg;    // the JWK's "alg", when present
  bool can_sign = false;           // holds private material (or is an HMAC secret)
  EvpPkeyPtr pkey;                 // OKP, EC and RSA keys
  SecureBytes secret;              // oct keys (HS256)
  EvpMacCtxPtr hmac;               // oct keys: HMAC-SHA256 keyed with secret, duplicated per use
  // Ed25519 keys: the raw public key (RFC 8037 "x"), verified with libsodium (faster than EVP).
  std::array<std::uint8_t, 32> ed25519_public{};
  bool has_ed25519_public = false;
};

// Builds a Key from one JWK object. Refuses (kInvalidArgument): a missing or unsupported "kty" or
// "crv", members that are not strict base64url or have the wrong length, EC points not on the
// curve, RSA moduli under 2048 or over 8192 bits, even or tiny RSA exponents, HMAC secrets under
// 32 bytes (RFC 7518 §3.2), "use" other than "sig", "key_ops" without "verify"/"sign" (by use),
// an "alg" the key type cannot do, and, for kSign, missing or inconsistent private members.
Result<Key> ParseJwk(const nlohmann::json& jwk, KeyUse use);

// ParseJwk on JSON text (parsed strictly: duplicate names refused).
Result<Key> ParseJwkText(std::string_view text, KeyUse use);

// Builds every key of a JWK Set {"keys":[...]}; refuses an empty set or any unusable key (the
// detail names its index).
Result<std::vector<Key>> ParseJwks(const nlohmann::json& jwks, KeyUse use);

// ParseJwks on JSON text (parsed strictly).
Result<std::vector<Key>> ParseJwksText(std::string_view text, KeyUse use);

// An HS256 key from raw secret bytes (at least 32, RFC 7518 §3.2), with an optional kid.
Result<Key> KeyFromSecret(const std::uint8_t* secret, std::size_t len, std::string kid = {});

// An HS256 key from Better Auth's own secret, of any nonzero length: Better Auth signs and checks
// its HS256 tokens (signJWT, jose's jwtVerify) with TextEncoder().encode(secret), which has no
// minimum. Only for that secret; JWKs and jwt_shared_secret keep RFC 7518's 32 bytes.
Result<Key> KeyFromBetterAuthSecret(const std::uint8_t* secret, std::size_t len);

// True when the key's type and curve can produce/verify alg and the key's own "alg", if any, is
// equivalent to alg. HS256 is never permitted for an asymmetric key, nor the reverse.
bool KeyPermits(const Key& key, Algorithm alg);

// The algorithm a key is used with: its own "alg" if present (a requested algorithm must then be
// equivalent), else the requested one (which the key must permit), else the key type's only
// choice (Ed25519 -> EdDSA, P-256 -> ES256, P-521 -> ES512, oct -> HS256). An RSA key needs
// its "alg" or a requested algorithm. Errors are kInvalidArgument.
Result<Algorithm> ResolveAlgorithm(const Key& key, std::optional<Algorithm> requested);

}  // namespace auth_ext::core::jwt
