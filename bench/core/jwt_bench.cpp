// Core JWT verification against a raw OpenSSL verification of the same signature (the floor):
// Ed25519 (Better Auth's default) and HS256. Run: make bench-core (or build/bench/core_bench).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "core/encoding/base64url.hpp"
#include "core/jwt/claims.hpp"
#include "core/jwt/jwk.hpp"
#include "core/jwt/jws_sign.hpp"
#include "core/jwt/jws_verify.hpp"

namespace jwt = auth_ext::core::jwt;

namespace {

// A test-only Ed25519 key (also in test/fixtures/jwt_test_keys.psql).
constexpr char kEd25519Private[] =
    R"({"crv":"Ed25519","d":"p8WtJWHiVMg9JqxGFoEg0l8wyQrMlhX9nKeDFYGYAGk","x":"sATBxa5LrQDYZ5UBrA2gOLttf2Mz4jxIwt4YfX_qqbQ","kty":"OKP","kid":"test-ed25519"})";
constexpr char kHmacKey[] = R"({"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0"})";

// A Better Auth-shaped payload (contract §6): iat, the user object, sub, exp, iss, aud.
nlohmann::json Claims() {
  return nlohmann::json::parse(
      R"({"iat":1795339915,"name":"Interop User","email":"interop.user@example.com","emailVerified":false,)"
      R"("image":null,"createdAt":"2026-11-22T09:31:54.767Z","updatedAt":"2026-11-22T09:31:54.767Z",)"
      R"("id":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt","sub":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt","exp":4102444800,)"
      R"("iss":"http://localhost:3000","aud":"http://localhost:3000"})");
}

struct Fixture {
  jwt::Key key;
  std::string token;
  std::string signing_input;
  std::vector<std::uint8_t> signature;
};

Fixture Make(const char* private_jwk) {
  auto key = jwt::ParseJwkText(private_jwk, jwt::KeyUse::kSign);
  auto token = jwt::SignJwt(Claims(), key.value());
  Fixture f{std::move(key.value()), token.value(), {}, {}};
  const auto last_dot = f.token.rfind('.');
  f.signing_input = f.token.substr(0, last_dot);
  auto sig = auth_ext::core::encoding::Base64UrlDecode(std::string_view(f.token).substr(last_dot + 1));
  f.signature.assign(sig->begin(), sig->end());
  return f;
}

jwt::ClaimPolicy Policy() {
  jwt::ClaimPolicy policy;
  policy.now = 1795339920;
  policy.issuer = "http://localhost:3000";
  policy.audience = "http://localhost:3000";
  return policy;
}

void BM_RawOpenSslEd25519Verify(benchmark::State& state) {
  Fixture f = Make(kEd25519Private);
  EVP_PKEY* pkey = f.key.pkey.get();
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey);
    int ok = EVP_DigestVerify(ctx, f.signature.data(), f.signature.size(),
                              reinterpret_cast<const unsigned char*>(f.signing_input.data()), f.signing_input.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RawOpenSslEd25519Verify)->Unit(benchmark::kMicrosecond);

// The same signature through libsodium (what the core uses for Ed25519 when it is faster).
void BM_RawSodiumEd25519Verify(benchmark::State& state) {
  Fixture f = Make(kEd25519Private);
  if (sodium_init() < 0) state.SkipWithError("sodium_init failed");
  for (auto _ : state) {
    int ok = crypto_sign_verify_detached(f.signature.data(), reinterpret_cast<const unsigned char*>(f.signing_input.data()),
                                         f.signing_input.size(), f.key.ed25519_public.data());
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RawSodiumEd25519Verify)->Unit(benchmark::kMicrosecond);

void BM_CoreVerifyJwtEd25519(benchmark::State& state) {
  Fixture f = Make(kEd25519Private);
  const jwt::ClaimPolicy policy = Policy();
  for (auto _ : state) {
    auto verified = jwt::VerifyJws(f.token, f.key);
    bool ok = verified.ok() && jwt::CheckClaims(verified.value().payload, policy).ok();
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(verified);
  }
}
BENCHMARK(BM_CoreVerifyJwtEd25519)->Unit(benchmark::kMicrosecond);

void BM_RawOpenSslHmacSha256(benchmark::State& state) {
  Fixture f = Make(kHmacKey);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    HMAC(EVP_sha256(), f.key.secret.data(), static_cast<int>(f.key.secret.size()),
         reinterpret_cast<const unsigned char*>(f.signing_input.data()), f.signing_input.size(), mac, &len);
    benchmark::DoNotOptimize(CRYPTO_memcmp(mac, f.signature.data(), 32));
  }
}
BENCHMARK(BM_RawOpenSslHmacSha256)->Unit(benchmark::kMicrosecond);

void BM_CoreVerifyJwtHs256(benchmark::State& state) {
  Fixture f = Make(kHmacKey);
  const jwt::ClaimPolicy policy = Policy();
  for (auto _ : state) {
    auto verified = jwt::VerifyJws(f.token, f.key);
    bool ok = verified.ok() && jwt::CheckClaims(verified.value().payload, policy).ok();
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(verified);
  }
}
BENCHMARK(BM_CoreVerifyJwtHs256)->Unit(benchmark::kMicrosecond);

}  // namespace
