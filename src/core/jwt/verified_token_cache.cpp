// The verified-token cache's bookkeeping: lookup by keyed tag plus the whole token, LRU eviction.
#include "core/jwt/verified_token_cache.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <sodium.h>

#include "core/common/cpp_only.hpp"

namespace auth_ext::core::jwt {

static_assert(crypto_shorthash_KEYBYTES == 16 && crypto_shorthash_BYTES == 8);

VerifiedTokenCache::VerifiedTokenCache() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");  // no cache then (the caller goes without)
  randombytes_buf(hash_key_.data(), hash_key_.size());
}

std::uint64_t VerifiedTokenCache::Tag(std::string_view token) const noexcept {
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(token.data()), token.size(), hash_key_.data());
  std::uint64_t tag = 0;
  for (unsigned char byte : out) tag = (tag << 8) | byte;
  return tag;
}

const RememberedToken* VerifiedTokenCache::Find(std::string_view token) const noexcept {
  if (token.empty() || token.size() > kMaxTokenBytes) return nullptr;
  const std::uint64_t tag = Tag(token);
  for (const RememberedToken& entry : entries_) {
    if (entry.source == TokenKeySource::kNone || entry.tag != tag || entry.token.size() != token.size()) continue;
    if (CRYPTO_memcmp(entry.token.data(), token.data(), token.size()) == 0) return &entry;  // constant time
  }
  return nullptr;
}

void VerifiedTokenCache::Touch(const RememberedToken* entry) noexcept {
  const_cast<RememberedToken*>(entry)->last_used = ++clock_;
}

void VerifiedTokenCache::Forget(const RememberedToken* entry) noexcept {
  *const_cast<RememberedToken*>(entry) = RememberedToken{};  // frees (and wipes) the token
}

void VerifiedTokenCache::Clear() noexcept {
  for (RememberedToken& entry : entries_) entry = RememberedToken{};
}

RememberedToken& VerifiedTokenCache::SlotFor(std::string_view token) noexcept {
  if (const RememberedToken* same = Find(token)) return *const_cast<RememberedToken*>(same);
  RememberedToken* oldest = &entries_[0];
  for (RememberedToken& entry : entries_) {
    if (entry.source == TokenKeySource::kNone) return entry;
    if (entry.last_used < oldest->last_used) oldest = &entry;
  }
  return *oldest;
}

Result<RememberedToken> VerifiedTokenCache::Prepare(std::string_view token) const {
  RememberedToken entry;
  entry.token.assign(token.data(), token.size());
  entry.tag = Tag(token);
  entry.last_used = ++clock_;
  return entry;
}

std::size_t VerifiedTokenCache::size() const noexcept {
  std::size_t n = 0;
  for (const RememberedToken& entry : entries_) n += entry.source != TokenKeySource::kNone;
  return n;
}

}  // namespace auth_ext::core::jwt
