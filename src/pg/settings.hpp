// auth_ext's settings: rows of the owner-only table auth_ext.setting over built-in defaults,
// cached per backend and dropped when the table changes (a trigger broadcasts a relcache
// invalidation). Secrets live there too: the application role cannot read the table.
#pragma once

#include "pg/postgres_headers.hpp"

namespace auth_ext::pg {

enum class Setting {
  kBetterAuthSchema,
  kJwtIssuer,
  kJwtAudience,
  kJwtLeewaySeconds,
  kJwtRequireExp,
  kJwksGracePeriodSeconds,
  kJwtSharedSecret,
  kBetterAuthSecret,
  kSessionExpiresInSeconds,
  kSessionUpdateAgeSeconds,
  kMinPasswordLength,
  kMaxPasswordLength,
  kIdFormat,
  kBetterAuthNames,
  kPasswordProofMaxAgeSeconds,
  kJwtRequireLiveSession,
  kCount
};

// The value in force (the table's, else the default); NULL when unset and without a default.
// The pointer stays valid until the next invalidation, which any Postgres call may process:
// copy it (pstrdup) before making further calls.
const char* SettingValue(Setting setting);

// The value parsed as an integer / boolean (validated when it was configured).
int64 SettingInt(Setting setting);
bool SettingBool(Setting setting);

// Increases whenever the settings cache is dropped; lets other caches notice new settings.
uint64 SettingsGeneration();

// Registers the invalidation callback; called from _PG_init.
void RegisterSettingsCallbacks();

}  // namespace auth_ext::pg
