// Unit tests for compact JWS verification: RFC 7515/8037 examples, Better Auth's real token, and
// the attacks a verifier must refuse.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/encoding/base64url.hpp"
#include "core/jwt/jws_verify.hpp"
#include "core/jwt/jwt_verify.hpp"
#include "core/jwt/signature.hpp"
#include "jwt_test_keys.hpp"

namespace auth_ext::core::jwt {
namespace {

using testing::MakeToken;
using testing::MustParse;

// RFC 7515 Appendix A.1-A.3 share this payload: {"iss":"joe",\r\n "exp":1300819380,\r\n ...}.
constexpr char kRfcPayload[] =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

constexpr char kRfcA1Jwk[] =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
const std::string kRfcA1Token = std::string("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.") + kRfcPayload +
                                ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

constexpr char kRfcA2Jwk[] =
    R"({"kty":"RSA","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"})";
const std::string kRfcA2Token =
    std::string("eyJhbGciOiJSUzI1NiJ9.") + kRfcPayload +
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t"
    "1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12j"
    "zDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQ"
    "Ge77Rw";

constexpr char kRfcA3Jwk[] =
    R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";
const std::string kRfcA3Token =
    std::string("eyJhbGciOiJFUzI1NiJ9.") + kRfcPayload +
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 8037 Appendix A.1/A.2 key and A.4/A.5 token (payload "Example of Ed25519 signing", not JSON).
constexpr char kRfc8037PublicJwk[] =
    R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})";
constexpr char kRfc8037Token[] =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

// Better Auth 1.7.25 /token output and its JWKS (docs/better-auth-compatibility.md §6); iat 1795339915, exp iat + 900.
constexpr char kBetterAuthToken[] =
    "eyJhbGciOiJFZERTQSIsImtpZCI6InRzNWlvOGYyeHpSWHBKclppMUNWdnpRUXliTDF1cW0wIn0."
    "eyJpYXQiOjE3OTUzMzk5MTUsIm5hbWUiOiJJbnRlcm9wIFVzZXIiLCJlbWFpbCI6ImludGVyb3AudXNlcitiaDg1eHljb0BleGFtcGxlLmNvbSIs"
    "ImVtYWlsVmVyaWZpZWQiOmZhbHNlLCJpbWFnZSI6bnVsbCwiY3JlYXRlZEF0IjoiMjAyNi0xMS0yMlQwOTozMTo1NC43NjdaIiwidXBkYXRlZEF0"
    "IjoiMjAyNi0xMS0yMlQwOTozMTo1NC43NjdaIiwiaWQiOiIwdmQ1cW9uaGlSaXBEQWNJTXZ6d1JSUUlOM2JQZXNsdCIsInN1YiI6IjB2ZDVxb25o"
    "aVJpcERBY0lNdnp3UlJRSU4zYlBlc2x0IiwiZXhwIjoxNzk1MzQwODE1LCJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjMwMDAiLCJhdWQiOiJodHRw"
    "Oi8vbG9jYWxob3N0OjMwMDAifQ."
    "UzUX2Ot4NXxFJ8fKXJxuHwmikxZjn1uJ3A_4Q2EuUI-c7fb0B5oBhbxXpD7MzRIRyuYiDQ32II_hnt51mgOqDA";
constexpr char kBetterAuthJwks[] =
    R"({"keys":[{"alg":"EdDSA","crv":"Ed25519","x":"2vp_zmyYfnv4__-HqFykaXIdOMV7Yf2yAPR0RlozDC0","kty":"OKP","kid":"ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0"}]})";
constexpr char kBetterAuthPayload[] =
    R"({"iat":1795339915,"name":"Interop User","email":"interop.user+bh85xyco@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-22T09:31:54.767Z","updatedAt":"2026-11-22T09:31:54.767Z","id":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt","sub":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt","exp":1795340815,"iss":"http://localhost:3000","aud":"http://localhost:3000"})";

std::vector<Key> One(Key key) {
  std::vector<Key> keys;
  keys.push_back(std::move(key));
  return keys;
}

std::vector<std::string> Segments(const std::string& token) {
  std::vector<std::string> out(1);
  for (char c : token) {
    if (c == '.') out.emplace_back();
    else out.back().push_back(c);
  }
  return out;
}

// Expects VerifyJws to refuse token with kInvalidToken and message, and checks that neither the
// message nor the detail quotes the token or any of its segments.
void ExpectRefused(const std::string& token, const std::vector<Key>& keys, const std::string& message,
                   const VerifyOptions& options = {}) {
  Result<VerifiedJws> result = VerifyJws(token, keys, options);
  ASSERT_FALSE(result.ok()) << "accepted, expected: " << message;
  EXPECT_EQ(result.error().kind, ErrorKind::kInvalidToken) << result.error().message;
  EXPECT_EQ(result.error().message, message);
  for (const std::string& segment : Segments(token)) {
    if (segment.size() < 8) continue;
    EXPECT_EQ(result.error().message.find(segment), std::string::npos);
    EXPECT_EQ(result.error().detail.find(segment), std::string::npos);
  }
}

class JwsVerifyTest : public ::testing::Test {
 protected:
  Key hmac_ = MustParse(testing::kHmacJwk, KeyUse::kSign);
  Key ed_private_ = MustParse(testing::kEd25519PrivateJwk, KeyUse::kSign);
  std::vector<Key> hmac_set_ = One(MustParse(testing::kHmacJwk, KeyUse::kVerify));
  std::vector<Key> ed_set_ = One(MustParse(testing::kEd25519PrivateJwk, KeyUse::kVerify));
  const std::string payload_ = R"({"sub":"u1","exp":4102444800})";
};

TEST_F(JwsVerifyTest, Rfc7515A1Hs256) {
  const std::vector<Key> keys = One(MustParse(kRfcA1Jwk, KeyUse::kVerify));
  Result<VerifiedJws> result = VerifyJws(kRfcA1Token, keys);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().algorithm, Algorithm::kHS256);
  EXPECT_EQ(result.value().payload["iss"], "joe");
  EXPECT_EQ(result.value().payload_text, "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  EXPECT_EQ(result.value().header["typ"], "JWT");

  // exp 1300819380 is long past: the claim check refuses it, and passes with the clock pinned.
  ClaimPolicy now;
  now.now = 1'700'000'000;
  Result<VerifiedJws> expired = VerifyJwt(kRfcA1Token, keys, {}, now);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "token has expired");
  ClaimPolicy pinned;
  pinned.now = 1300819000;
  pinned.issuer = "joe";
  EXPECT_TRUE(VerifyJwt(kRfcA1Token, keys, {}, pinned).ok());
}

TEST_F(JwsVerifyTest, Rfc7515A2Rs256) {
  const std::vector<Key> keys = One(MustParse(kRfcA2Jwk, KeyUse::kVerify));
  VerifyOptions rs256;
  rs256.algorithm = Algorithm::kRS256;
  Result<VerifiedJws> result = VerifyJws(kRfcA2Token, keys, rs256);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(nlohmann::json::parse(result.value().payload_text)["http://example.com/is_root"], true);
  EXPECT_FALSE(result.value().payload.contains("http://example.com/is_root"));  // only registered claims are built

  // An RSA key without "alg" needs the caller to name the algorithm.
  Result<VerifiedJws> unconfigured = VerifyJws(kRfcA2Token, keys);
  ASSERT_FALSE(unconfigured.ok());
  EXPECT_EQ(unconfigured.error().kind, ErrorKind::kInvalidArgument);
  VerifyOptions ps256;
  ps256.algorithm = Algorithm::kPS256;
  ExpectRefused(kRfcA2Token, keys, "token algorithm does not match the key", ps256);
}

TEST_F(JwsVerifyTest, Rfc7515A3Es256) {
  const std::vector<Key> keys = One(MustParse(kRfcA3Jwk, KeyUse::kVerify));
  Result<VerifiedJws> result = VerifyJws(kRfcA3Token, keys);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().algorithm, Algorithm::kES256);
}

TEST_F(JwsVerifyTest, Rfc8037A5Ed25519) {
  const Key key = MustParse(kRfc8037PublicJwk, KeyUse::kVerify);
  const std::string token = kRfc8037Token;
  const std::vector<std::string> parts = Segments(token);
  std::optional<SecureBytes> sig = encoding::Base64UrlDecode(parts[2]);
  ASSERT_TRUE(sig);
  EXPECT_TRUE(VerifySignature(Algorithm::kEdDSA, key, parts[0] + "." + parts[1], sig->data(), sig->size()).ok());
  EXPECT_FALSE(VerifySignature(Algorithm::kEdDSA, key, parts[0] + "." + parts[1] + "x", sig->data(), sig->size()).ok());
  // The signature verifies, but the payload is plain text, so it is no JWT.
  ExpectRefused(token, One(MustParse(kRfc8037PublicJwk, KeyUse::kVerify)), "token payload is not valid json");
}

TEST_F(JwsVerifyTest, BetterAuthToken) {
  Result<std::vector<Key>> keys = ParseJwksText(kBetterAuthJwks, KeyUse::kVerify);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ClaimPolicy policy;
  policy.now = 1795339915 + 10;
  policy.issuer = "http://localhost:3000";
  policy.audience = "http://localhost:3000";
  Result<VerifiedJws> result = VerifyJwt(kBetterAuthToken, keys.value(), {}, policy);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result.value().algorithm, Algorithm::kEdDSA);
  EXPECT_EQ(result.value().kid, "ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0");
  EXPECT_EQ(result.value().payload_text, kBetterAuthPayload);
  EXPECT_EQ(result.value().payload["sub"], "0vd5qonhiRipDAcIMvzwRRQIN3bPeslt");
  EXPECT_EQ(result.value().header, nlohmann::json({{"alg", "EdDSA"}, {"kid", "ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0"}}));

  policy.now = 1795340815;
  EXPECT_EQ(VerifyJwt(kBetterAuthToken, keys.value(), {}, policy).error().message, "token has expired");

  // Tampered payload: one character in the middle of the payload segment changed.
  std::string tampered = kBetterAuthToken;
  const std::size_t at = tampered.find('.') + 40;
  tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
  ExpectRefused(tampered, keys.value(), "token signature is invalid");
  // Tampered signature.
  std::string bad_sig = kBetterAuthToken;
  bad_sig[bad_sig.size() - 5] = bad_sig[bad_sig.size() - 5] == 'A' ? 'B' : 'A';
  ExpectRefused(bad_sig, keys.value(), "token signature is invalid");
}

TEST_F(JwsVerifyTest, RoundTripsEveryAlgorithm) {
  struct Case {
    std::string_view jwk;
    Algorithm alg;
    std::size_t sig_len;
  } cases[] = {{testing::kEd25519PrivateJwk, Algorithm::kEdDSA, 64},
               {testing::kEd25519PrivateJwk, Algorithm::kEd25519, 64},
               {testing::kP256PrivateJwk, Algorithm::kES256, 64},
               {testing::kP521PrivateJwk, Algorithm::kES512, 132},
               {testing::kRsaPrivateJwk, Algorithm::kRS256, 256},
               {testing::kRsaPrivateJwk, Algorithm::kPS256, 256},
               {testing::kHmacJwk, Algorithm::kHS256, 32}};
  for (const Case& c : cases) {
    const Key signer = MustParse(c.jwk, KeyUse::kSign);
    const std::string header = std::string(R"({"alg":")") + std::string(AlgorithmName(c.alg)) + R"(","kid":")" +
                               signer.kid + R"("})";
    const std::string token = MakeToken(header, payload_, signer, c.alg);
    EXPECT_EQ(encoding::Base64UrlDecode(Segments(token)[2])->size(), c.sig_len);
    VerifyOptions options;
    options.algorithm = c.alg;
    Result<VerifiedJws> result = VerifyJws(token, One(MustParse(c.jwk, KeyUse::kVerify)), options);
    ASSERT_TRUE(result.ok()) << AlgorithmName(c.alg) << ": " << result.error().message;
    EXPECT_EQ(result.value().algorithm, c.alg);
    EXPECT_EQ(result.value().payload_text, payload_);
  }
}

TEST_F(JwsVerifyTest, Ed25519AliasMatchesAnEdDsaKey) {
  nlohmann::json jwk = nlohmann::json::parse(testing::kEd25519PrivateJwk);
  jwk["alg"] = "EdDSA";
  const std::vector<Key> keys = One(ParseJwk(jwk, KeyUse::kVerify).value());
  EXPECT_TRUE(VerifyJws(MakeToken(R"({"alg":"Ed25519"})", payload_, ed_private_, Algorithm::kEd25519), keys).ok());
  EXPECT_TRUE(VerifyJws(MakeToken(R"({"alg":"EdDSA"})", payload_, ed_private_, Algorithm::kEdDSA), keys).ok());
}

TEST_F(JwsVerifyTest, RefusesAlgNone) {
  const std::string token =
      encoding::Base64UrlEncode(R"({"alg":"none"})") + "." + encoding::Base64UrlEncode(payload_) + ".";
  ExpectRefused(token, hmac_set_, "unsigned tokens (alg none) are not accepted");
  ExpectRefused(token, ed_set_, "unsigned tokens (alg none) are not accepted");
}

TEST_F(JwsVerifyTest, RefusesUnknownOrMissingAlg) {
  ExpectRefused(MakeToken(R"({"alg":"HS512"})", payload_, hmac_, Algorithm::kHS256), hmac_set_, "unsupported algorithm");
  ExpectRefused(MakeToken(R"({"alg":"hs256"})", payload_, hmac_, Algorithm::kHS256), hmac_set_, "unsupported algorithm");
  ExpectRefused(MakeToken(R"({"typ":"JWT"})", payload_, hmac_, Algorithm::kHS256), hmac_set_, "token header has no alg");
  ExpectRefused(MakeToken(R"({"alg":["HS256"]})", payload_, hmac_, Algorithm::kHS256), hmac_set_,
                "token header alg must be a string");
}

TEST_F(JwsVerifyTest, RefusesAlgMismatch) {
  // The key decides: an Ed25519 key expects EdDSA, whatever the header says.
  const Key p256 = MustParse(testing::kP256PrivateJwk, KeyUse::kSign);
  ExpectRefused(MakeToken(R"({"alg":"ES256","kid":"ed-1"})", payload_, p256, Algorithm::kES256), ed_set_,
                "token algorithm does not match the key");
  // A P-256 key with "alg":"ES256" refuses an ES512 header even without kid.
  nlohmann::json jwk = nlohmann::json::parse(testing::kP521PrivateJwk);
  const Key p521 = ParseJwk(jwk, KeyUse::kSign).value();
  ExpectRefused(MakeToken(R"({"alg":"ES512"})", payload_, p521, Algorithm::kES512),
                One(MustParse(testing::kP256PrivateJwk, KeyUse::kVerify)), "token algorithm does not match the key");
}

TEST_F(JwsVerifyTest, RefusesHmacSignedWithPublicKeyMaterial) {
  // Algorithm confusion: the attacker uses the public key as an HMAC secret.
  const std::string rsa_public_jwk = nlohmann::json::parse(testing::kRsaPrivateJwk)["n"];
  const Key forged_rsa_secret = KeyFromSecret(reinterpret_cast<const std::uint8_t*>(rsa_public_jwk.data()),
                                              rsa_public_jwk.size()).value();
  nlohmann::json rsa_jwk = nlohmann::json::parse(testing::kRsaPrivateJwk);
  rsa_jwk["alg"] = "RS256";
  const std::vector<Key> rsa_set = One(ParseJwk(rsa_jwk, KeyUse::kVerify).value());
  ExpectRefused(MakeToken(R"({"alg":"HS256","kid":"rsa-1"})", payload_, forged_rsa_secret, Algorithm::kHS256), rsa_set,
                "token algorithm does not match the key");
  VerifyOptions caller_rs256;
  caller_rs256.algorithm = Algorithm::kRS256;
  ExpectRefused(MakeToken(R"({"alg":"HS256"})", payload_, forged_rsa_secret, Algorithm::kHS256),
                One(MustParse(testing::kRsaPrivateJwk, KeyUse::kVerify)), "token algorithm does not match the key",
                caller_rs256);

  const SecureBytes ed_x = *encoding::Base64UrlDecode(nlohmann::json::parse(testing::kEd25519PrivateJwk)["x"].get<std::string>());
  const Key forged_ed_secret = KeyFromSecret(ed_x.data(), ed_x.size()).value();
  ExpectRefused(MakeToken(R"({"alg":"HS256","kid":"ed-1"})", payload_, forged_ed_secret, Algorithm::kHS256), ed_set_,
                "token algorithm does not match the key");

  // The primitive refuses HMAC with an asymmetric key on its own too.
  const std::uint8_t tag[32] = {};
  Status direct = VerifySignature(Algorithm::kHS256, ed_set_[0], "a.b", tag, sizeof tag);
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error().message, "token algorithm does not match the key");
}

TEST_F(JwsVerifyTest, RefusesCriticalHeaders) {
  ExpectRefused(MakeToken(R"({"alg":"HS256","crit":["exp"],"exp":1})", payload_, hmac_, Algorithm::kHS256), hmac_set_,
                "unsupported critical header");
  ExpectRefused(MakeToken(R"({"alg":"HS256","crit":["b64"],"b64":false})", payload_, hmac_, Algorithm::kHS256),
                hmac_set_, "unsupported critical header");
  ExpectRefused(MakeToken(R"({"alg":"HS256","crit":[]})", payload_, hmac_, Algorithm::kHS256), hmac_set_,
                "unsupported critical header");
}

TEST_F(JwsVerifyTest, RefusesNonCanonicalBase64Url) {
  const std::string token = MakeToken(R"({"alg":"HS256"})", payload_, hmac_, Algorithm::kHS256);
  ASSERT_TRUE(VerifyJws(token, hmac_set_).ok());
  const std::vector<std::string> s = Segments(token);

  ExpectRefused(s[0] + "." + s[1] + "." + s[2] + "=", hmac_set_, "token signature is not valid base64url");
  ExpectRefused(s[0] + "=." + s[1] + "." + s[2], hmac_set_, "token header is not valid base64url");

  std::string plus = s[1];
  plus[3] = '+';
  ExpectRefused(s[0] + "." + plus + "." + s[2], hmac_set_, "token payload is not valid base64url");
  std::string slash = s[1];
  slash[3] = '/';
  ExpectRefused(s[0] + "." + slash + "." + s[2], hmac_set_, "token payload is not valid base64url");

  // 32 bytes -> 43 characters: the last one carries 2 unused bits, which must be zero.
  ASSERT_EQ(s[2].size(), 43u);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string noncanonical = s[2];
  noncanonical.back() = alphabet[alphabet.find(noncanonical.back()) | 1];
  ExpectRefused(s[0] + "." + s[1] + "." + noncanonical, hmac_set_, "token signature is not valid base64url");
}

TEST_F(JwsVerifyTest, RefusesWrongSegmentCount) {
  const std::string token = MakeToken(R"({"alg":"HS256"})", payload_, hmac_, Algorithm::kHS256);
  const std::vector<std::string> s = Segments(token);
  ExpectRefused(s[0] + "." + s[1], hmac_set_, "token must have exactly three segments");
  ExpectRefused(token + "." + s[2], hmac_set_, "token must have exactly three segments");
  ExpectRefused(token + ".", hmac_set_, "token must have exactly three segments");
  ExpectRefused("", hmac_set_, "token must have exactly three segments");
  ExpectRefused("..", hmac_set_, "token header is not valid json");
}

TEST_F(JwsVerifyTest, RefusesWrongSignatureLength) {
  const std::string token = MakeToken(R"({"alg":"HS256"})", payload_, hmac_, Algorithm::kHS256);
  const std::vector<std::string> s = Segments(token);
  SecureBytes sig = *encoding::Base64UrlDecode(s[2]);
  sig.pop_back();
  ExpectRefused(s[0] + "." + s[1] + "." + encoding::Base64UrlEncode(sig.data(), sig.size()), hmac_set_,
                "token signature has the wrong length for its algorithm");

  const std::string ed = MakeToken(R"({"alg":"EdDSA"})", payload_, ed_private_, Algorithm::kEdDSA);
  const std::vector<std::string> e = Segments(ed);
  SecureBytes ed_sig = *encoding::Base64UrlDecode(e[2]);
  ed_sig.push_back(0);
  ExpectRefused(e[0] + "." + e[1] + "." + encoding::Base64UrlEncode(ed_sig.data(), ed_sig.size()), ed_set_,
                "token signature has the wrong length for its algorithm");
  ExpectRefused(e[0] + "." + e[1] + ".", ed_set_, "token signature has the wrong length for its algorithm");
}

TEST_F(JwsVerifyTest, RefusesEcdsaScalarsOutOfRange) {
  const std::vector<Key> keys = One(MustParse(testing::kP256PrivateJwk, KeyUse::kVerify));
  const Key signer = MustParse(testing::kP256PrivateJwk, KeyUse::kSign);
  const std::vector<std::string> s = Segments(MakeToken(R"({"alg":"ES256"})", payload_, signer, Algorithm::kES256));
  const SecureBytes good = *encoding::Base64UrlDecode(s[2]);
  auto with_sig = [&](const SecureBytes& sig) {
    return s[0] + "." + s[1] + "." + encoding::Base64UrlEncode(sig.data(), sig.size());
  };
  SecureBytes zero_r = good;
  std::fill(zero_r.begin(), zero_r.begin() + 32, 0);
  ExpectRefused(with_sig(zero_r), keys, "token signature is invalid");
  SecureBytes zero_s = good;
  std::fill(zero_s.begin() + 32, zero_s.end(), 0);
  ExpectRefused(with_sig(zero_s), keys, "token signature is invalid");
  SecureBytes big = good;
  std::fill(big.begin(), big.end(), 0xff);
  ExpectRefused(with_sig(big), keys, "token signature is invalid");
  // A DER signature (the wrong format for JOSE) is refused by length.
  ExpectRefused(s[0] + "." + s[1] + "." + encoding::Base64UrlEncode(std::string(70, '\x30')), keys,
                "token signature has the wrong length for its algorithm");
}

TEST_F(JwsVerifyTest, RefusesNonObjectHeaderAndPayload) {
  ExpectRefused(MakeToken(R"(["alg","HS256"])", payload_, hmac_, Algorithm::kHS256), hmac_set_,
                "token header is not a json object");
  ExpectRefused(MakeToken(R"("HS256")", payload_, hmac_, Algorithm::kHS256), hmac_set_,
                "token header is not a json object");
  ExpectRefused(MakeToken(R"({"alg":"HS256"})", "[1,2]", hmac_, Algorithm::kHS256), hmac_set_,
                "token payload is not a json object");
  ExpectRefused(MakeToken(R"({"alg":"HS256"})", "", hmac_, Algorithm::kHS256), hmac_set_,
                "token payload is not valid json");
}

TEST_F(JwsVerifyTest, RefusesDuplicateNames) {
  Result<VerifiedJws> header = VerifyJws(
      MakeToken(R"({"alg":"HS256","alg":"HS256"})", payload_, hmac_, Algorithm::kHS256), hmac_set_);
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().message, "token header is not valid json");
  EXPECT_EQ(header.error().detail, "json object has a duplicate member name");
  ExpectRefused(MakeToken(R"({"alg":"HS256"})", R"({"sub":"a","sub":"b","exp":4102444800})", hmac_, Algorithm::kHS256),
                hmac_set_, "token payload is not valid json");
  ExpectRefused(MakeToken(R"({"alg":"HS256"})", R"({"x":{"y":1,"y":1}})", hmac_, Algorithm::kHS256), hmac_set_,
                "token payload is not valid json");
}

TEST_F(JwsVerifyTest, RefusesOversizeTokens) {
  const std::string big_payload = std::string(R"({"pad":")") + std::string(13000, 'a') + "\"}";
  const std::string token = MakeToken(R"({"alg":"HS256"})", big_payload, hmac_, Algorithm::kHS256);
  ASSERT_GT(token.size(), kDefaultMaxTokenBytes);
  ExpectRefused(token, hmac_set_, "token is too long");
  VerifyOptions roomy;
  roomy.max_token_bytes = 32 * 1024;
  EXPECT_TRUE(VerifyJws(token, hmac_set_, roomy).ok());
}

TEST_F(JwsVerifyTest, SelectsKeysByKid) {
  Result<std::vector<Key>> keys = ParseJwksText(std::string(R"({"keys":[)") + std::string(testing::kHmacJwk) + "," +
                                                    std::string(testing::kEd25519PrivateJwk) + "]}",
                                                KeyUse::kVerify);
  ASSERT_TRUE(keys.ok());
  Result<VerifiedJws> by_kid =
      VerifyJws(MakeToken(R"({"alg":"EdDSA","kid":"ed-1"})", payload_, ed_private_, Algorithm::kEdDSA), keys.value());
  ASSERT_TRUE(by_kid.ok()) << by_kid.error().message;
  EXPECT_EQ(by_kid.value().kid, "ed-1");
  ExpectRefused(MakeToken(R"({"alg":"EdDSA","kid":"other"})", payload_, ed_private_, Algorithm::kEdDSA), keys.value(),
                "no key matches the token's kid");
  ExpectRefused(MakeToken(R"({"alg":"EdDSA"})", payload_, ed_private_, Algorithm::kEdDSA), keys.value(),
                "no key matches the token's kid");
  ExpectRefused(MakeToken(R"({"alg":"EdDSA","kid":7})", payload_, ed_private_, Algorithm::kEdDSA), keys.value(),
                "token header kid must be a string");
  // Without kid, a one-key set is used.
  EXPECT_TRUE(VerifyJws(MakeToken(R"({"alg":"EdDSA"})", payload_, ed_private_, Algorithm::kEdDSA), ed_set_).ok());
  // A header "jwk" is never trusted.
  const std::string embedded = std::string(R"({"alg":"EdDSA","kid":"nope","jwk":)") +
                               std::string(testing::kEd25519PrivateJwk) + "}";
  ExpectRefused(MakeToken(embedded, payload_, ed_private_, Algorithm::kEdDSA), keys.value(),
                "no key matches the token's kid");
}

TEST_F(JwsVerifyTest, IgnoreKidUsesTheOnlyKeyWhateverTheKid) {
  auto secret_key = [](std::string_view secret) {
    return KeyFromSecret(reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()).value();
  };
  const Key secret = secret_key("shared-secret-for-both-sides-0123456789");
  const std::vector<Key> secret_set = One(secret_key("shared-secret-for-both-sides-0123456789"));
  // The HS256 shared secret has no kid: by default a token naming one finds no key.
  const std::string with_kid = MakeToken(R"({"alg":"HS256","kid":"better-auth-kid"})", payload_, secret, Algorithm::kHS256);
  ExpectRefused(with_kid, secret_set, "no key matches the token's kid");
  VerifyOptions ignore;
  ignore.ignore_kid = true;
  Result<VerifiedJws> verified = VerifyJws(with_kid, secret_set, ignore);
  ASSERT_TRUE(verified.ok()) << verified.error().message;
  EXPECT_EQ(verified.value().payload["sub"], "u1");
  EXPECT_TRUE(VerifyJws(MakeToken(R"({"alg":"HS256"})", payload_, secret, Algorithm::kHS256), secret_set, ignore).ok());
  // Ignoring the kid changes which key is tried, nothing else: another secret, another algorithm,
  // a kid that is not a string and a set of two keys are still refused.
  ExpectRefused(MakeToken(R"({"alg":"HS256","kid":"x"})", payload_, hmac_, Algorithm::kHS256), secret_set,
                "token signature is invalid", ignore);
  ExpectRefused(MakeToken(R"({"alg":"EdDSA","kid":"x"})", payload_, ed_private_, Algorithm::kEdDSA), secret_set,
                "token algorithm does not match the key", ignore);
  ExpectRefused(MakeToken(R"({"alg":"HS256","kid":1})", payload_, secret, Algorithm::kHS256), secret_set,
                "token header kid must be a string", ignore);
  std::vector<Key> two = One(secret_key("shared-secret-for-both-sides-0123456789"));
  two.push_back(secret_key("another-secret-for-both-sides-0123456789"));
  ExpectRefused(with_kid, two, "no key matches the token's kid", ignore);
}

TEST_F(JwsVerifyTest, EndToEndClaimRefusals) {
  ClaimPolicy policy;
  policy.now = 1'800'000'000;
  policy.issuer = "https://issuer";
  policy.audience = "api";
  auto verify = [&](const std::string& payload) {
    Result<VerifiedJws> result =
        VerifyJwt(MakeToken(R"({"alg":"HS256"})", payload, hmac_, Algorithm::kHS256), hmac_set_, {}, policy);
    return result.ok() ? std::string("ok") : result.error().message;
  };
  EXPECT_EQ(verify(R"({"exp":1800000060,"iss":"https://issuer","aud":"api"})"), "ok");
  EXPECT_EQ(verify(R"({"exp":"1800000060","iss":"https://issuer","aud":"api"})"), "claim exp must be a number");
  EXPECT_EQ(verify(R"({"exp":1799999999,"iss":"https://issuer","aud":"api"})"), "token has expired");
  EXPECT_EQ(verify(R"({"exp":1800000060,"nbf":1800000001,"iss":"https://issuer","aud":"api"})"),
            "token is not yet valid");
  EXPECT_EQ(verify(R"({"exp":1800000060,"iss":"https://other","aud":"api"})"),
            R"(token issuer does not match: expected "https://issuer", got "https://other")");
  EXPECT_EQ(verify(R"({"exp":1800000060,"iss":"https://issuer","aud":"web"})"),
            R"(token audience does not match: expected "api", got "web")");
  EXPECT_EQ(verify(R"({"exp":1800000060,"iss":"https://issuer","aud":["web","mobile"]})"),
            R"(token audience does not match: expected "api", got ["web","mobile"])");
  EXPECT_EQ(verify(R"({"exp":1800000060,"iss":"https://issuer","aud":["web","api"]})"), "ok");
}

}  // namespace
}  // namespace auth_ext::core::jwt
