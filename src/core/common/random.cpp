// Randomness from OpenSSL's CSPRNG, and Better Auth's id alphabet.
#include "core/common/random.hpp"

#include <climits>

#include <openssl/rand.h>

#include "core/common/openssl_ptr.hpp"
#include "core/common/secure_bytes.hpp"
#include "core/common/cpp_only.hpp"

namespace auth_ext::core {

namespace {
constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr unsigned kAlphabetSize = 62;
constexpr unsigned kRejectFrom = (256 / kAlphabetSize) * kAlphabetSize;  // 248
}  // namespace

Status RandomBytes(std::uint8_t* buf, std::size_t len) {
  if (len > static_cast<std::size_t>(INT_MAX)) {
    return MakeError(ErrorKind::kInvalidArgument, "too many random bytes requested");
  }
  if (RAND_bytes(buf, static_cast<int>(len)) != 1) {
    return MakeError(ErrorKind::kCryptoFailure, "could not generate random bytes",
                     DrainOpenSslErrors());
  }
  return OkStatus();
}

Result<std::string> GenerateBetterAuthId(std::size_t size) {
  std::string out;
  out.reserve(size);
  SecureBytes pool(size * 2 + 16);
  while (out.size() < size) {
    AUTH_EXT_RETURN_IF_ERROR(RandomBytes(pool.data(), pool.size()));
    for (std::uint8_t b : pool) {
      if (b >= kRejectFrom) continue;
      out.push_back(kAlphabet[b % kAlphabetSize]);
      if (out.size() == size) break;
    }
  }
  return out;
}

}  // namespace auth_ext::core
