
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
-- may be able to write to, is never on it. Its tables are named by quoted, schema-qualified
-- references (format('%I.%I') with EXECUTE ... USING here, kept SPI plans in C), and every
-- function and operator is written pg_catalog-qualified, so no overload anyone creates is called.
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
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._setting_value('better_auth_schema');
BEGIN
  IF pg_catalog.current_setting('transaction_read_only') OPERATOR(pg_catalog.=) 'on' THEN
    PERFORM auth_ext._raise('READ_ONLY', hint => 'Send account writes to the primary, not a replica.');
  END IF;
  PERFORM auth_ext._require_tables(s);
  RETURN s;
END
$$;
COMMENT ON FUNCTION auth_ext._prepare_write() IS
'Internal: refuses read-only transactions (25006) and missing tables (42P01); returns Better Auth''s schema.';

CREATE OR REPLACE FUNCTION auth_ext._require_tables(schema text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, 'user')) IS NULL
     OR pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, 'session')) IS NULL
     OR pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, 'account')) IS NULL THEN
    RAISE EXCEPTION 'Better Auth''s tables are missing in schema "%"', schema
      USING ERRCODE = '42P01',
            HINT = pg_catalog.format('Run SELECT * FROM auth_ext.check_schema(%L); auth_ext.create_better_auth_schema(%L) creates them.',
                                     schema, schema);
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._require_tables(text) IS 'Internal: 42P01 with a check_schema() hint when Better Auth''s tables are missing.';

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
  IF password IS NULL OR password OPERATOR(pg_catalog.=) '' THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'Password is required');
  END IF;
  len := auth_ext._utf16_length(password);
  IF check_min AND len OPERATOR(pg_catalog.<) CAST(auth_ext._setting_value('min_password_length') AS pg_catalog.int4) THEN
    PERFORM auth_ext._raise('PASSWORD_TOO_SHORT');
  END IF;
  IF len OPERATOR(pg_catalog.>) CAST(auth_ext._setting_value('max_password_length') AS pg_catalog.int4) THEN
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
  SELECT email OPERATOR(pg_catalog.~) '^(?:[A-Za-z0-9_''+\-]+\.)*[A-Za-z0-9_''+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$'
$$;
COMMENT ON FUNCTION auth_ext._is_valid_email(text) IS 'Internal: Better Auth''s email rule (zod 4 z.email()).';

CREATE OR REPLACE FUNCTION auth_ext._credential_account(schema text, user_id text, OUT account_id text, OUT stored_hash text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  user_exists boolean;
BEGIN
  -- The user row first, then the account (the order delete_user and sign_in_email lock in): the
  -- user cannot be deleted, nor the hash changed by anyone else, until this transaction ends.
  EXECUTE pg_catalog.format('SELECT true FROM %I.%I u WHERE u.id OPERATOR(pg_catalog.=) $1 FOR KEY SHARE', schema, 'user')
    INTO user_exists USING user_id;
  IF user_exists IS NULL THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  EXECUTE pg_catalog.format('SELECT a.id, a.password FROM %I.%I a WHERE a."userId" OPERATOR(pg_catalog.=) $1 '
                            'AND a."providerId" OPERATOR(pg_catalog.=) ''credential'' AND a."accountId" OPERATOR(pg_catalog.=) $1 '
                            'ORDER BY a.id LIMIT 1 FOR NO KEY UPDATE', schema, 'account')
    INTO account_id, stored_hash USING user_id;
END
$$;
COMMENT ON FUNCTION auth_ext._credential_account(text, text) IS
'Internal: a user''s credential account (id, hash; NULLs when none), locked with the user row for the caller''s update; '
'P0002 USER_NOT_FOUND when the user does not exist.';
