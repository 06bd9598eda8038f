// Unit tests for JWT signing: header shape, every algorithm, RFC 8037 A.4 and RFC 7515 A.1 outputs.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/encoding/base64url.hpp"
#include "core/jwt/jws_sign.hpp"
#include "core/jwt/jws_verify.hpp"
#include "core/jwt/signature.hpp"
#include "jwt_test_keys.hpp"

namespace auth_ext::core::jwt {
namespace {

using testing::MustParse;

std::string DecodeSegment(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const std::size_t end = token.find('.', start);
  std::optional<SecureBytes> bytes = encoding::Base64UrlDecode(token.substr(start, end - start));
  EXPECT_TRUE(bytes);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

const nlohmann::json kClaims = {{"sub", "user-1"}, {"iat", 1795339915}, {"exp", 1795340815}, {"name", "Zoë"}};

TEST(JwsSign, WritesBetterAuthsHeader) {
  const Key key = MustParse(testing::kEd25519PrivateJwk, KeyUse::kSign);
  Result<std::string> token = SignJwt(kClaims, key);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(DecodeSegment(token.value(), 0), R"({"alg":"EdDSA","kid":"ed-1"})");
  EXPECT_EQ(nlohmann::json::parse(DecodeSegment(token.value(), 1)), kClaims);

  nlohmann::json no_kid = nlohmann::json::parse(testing::kEd25519PrivateJwk);
  no_kid.erase("kid");
  Result<std::string> anonymous = SignJwt(kClaims, ParseJwk(no_kid, KeyUse::kSign).value());
  ASSERT_TRUE(anonymous.ok());
  EXPECT_EQ(DecodeSegment(anonymous.value(), 0), R"({"alg":"EdDSA"})");
}

TEST(JwsSign, SignsWithEveryAlgorithmAndVerifies) {
  struct Case {
    std::string_view jwk;
    std::optional<Algorithm> requested;
    Algorithm expected;
    std::size_t sig_len;
  } cases[] = {{testing::kEd25519PrivateJwk, {}, Algorithm::kEdDSA, 64},
               {testing::kEd25519PrivateJwk, Algorithm::kEd25519, Algorithm::kEd25519, 64},
               {testing::kP256PrivateJwk, {}, Algorithm::kES256, 64},
               {testing::kP521PrivateJwk, {}, Algorithm::kES512, 132},
               {testing::kRsaPrivateJwk, Algorithm::kRS256, Algorithm::kRS256, 256},
               {testing::kRsaPrivateJwk, Algorithm::kPS256, Algorithm::kPS256, 256},
               {testing::kHmacJwk, {}, Algorithm::kHS256, 32}};
  for (const Case& c : cases) {
    const Key signer = MustParse(c.jwk, KeyUse::kSign);
    // ECDSA and PSS are randomized: sign several times to exercise short R/S values' padding.
    for (int round = 0; round < 8; ++round) {
      Result<std::string> token = SignJwt(kClaims, signer, c.requested);
      ASSERT_TRUE(token.ok()) << token.error().message;
      EXPECT_EQ(nlohmann::json::parse(DecodeSegment(token.value(), 0))["alg"], AlgorithmName(c.expected));
      EXPECT_EQ(DecodeSegment(token.value(), 2).size(), c.sig_len);
      std::vector<Key> keys;
      keys.push_back(MustParse(c.jwk, KeyUse::kVerify));
      VerifyOptions options;
      options.algorithm = c.requested;
      Result<VerifiedJws> verified = VerifyJws(token.value(), keys, options);
      ASSERT_TRUE(verified.ok()) << AlgorithmName(c.expected) << ": " << verified.error().message;
      EXPECT_EQ(nlohmann::json::parse(verified.value().payload_text), kClaims);
    }
  }
}

TEST(JwsSign, ReproducesRfc8037A4) {
  const Key key = MustParse(
      R"({"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})",
      KeyUse::kSign);
  Result<std::vector<std::uint8_t>> sig =
      CreateSignature(Algorithm::kEdDSA, key, "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(encoding::Base64UrlEncode(sig.value().data(), sig.value().size()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

TEST(JwsSign, ReproducesRfc7515A1) {
  const Key key = MustParse(
      R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})",
      KeyUse::kSign);
  Result<std::vector<std::uint8_t>> sig = CreateSignature(
      Algorithm::kHS256, key,
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(encoding::Base64UrlEncode(sig.value().data(), sig.value().size()),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST(JwsSign, Refusals) {
  const Key public_only = MustParse(testing::kEd25519PrivateJwk, KeyUse::kVerify);
  Result<std::string> no_private = SignJwt(kClaims, public_only);
  ASSERT_FALSE(no_private.ok());
  EXPECT_EQ(no_private.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(no_private.error().message, "key cannot sign: it has no private part");

  const Key ed = MustParse(testing::kEd25519PrivateJwk, KeyUse::kSign);
  EXPECT_EQ(SignJwt(nlohmann::json::array({1}), ed).error().message, "jwt claims must be a json object");
  EXPECT_EQ(SignJwt({{"name", "\xff"}}, ed).error().message, "jwt claims contain invalid utf-8");
  EXPECT_EQ(SignJwt(kClaims, ed, Algorithm::kHS256).error().kind, ErrorKind::kInvalidArgument);

  const Key rsa = MustParse(testing::kRsaPrivateJwk, KeyUse::kSign);
  EXPECT_EQ(SignJwt(kClaims, rsa).error().message, "rsa key has no \"alg\"");
  EXPECT_EQ(SignJwt(kClaims, Key{}).error().kind, ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace auth_ext::core::jwt
