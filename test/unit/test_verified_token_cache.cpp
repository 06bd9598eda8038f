// The verified-token cache's bookkeeping: only the whole token matches, a fixed number of entries,
// least-recently-used eviction, forgetting; and the time rule it re-applies on every use.
#include <gtest/gtest.h>

#include <string>

#include "core/jwt/claims.hpp"
#include "core/jwt/verified_token_cache.hpp"

namespace {

using auth_ext::core::jwt::RememberedToken;
using auth_ext::core::jwt::TimeClaims;
using auth_ext::core::jwt::TimeClaimsRefusal;
using auth_ext::core::jwt::TokenKeySource;
using auth_ext::core::jwt::VerifiedTokenCache;

constexpr std::size_t kCapacity = VerifiedTokenCache::kCapacity;

std::string Token(int i) { return "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0.sig-" + std::to_string(i); }

// Remembers token as the cache's caller does: the slot SlotFor picks, a Prepare()d entry.
void Remember(VerifiedTokenCache& cache, const std::string& token, const std::string& claims = "claims") {
  auto entry = cache.Prepare(token);
  ASSERT_TRUE(entry.ok());
  entry.value().claims = claims;
  entry.value().source = TokenKeySource::kJwksRow;
  cache.SlotFor(token) = std::move(entry.value());
}

TEST(VerifiedTokenCache, FindsOnlyTheWholeToken) {
  VerifiedTokenCache cache;
  const std::string token = Token(1);
  Remember(cache, token, "one");
  const RememberedToken* found = cache.Find(token);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->claims, "one");
  // Every single-byte change, every prefix and every extension misses.
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string changed = token;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    EXPECT_EQ(cache.Find(changed), nullptr) << "byte " << i;
    EXPECT_EQ(cache.Find(std::string_view(token).substr(0, i)), nullptr) << "prefix " << i;
  }
  EXPECT_EQ(cache.Find(token + "x"), nullptr);
  EXPECT_EQ(cache.Find(""), nullptr);
}

TEST(VerifiedTokenCache, TwoCachesDoNotShareTheirTags) {
  // The tag is keyed per cache: it filters, it never decides (the whole token does).
  VerifiedTokenCache a;
  VerifiedTokenCache b;
  Remember(a, Token(1));
  Remember(b, Token(1));
  EXPECT_NE(a.Find(Token(1))->tag, b.Find(Token(1))->tag);
}

TEST(VerifiedTokenCache, RememberingTheSameTokenReplacesItsEntry) {
  VerifiedTokenCache cache;
  Remember(cache, Token(1), "first");
  Remember(cache, Token(1), "second");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find(Token(1))->claims, "second");
}

TEST(VerifiedTokenCache, HoldsAFixedNumberOfEntriesAndEvictsTheLeastRecentlyUsed) {
  VerifiedTokenCache cache;
  for (std::size_t i = 0; i < kCapacity; ++i) Remember(cache, Token(static_cast<int>(i)));
  EXPECT_EQ(cache.size(), kCapacity);
  cache.Touch(cache.Find(Token(0)));  // token 0 used again: token 1 is now the oldest
  Remember(cache, Token(1000));
  EXPECT_EQ(cache.size(), kCapacity);
  EXPECT_NE(cache.Find(Token(0)), nullptr);
  EXPECT_EQ(cache.Find(Token(1)), nullptr);
  EXPECT_NE(cache.Find(Token(2)), nullptr);
  EXPECT_NE(cache.Find(Token(1000)), nullptr);
  Remember(cache, Token(1001));  // then token 2
  EXPECT_EQ(cache.Find(Token(2)), nullptr);
  EXPECT_EQ(cache.size(), kCapacity);
}

TEST(VerifiedTokenCache, ForgetAndClear) {
  VerifiedTokenCache cache;
  Remember(cache, Token(1));
  Remember(cache, Token(2));
  cache.Forget(cache.Find(Token(1)));
  EXPECT_EQ(cache.Find(Token(1)), nullptr);
  EXPECT_NE(cache.Find(Token(2)), nullptr);
  Remember(cache, Token(3));  // goes to the freed slot, evicting nothing
  EXPECT_NE(cache.Find(Token(2)), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find(Token(2)), nullptr);
}

TEST(VerifiedTokenCache, BoundsWhatItRemembers) {
  EXPECT_TRUE(VerifiedTokenCache::Fits(VerifiedTokenCache::kMaxTokenBytes, VerifiedTokenCache::kMaxClaimsBytes));
  EXPECT_FALSE(VerifiedTokenCache::Fits(VerifiedTokenCache::kMaxTokenBytes + 1, 10));
  EXPECT_FALSE(VerifiedTokenCache::Fits(10, VerifiedTokenCache::kMaxClaimsBytes + 1));
  VerifiedTokenCache cache;
  EXPECT_EQ(cache.Find(std::string(VerifiedTokenCache::kMaxTokenBytes + 1, 'a')), nullptr);
}

TEST(TimeClaimsRefusal, AppliesExpNbfIatAndLeewayAtNow) {
  TimeClaims times;
  times.exp = 1000;
  EXPECT_EQ(TimeClaimsRefusal(times, 999, 0, true), nullptr);
  EXPECT_STREQ(TimeClaimsRefusal(times, 1000, 0, true), "token has expired");
  EXPECT_EQ(TimeClaimsRefusal(times, 1000, 1, true), nullptr);
  times.nbf = 900;
  EXPECT_STREQ(TimeClaimsRefusal(times, 899, 0, true), "token is not yet valid");
  EXPECT_EQ(TimeClaimsRefusal(times, 899, 1, true), nullptr);
  times.nbf.reset();
  times.iat = 950;
  EXPECT_STREQ(TimeClaimsRefusal(times, 949, 0, true), "token was issued in the future");
  TimeClaims none;
  EXPECT_STREQ(TimeClaimsRefusal(none, 0, 0, true), "token has no exp claim");
  EXPECT_EQ(TimeClaimsRefusal(none, 0, 0, false), nullptr);
}

}  // namespace
