// libFuzzer target: the better_auth_names setting parser. Any input either is refused as an
// argument (never another kind, never an exception) or parses into names that keep their promises:
// every model's table and every looked-up column is a non-empty name of at most 63 bytes, the six
// models' tables are distinct, and IsDefault() holds exactly when nothing is renamed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "core/schema/table_names.hpp"

using namespace auth_ext::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<schema::TableNames> parsed = schema::ParseTableNames(text);
  if (!parsed.ok()) {
    if (parsed.error().kind != ErrorKind::kInvalidArgument) std::abort();
    if (parsed.error().message.rfind("better_auth_names: ", 0) != 0) std::abort();
    return 0;
  }
  const schema::TableNames& names = parsed.value();
  std::set<std::string> tables;
  bool renamed = false;
  for (std::string_view model : schema::kModels) {
    const std::string table = names.Table(model);
    if (table.empty() || table.size() > 63) std::abort();
    if (!tables.insert(table).second) std::abort();
    renamed = renamed || table != model;
    for (std::string_view field : {"id", "email", "emailVerified", "userId", "token", "publicKey", "expiresAt"}) {
      const std::string column = names.Column(model, field);
      if (column.empty() || column.size() > 63) std::abort();
      renamed = renamed || column != field;
    }
  }
  // Renamed fields outside the probe list still make the names non-default; the converse holds.
  if (renamed && names.IsDefault()) std::abort();
  return 0;
}
