// Unit tests for strict base64url (RFC 7515 §2): round trips, RFC 4648 vectors, and refusals.
#include <string>

#include <gtest/gtest.h>

#include "core/encoding/base64url.hpp"

namespace auth_ext::core::encoding {
namespace {

std::string DecodeToString(std::string_view text) {
  std::optional<SecureBytes> bytes = Base64UrlDecode(text);
  EXPECT_TRUE(bytes.has_value()) << text;
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64Url, UsesTheUrlAlphabet) {
  const std::uint8_t bytes[] = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64UrlEncode(bytes, sizeof bytes), "-_-_");
  EXPECT_EQ(DecodeToString("-_-_"), std::string("\xfb\xff\xbf"));
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string data;
  for (int len = 0; len < 70; ++len) {
    EXPECT_EQ(DecodeToString(Base64UrlEncode(data)), data);
    data.push_back(static_cast<char>(len * 37 + 11));
  }
}

TEST(Base64Url, DecodesRfc7515Header) {
  EXPECT_EQ(DecodeToString("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"), "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
}

TEST(Base64Url, RefusesPadding) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
  EXPECT_FALSE(Base64UrlDecode("Zm8="));
  EXPECT_FALSE(Base64UrlDecode("Zm9v="));
  EXPECT_FALSE(Base64UrlDecode("="));
}

TEST(Base64Url, RefusesTheStandardAlphabet) {
  EXPECT_FALSE(Base64UrlDecode("+/+/"));
  EXPECT_FALSE(Base64UrlDecode("ab+d"));
  EXPECT_FALSE(Base64UrlDecode("ab/d"));
}

TEST(Base64Url, RefusesOtherCharacters) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v YmFy"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\nYmFy"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v.YmFy"));
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm9v\0YmFy", 9)));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\xc3\xa9"));
}

TEST(Base64Url, RefusesImpossibleLength) {
  EXPECT_FALSE(Base64UrlDecode("Z"));
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));
}

TEST(Base64Url, RefusesNonCanonicalTrailingBits) {
  // "Zg" is the only encoding of "f"; "Zh".."Zv" carry non-zero unused bits.
  EXPECT_TRUE(Base64UrlDecode("Zg"));
  EXPECT_FALSE(Base64UrlDecode("Zh"));
  EXPECT_FALSE(Base64UrlDecode("Zv"));
  // "Zm8" is the only encoding of "fo"; "Zm9" sets the two unused bits.
  EXPECT_TRUE(Base64UrlDecode("Zm8"));
  EXPECT_FALSE(Base64UrlDecode("Zm9"));
}

TEST(Base64Url, AcceptsEmpty) {
  std::optional<SecureBytes> bytes = Base64UrlDecode("");
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(bytes->empty());
}

}  // namespace
}  // namespace auth_ext::core::encoding
