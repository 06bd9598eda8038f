// libFuzzer target: strict JSON parsing never crashes or throws, anything it accepts serializes
// and re-parses to an equal value, and ParseStrictKeeping gives the same verdict (and message)
// and exactly the kept members.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/strict_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace auth_ext::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<nlohmann::json> parsed = json::ParseStrict(text);
  static const std::vector<std::string_view> kKeep = {"exp", "sub"};
  Result<nlohmann::json> kept = json::ParseStrictKeeping(text, kKeep);
  if (kept.ok() != parsed.ok()) std::abort();
  if (!parsed.ok()) {
    if (parsed.error().kind != ErrorKind::kInvalidArgument) std::abort();
    if (kept.error().message != parsed.error().message) std::abort();
    return 0;
  }
  nlohmann::json expected = parsed.value();
  if (expected.is_object()) {
    nlohmann::json only = nlohmann::json::object();
    for (std::string_view name : kKeep) {
      if (auto* member = json::FindMember(expected, name)) only[std::string(name)] = *member;
    }
    expected = std::move(only);
  }
  if (kept.value() != expected) std::abort();
  const std::string again = parsed.value().dump();
  Result<nlohmann::json> reparsed = json::ParseStrict(again, {again.size(), 64});
  if (!reparsed.ok() || reparsed.value() != parsed.value()) std::abort();
  if (auto* member = json::FindMember(parsed.value(), "exp")) (void)json::AsNumber(*member);
  return 0;
}
