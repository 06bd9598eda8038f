
-- ---------------------------------------------------------------------------------------------
-- Account operations on Better Auth's own tables (this part: their helpers; 52-58: sessions,
-- sign-up/sign-in, passwords and users, the application role). Each operation is one SQL call:
-- one statement in the caller's transaction, so a failure leaves no partial rows. They run with
-- the owner's rights (the application role needs no privilege on the tables) and raise
-- '<CODE>: <message>' with Better Auth's error codes (docs/better-auth-compatibility.md §4) and a
-- SQLSTATE.
--
-- Fencing of the functions that run with the owner's rights: every one has
-- SET search_path = pg_catalog, pg_temp and never changes it; Better Auth's schema, which others
-- may be able to write to, is never on it. Its tables are named through the views of schema
-- auth_ext_names (45_table_names.sql), the one way to them: static statements with kept plans,
-- and EXECUTE only where the column list varies (the extra fields of an INSERT). Built-in
-- functions and operators are written unqualified: with that search_path they resolve in
-- pg_catalog (a temporary schema is never searched for functions or operators), so no overload
-- anyone creates is called; the hostile suite plants look-alikes of every one to prove it.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.generate_id(size integer DEFAULT 32)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_generate_id'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext.generate_id(integer) IS
'size characters of [a-zA-Z0-9] from OpenSSL''s CSPRNG, drawn as Better Auth''s generateId draws them (ids, session tokens).';

CREATE OR REPLACE FUNCTION auth_ext._utf16_length(value text)
RETURNS integer
AS 'MODULE_PATHNAME', 'auth_ext_utf16_length'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._utf16_length(text) IS
'Internal: JavaScript''s String.length (UTF-16 code units), how Better Auth counts password length.';

CREATE OR REPLACE FUNCTION auth_ext._session_token_from_credential(credential text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_session_token_from_credential'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._session_token_from_credential(text) IS
'Internal: the session token in a bare token, a signed cookie value (URL-encoded or not) or a Bearer value; NULL when '
'the HMAC-SHA256 signature (better_auth_secret) does not match, checked in constant time.';

CREATE OR REPLACE FUNCTION auth_ext._setting_value(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_setting_value'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._setting_value(text) IS
'Internal: the value in force of a non-secret setting, from the per-backend cache (owner only).';

CREATE OR REPLACE FUNCTION auth_ext._row_json(row_value record)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_row_json'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._row_json(record) IS
'Internal: a row as Better Auth''s JSON, the one row builder (C): text, booleans and numbers as such, timestamptz as '
'JavaScript dates (2026-01-02T03:04:05.678Z), json/jsonb embedded, every other type as to_jsonb writes it.';

CREATE OR REPLACE FUNCTION auth_ext._prepare_write()
RETURNS void
AS 'MODULE_PATHNAME', 'auth_ext_prepare_write'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext._prepare_write() IS
'Internal: before an account write: refuses read-only transactions (25006), then _require_tables() (the views of the '
'user and account tables there and current).';

CREATE OR REPLACE FUNCTION auth_ext._new_id()
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  -- No SET clause, so the planner inlines it; every name is qualified instead.
  SELECT CASE WHEN auth_ext._setting_value('id_format') OPERATOR(pg_catalog.=) 'uuid'
              THEN CAST(pg_catalog.gen_random_uuid() AS pg_catalog.text) ELSE auth_ext.generate_id(32) END
$$;
COMMENT ON FUNCTION auth_ext._new_id() IS 'Internal: an id for a new row, per the id_format setting.';

CREATE OR REPLACE FUNCTION auth_ext._check_password_length(password text, check_min boolean)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  len integer;
BEGIN
  IF password IS NULL OR password = '' THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'Password is required');
  END IF;
  len := auth_ext._utf16_length(password);
  IF check_min AND len < CAST(auth_ext._setting_value('min_password_length') AS pg_catalog.int4) THEN
    PERFORM auth_ext._raise('PASSWORD_TOO_SHORT');
  END IF;
  IF len > CAST(auth_ext._setting_value('max_password_length') AS pg_catalog.int4) THEN
    PERFORM auth_ext._raise('PASSWORD_TOO_LONG');
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._check_password_length(text, boolean) IS
'Internal: Better Auth''s password length rules, counted in UTF-16 code units (22023 PASSWORD_TOO_SHORT/LONG).';

CREATE OR REPLACE FUNCTION auth_ext._is_valid_email(email text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- zod 4's z.email() (docs/better-auth-compatibility.md §4): ASCII only, no trimming, a
  -- letters-only top-level domain.
  SELECT email ~ '^(?:[A-Za-z0-9_''+\-]+\.)*[A-Za-z0-9_''+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$'
$$;
COMMENT ON FUNCTION auth_ext._is_valid_email(text) IS 'Internal: Better Auth''s email rule (zod 4 z.email()).';

CREATE OR REPLACE FUNCTION auth_ext._credential_account(user_id text, OUT account_id text, OUT stored_hash text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- The user row first, then the account (the order delete_user and sign_in_email lock in): the
  -- user cannot be deleted, nor the hash changed by anyone else, until this transaction ends.
  PERFORM FROM auth_ext_names."user" u WHERE u.id = _credential_account.user_id FOR KEY SHARE;
  IF NOT FOUND THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  SELECT a.id, a.password INTO account_id, stored_hash
    FROM auth_ext_names.account a
   WHERE a."userId" = _credential_account.user_id AND a."providerId" = 'credential'
     AND a."accountId" = _credential_account.user_id
   ORDER BY a.id LIMIT 1 FOR NO KEY UPDATE;
END
$$;
COMMENT ON FUNCTION auth_ext._credential_account(text) IS
'Internal: a user''s credential account (id, hash; NULLs when none), locked with the user row for the caller''s update; '
'P0002 USER_NOT_FOUND when the user does not exist.';

CREATE OR REPLACE FUNCTION auth_ext._extra_columns(model text, parameter text, fields jsonb, core_columns text[],
                                                   caller text, OUT columns text, OUT vals text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  field record;
  expected text;
BEGIN
  columns := '';
  vals := '';
  IF fields IS NULL THEN
    RETURN;
  END IF;
  IF pg_catalog.jsonb_typeof(fields) <> 'object' THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format('%s must be a JSON object of column names and values', parameter));
  END IF;
  -- Column facts from the table itself, behind the view (a view carries no NOT NULL and no
  -- generated columns).
  FOR field IN
    SELECT f.key, f.value, pg_catalog.jsonb_typeof(f.value) AS json_type, a.atttypid, a.attnotnull, a.attgenerated,
           COALESCE(NULLIF(t.typbasetype, CAST(0 AS pg_catalog.oid)), t.oid) AS base_type, t.typcategory,
           EXISTS (SELECT FROM pg_catalog.pg_attribute v
                    WHERE v.attrelid = CAST(to_regclass(format('auth_ext_names.%I', model)) AS oid)
                      AND v.attname = f.key AND v.attnum > 0 AND NOT v.attisdropped) AS is_field
      FROM pg_catalog.jsonb_each(fields) f
      CROSS JOIN LATERAL auth_ext._base_column(model, f.key) b
      LEFT JOIN pg_catalog.pg_attribute a
             ON a.attrelid = b.relid AND a.attname = b.column_name
            AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
     ORDER BY f.key
  LOOP
    IF field.key = ANY (core_columns) THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format(
        '%s: "%s" is a core column of the %s table, which %s writes itself', parameter, field.key, model, caller));
    END IF;
    IF field.atttypid IS NULL OR NOT field.is_field OR field.attgenerated <> '' THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format(
        '%s: "%s" is not a writable column of the %s table', parameter, field.key, model));
    END IF;
    IF field.json_type = 'null' THEN
      IF field.attnotnull THEN
        PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format('%s: "%s" is required', parameter, field.key));
      END IF;
    ELSE
      expected := CASE WHEN field.base_type = ANY (ARRAY[CAST('pg_catalog.json' AS pg_catalog.regtype),
                                                                              CAST('pg_catalog.jsonb' AS pg_catalog.regtype)]) THEN NULL
                       WHEN field.typcategory = 'B' THEN 'boolean'
                       WHEN field.typcategory = 'N' THEN 'number'
                       WHEN field.typcategory = 'A' THEN 'array'
                       ELSE 'string' END;
      IF expected <> field.json_type THEN
        PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format(
          '%s: "%s" must be a JSON %s (column type %s), not a JSON %s', parameter, field.key, expected,
          pg_catalog.format_type(field.atttypid, NULL), field.json_type));
      END IF;
      BEGIN
        EXECUTE format('SELECT (jsonb_populate_record(CAST(NULL AS auth_ext_names.%I), $1)).%I IS NULL',
                       model, field.key)
          USING pg_catalog.jsonb_build_object(field.key, field.value);
      EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN
        PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format(
          '%s: invalid value for "%s" (column type %s): %s', parameter, field.key,
          pg_catalog.format_type(field.atttypid, NULL), SQLERRM));
      END;
    END IF;
    columns := columns || pg_catalog.format(', %I', field.key);
    vals := vals || pg_catalog.format(', r.%I', field.key);
  END LOOP;
END
$$;
COMMENT ON FUNCTION auth_ext._extra_columns(text, text, jsonb, text[], text) IS
'Internal: checks a JSON object of extra columns for the view of one of Better Auth''s models (user_fields, '
'session_fields, account_fields): each '
'key a writable, non-core column, each value of the JSON kind the column''s type reads and accepted by it, null only '
'for a nullable column; 22023 VALIDATION_ERROR naming the parameter and the column otherwise. Returns the column list '
'and the matching "r.col" list for an INSERT ... SELECT ... FROM jsonb_populate_record(NULL::view, fields) r.';
