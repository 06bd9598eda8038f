// libFuzzer target: VerifyJws and CheckClaims on arbitrary tokens against an HS256 key, an Ed25519
// key and a P-256 key never crash or throw; only kInvalidToken refusals are possible, and only
// tokens signed with the keys' secrets could verify (the fuzzer cannot forge one).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/jwt/claims.hpp"
#include "core/jwt/jws_verify.hpp"

namespace {

using namespace auth_ext::core;

const std::vector<jwt::Key>& Keys() {
  static const std::vector<jwt::Key>* keys = [] {
    auto* set = new std::vector<jwt::Key>();
    const char* jwks =
        R"({"keys":[)"
        R"({"kty":"oct","kid":"hs","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"},)"
        R"({"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},)"
        R"({"kty":"EC","crv":"P-256","kid":"ec","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";
    Result<std::vector<jwt::Key>> parsed = jwt::ParseJwksText(jwks, jwt::KeyUse::kVerify);
    if (!parsed.ok()) std::abort();
    *set = std::move(parsed.value());
    return set;
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  Result<jwt::VerifiedJws> result = jwt::VerifyJws(token, Keys());
  if (!result.ok()) {
    if (result.error().kind != ErrorKind::kInvalidToken) std::abort();
    return 0;
  }
  jwt::ClaimPolicy policy;
  policy.now = 1'700'000'000;
  policy.audience = "api";
  (void)jwt::CheckClaims(result.value().payload, policy);
  return 0;
}
