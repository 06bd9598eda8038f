// SQL functions of the settings: auth_ext.setting_definitions(), auth_ext._validate_setting(),
// auth_ext._setting_value() and the trigger auth_ext._settings_changed().
#include "pg/settings.hpp"

#include <cstring>

#include "pg/settings/setting_definitions.hpp"

extern "C" {
#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/inval.h"
}

namespace settings = auth_ext::pg::settings;

// setting_definitions(): every setting with its default, whether it is a secret, and what it does.
AUTH_EXT_SQL_FUNCTION(auth_ext_setting_definitions) {
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  auth_ext::pg::BeginMaterializedSrf(fcinfo);
  for (const settings::Definition& def : settings::kDefinitions) {
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    values[0] = CStringGetTextDatum(def.name);
    if (def.default_value != nullptr) {
      values[1] = CStringGetTextDatum(def.default_value);
    } else {
      nulls[1] = true;
    }
    values[2] = BoolGetDatum(def.kind == settings::Kind::kSecret);
    values[3] = CStringGetTextDatum(def.description);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

// _validate_setting(name, value): raises 22023 for an unknown name or a bad value (never echoing
// a secret value); returns whether the setting is a secret. Not STRICT: a NULL value means "restore
// the default" (configure(name, NULL)) and checks only the name; a NULL name is 22023, checked
// before anything reads it.
AUTH_EXT_SQL_FUNCTION(auth_ext_validate_setting) {
  if (PG_ARGISNULL(0)) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("auth_ext setting name must not be NULL")));
  }
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  int index = settings::FindDefinition(name);
  if (index < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("unknown auth_ext setting \"%s\"", name),
                    errhint("SELECT name FROM auth_ext.setting_definitions() lists them.")));
  }
  const settings::Definition& def = settings::kDefinitions[index];
  if (!PG_ARGISNULL(1)) {
    char* value = text_to_cstring(PG_GETARG_TEXT_PP(1));
    const char* problem = settings::ValidateValue(def, value);
    bool secret = def.kind == settings::Kind::kSecret;
    if (problem != nullptr) {
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("invalid value for auth_ext setting \"%s\"", name),
                      secret ? errdetail("%s.", problem) : errdetail("\"%s\": %s.", value, problem)));
    }
    explicit_bzero(value, strlen(value));
  }
  PG_RETURN_BOOL(def.kind == settings::Kind::kSecret);
}

// Statement-level trigger on auth_ext.setting: every backend drops its cached settings at commit.
AUTH_EXT_SQL_FUNCTION(auth_ext_settings_changed) {
  if (!CALLED_AS_TRIGGER(fcinfo)) {
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("auth_ext._settings_changed() must be called as a trigger")));
  }
  TriggerData* trigdata = reinterpret_cast<TriggerData*>(fcinfo->context);
  CacheInvalidateRelcache(trigdata->tg_relation);
  return PointerGetDatum(nullptr);
}

// _setting_value(name) returns text: the value in force (secrets excluded: NULL), from the cache.
AUTH_EXT_SQL_FUNCTION(auth_ext_setting_value) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  int index = settings::FindDefinition(name);
  if (index < 0) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown auth_ext setting \"%s\"", name)));
  }
  if (settings::kDefinitions[index].kind == settings::Kind::kSecret) PG_RETURN_NULL();
  const char* value = auth_ext::pg::SettingValue(static_cast<auth_ext::pg::Setting>(index));
  if (value == nullptr) PG_RETURN_NULL();
  PG_RETURN_TEXT_P(cstring_to_text(value));
}
