// Better Auth's password hash format: scrypt(N=16384, r=16, p=1, dkLen=64) over the NFKC-normalized
// UTF-8 password, salted with the *text* of a 32-character lowercase hex salt, stored as
// "<salt>:<hex key>" (161 characters). See docs/better-auth-compatibility.md §1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/secure_bytes.hpp"

namespace auth_ext::core::password {

inline constexpr std::uint64_t kScryptN = 16384;
inline constexpr std::uint64_t kScryptR = 16;
inline constexpr std::uint64_t kScryptP = 1;
inline constexpr std::size_t kDerivedKeyLength = 64;
// Node's maxmem for these parameters (128 * N * r * 2); OpenSSL's 32 MiB default is too small.
inline constexpr std::uint64_t kScryptMaxMem = 128ULL * kScryptN * kScryptR * 2;
inline constexpr std::size_t kSaltRandomBytes = 16;
inline constexpr std::size_t kStoredHashLength = 32 + 1 + 128;
// Upper bound on the bytes of a password we agree to hash (policy limits are far lower).
inline constexpr std::size_t kMaxPasswordBytes = 1024 * 1024;
// Upper bound on a stored salt's length; Better Auth writes 32.
inline constexpr std::size_t kMaxSaltLength = 1024;

// A stored hash split into its parts; the views point into the caller's string.
struct StoredHash {
  std::string_view salt;     // used verbatim as scrypt's salt bytes
  std::string_view key_hex;  // 128 lowercase hex characters
};

// Splits and validates a stored hash the way Better Auth reads it (first two ':'-separated parts;
// further parts are ignored, as Better Auth ignores them). Returns kMalformedData when the salt is
// empty or too long or the key is not 128 lowercase hex characters, where Better Auth would throw
// or could never match.
Result<StoredHash> ParseStoredHash(std::string_view stored);

struct ScryptParams {
  std::uint64_t n;
  std::uint64_t r;
  std::uint64_t p;
  std::size_t key_length;
  std::uint64_t max_mem;
};

// Better Auth's parameters (docs/better-auth-compatibility.md §1).
inline constexpr ScryptParams kBetterAuthScrypt{kScryptN, kScryptR, kScryptP, kDerivedKeyLength,
                                                kScryptMaxMem};

// scrypt (RFC 7914) on OpenSSL; the key is wiped when the returned buffer is released.
Result<SecureBytes> Scrypt(std::string_view password, std::string_view salt, const ScryptParams& params);

// scrypt with Better Auth's parameters.
Result<SecureBytes> DeriveKey(std::string_view normalized_password, std::string_view salt);

// Hashes an already NFKC-normalized UTF-8 password with a fresh random salt from OpenSSL's CSPRNG.
Result<std::string> HashPassword(std::string_view normalized_password);

// Hashes with a caller-chosen salt string (test vectors, benchmarks).
Result<std::string> HashPasswordWithSalt(std::string_view normalized_password, std::string_view salt);

// True when the password matches the stored hash; the key comparison is constant time.
Result<bool> VerifyPassword(std::string_view normalized_password, std::string_view stored);

}  // namespace auth_ext::core::password
