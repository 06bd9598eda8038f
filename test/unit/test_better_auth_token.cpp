// Unit tests for Better Auth's HS256 tokens (its email verification tokens), with tokens jose
// 6.2.17 (what better-auth 1.7.25 uses) wrote: new SignJWT({email, updateTo: undefined, userId})
// .setProtectedHeader({alg: "HS256"}).setIssuedAt(iat).setExpirationTime(exp).sign(secret).
#include <gtest/gtest.h>

#include <string>

#include "core/encoding/base64url.hpp"
#include "core/jwt/better_auth_token.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jws_sign.hpp"

namespace jwt = auth_ext::core::jwt;
using auth_ext::core::ErrorKind;

namespace {
constexpr char kSecret[] = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708";
// {"email":"ada@example.com","userId":"u1AbC","iat":1700000000,"exp":1700003600}
constexpr char kJoseToken[] =
    "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFkYUBleGFtcGxlLmNvbSIsInVzZXJJZCI6InUxQWJDIiwiaWF0IjoxNzAwMDAwMDAwLCJleHAiOjE3MD"
    "AwMDM2MDB9.RNsqMJ2gX2bfmz-Q-elVl3t9sK8yDScxuPwtQ33vpMw";
// A 5-byte secret and a payload with every escape: email "a\"b\\c\u0001\u007fé\u2028@x", iat 1, exp 2.
constexpr char kJoseEscapes[] =
    "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFcImJcXGNcdTAwMDF_w6nigKhAeCIsInVzZXJJZCI6IngiLCJpYXQiOjEsImV4cCI6Mn0."
    "CPR2xTSObNLZ0_lcmbILCCINUOGITl-3UevqNFkb2hA";

std::string Sign(const std::vector<jwt::StringClaim>& claims, std::int64_t iat, std::int64_t exp,
                 const std::string& secret = kSecret) {
  auto r = jwt::SignBetterAuthToken(claims, iat, exp, secret);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : "";
}

std::string Segment(const std::string& json) { return auth_ext::core::encoding::Base64UrlEncode(json); }
}  // namespace

TEST(BetterAuthToken, SignsExactlyAsJose) {
  EXPECT_EQ(Sign({{"email", "ada@example.com"}, {"userId", "u1AbC"}}, 1700000000, 1700003600), kJoseToken);
  EXPECT_EQ(Sign({{"email", "a\"b\\c\x01\x7f\xc3\xa9\xe2\x80\xa8@x"}, {"userId", "x"}}, 1, 2, "short"), kJoseEscapes);
}

TEST(BetterAuthToken, VerifiesJoseTokens) {
  auto r = jwt::VerifyBetterAuthToken(kJoseToken, kSecret, 1700000000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value().verdict, jwt::BetterAuthTokenVerdict::kValid);
  EXPECT_EQ(r.value().payload_text, R"({"email":"ada@example.com","userId":"u1AbC","iat":1700000000,"exp":1700003600})");
  auto escapes = jwt::VerifyBetterAuthToken(kJoseEscapes, "short", 1);
  ASSERT_TRUE(escapes.ok());
  EXPECT_EQ(escapes.value().verdict, jwt::BetterAuthTokenVerdict::kValid);
}

TEST(BetterAuthToken, ExpiresAtExpAsJose) {
  // jose: exp <= now is JWTExpired.
  EXPECT_EQ(jwt::VerifyBetterAuthToken(kJoseToken, kSecret, 1700003599).value().verdict,
            jwt::BetterAuthTokenVerdict::kValid);
  auto expired = jwt::VerifyBetterAuthToken(kJoseToken, kSecret, 1700003600);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired.value().verdict, jwt::BetterAuthTokenVerdict::kExpired);
  EXPECT_TRUE(expired.value().payload_text.empty());
}

TEST(BetterAuthToken, SignatureIsCheckedBeforeExpiry) {
  auto wrong = jwt::VerifyBetterAuthToken(kJoseToken, "another-secret", 1800000000);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::kInvalidToken);
}

TEST(BetterAuthToken, RefusesTamperedTokens) {
  std::string token = kJoseToken;
  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'M' ? 'N' : 'M';
  EXPECT_EQ(jwt::VerifyBetterAuthToken(tampered, kSecret, 1700000000).error().kind, ErrorKind::kInvalidToken);
  // Another payload under the original signature.
  const std::size_t dot1 = token.find('.');
  const std::size_t dot2 = token.find('.', dot1 + 1);
  std::string swapped = token.substr(0, dot1 + 1) +
                        Segment(R"({"email":"eve@example.com","userId":"u1AbC","iat":1700000000,"exp":1700003600})") +
                        token.substr(dot2);
  EXPECT_EQ(jwt::VerifyBetterAuthToken(swapped, kSecret, 1700000000).error().kind, ErrorKind::kInvalidToken);
  // alg none, another algorithm, garbage.
  std::string none = Segment(R"({"alg":"none"})") + token.substr(dot1, dot2 - dot1) + ".";
  EXPECT_EQ(jwt::VerifyBetterAuthToken(none, kSecret, 1700000000).error().kind, ErrorKind::kInvalidToken);
  std::string rs = Segment(R"({"alg":"RS256"})") + token.substr(dot1);
  EXPECT_EQ(jwt::VerifyBetterAuthToken(rs, kSecret, 1700000000).error().kind, ErrorKind::kInvalidToken);
  EXPECT_EQ(jwt::VerifyBetterAuthToken("", kSecret, 1).error().kind, ErrorKind::kInvalidToken);
  EXPECT_EQ(jwt::VerifyBetterAuthToken("a.b", kSecret, 1).error().kind, ErrorKind::kInvalidToken);
}

TEST(BetterAuthToken, AppliesJosesClaimRules) {
  // Tokens with other headers and payloads, signed with the same secret.
  auto signed_with = [](const std::string& payload, const std::string& kid = {}) {
    auto key = jwt::KeyFromSecret(reinterpret_cast<const std::uint8_t*>(kSecret), sizeof kSecret - 1, kid);
    EXPECT_TRUE(key.ok());
    auto token = jwt::SignJwsText(payload, key.value(), jwt::Algorithm::kHS256);
    EXPECT_TRUE(token.ok());
    return token.value();
  };
  auto verdict = [](const std::string& token, std::int64_t now) {
    auto r = jwt::VerifyBetterAuthToken(token, kSecret, now);
    return r.ok() ? (r.value().verdict == jwt::BetterAuthTokenVerdict::kValid ? "valid" : "expired") : "invalid";
  };
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","exp":200})", "any-kid"), 100), "valid");  // kid ignored
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co"})"), 100), "valid");                  // no exp: jose accepts
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","iat":5000,"exp":9000})"), 100), "valid");  // future iat
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","exp":100.5})"), 100), "valid");
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","exp":99.5})"), 100), "expired");
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","nbf":101,"exp":200})"), 100), "invalid");
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","nbf":100,"exp":200})"), 100), "valid");
  // jose checks nbf before exp, and every time claim's type first.
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","nbf":500,"exp":50})"), 100), "invalid");
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","iat":"1","exp":50})"), 100), "invalid");
  EXPECT_STREQ(verdict(signed_with(R"({"email":"a@b.co","exp":"200"})"), 100), "invalid");
  EXPECT_STREQ(verdict(signed_with(R"([1,2])"), 100), "invalid");
}

TEST(BetterAuthToken, RefusesBadSigningInput) {
  EXPECT_EQ(jwt::SignBetterAuthToken({{"email", "a@b.co"}}, 1, 2, "").error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(jwt::SignBetterAuthToken({{"iat", "x"}}, 1, 2, kSecret).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(jwt::SignBetterAuthToken({{"a", "x"}, {"a", "y"}}, 1, 2, kSecret).error().kind,
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(jwt::SignBetterAuthToken({{"email", "\xff"}}, 1, 2, kSecret).error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(jwt::VerifyBetterAuthToken(kJoseToken, "", 1).error().kind, ErrorKind::kInvalidArgument);
}
