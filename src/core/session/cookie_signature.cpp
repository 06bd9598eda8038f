// Parses and checks Better Auth session credentials.
#include "core/session/cookie_signature.hpp"

#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/common/openssl_ptr.hpp"
#include "core/common/secure_bytes.hpp"
#include "core/encoding/base64.hpp"
#include "core/common/cpp_only.hpp"

namespace auth_ext::core::session {

namespace {

constexpr std::size_t kSignatureLength = 44;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// decodeURIComponent; the raw text when the encoding is invalid (as better-call does).
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::string(s);
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::string(s);
    out.push_back(static_cast<char>((hi << 4) | lo));
    i += 2;
  }
  return out;
}

}  // namespace

bool IsSessionTokenShape(std::string_view value) {
  if (value.size() != 32) return false;
  for (char c : value) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) return false;
  }
  return true;
}

Result<std::string> SignSessionToken(std::string_view token, std::string_view secret) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  static const char kEmpty[1] = {0};
  if (HMAC(EVP_sha256(), secret.empty() ? kEmpty : secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac, &mac_len) == nullptr) {
    return MakeError(ErrorKind::kCryptoFailure, "HMAC-SHA256 failed", DrainOpenSslErrors());
  }
  std::string signature = encoding::Base64Encode(mac, mac_len);
  OPENSSL_cleanse(mac, sizeof mac);
  return signature;
}

Result<std::string> SessionTokenFromCredential(std::string_view credential, std::string_view secret) {
  std::string_view value = Trim(credential);
  if (StartsWithIgnoreCase(value, "bearer ")) value = Trim(value.substr(7));
  for (std::string_view name : {"__Secure-better-auth.session_token=", "better-auth.session_token="}) {
    if (value.substr(0, name.size()) == name) {
      value = value.substr(name.size());
      value = value.substr(0, value.find(';'));
      break;
    }
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
  const std::string decoded = value.find('%') != std::string_view::npos ? PercentDecode(value) : std::string(value);

  const std::size_t dot = decoded.rfind('.');
  if (dot == std::string::npos) return decoded;  // a bare session token
  const std::string_view token = std::string_view(decoded).substr(0, dot);
  const std::string_view signature = std::string_view(decoded).substr(dot + 1);
  if (token.empty() || signature.size() != kSignatureLength || signature.back() != '=') return std::string();
  if (secret.empty()) {
    return MakeError(ErrorKind::kNotConfigured, "signed session cookies need the better_auth_secret setting",
                     {}, "SELECT auth_ext.configure('better_auth_secret', <BETTER_AUTH_SECRET>) as the database owner.");
  }
  auto expected = SignSessionToken(token, secret);
  if (!expected.ok()) return expected.error();
  if (!ConstantTimeEquals(expected.value(), signature)) return std::string();
  return std::string(token);
}

}  // namespace auth_ext::core::session
