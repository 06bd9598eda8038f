// Runs Project Wycheproof signature vectors through VerifySignature, the primitive under every
// JWS check. Vectors are read from $AUTH_EXT_TESTVECTORS (default test/vectors/wycheproof, a copy of
// the project's shared vectors with their Apache-2.0 LICENSE, relative to the repository root where
// the test binary runs), so a clone anywhere runs them; a missing directory fails the test.
//
// Results marked "acceptable" (either outcome is allowed) and what this verifier does with them:
//   - rsa_signature_2048_sha256_test.json tcId 8, "MissingNull" (DigestInfo without the NULL
//     parameter): REJECTED. OpenSSL re-encodes the expected DigestInfo with NULL and compares
//     bytes, so only the canonical encoding is accepted; asserted below.
// The other four files have no acceptable results.
//
// Key policy, asserted separately from the MAC vectors:
//   - hmac_sha256_test.json groups with keySize 128 are refused when the key is built: HS256 keys
//     must have at least 256 bits (RFC 7518 §3.2). Their tests are counted, not run.
//   - hmac_sha256_test.json groups with tagSize 128 are skipped: JWS HS256 uses the full tag.
//   - the two RSA groups with e = 3 ("SmallPublicKey") are accepted: RFC 7518 sets no exponent
//     floor, and OpenSSL's exact DigestInfo comparison prevents e = 3 forgeries.
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/encoding/base64url.hpp"
#include "core/encoding/hex.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/signature.hpp"

namespace auth_ext::core::jwt {
namespace {

std::string VectorDir() {
  const char* env = std::getenv("AUTH_EXT_TESTVECTORS");
  return env != nullptr && *env != '\0' ? env : "test/vectors/wycheproof";
}

// Loads one vector file, failing the test when it is missing or unreadable.
nlohmann::json LoadVectors(const std::string& name) {
  const std::string path = VectorDir() + "/" + name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "Wycheproof vectors not found at " << path
                  << " (set AUTH_EXT_TESTVECTORS to the directory holding them)";
    return nlohmann::json();
  }
  return nlohmann::json::parse(in);
}

SecureBytes Hex(const nlohmann::json& text) {
  std::optional<SecureBytes> bytes = encoding::HexDecodeLower(text.get<std::string>());
  EXPECT_TRUE(bytes.has_value());
  return bytes.value_or(SecureBytes());
}

struct Tally {
  int valid_accepted = 0;
  int invalid_rejected = 0;
  int acceptable = 0;
  std::map<int, bool> acceptable_outcomes;  // tcId -> accepted
};

// Verifies every test of a group with key and alg, checking valid/invalid results.
void RunGroup(const nlohmann::json& group, const Key& key, Algorithm alg, const char* sig_field, Tally& tally) {
  for (const nlohmann::json& test : group["tests"]) {
    const SecureBytes msg = Hex(test["msg"]);
    const SecureBytes sig = Hex(test[sig_field]);
    const std::string_view input(reinterpret_cast<const char*>(msg.data()), msg.size());
    const Status status = VerifySignature(alg, key, input, sig.data(), sig.size());
    const std::string result = test["result"];
    const int id = test["tcId"];
    if (result == "valid") {
      EXPECT_TRUE(status.ok()) << "tcId " << id << " (" << test["comment"] << ") should verify: "
                               << status.error().message;
      tally.valid_accepted += status.ok();
    } else if (result == "invalid") {
      EXPECT_FALSE(status.ok()) << "tcId " << id << " (" << test["comment"] << ") should be rejected";
      if (!status.ok()) {
        EXPECT_EQ(status.error().kind, ErrorKind::kInvalidToken) << "tcId " << id << ": " << status.error().message;
      }
      tally.invalid_rejected += !status.ok();
    } else {
      ++tally.acceptable;
      tally.acceptable_outcomes[id] = status.ok();
    }
  }
}

int CountResults(const nlohmann::json& file, const char* result) {
  int n = 0;
  for (const auto& group : file["testGroups"]) {
    for (const auto& test : group["tests"]) n += test["result"] == result;
  }
  return n;
}

TEST(Wycheproof, VectorDirectoryExists) {
  std::ifstream readme(VectorDir() + "/README.md");
  EXPECT_TRUE(readme.good()) << "missing " << VectorDir();
}

TEST(Wycheproof, Ed25519) {
  const nlohmann::json file = LoadVectors("ed25519_test.json");
  ASSERT_TRUE(file.is_object());
  Tally tally;
  for (const auto& group : file["testGroups"]) {
    Result<Key> key = ParseJwk(group["publicKeyJwk"], KeyUse::kVerify);
    ASSERT_TRUE(key.ok()) << key.error().message;
    RunGroup(group, key.value(), Algorithm::kEdDSA, "sig", tally);
  }
  EXPECT_EQ(tally.valid_accepted, 88);
  EXPECT_EQ(tally.invalid_rejected, 63);
  EXPECT_EQ(tally.acceptable, 0);
}

// A public JWK built from the group's raw uncompressed point, for groups without publicKeyJwk.
nlohmann::json EcJwkFromUncompressed(const nlohmann::json& public_key) {
  const SecureBytes point = Hex(public_key["uncompressed"]);
  EXPECT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], 0x04);
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", encoding::Base64UrlEncode(point.data() + 1, 32)},
          {"y", encoding::Base64UrlEncode(point.data() + 33, 32)}};
}

TEST(Wycheproof, EcdsaP256Sha256P1363) {
  const nlohmann::json file = LoadVectors("ecdsa_secp256r1_sha256_p1363_test.json");
  ASSERT_TRUE(file.is_object());
  Tally tally;
  int groups_from_raw_point = 0;
  for (const auto& group : file["testGroups"]) {
    ASSERT_EQ(group["sha"], "SHA-256");
    nlohmann::json jwk;
    if (group.contains("publicKeyJwk")) {
      jwk = group["publicKeyJwk"];
    } else {
      jwk = EcJwkFromUncompressed(group["publicKey"]);
      ++groups_from_raw_point;
    }
    Result<Key> key = ParseJwk(jwk, KeyUse::kVerify);
    ASSERT_TRUE(key.ok()) << key.error().message;
    RunGroup(group, key.value(), Algorithm::kES256, "sig", tally);
  }
  EXPECT_EQ(groups_from_raw_point, 9);
  EXPECT_EQ(tally.valid_accepted, CountResults(file, "valid"));
  EXPECT_EQ(tally.invalid_rejected, CountResults(file, "invalid"));
  EXPECT_EQ(tally.valid_accepted + tally.invalid_rejected, 262);
  EXPECT_EQ(tally.acceptable, 0);
}

TEST(Wycheproof, RsaPkcs1Sha256) {
  const nlohmann::json file = LoadVectors("rsa_signature_2048_sha256_test.json");
  ASSERT_TRUE(file.is_object());
  Tally tally;
  for (const auto& group : file["testGroups"]) {
    ASSERT_EQ(group["sha"], "SHA-256");
    Result<Key> key = ParseJwk(group["keyJwk"], KeyUse::kVerify);
    ASSERT_TRUE(key.ok()) << key.error().message;
    RunGroup(group, key.value(), Algorithm::kRS256, "sig", tally);
  }
  EXPECT_EQ(tally.valid_accepted, 9);
  EXPECT_EQ(tally.invalid_rejected, 249);
  ASSERT_EQ(tally.acceptable, 1);
  // tcId 8 (MissingNull): rejected, see the list at the top of this file.
  ASSERT_EQ(tally.acceptable_outcomes.count(8), 1u);
  EXPECT_FALSE(tally.acceptable_outcomes[8]);
}

TEST(Wycheproof, RsaPssSha256Mgf1Salt32) {
  const nlohmann::json file = LoadVectors("rsa_pss_2048_sha256_mgf1_32_test.json");
  ASSERT_TRUE(file.is_object());
  Tally tally;
  for (const auto& group : file["testGroups"]) {
    ASSERT_EQ(group["sha"], "SHA-256");
    ASSERT_EQ(group["mgfSha"], "SHA-256");
    ASSERT_EQ(group["sLen"], 32);
    Result<Key> key = ParseJwk(group["publicKeyJwk"], KeyUse::kVerify);
    ASSERT_TRUE(key.ok()) << key.error().message;
    RunGroup(group, key.value(), Algorithm::kPS256, "sig", tally);
  }
  EXPECT_EQ(tally.valid_accepted, 63);
  EXPECT_EQ(tally.invalid_rejected, 45);
  EXPECT_EQ(tally.acceptable, 0);
}

TEST(Wycheproof, HmacSha256) {
  const nlohmann::json file = LoadVectors("hmac_sha256_test.json");
  ASSERT_TRUE(file.is_object());
  Tally tally;
  int skipped_truncated_tag = 0;
  int refused_short_key = 0;
  for (const auto& group : file["testGroups"]) {
    if (group["tagSize"] != 256) {
      skipped_truncated_tag += static_cast<int>(group["tests"].size());
      continue;
    }
    for (const auto& test : group["tests"]) {
      const SecureBytes secret = Hex(test["key"]);
      Result<Key> key = KeyFromSecret(secret.data(), secret.size());
      if (group["keySize"] < 256) {
        ASSERT_FALSE(key.ok()) << "tcId " << test["tcId"];
        EXPECT_EQ(key.error().message, "hmac key is too short");
        ++refused_short_key;
        continue;
      }
      ASSERT_TRUE(key.ok()) << key.error().message;
      nlohmann::json single = group;
      single["tests"] = nlohmann::json::array({test});
      RunGroup(single, key.value(), Algorithm::kHS256, "tag", tally);
    }
  }
  EXPECT_EQ(skipped_truncated_tag, 87);
  EXPECT_EQ(refused_short_key, 3);
  EXPECT_EQ(tally.valid_accepted + tally.invalid_rejected, 84);
  EXPECT_EQ(tally.acceptable, 0);
}

}  // namespace
}  // namespace auth_ext::core::jwt
