// Better Auth-compatible scrypt password hashing and verification on OpenSSL.
#include "core/password/scrypt_hash.hpp"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "core/common/openssl_ptr.hpp"
#include "core/common/random.hpp"
#include "core/encoding/hex.hpp"
#include "core/common/cpp_only.hpp"

namespace auth_ext::core::password {

Result<StoredHash> ParseStoredHash(std::string_view stored) {
  const std::size_t colon = stored.find(':');
  if (colon == std::string_view::npos) {
    return MakeError(ErrorKind::kMalformedData, "stored password hash is malformed",
                     "The hash has no ':' separating salt and key.",
                     "Better Auth stores \"<salt>:<key>\"; rewrite the hash with auth_ext.set_password().");
  }
  std::string_view salt = stored.substr(0, colon);
  std::string_view rest = stored.substr(colon + 1);
  std::string_view key_hex = rest.substr(0, rest.find(':'));
  if (salt.empty() || salt.size() > kMaxSaltLength) {
    return MakeError(ErrorKind::kMalformedData, "stored password hash is malformed",
                     salt.empty() ? "The salt is empty." : "The salt is too long.",
                     "Rewrite the hash with auth_ext.set_password().");
  }
  if (key_hex.size() != kDerivedKeyLength * 2 || !encoding::IsLowerHex(key_hex)) {
    return MakeError(ErrorKind::kMalformedData, "stored password hash is malformed",
                     "The key is not 128 lowercase hexadecimal characters.",
                     "Rewrite the hash with auth_ext.set_password().");
  }
  return StoredHash{salt, key_hex};
}

Result<SecureBytes> Scrypt(std::string_view password, std::string_view salt, const ScryptParams& params) {
  if (password.size() > kMaxPasswordBytes) {
    return MakeError(ErrorKind::kInvalidArgument, "password is too long to hash",
                     "At most 1048576 bytes are accepted.");
  }
  SecureBytes key(params.key_length);
  // EVP_PBE_scrypt reads the password and salt as byte strings; empty ones are valid.
  static const char kEmpty[] = "";
  const char* pass = password.empty() ? kEmpty : password.data();
  const auto* salt_bytes = reinterpret_cast<const unsigned char*>(salt.empty() ? kEmpty : salt.data());
  if (EVP_PBE_scrypt(pass, password.size(), salt_bytes, salt.size(), params.n, params.r, params.p,
                     params.max_mem, key.data(), key.size()) != 1) {
    return MakeError(ErrorKind::kCryptoFailure, "scrypt key derivation failed", DrainOpenSslErrors());
  }
  return key;
}

Result<SecureBytes> DeriveKey(std::string_view normalized_password, std::string_view salt) {
  return Scrypt(normalized_password, salt, kBetterAuthScrypt);
}

Result<std::string> HashPasswordWithSalt(std::string_view normalized_password, std::string_view salt) {
  if (salt.empty() || salt.size() > kMaxSaltLength || salt.find(':') != std::string_view::npos) {
    return MakeError(ErrorKind::kInvalidArgument, "invalid salt",
                     "A salt is 1 to 1024 characters without ':'.");
  }
  auto key = DeriveKey(normalized_password, salt);
  if (!key.ok()) return key.error();
  std::string out;
  out.reserve(salt.size() + 1 + kDerivedKeyLength * 2);
  out.append(salt);
  out.push_back(':');
  out.append(encoding::HexEncode(key.value().data(), key.value().size()));
  return out;
}

Result<std::string> HashPassword(std::string_view normalized_password) {
  std::uint8_t raw_salt[kSaltRandomBytes];
  AUTH_EXT_RETURN_IF_ERROR(RandomBytes(raw_salt, sizeof raw_salt));
  const std::string salt = encoding::HexEncode(raw_salt, sizeof raw_salt);
  return HashPasswordWithSalt(normalized_password, salt);
}

Result<bool> VerifyPassword(std::string_view normalized_password, std::string_view stored) {
  auto parsed = ParseStoredHash(stored);
  if (!parsed.ok()) return parsed.error();
  auto expected = encoding::HexDecodeLower(parsed.value().key_hex);
  if (!expected) {
    return MakeError(ErrorKind::kInternal, "validated hash did not decode");
  }
  auto derived = DeriveKey(normalized_password, parsed.value().salt);
  if (!derived.ok()) return derived.error();
  return ConstantTimeEquals(derived.value().data(), derived.value().size(), expected->data(),
                            expected->size());
}

}  // namespace auth_ext::core::password
