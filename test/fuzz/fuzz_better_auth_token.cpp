// libFuzzer target: Better Auth's HS256 tokens (email verification) round-trip. Any two UTF-8
// strings without NUL (what SQL text can hold) signed as {"email", "userId"} verify with the same
// secret, and the verified payload holds exactly those strings (JSON escaping as JSON.stringify
// writes it, read back strictly); with another secret they are refused as invalid, never expired.
// Invalid UTF-8 is refused as an argument. Nothing crashes or throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json/strict_json.hpp"
#include "core/jwt/better_auth_token.hpp"
#include "core/jwt/jws_verify.hpp"

namespace {

using namespace auth_ext::core;

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.find('\0') != std::string_view::npos) return 0;
  const std::size_t split = input.find('\x01');
  const std::string email(input.substr(0, split));
  const std::string user_id(split == std::string_view::npos ? std::string_view() : input.substr(split + 1));
  const char* secret = "fuzz-secret";
  Result<std::string> token = jwt::SignBetterAuthToken({{"email", email}, {"userId", user_id}}, 100, 200, secret);
  if (!ValidUtf8(email) || !ValidUtf8(user_id)) {
    if (token.ok() || token.error().kind != ErrorKind::kInvalidArgument) std::abort();
    return 0;
  }
  if (!token.ok()) std::abort();
  Result<jwt::VerifiedBetterAuthToken> verified = jwt::VerifyBetterAuthToken(token.value(), secret, 150);
  if (!verified.ok()) {
    // Only a payload beyond the verifier's size limit may be refused.
    if (verified.error().kind != ErrorKind::kInvalidToken || token.value().size() <= jwt::kDefaultMaxTokenBytes) {
      std::abort();
    }
    return 0;
  }
  if (verified.value().verdict != jwt::BetterAuthTokenVerdict::kValid) std::abort();
  Result<nlohmann::json> payload = json::ParseStrictObject(verified.value().payload_text);
  if (!payload.ok()) std::abort();
  const nlohmann::json* e = json::FindMember(payload.value(), "email");
  const nlohmann::json* u = json::FindMember(payload.value(), "userId");
  if (e == nullptr || u == nullptr || json::AsString(*e) != std::string_view(email) ||
      json::AsString(*u) != std::string_view(user_id)) {
    std::abort();
  }
  Result<jwt::VerifiedBetterAuthToken> other = jwt::VerifyBetterAuthToken(token.value(), "another-secret", 150);
  if (other.ok() || other.error().kind != ErrorKind::kInvalidToken) std::abort();
  return 0;
}
