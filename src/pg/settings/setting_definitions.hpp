// The built-in settings: name, default, kind, range and description of each, and the rule that
// validates a configured value. Internal to the settings module (pg/settings.hpp is its interface).
#pragma once

#include "pg/settings.hpp"

namespace auth_ext::pg::settings {

enum class Kind { kText, kSchema, kInteger, kBoolean, kSecret, kIdFormat, kTableNames };

struct Definition {
  const char* name;
  const char* default_value;  // NULL: unset by default
  Kind kind;
  int64 min_value;  // integers only
  int64 max_value;
  const char* description;
};

constexpr int kSettingCount = static_cast<int>(Setting::kCount);

// One row per Setting, in enum order.
extern const Definition (&kDefinitions)[kSettingCount];

// The index of the setting called name (its Setting value); -1 when there is none.
int FindDefinition(const char* name);

// NULL when value suits the definition, otherwise why it does not (never quoting the value).
const char* ValidateValue(const Definition& def, const char* value);

}  // namespace auth_ext::pg::settings
