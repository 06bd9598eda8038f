// JWS signature primitives over OpenSSL 3: EVP_DigestSign/Verify for Ed25519, ECDSA (with the
// JOSE raw R||S <-> DER conversion) and RSA, one-shot HMAC for HS256.
#include "core/jwt/signature.hpp"

#include <new>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG, ECDSA_SIG_free>>;

constexpr std::size_t kHmacSha256Bytes = 32;
constexpr int kPssSaltBytes = 32;

Error BadSignature() { return MakeError(ErrorKind::kInvalidToken, "token signature is invalid"); }

Error CryptoError(std::string message) {
  return MakeError(ErrorKind::kCryptoFailure, std::move(message), DrainOpenSslErrors());
}

const EVP_MD* DigestFor(Algorithm alg) {
  switch (alg) {
    case Algorithm::kES512: return EVP_sha512();
    case Algorithm::kES256:
    case Algorithm::kRS256:
    case Algorithm::kPS256:
    case Algorithm::kHS256: return EVP_sha256();
    case Algorithm::kEdDSA:
    case Algorithm::kEd25519: return nullptr;  // Ed25519 hashes internally
  }
  return nullptr;
}

std::size_t EcCoordinateBytes(Algorithm alg) { return alg == Algorithm::kES512 ? 66 : 32; }

// The signature length alg must have with this key.
std::size_t ExpectedLength(Algorithm alg, const Key& key) {
  const std::size_t fixed = FixedSignatureLength(alg);
  if (fixed != 0) return fixed;
  return static_cast<std::size_t>(EVP_PKEY_get_size(key.pkey.get()));
}

// Sets PSS parameters (MGF1 with the signature hash, 32-byte salt) on an RSA sign/verify context.
bool ConfigureRsaPadding(Algorithm alg, EVP_PKEY_CTX* pctx) {
  if (alg == Algorithm::kRS256) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, kPssSaltBytes) > 0;
}

// False for a default-constructed Key: no OpenSSL key, or an empty HMAC secret.
bool HasKeyMaterial(const Key& key) {
  return key.type == KeyType::kOct ? !key.secret.empty() : key.pkey != nullptr;
}

bool IsRsa(Algorithm alg) { return alg == Algorithm::kRS256 || alg == Algorithm::kPS256; }
bool IsEcdsa(Algorithm alg) { return alg == Algorithm::kES256 || alg == Algorithm::kES512; }

// Converts JOSE raw R||S into DER, refusing R or S equal to 0 or not below the group order.
Result<std::vector<std::uint8_t>> RawEcdsaToDer(const Key& key, const std::uint8_t* sig, std::size_t sig_len) {
  const int half = static_cast<int>(sig_len / 2);
  BignumPtr r(BN_bin2bn(sig, half, nullptr));
  BignumPtr s(BN_bin2bn(sig + half, half, nullptr));
  BIGNUM* order_raw = nullptr;
  if (!r || !s || EVP_PKEY_get_bn_param(key.pkey.get(), OSSL_PKEY_PARAM_EC_ORDER, &order_raw) != 1) {
    return CryptoError("could not read ECDSA signature");
  }
  BignumPtr order(order_raw);
  if (BN_is_zero(r.get()) || BN_is_zero(s.get()) || BN_cmp(r.get(), order.get()) >= 0 ||
      BN_cmp(s.get(), order.get()) >= 0) {
    return BadSignature();
  }
  EcdsaSigPtr ecdsa(ECDSA_SIG_new());
  if (!ecdsa || ECDSA_SIG_set0(ecdsa.get(), r.get(), s.get()) != 1) return CryptoError("could not read ECDSA signature");
  r.release();  // now owned by ecdsa
  s.release();
  const int der_len = i2d_ECDSA_SIG(ecdsa.get(), nullptr);
  if (der_len <= 0) return CryptoError("could not encode ECDSA signature");
  std::vector<std::uint8_t> der(static_cast<std::size_t>(der_len));
  unsigned char* out = der.data();
  if (i2d_ECDSA_SIG(ecdsa.get(), &out) != der_len) return CryptoError("could not encode ECDSA signature");
  return der;
}

// Converts an OpenSSL DER ECDSA signature into fixed-width raw R||S.
Result<std::vector<std::uint8_t>> DerEcdsaToRaw(Algorithm alg, const std::vector<std::uint8_t>& der) {
  const unsigned char* in = der.data();
  EcdsaSigPtr ecdsa(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!ecdsa) return CryptoError("could not decode ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(ecdsa.get(), &r, &s);
  const std::size_t width = EcCoordinateBytes(alg);
  std::vector<std::uint8_t> raw(2 * width);
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(width)) < 0 ||
      BN_bn2binpad(s, raw.data() + width, static_cast<int>(width)) < 0) {
    return CryptoError("could not encode ECDSA signature");
  }
  return raw;
}

// HMAC-SHA-256 of input under key into mac (32 bytes): from the keyed context PrepareHmacKey
// left in the key, or one-shot for a key built without one.
bool ComputeHmacSha256(const Key& key, std::string_view input, std::uint8_t (&mac)[EVP_MAX_MD_SIZE]) {
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (!key.hmac) {
    unsigned int mac_len = 0;
    return HMAC(EVP_sha256(), key.secret.data(), static_cast<int>(key.secret.size()), data, input.size(), mac,
                &mac_len) != nullptr &&
           mac_len == kHmacSha256Bytes;
  }
  EvpMacCtxPtr ctx(EVP_MAC_CTX_dup(key.hmac.get()));
  std::size_t mac_len = 0;
  return ctx && EVP_MAC_update(ctx.get(), data, input.size()) == 1 &&
         EVP_MAC_final(ctx.get(), mac, &mac_len, EVP_MAX_MD_SIZE) == 1 && mac_len == kHmacSha256Bytes;
}

Status VerifyHmac(const Key& key, std::string_view input, const std::uint8_t* sig, std::size_t sig_len) {
  std::uint8_t mac[EVP_MAX_MD_SIZE];
  if (!ComputeHmacSha256(key, input, mac)) return CryptoError("could not compute HMAC");
  const bool equal = ConstantTimeEquals(mac, kHmacSha256Bytes, sig, sig_len);
  OPENSSL_cleanse(mac, sizeof mac);
  return equal ? OkStatus() : Status(BadSignature());
}

// libsodium's Ed25519 verify (about twice as fast as OpenSSL 3.0's EVP one on our machines; see
// BENCHMARKS.md). It refuses what RFC 8032 §5.1.7 refuses (S >= L, a public key or R that is not
// a point) and also small-order public keys and R, which OpenSSL accepts. false when libsodium
// cannot start, so the caller falls back to OpenSSL.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Status VerifyEd25519(const Key& key, std::string_view input, const std::uint8_t* sig) {
  const int rc = crypto_sign_verify_detached(sig, reinterpret_cast<const unsigned char*>(input.data()),
                                             input.size(), key.ed25519_public.data());
  return rc == 0 ? OkStatus() : Status(BadSignature());
}

Status VerifyUnguarded(Algorithm alg, const Key& key, std::string_view input, const std::uint8_t* sig,
                       std::size_t sig_len) {
  if (!HasKeyMaterial(key)) return MakeError(ErrorKind::kInvalidArgument, "key holds no key material");
  if (!KeyPermits(key, alg)) return MakeError(ErrorKind::kInvalidToken, "token algorithm does not match the key");
  if (sig_len != ExpectedLength(alg, key)) {
    return MakeError(ErrorKind::kInvalidToken, "token signature has the wrong length for its algorithm");
  }
  if (alg == Algorithm::kHS256) return VerifyHmac(key, input, sig, sig_len);
  if ((alg == Algorithm::kEdDSA || alg == Algorithm::kEd25519) && key.has_ed25519_public && SodiumReady()) {
    return VerifyEd25519(key, input, sig);  // sig_len is 64, checked above
  }

  std::vector<std::uint8_t> der;
  if (IsEcdsa(alg)) {
    Result<std::vector<std::uint8_t>> converted = RawEcdsaToDer(key, sig, sig_len);
    if (!converted.ok()) return converted.error();
    der = std::move(converted.value());
    sig = der.data();
    sig_len = der.size();
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, DigestFor(alg) ? EVP_MD_get0_name(DigestFor(alg)) : nullptr,
                                      nullptr, nullptr, key.pkey.get(), nullptr) != 1 ||
      (IsRsa(alg) && !ConfigureRsaPadding(alg, pctx))) {
    return CryptoError("could not start signature verification");
  }
  const int rc = EVP_DigestVerify(ctx.get(), sig, sig_len, reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size());
  if (rc != 1) {
    DrainOpenSslErrors();
    return BadSignature();
  }
  return OkStatus();
}

Result<std::vector<std::uint8_t>> SignUnguarded(Algorithm alg, const Key& key, std::string_view input) {
  if (!HasKeyMaterial(key)) return MakeError(ErrorKind::kInvalidArgument, "key holds no key material");
  if (!key.can_sign) return MakeError(ErrorKind::kInvalidArgument, "key cannot sign: it has no private part");
  if (!KeyPermits(key, alg)) return MakeError(ErrorKind::kInvalidArgument, "algorithm does not fit the signing key");
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (alg == Algorithm::kHS256) {
    std::uint8_t mac[EVP_MAX_MD_SIZE];
    if (!ComputeHmacSha256(key, input, mac)) return CryptoError("could not compute HMAC");
    std::vector<std::uint8_t> out(mac, mac + kHmacSha256Bytes);
    OPENSSL_cleanse(mac, sizeof mac);
    return out;
  }
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), &pctx, DigestFor(alg) ? EVP_MD_get0_name(DigestFor(alg)) : nullptr,
                                    nullptr, nullptr, key.pkey.get(), nullptr) != 1 ||
      (IsRsa(alg) && !ConfigureRsaPadding(alg, pctx))) {
    return CryptoError("could not start signing");
  }
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1) return CryptoError("could not sign");
  std::vector<std::uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data, input.size()) != 1) return CryptoError("could not sign");
  sig.resize(len);
  if (IsEcdsa(alg)) return DerEcdsaToRaw(alg, sig);
  return sig;
}

}  // namespace

Status VerifySignature(Algorithm alg, const Key& key, std::string_view signing_input, const std::uint8_t* sig,
                       std::size_t sig_len) {
  try {
    return VerifyUnguarded(alg, key, signing_input, sig, sig_len);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while verifying a signature");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while verifying a signature");
  }
}

Result<std::vector<std::uint8_t>> CreateSignature(Algorithm alg, const Key& key, std::string_view signing_input) {
  try {
    return SignUnguarded(alg, key, signing_input);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while signing");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while signing");
  }
}

Status PrepareHmacKey(Key& key) {
  // HMAC's implementation, fetched once per process (OpenSSL objects are thread-safe to share).
  static EVP_MAC* const kHmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (kHmac == nullptr) return CryptoError("could not fetch HMAC");
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(kHmac));
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  if (!ctx || EVP_MAC_init(ctx.get(), key.secret.data(), key.secret.size(), params) != 1) {
    DrainOpenSslErrors();
    return CryptoError("could not key HMAC");
  }
  key.hmac = std::move(ctx);
  return OkStatus();
}

}  // namespace auth_ext::core::jwt
