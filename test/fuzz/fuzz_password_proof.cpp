// libFuzzer target: password proofs. Any input opened as a proof is refused unless it is exactly
// the seal of its payload (so no other string opens); any payload sealed opens to itself with the
// same secret and is refused with another. Nothing crashes or throws.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/password/password_proof.hpp"

namespace {
constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace auth_ext::core::password;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  auto opened = OpenProof(input, kSecret);
  if (opened.ok()) {
    auto resealed = SealProof(opened.value(), kSecret);
    if (!resealed.ok() || resealed.value() != input) std::abort();  // only the exact seal opens
  }

  auto sealed = SealProof(input, kSecret);
  if (!sealed.ok()) std::abort();
  auto back = OpenProof(sealed.value(), kSecret);
  if (sealed.value().size() <= 16384) {
    if (!back.ok() || back.value() != input) std::abort();
  }
  if (OpenProof(sealed.value(), "another-secret").ok()) std::abort();
  return 0;
}
