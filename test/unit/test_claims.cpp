// Unit tests for registered-claim checks: exp, nbf, iat (with leeway and NumericDate types), iss, aud.
#include <gtest/gtest.h>

#include "core/jwt/claims.hpp"

namespace auth_ext::core::jwt {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

ClaimPolicy Policy() {
  ClaimPolicy policy;
  policy.now = kNow;
  return policy;
}

std::string Refusal(const nlohmann::json& payload, const ClaimPolicy& policy) {
  Status status = CheckClaims(payload, policy);
  if (status.ok()) return "ok";
  EXPECT_EQ(status.error().kind, ErrorKind::kInvalidToken);
  return status.error().message;
}

TEST(Claims, AcceptsAValidPayload) {
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", kNow}, {"iat", kNow}}, Policy()), "ok");
}

TEST(Claims, RequiresExpByDefault) {
  EXPECT_EQ(Refusal(nlohmann::json::object(), Policy()), "token has no exp claim");
  ClaimPolicy relaxed = Policy();
  relaxed.require_exp = false;
  EXPECT_EQ(Refusal(nlohmann::json::object(), relaxed), "ok");
}

TEST(Claims, Expiry) {
  EXPECT_EQ(Refusal({{"exp", kNow + 1}}, Policy()), "ok");
  EXPECT_EQ(Refusal({{"exp", kNow}}, Policy()), "token has expired");
  EXPECT_EQ(Refusal({{"exp", kNow - 100}}, Policy()), "token has expired");
  ClaimPolicy leeway = Policy();
  leeway.leeway_seconds = 30;
  EXPECT_EQ(Refusal({{"exp", kNow - 29}}, leeway), "ok");
  EXPECT_EQ(Refusal({{"exp", kNow - 30}}, leeway), "token has expired");
}

TEST(Claims, TimeClaimsMayBeFloats) {
  EXPECT_EQ(Refusal({{"exp", kNow + 0.5}}, Policy()), "ok");
  EXPECT_EQ(Refusal({{"exp", kNow - 0.5}}, Policy()), "token has expired");
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", kNow + 0.25}}, Policy()), "token is not yet valid");
  EXPECT_EQ(Refusal({{"exp", 1e300}}, Policy()), "ok");
  EXPECT_EQ(Refusal({{"exp", 18446744073709551615ull}}, Policy()), "ok");
}

TEST(Claims, TimeClaimsMustBeNumbers) {
  EXPECT_EQ(Refusal({{"exp", "1800000000"}}, Policy()), "claim exp must be a number");
  EXPECT_EQ(Refusal({{"exp", true}}, Policy()), "claim exp must be a number");
  EXPECT_EQ(Refusal({{"exp", nullptr}}, Policy()), "claim exp must be a number");
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", "0"}}, Policy()), "claim nbf must be a number");
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"iat", false}}, Policy()), "claim iat must be a number");
  EXPECT_EQ(Refusal({{"exp", nlohmann::json::array({kNow + 60})}}, Policy()), "claim exp must be a number");
}

TEST(Claims, NotBefore) {
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", kNow + 1}}, Policy()), "token is not yet valid");
  ClaimPolicy leeway = Policy();
  leeway.leeway_seconds = 5;
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", kNow + 5}}, leeway), "ok");
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"nbf", kNow + 6}}, leeway), "token is not yet valid");
}

TEST(Claims, IssuedInTheFuture) {
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"iat", kNow + 1}}, Policy()), "token was issued in the future");
  ClaimPolicy leeway = Policy();
  leeway.leeway_seconds = 10;
  EXPECT_EQ(Refusal({{"exp", kNow + 60}, {"iat", kNow + 10}}, leeway), "ok");
}

TEST(Claims, Issuer) {
  ClaimPolicy policy = Policy();
  policy.issuer = "http://localhost:3000";
  const nlohmann::json base = {{"exp", kNow + 60}};
  nlohmann::json good = base;
  good["iss"] = "http://localhost:3000";
  EXPECT_EQ(Refusal(good, policy), "ok");
  nlohmann::json wrong = base;
  wrong["iss"] = "http://localhost:3001";
  EXPECT_EQ(Refusal(wrong, policy),
            R"(token issuer does not match: expected "http://localhost:3000", got "http://localhost:3001")");
  EXPECT_EQ(Refusal(base, policy), R"(token issuer does not match: expected "http://localhost:3000", got none)");
  nlohmann::json long_iss = base;
  long_iss["iss"] = std::string(5000, 'x') + "\n";
  const std::string shown = Refusal(long_iss, policy);
  EXPECT_EQ(shown.rfind(R"(token issuer does not match: expected "http://localhost:3000", got "xxx)", 0), 0u);
  EXPECT_LT(shown.size(), 300u);
  nlohmann::json typed = base;
  typed["iss"] = 5;
  EXPECT_EQ(Refusal(typed, policy), "claim iss must be a string");
}

TEST(Claims, Audience) {
  ClaimPolicy policy = Policy();
  policy.audience = "api";
  const nlohmann::json base = {{"exp", kNow + 60}};
  auto with_aud = [&](nlohmann::json aud) {
    nlohmann::json payload = base;
    payload["aud"] = std::move(aud);
    return payload;
  };
  EXPECT_EQ(Refusal(with_aud("api"), policy), "ok");
  EXPECT_EQ(Refusal(with_aud({"web", "api"}), policy), "ok");
  EXPECT_EQ(Refusal(with_aud("web"), policy), R"(token audience does not match: expected "api", got "web")");
  EXPECT_EQ(Refusal(with_aud({"web", "mobile"}), policy),
            R"(token audience does not match: expected "api", got ["web","mobile"])");
  EXPECT_EQ(Refusal(with_aud(nlohmann::json::array()), policy), R"(token audience does not match: expected "api", got [])");
  EXPECT_EQ(Refusal(base, policy), R"(token audience does not match: expected "api", got none)");
  EXPECT_EQ(Refusal(with_aud({"api", 7}), policy), "claim aud must be a string or an array of strings");
  EXPECT_EQ(Refusal(with_aud(7), policy), "claim aud must be a string or an array of strings");
}

TEST(Claims, NegativeLeewayIsAnArgumentError) {
  ClaimPolicy policy = Policy();
  policy.leeway_seconds = -1;
  Status status = CheckClaims({{"exp", kNow + 60}}, policy);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace auth_ext::core::jwt
