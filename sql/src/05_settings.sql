
-- ---------------------------------------------------------------------------------------------
-- Settings and secrets: one owner-only table. The application role can neither read nor change
-- it; C functions read it directly and cache it per backend until it changes.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS auth_ext.setting (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE auth_ext.setting IS
'Configured auth_ext settings and secrets; change them with auth_ext.configure(). Readable only by the extension owner.';
SELECT pg_catalog.pg_extension_config_dump('auth_ext.setting', '');

CREATE OR REPLACE FUNCTION auth_ext.setting_definitions(
  OUT name text, OUT default_value text, OUT is_secret boolean, OUT description text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'auth_ext_setting_definitions'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext.setting_definitions() IS
'Every auth_ext setting with its default, whether it is a secret, and what it controls.';

CREATE OR REPLACE FUNCTION auth_ext._validate_setting(name text, value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_validate_setting'
LANGUAGE C IMMUTABLE PARALLEL SAFE;  -- not STRICT: value NULL has a meaning (below)
COMMENT ON FUNCTION auth_ext._validate_setting(text, text) IS
'Internal (owner): raises 22023 for an unknown setting or an invalid value (never echoing secrets); returns whether it '
'is a secret. NULL value: only the name is checked (configure(name, NULL) restores the default); NULL name: 22023.';

CREATE OR REPLACE FUNCTION auth_ext._settings_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'auth_ext_settings_changed'
LANGUAGE C STRICT;
COMMENT ON FUNCTION auth_ext._settings_changed() IS
'Internal trigger (owner): makes every backend drop its cached settings when auth_ext.setting changes.';

CREATE OR REPLACE TRIGGER setting_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_ext.setting
  FOR EACH STATEMENT EXECUTE FUNCTION auth_ext._settings_changed();

CREATE OR REPLACE FUNCTION auth_ext.configure(name text, value text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF configure.name IS NULL THEN
    RAISE EXCEPTION 'setting name must not be NULL' USING ERRCODE = '22023';
  END IF;
  PERFORM auth_ext._validate_setting(configure.name, configure.value);
  IF configure.value IS NULL THEN
    DELETE FROM auth_ext.setting s WHERE s.name = configure.name;
  ELSE
    INSERT INTO auth_ext.setting AS s (name, value, updated_at)
    VALUES (configure.name, configure.value, pg_catalog.now())
    ON CONFLICT ON CONSTRAINT setting_pkey
    DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
  END IF;
  IF configure.name = ANY (ARRAY['better_auth_names', 'better_auth_schema']) THEN
    -- The views of the tables, built now so a name that matches no column fails here.
    PERFORM auth_ext.sync_table_names();
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext.configure(text, text) IS
'Sets an auth_ext setting or secret (NULL restores the default). Owner only; GRANT EXECUTE to delegate. '
'Takes effect in every session at commit. Setting better_auth_names or better_auth_schema also runs '
'sync_table_names(), which fails (and so does this) when a configured column does not exist.';

CREATE OR REPLACE FUNCTION auth_ext.settings(
  OUT name text, OUT value text, OUT is_default boolean, OUT is_secret boolean, OUT description text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT d.name,
         CASE WHEN d.is_secret THEN CASE WHEN s.value IS NULL THEN NULL ELSE '(set)' END
              ELSE COALESCE(s.value, d.default_value) END,
         s.value IS NULL,
         d.is_secret,
         d.description
  FROM auth_ext.setting_definitions() d
  LEFT JOIN auth_ext.setting s ON s.name = d.name
  ORDER BY d.name
$$;
COMMENT ON FUNCTION auth_ext.settings() IS
'The settings in force, secrets shown only as "(set)". Owner only.';
