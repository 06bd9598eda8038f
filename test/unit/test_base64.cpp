// Unit tests for standard padded base64: Better Auth's cookie-signature format and strict decoding.
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/encoding/base64.hpp"

namespace auth_ext::core::encoding {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UsesTheStandardAlphabet) {
  const std::uint8_t bytes[] = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(Base64Encode(bytes, sizeof bytes), "+/+/");
}

TEST(Base64, HmacSha256Is44CharactersEndingInPadding) {
  unsigned char mac[32];
  unsigned int len = 0;
  ASSERT_NE(HMAC(EVP_sha256(), "secret", 6, reinterpret_cast<const unsigned char*>("token"), 5, mac, &len), nullptr);
  const std::string encoded = Base64Encode(mac, len);
  EXPECT_EQ(encoded.size(), 44u);
  EXPECT_EQ(encoded.back(), '=');
  std::optional<SecureBytes> decoded = Base64Decode(encoded);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), std::string(reinterpret_cast<char*>(mac), len));
}

TEST(Base64, RoundTripsEveryLength) {
  std::string data;
  for (int len = 0; len < 70; ++len) {
    std::optional<SecureBytes> decoded = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(std::string(decoded->begin(), decoded->end()), data);
    data.push_back(static_cast<char>(len * 53 + 7));
  }
}

TEST(Base64, RequiresPadding) {
  EXPECT_FALSE(Base64Decode("Zg"));
  EXPECT_FALSE(Base64Decode("Zm8"));
  EXPECT_FALSE(Base64Decode("Zg="));
}

TEST(Base64, RefusesMisplacedOrExcessPadding) {
  EXPECT_FALSE(Base64Decode("Zg==Zg=="));
  EXPECT_FALSE(Base64Decode("Z==="));
  EXPECT_FALSE(Base64Decode("===="));
  EXPECT_FALSE(Base64Decode("Zm9v===="));
  EXPECT_FALSE(Base64Decode("Z=g="));
}

TEST(Base64, RefusesTheUrlAlphabetAndWhitespace) {
  EXPECT_FALSE(Base64Decode("-_-_"));
  EXPECT_FALSE(Base64Decode("Zm9v\nYmFy"));
  EXPECT_FALSE(Base64Decode(" Zm9v"));
}

TEST(Base64, RefusesNonCanonicalTrailingBits) {
  EXPECT_TRUE(Base64Decode("Zg=="));
  EXPECT_FALSE(Base64Decode("Zh=="));
  EXPECT_TRUE(Base64Decode("Zm8="));
  EXPECT_FALSE(Base64Decode("Zm9="));
}

}  // namespace
}  // namespace auth_ext::core::encoding
