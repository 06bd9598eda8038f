// A bounded per-backend memory of tokens that passed full verification, so that the same token
// can be recognised again without checking its signature. Pure bookkeeping: whether a remembered
// token is still acceptable (its times at the statement time, its key row unchanged, the settings
// unchanged) is decided by the caller on every use, from what the entry records.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/secure_bytes.hpp"
#include "core/jwt/claims.hpp"

namespace auth_ext::core::jwt {

// Which key verified a remembered token.
enum class TokenKeySource : std::uint8_t { kNone, kJwksRow, kSharedSecret };

struct RememberedToken {
  SecureString token;             // the whole token; a lookup matches only on all of it
  std::uint64_t tag = 0;          // keyed SipHash of token: a filter before the whole comparison
  std::string claims;             // the verified claims in the caller's form (bytes of a Jsonb)
  bool has_sub = false;           // "sub" is a non-empty string
  TimeClaims times;               // exp, nbf, iat: re-checked on every use
  TokenKeySource source = TokenKeySource::kNone;  // kNone: a free slot
  std::uint64_t origin = 0;       // where the key came from (the jwks table's oid)
  std::string kid;                // the key row's id (kJwksRow)
  std::uint64_t key_serial = 0;   // the key cache's serial for that row's content (kJwksRow)
  std::uint64_t last_used = 0;    // for eviction
};

class VerifiedTokenCache {
 public:
  static constexpr std::size_t kCapacity = 64;            // entries, fixed
  static constexpr std::size_t kMaxTokenBytes = 4096;     // longer tokens are not remembered
  static constexpr std::size_t kMaxClaimsBytes = 8192;    // nor tokens with larger claims
  // So at most 64 × (4 KiB + 8 KiB) of token and claims bytes (Better Auth's tokens: ~0.6 KiB).

  // Draws the SipHash key from libsodium's CSPRNG.
  VerifiedTokenCache();

  // The entry holding exactly token (compared in full, in constant time), or nullptr.
  const RememberedToken* Find(std::string_view token) const noexcept;

  // Marks entry as just used (it becomes the last to be evicted).
  void Touch(const RememberedToken* entry) noexcept;

  // Frees entry's slot (its token bytes are wiped).
  void Forget(const RememberedToken* entry) noexcept;

  // Forgets everything.
  void Clear() noexcept;

  // Whether token and claims are small enough to be remembered.
  static bool Fits(std::size_t token_bytes, std::size_t claims_bytes) noexcept {
    return token_bytes <= kMaxTokenBytes && claims_bytes <= kMaxClaimsBytes;
  }

  // The slot a new entry for token goes to: the entry already holding token, else a free slot,
  // else the least recently used entry (the eviction rule). Assign a Prepare()d entry to it.
  RememberedToken& SlotFor(std::string_view token) noexcept;

  // An entry for token with its tag and last_used filled in (the caller fills the rest).
  Result<RememberedToken> Prepare(std::string_view token) const;

  // The number of entries in use.
  std::size_t size() const noexcept;

  // The caller's generation (its settings) the entries were verified under.
  std::uint64_t generation = 0;

 private:
  std::uint64_t Tag(std::string_view token) const noexcept;

  std::array<RememberedToken, kCapacity> entries_;
  std::array<unsigned char, 16> hash_key_{};
  mutable std::uint64_t clock_ = 0;
};

}  // namespace auth_ext::core::jwt
