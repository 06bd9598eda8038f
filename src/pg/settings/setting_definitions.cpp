// The built-in settings and the validation of configured values.
#include "pg/settings/setting_definitions.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pg/table_names.hpp"

namespace auth_ext::pg::settings {

namespace {

constexpr Definition kTable[] = {
    {"better_auth_schema", "public", Kind::kSchema, 0, 0,
     "schema holding Better Auth's tables (user, session, account, verification, jwks)"},
    {"jwt_issuer", nullptr, Kind::kText, 0, 0,
     "required iss claim (Better Auth: the origin of its baseURL); unset: not checked"},
    {"jwt_audience", nullptr, Kind::kText, 0, 0,
     "required aud claim (Better Auth: the origin of its baseURL); unset: not checked"},
    {"jwt_leeway_seconds", "0", Kind::kInteger, 0, 3600,
     "clock skew allowed when checking exp, nbf and iat"},
    {"jwt_require_exp", "true", Kind::kBoolean, 0, 0, "refuse tokens without an exp claim"},
    {"jwks_grace_period_seconds", "2592000", Kind::kInteger, 0, 315360000,
     "keys in the jwks table stay valid this long after expiresAt (Better Auth: 30 days)"},
    {"jwt_shared_secret", nullptr, Kind::kSecret, 0, 0,
     "HS256 shared secret accepted by verify_jwt(token) besides the jwks table"},
    {"better_auth_secret", nullptr, Kind::kSecret, 0, 0,
     "Better Auth's secret (BETTER_AUTH_SECRET): signed session cookies, email verification tokens"},
    {"session_expires_in_seconds", "604800", Kind::kInteger, 60, 315360000,
     "session lifetime (Better Auth session.expiresIn)"},
    {"session_update_age_seconds", "86400", Kind::kInteger, 0, 315360000,
     "sliding refresh interval (Better Auth session.updateAge)"},
    {"min_password_length", "8", Kind::kInteger, 1, 4096,
     "minimum password length in UTF-16 code units (Better Auth minPasswordLength)"},
    {"max_password_length", "128", Kind::kInteger, 1, 4096,
     "maximum password length in UTF-16 code units (Better Auth maxPasswordLength)"},
    {"id_format", "random", Kind::kIdFormat, 0, 0,
     "ids for new rows: random (32 characters, Better Auth's default) or uuid"},
    {"better_auth_names", "{}", Kind::kTableNames, 0, 0,
     "Better Auth's table and column names when configured (its modelName and fields options), as JSON: "
     "{\"user\": {\"modelName\": \"users\", \"fields\": {\"emailVerified\": \"email_verified\"}}}"},
    {"password_proof_max_age_seconds", "60", Kind::kInteger, 1, 600,
     "how long a password proof (password_proof, password_hash_proof) stays valid: allows for replica lag"},
    {"jwt_require_live_session", "false", Kind::kBoolean, 0, 0,
     "authenticate() refuses a JWT without a sid claim naming a live session of its sub (sign-out ends it at once)"},
};
static_assert(sizeof(kTable) / sizeof(kTable[0]) == static_cast<size_t>(kSettingCount), "one definition per Setting");

}  // namespace

const Definition (&kDefinitions)[kSettingCount] = kTable;

int FindDefinition(const char* name) {
  for (int i = 0; i < kSettingCount; ++i) {
    if (strcmp(kDefinitions[i].name, name) == 0) return i;
  }
  return -1;
}

const char* ValidateValue(const Definition& def, const char* value) {
  switch (def.kind) {
    case Kind::kText:
    case Kind::kSecret:
      if (value[0] == '\0') return "the value must not be empty";
      return nullptr;
    case Kind::kSchema:
      if (value[0] == '\0' || strlen(value) >= NAMEDATALEN) return "the value must be a schema name";
      return nullptr;
    case Kind::kInteger: {
      char* end = nullptr;
      errno = 0;
      long long parsed = strtoll(value, &end, 10);
      if (errno != 0 || end == value || *end != '\0') return "the value must be an integer";
      if (parsed < def.min_value || parsed > def.max_value) return "the value is out of range";
      return nullptr;
    }
    case Kind::kBoolean:
      if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0) return "the value must be true or false";
      return nullptr;
    case Kind::kIdFormat:
      if (strcmp(value, "random") != 0 && strcmp(value, "uuid") != 0) return "the value must be random or uuid";
      return nullptr;
    case Kind::kTableNames:
      return TableNamesProblem(value);
  }
  return "unknown setting kind";
}

}  // namespace auth_ext::pg::settings
