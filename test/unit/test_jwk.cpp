// Unit tests for JWK and JWK Set parsing: every supported key type, and the refusals.
#include <string>

#include <gtest/gtest.h>

#include "core/encoding/base64url.hpp"
#include "core/jwt/jwk.hpp"
#include "jwt_test_keys.hpp"

namespace auth_ext::core::jwt {
namespace {

using testing::kEd25519PrivateJwk;
using testing::kHmacJwk;
using testing::kP256PrivateJwk;
using testing::kP521PrivateJwk;
using testing::kRsa1024PublicJwk;
using testing::kRsaPrivateJwk;

nlohmann::json Jwk(std::string_view text) { return nlohmann::json::parse(text); }

std::string Refusal(const nlohmann::json& jwk, KeyUse use) {
  Result<Key> key = ParseJwk(jwk, use);
  if (key.ok()) return "ok";
  EXPECT_EQ(key.error().kind, ErrorKind::kInvalidArgument);
  return key.error().message;
}

TEST(Jwk, ParsesEveryKeyTypeForVerifyAndSign) {
  struct Case {
    std::string_view jwk;
    KeyType type;
    Curve curve;
  } cases[] = {{kEd25519PrivateJwk, KeyType::kOkp, Curve::kEd25519},
               {kP256PrivateJwk, KeyType::kEc, Curve::kP256},
               {kP521PrivateJwk, KeyType::kEc, Curve::kP521},
               {kRsaPrivateJwk, KeyType::kRsa, Curve::kNone},
               {kHmacJwk, KeyType::kOct, Curve::kNone}};
  for (const Case& c : cases) {
    for (KeyUse use : {KeyUse::kVerify, KeyUse::kSign}) {
      Result<Key> key = ParseJwkText(c.jwk, use);
      ASSERT_TRUE(key.ok()) << c.jwk << ": " << key.error().message << " " << key.error().detail;
      EXPECT_EQ(key.value().type, c.type);
      EXPECT_EQ(key.value().curve, c.curve);
      EXPECT_FALSE(key.value().kid.empty());
      EXPECT_FALSE(key.value().alg.has_value());
      EXPECT_EQ(key.value().can_sign, use == KeyUse::kSign || c.type == KeyType::kOct);
    }
  }
}

TEST(Jwk, BetterAuthPublicKey) {
  Result<Key> key = ParseJwkText(
      R"({"alg":"EdDSA","crv":"Ed25519","x":"2vp_zmyYfnv4__-HqFykaXIdOMV7Yf2yAPR0RlozDC0","kty":"OKP","kid":"ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0"})",
      KeyUse::kVerify);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key.value().kid, "ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0");
  EXPECT_EQ(key.value().alg, Algorithm::kEdDSA);
}

TEST(Jwk, SigningNeedsPrivateMembers) {
  nlohmann::json ed = Jwk(kEd25519PrivateJwk);
  ed.erase("d");
  EXPECT_EQ(Refusal(ed, KeyUse::kSign), "jwk is missing member \"d\"");
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "ok");
  nlohmann::json rsa = Jwk(kRsaPrivateJwk);
  rsa.erase("qi");
  EXPECT_EQ(Refusal(rsa, KeyUse::kSign), "jwk is missing member \"qi\"");
}

TEST(Jwk, RefusesPrivateKeysThatDoNotMatchTheirPublicPart) {
  nlohmann::json ed = Jwk(kEd25519PrivateJwk);
  ed["x"] = encoding::Base64UrlEncode(std::string(32, '\x11'));
  EXPECT_EQ(Refusal(ed, KeyUse::kSign), "jwk private key does not match its public key");
  nlohmann::json ec = Jwk(kP256PrivateJwk);
  ec["d"] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr8";
  EXPECT_EQ(Refusal(ec, KeyUse::kSign), "jwk private key does not match its public key");
  nlohmann::json rsa = Jwk(kRsaPrivateJwk);
  rsa["d"] = rsa["dp"];
  EXPECT_EQ(Refusal(rsa, KeyUse::kSign), "jwk private key does not match its public key");
}

TEST(Jwk, RefusesEcPointsOffTheCurve) {
  nlohmann::json ec = Jwk(kP256PrivateJwk);
  std::string y = ec["y"];
  y[5] = y[5] == 'A' ? 'B' : 'A';
  ec["y"] = y;
  EXPECT_EQ(Refusal(ec, KeyUse::kVerify), "jwk does not describe a valid key");
}

TEST(Jwk, RefusesWrongMemberLengthsAndEncodings) {
  nlohmann::json ec = Jwk(kP256PrivateJwk);
  ec["x"] = encoding::Base64UrlEncode(std::string(31, '\x01'));
  EXPECT_EQ(Refusal(ec, KeyUse::kVerify), "jwk member \"x\" has the wrong length");
  nlohmann::json ed = Jwk(kEd25519PrivateJwk);
  ed["x"] = ed["x"].get<std::string>() + "=";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk member \"x\" is not valid base64url");
  ed["x"] = 5;
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk member \"x\" must be a string");
  nlohmann::json p521 = Jwk(kP521PrivateJwk);
  p521["crv"] = "P-256";
  EXPECT_EQ(Refusal(p521, KeyUse::kVerify), "jwk member \"x\" has the wrong length");
}

TEST(Jwk, RefusesSmallRsaKeys) {
  EXPECT_EQ(Refusal(Jwk(kRsa1024PublicJwk), KeyUse::kVerify), "rsa key is too small");
  nlohmann::json rsa = Jwk(kRsaPrivateJwk);
  rsa["e"] = "AQ";  // e = 1
  EXPECT_EQ(Refusal(rsa, KeyUse::kVerify), "jwk does not describe a valid key");
  rsa["e"] = "AAI";  // e = 2
  EXPECT_EQ(Refusal(rsa, KeyUse::kVerify), "jwk does not describe a valid key");
}

TEST(Jwk, RefusesShortHmacSecrets) {
  EXPECT_EQ(Refusal({{"kty", "oct"}, {"k", encoding::Base64UrlEncode(std::string(31, 'k'))}}, KeyUse::kVerify),
            "hmac key is too short");
  const std::uint8_t secret[31] = {};
  EXPECT_FALSE(KeyFromSecret(secret, sizeof secret).ok());
  const std::uint8_t enough[32] = {1};
  Result<Key> key = KeyFromSecret(enough, sizeof enough, "k1");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key.value().kid, "k1");
  EXPECT_EQ(key.value().secret.size(), 32u);
}

TEST(Jwk, RefusesUnsupportedTypesAndCurves) {
  EXPECT_EQ(Refusal({{"kty", "XYZ"}}, KeyUse::kVerify), "unsupported jwk key type");
  EXPECT_EQ(Refusal({{"crv", "P-256"}}, KeyUse::kVerify), "jwk is missing member \"kty\"");
  EXPECT_EQ(Refusal(nlohmann::json::array(), KeyUse::kVerify), "jwk must be a json object");
  nlohmann::json okp = Jwk(kEd25519PrivateJwk);
  okp["crv"] = "X25519";
  EXPECT_EQ(Refusal(okp, KeyUse::kVerify), "unsupported jwk curve");
  nlohmann::json ec = Jwk(kP256PrivateJwk);
  ec["crv"] = "secp256k1";
  EXPECT_EQ(Refusal(ec, KeyUse::kVerify), "unsupported jwk curve");
}

TEST(Jwk, ChecksUseKeyOpsAndAlg) {
  nlohmann::json ed = Jwk(kEd25519PrivateJwk);
  ed["use"] = "enc";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk \"use\" must be \"sig\"");
  ed["use"] = "sig";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "ok");
  ed["key_ops"] = {"sign"};
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk \"key_ops\" does not allow verify");
  EXPECT_EQ(Refusal(ed, KeyUse::kSign), "ok");
  ed["key_ops"] = {"verify", 3};
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk \"key_ops\" must be an array of strings");
  ed.erase("key_ops");
  ed["alg"] = "ES256";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "jwk \"alg\" does not fit its key type");
  ed["alg"] = "Ed25519";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "ok");
  ed["alg"] = "none";
  EXPECT_EQ(Refusal(ed, KeyUse::kVerify), "unsupported jwk algorithm");
  nlohmann::json rsa = Jwk(kRsaPrivateJwk);
  rsa["alg"] = "HS256";
  EXPECT_EQ(Refusal(rsa, KeyUse::kVerify), "jwk \"alg\" does not fit its key type");
  rsa["alg"] = "PS256";
  EXPECT_EQ(Refusal(rsa, KeyUse::kVerify), "ok");
  rsa["kid"] = 12;
  EXPECT_EQ(Refusal(rsa, KeyUse::kVerify), "jwk member \"kid\" must be a string");
}

TEST(Jwk, TextIsParsedStrictly) {
  Result<Key> key = ParseJwkText(R"({"kty":"oct","kty":"oct","k":"AAAA"})", KeyUse::kVerify);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message, "jwk is not a valid json object");
  EXPECT_EQ(key.error().detail, "json object has a duplicate member name");
}

TEST(Jwk, ParsesKeySets) {
  const std::string set = std::string(R"({"keys":[)") + std::string(kEd25519PrivateJwk) + "," +
                          std::string(kP256PrivateJwk) + "]}";
  Result<std::vector<Key>> keys = ParseJwksText(set, KeyUse::kVerify);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys.value().size(), 2u);
  EXPECT_EQ(keys.value()[0].kid, "ed-1");
  EXPECT_EQ(keys.value()[1].kid, "ec-P-256");

  EXPECT_EQ(ParseJwksText(R"({"keys":[]})", KeyUse::kVerify).error().message, "jwk set has no keys");
  EXPECT_EQ(ParseJwksText(R"({"key":[]})", KeyUse::kVerify).error().message,
            "jwk set must be an object with a \"keys\" array");
  Result<std::vector<Key>> bad =
      ParseJwksText(std::string(R"({"keys":[)") + std::string(kEd25519PrivateJwk) + R"(,{"kty":"EC"}]})",
                    KeyUse::kVerify);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "jwk is missing member \"crv\"");
  EXPECT_EQ(bad.error().detail, "Key 1: jwk is missing member \"crv\"");
}

TEST(Jwk, ResolvesTheAlgorithmFromTheKey) {
  EXPECT_EQ(ResolveAlgorithm(testing::MustParse(kEd25519PrivateJwk, KeyUse::kVerify), {}).value(), Algorithm::kEdDSA);
  EXPECT_EQ(ResolveAlgorithm(testing::MustParse(kP256PrivateJwk, KeyUse::kVerify), {}).value(), Algorithm::kES256);
  EXPECT_EQ(ResolveAlgorithm(testing::MustParse(kP521PrivateJwk, KeyUse::kVerify), {}).value(), Algorithm::kES512);
  EXPECT_EQ(ResolveAlgorithm(testing::MustParse(kHmacJwk, KeyUse::kVerify), {}).value(), Algorithm::kHS256);
  const Key rsa = testing::MustParse(kRsaPrivateJwk, KeyUse::kVerify);
  Result<Algorithm> none = ResolveAlgorithm(rsa, {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(ResolveAlgorithm(rsa, Algorithm::kPS256).value(), Algorithm::kPS256);
  EXPECT_FALSE(ResolveAlgorithm(rsa, Algorithm::kHS256).ok());
  EXPECT_FALSE(KeyPermits(rsa, Algorithm::kHS256));
  EXPECT_FALSE(KeyPermits(testing::MustParse(kEd25519PrivateJwk, KeyUse::kVerify), Algorithm::kHS256));
  EXPECT_FALSE(KeyPermits(testing::MustParse(kHmacJwk, KeyUse::kVerify), Algorithm::kRS256));
  EXPECT_FALSE(KeyPermits(testing::MustParse(kP256PrivateJwk, KeyUse::kVerify), Algorithm::kES512));
}

}  // namespace
}  // namespace auth_ext::core::jwt
