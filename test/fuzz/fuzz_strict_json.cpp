// libFuzzer target: strict JSON parsing never crashes or throws, and anything it accepts
// serializes and re-parses to an equal value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/json/strict_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace auth_ext::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<nlohmann::json> parsed = json::ParseStrict(text);
  if (!parsed.ok()) {
    if (parsed.error().kind != ErrorKind::kInvalidArgument) std::abort();
    return 0;
  }
  const std::string again = parsed.value().dump();
  Result<nlohmann::json> reparsed = json::ParseStrict(again, {again.size(), 64});
  if (!reparsed.ok() || reparsed.value() != parsed.value()) std::abort();
  if (auto* member = json::FindMember(parsed.value(), "exp")) (void)json::AsNumber(*member);
  return 0;
}
