// Unit tests for password proofs: sealing, opening, and every way a proof is refused.
#include <gtest/gtest.h>

#include <string>

#include "core/password/password_proof.hpp"

namespace password = auth_ext::core::password;
using auth_ext::core::ErrorKind;

namespace {
constexpr char kSecret[] = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708";
constexpr char kPayload[] = R"({"u":"user-1","h":"abc","t":1700000000000,"n":"nonce"})";

std::string Seal(const std::string& payload, const std::string& secret = kSecret) {
  auto r = password::SealProof(payload, secret);
  EXPECT_TRUE(r.ok());
  return r.ok() ? r.value() : std::string();
}

ErrorKind RefusalOf(const std::string& proof, const std::string& secret = kSecret) {
  auto r = password::OpenProof(proof, secret);
  EXPECT_FALSE(r.ok()) << proof;
  return r.ok() ? ErrorKind::kInternal : r.error().kind;
}
}  // namespace

TEST(PasswordProof, RoundTrips) {
  const std::string proof = Seal(kPayload);
  EXPECT_EQ(proof.rfind("ap1.", 0), 0u);
  auto opened = password::OpenProof(proof, kSecret);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened.value(), kPayload);
}

TEST(PasswordProof, IsDeterministicAndKeyedBySecret) {
  EXPECT_EQ(Seal(kPayload), Seal(kPayload));
  EXPECT_NE(Seal(kPayload), Seal(kPayload, "another-secret"));
  EXPECT_EQ(RefusalOf(Seal(kPayload, "another-secret")), ErrorKind::kInvalidToken);
}

TEST(PasswordProof, RefusesEveryChangedCharacter) {
  const std::string proof = Seal(kPayload);
  for (std::size_t i = 0; i < proof.size(); ++i) {
    std::string changed = proof;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    if (changed == proof) continue;
    auto r = password::OpenProof(changed, kSecret);
    EXPECT_FALSE(r.ok()) << "position " << i;
  }
}

TEST(PasswordProof, RefusesOtherShapes) {
  const std::string proof = Seal(kPayload);
  EXPECT_EQ(RefusalOf(""), ErrorKind::kInvalidToken);
  EXPECT_EQ(RefusalOf("ap1."), ErrorKind::kInvalidToken);
  EXPECT_EQ(RefusalOf("ap1.."), ErrorKind::kInvalidToken);
  EXPECT_EQ(RefusalOf("ap2" + proof.substr(3)), ErrorKind::kInvalidToken);
  EXPECT_EQ(RefusalOf(proof + "="), ErrorKind::kInvalidToken);             // padding: not canonical
  EXPECT_EQ(RefusalOf(proof.substr(0, proof.size() - 1)), ErrorKind::kInvalidToken);  // short tag
  EXPECT_EQ(RefusalOf(proof + "." + "AAAA"), ErrorKind::kInvalidToken);
  EXPECT_EQ(RefusalOf(std::string(20000, 'a')), ErrorKind::kInvalidToken);
  // The payload of one proof with the tag of another.
  const std::string other = Seal(R"({"u":"user-2"})");
  EXPECT_EQ(RefusalOf(proof.substr(0, proof.rfind('.')) + other.substr(other.rfind('.'))), ErrorKind::kInvalidToken);
}

TEST(PasswordProof, NeedsASecret) {
  auto sealed = password::SealProof(kPayload, "");
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error().kind, ErrorKind::kNotConfigured);
  EXPECT_EQ(RefusalOf(Seal(kPayload), ""), ErrorKind::kNotConfigured);
}
