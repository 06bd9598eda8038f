// Better Auth's table and column names as an application configures them (its modelName and
// fields options): which table holds each of its models and which column each of its fields.
// The better_auth_names setting holds them as JSON in Better Auth's own shape:
//   {"user": {"modelName": "users", "fields": {"emailVerified": "email_verified"}}, ...}
// Parsed and checked here; the Postgres layer reads the jwks table through it, and the SQL
// functions reach the other tables through views built from it (sql/src/45_table_names.sql).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace auth_ext::core::schema {

// The models whose names can be configured: Better Auth's tables auth_ext reads or writes.
inline constexpr std::string_view kModels[] = {"user", "session", "account", "verification", "jwks", "rateLimit"};

class TableNames {
 public:
  // The table holding model (its modelName, else the model's own name).
  std::string Table(std::string_view model) const;
  // The column holding model.field (its configured name, else the field's own name).
  std::string Column(std::string_view model, std::string_view field) const;
  // True when no table or column is renamed.
  bool IsDefault() const;

 private:
  friend Result<TableNames> ParseTableNames(std::string_view text);
  struct Model {
    std::string table;                          // empty: the model's name
    std::map<std::string, std::string, std::less<>> columns;  // field -> column, renamed ones only
  };
  std::map<std::string, Model, std::less<>> models_;
};

// Parses the setting's JSON. Refused (kInvalidArgument, the message naming what is wrong, never
// quoting the input): anything but an object of the models above, each an object with only
// "modelName" (a string) and "fields" (an object of field -> column strings); a name that is empty
// or longer than PostgreSQL's 63 bytes; two models in one table; two fields of a model in one
// column. Names equal to the defaults are accepted and dropped.
Result<TableNames> ParseTableNames(std::string_view text);

}  // namespace auth_ext::core::schema
