// Unit tests for the scrypt primitive (RFC 7914 §12 vectors) and Better Auth's stored-hash format
// (docs/better-auth-compatibility.md §1 vectors).
#include <gtest/gtest.h>

#include <string>

#include "core/encoding/hex.hpp"
#include "core/password/scrypt_hash.hpp"
#include "core/password/utf16_length.hpp"

namespace pw = auth_ext::core::password;
using auth_ext::core::ErrorKind;
using auth_ext::core::encoding::HexEncode;

namespace {

std::string ScryptHex(const std::string& password, const std::string& salt, pw::ScryptParams params) {
  auto key = pw::Scrypt(password, salt, params);
  EXPECT_TRUE(key.ok());
  if (!key.ok()) return {};
  return HexEncode(key.value().data(), key.value().size());
}

constexpr char kFixedSalt[] = "0123456789abcdef0123456789abcdef";

}  // namespace

TEST(Rfc7914, Vector1EmptyPasswordAndSalt) {
  EXPECT_EQ(ScryptHex("", "", {16, 1, 1, 64, 64 << 20}),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
}

TEST(Rfc7914, Vector2PasswordNaCl) {
  EXPECT_EQ(ScryptHex("password", "NaCl", {1024, 8, 16, 64, 64 << 20}),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(Rfc7914, Vector3PleaseLetMeIn) {
  EXPECT_EQ(ScryptHex("pleaseletmein", "SodiumChloride", {16384, 8, 1, 64, 64 << 20}),
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
            "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
}
// RFC 7914's fourth vector (N = 2^20) needs 1 GiB and is left out.

TEST(Rfc7914, DefaultOpenSslMemoryLimitIsTooSmallForBetterAuth) {
  // A measured pitfall (the record's §1): 32 MiB fails for N=16384, r=16.
  auto key = pw::Scrypt("x", "y", {16384, 16, 1, 64, 32ULL << 20});
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().kind, ErrorKind::kCryptoFailure);
}

TEST(BetterAuthFormat, FixedSaltVectors) {
  auto a = pw::HashPasswordWithSalt("password123", kFixedSalt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(),
            "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ec"
            "e1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d");
  auto b = pw::HashPasswordWithSalt("correct horse battery staple", kFixedSalt);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value(),
            "0123456789abcdef0123456789abcdef:e1034727d858e2fca8a705fe561781100520e78064f8d2bfa492937c58df02"
            "eb15d40233f809f179c7fb9863b8eb9dc5a8d2dc196c0b9733c05fa426f224856e");
}

TEST(BetterAuthFormat, RecordVectorsVerify) {
  // NFKC forms of docs/better-auth-compatibility.md §1 vectors 1-3 (normalization itself happens in the Postgres layer).
  struct Case { const char* password; const char* stored; } cases[] = {
      {"password123",
       "18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf0"
       "39acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c"},
      {"fifl Pass 123",
       "87c5583c90d313fa3089b3e6cf025539:d2d9a0eaf2ac9c03a6d1422d62849727c6a248649a81d5fd4b75a46d2759c5cc"
       "3e462236487b1f4a5a467a495073dad04ce1cf2c3c6be87f3f872d15615ff259"},
      {"Caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac-\xf0\x9f\x94\x91",
       "b35d2b4bf5ec8ecce4412c8d7ce2e83c:35994ebf4759064825b6c2b329a2892bb6df1535c3b1d31cce73e5b506e16476"
       "48ec5cef8cf66e4920efe555fe73a93bf7cc939312b412de3ddbe9af7f514684"},
  };
  for (const auto& c : cases) {
    auto ok = pw::VerifyPassword(c.password, c.stored);
    ASSERT_TRUE(ok.ok()) << c.stored;
    EXPECT_TRUE(ok.value()) << c.stored;
    auto wrong = pw::VerifyPassword(std::string(c.password) + "!", c.stored);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(wrong.value());
  }
}

TEST(BetterAuthFormat, RawSaltBytesAreNotTheSalt) {
  // The salt is the text of the 32 hex characters, not the 16 bytes they encode.
  std::string raw_salt = "\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef";
  auto with_raw = pw::DeriveKey("password123", raw_salt);
  auto with_text = pw::DeriveKey("password123", kFixedSalt);
  ASSERT_TRUE(with_raw.ok());
  ASSERT_TRUE(with_text.ok());
  EXPECT_NE(with_raw.value(), with_text.value());
}

TEST(BetterAuthFormat, FreshHashesHaveTheStoredShapeAndRandomSalts) {
  auto a = pw::HashPassword("hunter2hunter2");
  auto b = pw::HashPassword("hunter2hunter2");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a.value().size(), pw::kStoredHashLength);
  EXPECT_EQ(a.value()[32], ':');
  EXPECT_NE(a.value().substr(0, 32), b.value().substr(0, 32));
  auto parsed = pw::ParseStoredHash(a.value());
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(auth_ext::core::encoding::IsLowerHex(parsed.value().salt));
  auto verified = pw::VerifyPassword("hunter2hunter2", a.value());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified.value());
}

TEST(BetterAuthFormat, ExtraPartsAreIgnoredLikeBetterAuth) {
  auto ok = pw::VerifyPassword(
      "password123",
      "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ec"
      "e1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d:junk");
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok.value());
}

TEST(BetterAuthFormat, MalformedHashesAreErrorsNotFalse) {
  const std::string key(128, 'a');
  const char* bad[] = {"", "garbage", ":", "salt:", ":abc"};
  for (const char* stored : bad) {
    auto r = pw::VerifyPassword("password123", stored);
    ASSERT_FALSE(r.ok()) << stored;
    EXPECT_EQ(r.error().kind, ErrorKind::kMalformedData);
    EXPECT_EQ(r.error().message, "stored password hash is malformed");  // names no part of the hash
  }
  EXPECT_FALSE(pw::VerifyPassword("p", "s:" + std::string(128, 'A')).ok());  // upper-case key
  EXPECT_FALSE(pw::VerifyPassword("p", "s:" + std::string(126, 'a')).ok());  // short key
  EXPECT_FALSE(pw::VerifyPassword("p", "s:" + std::string(127, 'a') + "g").ok());
  EXPECT_FALSE(pw::VerifyPassword("p", std::string(pw::kMaxSaltLength + 1, 's') + ":" + key).ok());
  EXPECT_TRUE(pw::VerifyPassword("p", "s:" + key).ok());  // well-formed, just not matching
}

TEST(BetterAuthFormat, InvalidSaltsAreRefusedWhenHashing) {
  EXPECT_FALSE(pw::HashPasswordWithSalt("p", "").ok());
  EXPECT_FALSE(pw::HashPasswordWithSalt("p", "a:b").ok());
}

TEST(BetterAuthFormat, OversizedPasswordIsAnArgumentError) {
  auto r = pw::HashPassword(std::string(pw::kMaxPasswordBytes + 1, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
}

TEST(Utf16Length, CountsCodeUnitsLikeJavaScript) {
  EXPECT_EQ(pw::Utf16Length(""), 0u);
  EXPECT_EQ(pw::Utf16Length("password"), 8u);
  EXPECT_EQ(pw::Utf16Length("Caf\xc3\xa9"), 4u);                      // é: one unit
  EXPECT_EQ(pw::Utf16Length("\xe6\x97\xa5\xe6\x9c\xac"), 2u);           // 日本
  EXPECT_EQ(pw::Utf16Length("\xf0\x9f\x94\x91\xf0\x9f\x94\x91"), 4u);   // 🔑🔑: two pairs
}
