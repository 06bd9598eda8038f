// Seals and opens password proofs (see password_proof.hpp).
#include "core/password/password_proof.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/common/cpp_only.hpp"
#include "core/common/secure_bytes.hpp"
#include "core/encoding/base64url.hpp"

namespace auth_ext::core::password {

namespace {

constexpr std::string_view kPrefix = "ap1.";
constexpr std::string_view kKeyLabel = "auth_ext password proof v1";
constexpr std::size_t kMaxProofLength = 16384;
constexpr std::size_t kTagLength = 32;

// HMAC-SHA256(key, message) into out (32 bytes).
bool Hmac(const unsigned char* key, std::size_t key_len, std::string_view message, unsigned char* out) {
  unsigned int out_len = 0;
  static const unsigned char kEmpty = 0;
  return HMAC(EVP_sha256(), key_len == 0 ? &kEmpty : key, static_cast<int>(key_len),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &out_len) != nullptr &&
         out_len == kTagLength;
}

// The tag of signed_part ("ap1." base64url(payload)) under the key derived from secret.
Result<std::string> Tag(std::string_view signed_part, std::string_view secret) {
  if (secret.empty()) {
    return MakeError(ErrorKind::kNotConfigured, "better_auth_secret is not set",
                     "password proofs are sealed with a key derived from better_auth_secret",
                     "Run SELECT auth_ext.configure('better_auth_secret', <BETTER_AUTH_SECRET>) as the database owner.");
  }
  SecureBytes key(kTagLength);
  if (!Hmac(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), kKeyLabel, key.data())) {
    return MakeError(ErrorKind::kCryptoFailure, "HMAC-SHA256 failed");
  }
  unsigned char tag[kTagLength];
  bool ok = Hmac(key.data(), key.size(), signed_part, tag);
  if (!ok) return MakeError(ErrorKind::kCryptoFailure, "HMAC-SHA256 failed");
  std::string out(reinterpret_cast<const char*>(tag), kTagLength);
  OPENSSL_cleanse(tag, sizeof tag);
  return out;
}

Error Invalid() { return MakeError(ErrorKind::kInvalidToken, "invalid password proof"); }

}  // namespace

Result<std::string> SealProof(std::string_view payload, std::string_view secret) {
  std::string signed_part = std::string(kPrefix) + encoding::Base64UrlEncode(payload);
  Result<std::string> tag = Tag(signed_part, secret);
  if (!tag.ok()) return tag.error();
  return signed_part + "." + encoding::Base64UrlEncode(tag.value());
}

Result<std::string> OpenProof(std::string_view proof, std::string_view secret) {
  if (secret.empty()) return Tag({}, secret).error();
  if (proof.size() > kMaxProofLength || proof.substr(0, kPrefix.size()) != kPrefix) return Invalid();
  const std::size_t dot = proof.rfind('.');
  if (dot < kPrefix.size()) return Invalid();
  std::string_view signed_part = proof.substr(0, dot);
  std::optional<SecureBytes> payload = encoding::Base64UrlDecode(signed_part.substr(kPrefix.size()));
  std::optional<SecureBytes> given_tag = encoding::Base64UrlDecode(proof.substr(dot + 1));
  if (!payload || !given_tag || given_tag->size() != kTagLength) return Invalid();
  Result<std::string> tag = Tag(signed_part, secret);
  if (!tag.ok()) return tag.error();
  if (CRYPTO_memcmp(tag.value().data(), given_tag->data(), kTagLength) != 0) return Invalid();
  return std::string(reinterpret_cast<const char*>(payload->data()), payload->size());
}

}  // namespace auth_ext::core::password
