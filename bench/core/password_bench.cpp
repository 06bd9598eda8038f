// Better Auth-format password hashing in the core against a raw OpenSSL scrypt call with the same
// parameters (N=16384, r=16, p=1, dkLen=64, maxmem 64 MiB). Run: make bench-core.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>

#include "core/password/scrypt_hash.hpp"

namespace pw = auth_ext::core::password;

namespace {

constexpr char kPassword[] = "correct horse battery staple";
constexpr char kSalt[] = "0123456789abcdef0123456789abcdef";

void BM_RawOpenSslScrypt(benchmark::State& state) {
  unsigned char key[64];
  for (auto _ : state) {
    int ok = EVP_PBE_scrypt(kPassword, sizeof kPassword - 1, reinterpret_cast<const unsigned char*>(kSalt),
                            sizeof kSalt - 1, 16384, 16, 1, 64ULL << 20, key, sizeof key);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_RawOpenSslScrypt)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_CoreHashPassword(benchmark::State& state) {
  for (auto _ : state) {
    auto hash = pw::HashPassword(kPassword);
    if (!hash.ok()) state.SkipWithError("hash failed");
    benchmark::DoNotOptimize(hash);
  }
}
BENCHMARK(BM_CoreHashPassword)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_CoreVerifyPassword(benchmark::State& state) {
  const auto stored = pw::HashPasswordWithSalt(kPassword, kSalt).value();
  for (auto _ : state) {
    auto ok = pw::VerifyPassword(kPassword, stored);
    if (!ok.ok() || !ok.value()) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_CoreVerifyPassword)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
