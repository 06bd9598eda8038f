// JWK parsing: member validation in JSON, key construction with OpenSSL's EVP_PKEY_fromdata,
// public-key checks (EC points on the curve, RSA sizes) and private/public consistency checks.
#include "core/jwt/jwk.hpp"

#include <algorithm>
#include <new>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/encoding/base64url.hpp"
#include "core/json/strict_json.hpp"
#include "core/jwt/signature.hpp"

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

namespace {

using nlohmann::json;
namespace strict = ::auth_ext::core::json;

constexpr std::size_t kMinHmacSecretBytes = 32;
constexpr int kMinRsaModulusBits = 2048;
constexpr int kMaxRsaModulusBits = 8192;
constexpr std::size_t kMaxJwkTextBytes = 256 * 1024;

Error InvalidKey(std::string message, std::string detail = {}, std::string hint = {}) {
  return MakeError(ErrorKind::kInvalidArgument, std::move(message), std::move(detail), std::move(hint));
}

Error CryptoError(std::string message) {
  return MakeError(ErrorKind::kCryptoFailure, std::move(message), DrainOpenSslErrors());
}

// An optional string member: nullopt when absent, an error when present but not a string.
Result<std::optional<std::string>> OptionalString(const json& jwk, const char* name) {
  const json* member = strict::FindMember(jwk, name);
  if (member == nullptr) return std::optional<std::string>();
  auto text = strict::AsString(*member);
  if (!text) return InvalidKey(std::string("jwk member \"") + name + "\" must be a string");
  return std::optional<std::string>(std::string(*text));
}

// A required base64url member, decoded; exact_len 0 accepts any non-empty length.
Result<SecureBytes> DecodedMember(const json& jwk, const char* name, std::size_t exact_len = 0) {
  const json* member = strict::FindMember(jwk, name);
  if (member == nullptr) return InvalidKey(std::string("jwk is missing member \"") + name + "\"");
  auto text = strict::AsString(*member);
  if (!text) return InvalidKey(std::string("jwk member \"") + name + "\" must be a string");
  std::optional<SecureBytes> bytes = encoding::Base64UrlDecode(*text);
  if (!bytes) return InvalidKey(std::string("jwk member \"") + name + "\" is not valid base64url");
  if (bytes->empty() || (exact_len != 0 && bytes->size() != exact_len)) {
    return InvalidKey(std::string("jwk member \"") + name + "\" has the wrong length");
  }
  return std::move(*bytes);
}

// Refuses "use" other than "sig" and "key_ops" that do not include the operation we need.
Status CheckIntendedUse(const json& jwk, KeyUse use) {
  Result<std::optional<std::string>> use_member = OptionalString(jwk, "use");
  if (!use_member.ok()) return use_member.error();
  if (use_member.value() && *use_member.value() != "sig") return InvalidKey("jwk \"use\" must be \"sig\"");

  const json* ops = strict::FindMember(jwk, "key_ops");
  if (ops == nullptr) return OkStatus();
  if (!ops->is_array()) return InvalidKey("jwk \"key_ops\" must be an array of strings");
  const std::string_view needed = use == KeyUse::kSign ? "sign" : "verify";
  bool found = false;
  for (const json& op : *ops) {
    auto name = strict::AsString(op);
    if (!name) return InvalidKey("jwk \"key_ops\" must be an array of strings");
    if (*name == needed) found = true;
  }
  if (!found) return InvalidKey("jwk \"key_ops\" does not allow " + std::string(needed));
  return OkStatus();
}

// Imports params into a new EVP_PKEY of the named type (EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR).
Result<EvpPkeyPtr> PkeyFromParams(const char* type_name, OSSL_PARAM_BLD* bld, int selection) {
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) {
    return CryptoError("could not prepare key import");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) <= 0) {
    DrainOpenSslErrors();
    return InvalidKey("jwk does not describe a valid key");
  }
  return EvpPkeyPtr(raw);
}

// Runs EVP_PKEY_public_check (EC: point on the curve, in the right subgroup) and, for private
// keys, EVP_PKEY_pairwise_check (the private scalar matches the public point).
Status CheckEcKey(EVP_PKEY* pkey, bool has_private) {
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx) return CryptoError("could not check key");
  if (EVP_PKEY_public_check(ctx.get()) != 1) {
    DrainOpenSslErrors();
    return InvalidKey("jwk public key is not a valid point on the curve");
  }
  if (has_private && EVP_PKEY_pairwise_check(ctx.get()) != 1) {
    DrainOpenSslErrors();
    return InvalidKey("jwk private key does not match its public key");
  }
  return OkStatus();
}

// A BIGNUM from big-endian bytes; secure when it holds private material.
Result<BignumPtr> BignumFrom(const SecureBytes& bytes, bool secret) {
  BignumPtr bn(secret ? BN_secure_new() : BN_new());
  if (!bn || BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), bn.get()) == nullptr) {
    return CryptoError("could not allocate a big number");
  }
  return bn;
}

Status ParseOkp(const json& jwk, KeyUse use, Key& key) {
  Result<std::optional<std::string>> crv = OptionalString(jwk, "crv");
  if (!crv.ok()) return crv.error();
  if (!crv.value()) return InvalidKey("jwk is missing member \"crv\"");
  if (*crv.value() != "Ed25519") return InvalidKey("unsupported jwk curve", "OKP keys must use Ed25519.");
  key.curve = Curve::kEd25519;

  Result<SecureBytes> x = DecodedMember(jwk, "x", 32);
  if (!x.ok()) return x.error();
  std::copy(x.value().begin(), x.value().end(), key.ed25519_public.begin());
  key.has_ed25519_public = true;
  if (use == KeyUse::kVerify) {
    key.pkey.reset(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x.value().data(), x.value().size()));
    if (!key.pkey) return CryptoError("could not import Ed25519 public key");
    return OkStatus();
  }
  Result<SecureBytes> d = DecodedMember(jwk, "d", 32);
  if (!d.ok()) return d.error();
  key.pkey.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, d.value().data(), d.value().size()));
  if (!key.pkey) return CryptoError("could not import Ed25519 private key");
  std::uint8_t derived[32];
  std::size_t derived_len = sizeof derived;
  if (EVP_PKEY_get_raw_public_key(key.pkey.get(), derived, &derived_len) != 1) {
    return CryptoError("could not derive Ed25519 public key");
  }
  if (!ConstantTimeEquals(derived, derived_len, x.value().data(), x.value().size())) {
    return InvalidKey("jwk private key does not match its public key");
  }
  key.can_sign = true;
  return OkStatus();
}

Status ParseEc(const json& jwk, KeyUse use, Key& key) {
  Result<std::optional<std::string>> crv = OptionalString(jwk, "crv");
  if (!crv.ok()) return crv.error();
  if (!crv.value()) return InvalidKey("jwk is missing member \"crv\"");
  std::size_t coordinate_len = 0;
  const char* group_name = nullptr;
  if (*crv.value() == "P-256") {
    key.curve = Curve::kP256;
    coordinate_len = 32;
    group_name = "P-256";
  } else if (*crv.value() == "P-521") {
    key.curve = Curve::kP521;
    coordinate_len = 66;
    group_name = "P-521";
  } else {
    return InvalidKey("unsupported jwk curve", "EC keys must use P-256 or P-521.");
  }
  Result<SecureBytes> x = DecodedMember(jwk, "x", coordinate_len);
  if (!x.ok()) return x.error();
  Result<SecureBytes> y = DecodedMember(jwk, "y", coordinate_len);
  if (!y.ok()) return y.error();
  SecureBytes point;
  point.reserve(1 + 2 * coordinate_len);
  point.push_back(0x04);  // uncompressed SEC1 encoding: 0x04 || x || y
  point.insert(point.end(), x.value().begin(), x.value().end());
  point.insert(point.end(), y.value().begin(), y.value().end());

  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_name, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    return CryptoError("could not prepare EC key import");
  }
  BignumPtr priv;
  if (use == KeyUse::kSign) {
    Result<SecureBytes> d = DecodedMember(jwk, "d", coordinate_len);
    if (!d.ok()) return d.error();
    Result<BignumPtr> bn = BignumFrom(d.value(), /*secret=*/true);
    if (!bn.ok()) return bn.error();
    priv = std::move(bn.value());
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1) {
      return CryptoError("could not prepare EC key import");
    }
  }
  Result<EvpPkeyPtr> pkey =
      PkeyFromParams("EC", bld.get(), use == KeyUse::kSign ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
  if (!pkey.ok()) return pkey.error();
  key.pkey = std::move(pkey.value());
  AUTH_EXT_RETURN_IF_ERROR(CheckEcKey(key.pkey.get(), use == KeyUse::kSign));
  key.can_sign = use == KeyUse::kSign;
  return OkStatus();
}

Status ParseRsa(const json& jwk, KeyUse use, Key& key) {
  Result<SecureBytes> n_bytes = DecodedMember(jwk, "n");
  if (!n_bytes.ok()) return n_bytes.error();
  Result<SecureBytes> e_bytes = DecodedMember(jwk, "e");
  if (!e_bytes.ok()) return e_bytes.error();
  Result<BignumPtr> n = BignumFrom(n_bytes.value(), false);
  if (!n.ok()) return n.error();
  Result<BignumPtr> e = BignumFrom(e_bytes.value(), false);
  if (!e.ok()) return e.error();
  const int bits = BN_num_bits(n.value().get());
  if (bits < kMinRsaModulusBits) return InvalidKey("rsa key is too small", "The modulus must have at least 2048 bits.");
  if (bits > kMaxRsaModulusBits) return InvalidKey("rsa key is too large", "The modulus must have at most 8192 bits.");
  if (!BN_is_odd(n.value().get())) return InvalidKey("jwk does not describe a valid key", "The RSA modulus is even.");
  if (!BN_is_odd(e.value().get()) || BN_is_one(e.value().get()) || BN_num_bits(e.value().get()) > 256) {
    return InvalidKey("jwk does not describe a valid key", "The RSA exponent must be odd, at least 3 and at most 256 bits.");
  }

  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.value().get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.value().get()) != 1) {
    return CryptoError("could not prepare RSA key import");
  }
  // Private members must outlive the parameter list built from them.
  std::vector<BignumPtr> private_parts;
  if (use == KeyUse::kSign) {
    static constexpr std::pair<const char*, const char*> kPrivateMembers[] = {
        {"d", OSSL_PKEY_PARAM_RSA_D},
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    for (const auto& [member, param] : kPrivateMembers) {
      Result<SecureBytes> bytes = DecodedMember(jwk, member);
      if (!bytes.ok()) return bytes.error();
      Result<BignumPtr> bn = BignumFrom(bytes.value(), /*secret=*/true);
      if (!bn.ok()) return bn.error();
      private_parts.push_back(std::move(bn.value()));
      if (OSSL_PARAM_BLD_push_BN(bld.get(), param, private_parts.back().get()) != 1) {
        return CryptoError("could not prepare RSA key import");
      }
    }
  }
  Result<EvpPkeyPtr> pkey =
      PkeyFromParams("RSA", bld.get(), use == KeyUse::kSign ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
  if (!pkey.ok()) return pkey.error();
  key.pkey = std::move(pkey.value());
  if (use == KeyUse::kSign) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr));
    if (!ctx) return CryptoError("could not check key");
    if (EVP_PKEY_pairwise_check(ctx.get()) != 1) {
      DrainOpenSslErrors();
      return InvalidKey("jwk private key does not match its public key");
    }
    key.can_sign = true;
  }
  return OkStatus();
}

Status ParseOct(const json& jwk, Key& key) {
  Result<SecureBytes> k = DecodedMember(jwk, "k");
  if (!k.ok()) return k.error();
  if (k.value().size() < kMinHmacSecretBytes) {
    return InvalidKey("hmac key is too short", "HS256 keys must have at least 32 bytes (RFC 7518 section 3.2).");
  }
  key.secret = std::move(k.value());
  key.can_sign = true;
  return PrepareHmacKey(key);
}

Result<Key> ParseJwkUnguarded(const json& jwk, KeyUse use) {
  if (!jwk.is_object()) return InvalidKey("jwk must be a json object");
  Result<std::optional<std::string>> kty = OptionalString(jwk, "kty");
  if (!kty.ok()) return kty.error();
  if (!kty.value()) return InvalidKey("jwk is missing member \"kty\"");
  AUTH_EXT_RETURN_IF_ERROR(CheckIntendedUse(jwk, use));

  Key key;
  Result<std::optional<std::string>> kid = OptionalString(jwk, "kid");
  if (!kid.ok()) return kid.error();
  if (kid.value()) key.kid = std::move(*kid.value());

  const std::string& type = *kty.value();
  if (type == "OKP") {
    key.type = KeyType::kOkp;
    AUTH_EXT_RETURN_IF_ERROR(ParseOkp(jwk, use, key));
  } else if (type == "EC") {
    key.type = KeyType::kEc;
    AUTH_EXT_RETURN_IF_ERROR(ParseEc(jwk, use, key));
  } else if (type == "RSA") {
    key.type = KeyType::kRsa;
    AUTH_EXT_RETURN_IF_ERROR(ParseRsa(jwk, use, key));
  } else if (type == "oct") {
    key.type = KeyType::kOct;
    AUTH_EXT_RETURN_IF_ERROR(ParseOct(jwk, key));
  } else {
    return InvalidKey("unsupported jwk key type", "Supported key types: OKP, EC, RSA, oct.");
  }

  Result<std::optional<std::string>> alg_name = OptionalString(jwk, "alg");
  if (!alg_name.ok()) return alg_name.error();
  if (alg_name.value()) {
    Result<Algorithm> alg = ParseAlgorithm(*alg_name.value());
    if (!alg.ok()) return InvalidKey("unsupported jwk algorithm");
    if (!KeyPermits(key, alg.value())) return InvalidKey("jwk \"alg\" does not fit its key type");
    key.alg = alg.value();
  }
  return key;
}

template <typename Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorKind::kOutOfMemory, "out of memory while reading a key");
  } catch (...) {
    return MakeError(ErrorKind::kInternal, "unexpected failure while reading a key");
  }
}

}  // namespace

Result<Key> ParseJwk(const nlohmann::json& jwk, KeyUse use) {
  return Guarded([&] { return ParseJwkUnguarded(jwk, use); });
}

Result<Key> ParseJwkText(std::string_view text, KeyUse use) {
  return Guarded([&]() -> Result<Key> {
    Result<json> parsed = strict::ParseStrictObject(text, {kMaxJwkTextBytes, 64});
    if (!parsed.ok()) return InvalidKey("jwk is not a valid json object", parsed.error().message);
    return ParseJwkUnguarded(parsed.value(), use);
  });
}

Result<std::vector<Key>> ParseJwks(const nlohmann::json& jwks, KeyUse use) {
  return Guarded([&]() -> Result<std::vector<Key>> {
    const json* keys = strict::FindMember(jwks, "keys");
    if (keys == nullptr || !keys->is_array()) return InvalidKey("jwk set must be an object with a \"keys\" array");
    if (keys->empty()) return InvalidKey("jwk set has no keys");
    std::vector<Key> out;
    out.reserve(keys->size());
    for (std::size_t i = 0; i < keys->size(); ++i) {
      Result<Key> key = ParseJwkUnguarded((*keys)[i], use);
      if (!key.ok()) {
        Error error = key.error();
        error.detail = "Key " + std::to_string(i) + ": " + (error.detail.empty() ? error.message : error.detail);
        return error;
      }
      out.push_back(std::move(key.value()));
    }
    return out;
  });
}

Result<std::vector<Key>> ParseJwksText(std::string_view text, KeyUse use) {
  return Guarded([&]() -> Result<std::vector<Key>> {
    Result<json> parsed = strict::ParseStrictObject(text, {kMaxJwkTextBytes, 64});
    if (!parsed.ok()) return InvalidKey("jwk set is not a valid json object", parsed.error().message);
    return ParseJwks(parsed.value(), use);
  });
}

namespace {

Result<Key> HmacKey(const std::uint8_t* secret, std::size_t len, std::string kid) {
  Key key;
  key.type = KeyType::kOct;
  key.kid = std::move(kid);
  key.secret.assign(secret, secret + len);
  key.can_sign = true;
  AUTH_EXT_RETURN_IF_ERROR(PrepareHmacKey(key));
  return key;
}

}  // namespace

Result<Key> KeyFromSecret(const std::uint8_t* secret, std::size_t len, std::string kid) {
  return Guarded([&]() -> Result<Key> {
    if (len < kMinHmacSecretBytes) {
      return InvalidKey("hmac key is too short", "HS256 keys must have at least 32 bytes (RFC 7518 section 3.2).");
    }
    return HmacKey(secret, len, std::move(kid));
  });
}

Result<Key> KeyFromBetterAuthSecret(const std::uint8_t* secret, std::size_t len) {
  return Guarded([&]() -> Result<Key> {
    if (len == 0) return InvalidKey("hmac key is empty");
    return HmacKey(secret, len, {});
  });
}

bool KeyPermits(const Key& key, Algorithm alg) {
  bool type_fits = false;
  switch (alg) {
    case Algorithm::kEdDSA:
    case Algorithm::kEd25519: type_fits = key.type == KeyType::kOkp && key.curve == Curve::kEd25519; break;
    case Algorithm::kES256: type_fits = key.type == KeyType::kEc && key.curve == Curve::kP256; break;
    case Algorithm::kES512: type_fits = key.type == KeyType::kEc && key.curve == Curve::kP521; break;
    case Algorithm::kRS256:
    case Algorithm::kPS256: type_fits = key.type == KeyType::kRsa; break;
    case Algorithm::kHS256: type_fits = key.type == KeyType::kOct; break;
  }
  if (!type_fits) return false;
  return !key.alg || AlgorithmsEquivalent(*key.alg, alg);
}

Result<Algorithm> ResolveAlgorithm(const Key& key, std::optional<Algorithm> requested) {
  if (key.alg) {
    if (requested && !AlgorithmsEquivalent(*requested, *key.alg)) {
      return InvalidKey("requested algorithm does not match the key's \"alg\"");
    }
    return requested ? *requested : *key.alg;
  }
  if (requested) {
    if (!KeyPermits(key, *requested)) return InvalidKey("requested algorithm does not fit the key type");
    return *requested;
  }
  switch (key.type) {
    case KeyType::kOkp: return Algorithm::kEdDSA;
    case KeyType::kEc: return key.curve == Curve::kP521 ? Algorithm::kES512 : Algorithm::kES256;
    case KeyType::kOct: return Algorithm::kHS256;
    case KeyType::kRsa: break;
  }
  return InvalidKey("rsa key has no \"alg\"", {}, "Give the algorithm (RS256 or PS256) in the key or the call.");
}

}  // namespace auth_ext::core::jwt
