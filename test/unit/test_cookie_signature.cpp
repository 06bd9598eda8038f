// Unit tests for Better Auth session credentials, with the real cookie of docs/better-auth-compatibility.md §3.
#include <gtest/gtest.h>

#include "core/session/cookie_signature.hpp"

namespace session = auth_ext::core::session;

namespace {
constexpr char kSecret[] = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708";
constexpr char kToken[] = "G1kNA9QMICNACjGhPDKGzyq7BUKdPInG";
constexpr char kSignature[] = "zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=";
constexpr char kCookieValue[] = "G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D";

std::string TokenOf(const std::string& credential, const std::string& secret = kSecret) {
  auto r = session::SessionTokenFromCredential(credential, secret);
  EXPECT_TRUE(r.ok()) << credential;
  return r.ok() ? r.value() : "<error>";
}
}  // namespace

TEST(CookieSignature, ReproducesBetterAuthsSignature) {
  auto sig = session::SignSessionToken(kToken, kSecret);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig.value(), kSignature);
}

TEST(CookieSignature, AcceptsEveryCredentialForm) {
  const std::string signed_value = std::string(kToken) + "." + kSignature;
  EXPECT_EQ(TokenOf(kToken), kToken);                                    // bare token
  EXPECT_EQ(TokenOf(signed_value), kToken);                              // token.sig
  EXPECT_EQ(TokenOf(kCookieValue), kToken);                              // URL-encoded
  EXPECT_EQ(TokenOf(std::string("Bearer ") + kCookieValue), kToken);     // bearer
  EXPECT_EQ(TokenOf(std::string("bearer  ") + signed_value), kToken);
  EXPECT_EQ(TokenOf(std::string("better-auth.session_token=") + kCookieValue + "; Path=/"), kToken);
  EXPECT_EQ(TokenOf(std::string("__Secure-better-auth.session_token=") + kCookieValue), kToken);
  EXPECT_EQ(TokenOf("\"" + signed_value + "\""), kToken);
}

TEST(CookieSignature, RefusesWrongSignatures) {
  const std::string wrong = std::string(kToken) + ".AMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=";
  EXPECT_EQ(TokenOf(wrong), "");
  EXPECT_EQ(TokenOf(std::string(kToken) + "." + kSignature, "another-secret"), "");
  EXPECT_EQ(TokenOf(std::string("other") + kToken + "." + kSignature), "");  // signature of another token
  EXPECT_EQ(TokenOf(std::string(kToken) + ".short="), "");
  EXPECT_EQ(TokenOf(std::string(".") + kSignature), "");
}

TEST(CookieSignature, SignedValueWithoutSecretIsNotConfigured) {
  auto r = session::SessionTokenFromCredential(kCookieValue, "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, auth_ext::core::ErrorKind::kNotConfigured);
  EXPECT_EQ(r.error().message.find(kToken), std::string::npos);
}

TEST(CookieSignature, BadPercentEncodingKeepsTheRawValue) {
  EXPECT_EQ(TokenOf("abc%zz"), "abc%zz");
  EXPECT_EQ(TokenOf("abc%2"), "abc%2");
}

// The only values sign_session_cookie signs: Better Auth's session token shape (generateId(32)),
// never another signed cookie's value (dont_remember "true", two_factor "2fa-...", trust_device
// "<token>!<id>", admin_session "<token>:", oauth_popup JSON).
TEST(CookieSignature, SessionTokenShapeIsBetterAuthsGenerateId32) {
  EXPECT_TRUE(session::IsSessionTokenShape(kToken));
  EXPECT_TRUE(session::IsSessionTokenShape("abcdefghijklmnopqrstuvwxyz012345"));
  EXPECT_FALSE(session::IsSessionTokenShape("true"));
  EXPECT_FALSE(session::IsSessionTokenShape("2fa-abcdefghijklmnopqrst"));
  EXPECT_FALSE(session::IsSessionTokenShape("2fa-abcdefghijklmnopqrstuvwxyz01"));  // 32 characters, a '-'
  EXPECT_FALSE(session::IsSessionTokenShape(std::string(kToken) + "!abcdefghijklmnopqrstuvwxyz012345"));
  EXPECT_FALSE(session::IsSessionTokenShape(std::string(kToken) + ":"));
  EXPECT_FALSE(session::IsSessionTokenShape("{\"popupOrigin\":\"https://x.example\"}"));
  EXPECT_FALSE(session::IsSessionTokenShape(std::string(kToken).substr(0, 31)));
  EXPECT_FALSE(session::IsSessionTokenShape(std::string(kToken) + "A"));
  EXPECT_FALSE(session::IsSessionTokenShape("G1kNA9QMICNACjGhPDKGzyq7BUKdPIn_"));
  EXPECT_FALSE(session::IsSessionTokenShape(std::string("G1kNA9QMICNACjGhPDKGzyq7BUKdPIn\0", 32)));
  EXPECT_FALSE(session::IsSessionTokenShape("G1kNA9QMICNACjGhPDKGzyq7BUKdPIné"));
  EXPECT_FALSE(session::IsSessionTokenShape(""));
}
