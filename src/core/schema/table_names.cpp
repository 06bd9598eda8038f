// Better Auth's configured table and column names (the better_auth_names setting).
#include "core/schema/table_names.hpp"

#include <set>

#include "core/json/strict_json.hpp"

namespace auth_ext::core::schema {

namespace {

constexpr std::size_t kMaxIdentifierBytes = 63;  // NAMEDATALEN - 1

bool IsModel(std::string_view name) {
  for (std::string_view model : kModels) {
    if (model == name) return true;
  }
  return false;
}

Error Invalid(std::string message) {
  return MakeError(ErrorKind::kInvalidArgument, "better_auth_names: " + std::move(message),
                   {}, R"(Expected Better Auth's shape: {"user": {"modelName": "users", "fields": {"emailVerified": "email_verified"}}, ...})");
}

// A table or column name: a non-empty string PostgreSQL keeps whole (no NUL: the parser refuses it).
Result<std::string> Identifier(const nlohmann::json& value, const std::string& where) {
  std::optional<std::string_view> text = json::AsString(value);
  if (!text) return Invalid(where + " must be a string");
  if (text->empty() || text->size() > kMaxIdentifierBytes) return Invalid(where + " must be 1 to 63 bytes long");
  return std::string(*text);
}

}  // namespace

std::string TableNames::Table(std::string_view model) const {
  auto found = models_.find(model);
  if (found == models_.end() || found->second.table.empty()) return std::string(model);
  return found->second.table;
}

std::string TableNames::Column(std::string_view model, std::string_view field) const {
  auto found = models_.find(model);
  if (found != models_.end()) {
    auto column = found->second.columns.find(field);
    if (column != found->second.columns.end()) return column->second;
  }
  return std::string(field);
}

bool TableNames::IsDefault() const { return models_.empty(); }

Result<TableNames> ParseTableNames(std::string_view text) {
  Result<nlohmann::json> parsed = json::ParseStrict(text);
  if (!parsed.ok()) return Invalid("the value is not valid JSON");
  const nlohmann::json& root = parsed.value();
  if (!root.is_object()) return Invalid("the value must be a JSON object");
  TableNames names;
  for (const auto& [model, spec] : root.items()) {
    if (!IsModel(model)) {
      return Invalid("\"" + model.substr(0, kMaxIdentifierBytes) +
                     "\" is not a model auth_ext uses (user, session, account, verification, jwks, rateLimit)");
    }
    if (!spec.is_object()) return Invalid(model + " must be an object");
    TableNames::Model entry;
    for (const auto& [key, value] : spec.items()) {
      if (key == "modelName") {
        Result<std::string> table = Identifier(value, model + ".modelName");
        if (!table.ok()) return table.error();
        if (table.value() != model) entry.table = table.value();
      } else if (key == "fields") {
        if (!value.is_object()) return Invalid(model + ".fields must be an object");
        std::set<std::string> columns;
        for (const auto& [field, column_value] : value.items()) {
          if (field.empty() || field.size() > kMaxIdentifierBytes) {
            return Invalid("a field of " + model + ".fields must be 1 to 63 bytes long");
          }
          Result<std::string> column = Identifier(column_value, model + ".fields." + field);
          if (!column.ok()) return column.error();
          if (!columns.insert(column.value()).second) return Invalid("two fields of " + model + ".fields name one column");
          if (column.value() != field) entry.columns.emplace(field, column.value());
        }
      } else {
        return Invalid(model + " may hold only modelName and fields");
      }
    }
    if (!entry.table.empty() || !entry.columns.empty()) names.models_.emplace(model, std::move(entry));
  }
  // Every model in a table of its own (a renamed one may not take another model's table).
  std::set<std::string> tables;
  for (const std::string_view model : kModels) {
    if (!tables.insert(names.Table(model)).second) return Invalid("two models name one table");
  }
  return names;
}

}  // namespace auth_ext::core::schema
