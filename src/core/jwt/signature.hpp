// The signature primitives under JWS: create and verify one signature over a signing input with
// one key and one algorithm (RFC 7518 §3, RFC 8037 §3.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"
#include "core/jwt/algorithm.hpp"
#include "core/jwt/jwk.hpp"

namespace auth_ext::core::jwt {

// Verifies sig over signing_input. Refuses (kInvalidToken) an algorithm the key does not permit
// ("token algorithm does not match the key": this is where HMAC with a public key is stopped), a
// signature of the wrong length for the algorithm (RSA: the modulus length), ECDSA R or S outside
// [1, n-1], and a signature that does not verify ("token signature is invalid"). ECDSA signatures
// are JOSE raw R||S; PS256 requires MGF1-SHA-256 and exactly 32 bytes of salt; HS256 compares the
// full 32-byte tag in constant time. kCryptoFailure only when OpenSSL cannot run at all.
Status VerifySignature(Algorithm alg, const Key& key, std::string_view signing_input,
                       const std::uint8_t* sig, std::size_t sig_len);

// Signs signing_input: Ed25519 (64 bytes), ECDSA as fixed-width raw R||S, RSA PKCS#1 v1.5 or PSS
// (32-byte salt), HMAC-SHA-256 (32 bytes). kInvalidArgument when the key holds no private part or
// does not permit alg.
Result<std::vector<std::uint8_t>> CreateSignature(Algorithm alg, const Key& key, std::string_view signing_input);

// Keys an HMAC-SHA-256 context with key.secret and keeps it in key.hmac, so each HS256 signature
// duplicates a keyed context instead of fetching and keying one (called when an oct key is built).
Status PrepareHmacKey(Key& key);

}  // namespace auth_ext::core::jwt
