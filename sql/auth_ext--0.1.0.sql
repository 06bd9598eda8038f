-- auth_ext 0.1.0: Better Auth email/password authentication inside PostgreSQL.
-- Generated from sql/src/*.sql by the Makefile; edit the parts, not the assembled script.

\echo Use "CREATE EXTENSION auth_ext" to load this file. \quit

COMMENT ON SCHEMA auth_ext IS 'auth_ext: Better Auth compatible passwords, JWTs and account operations';

-- ---------------------------------------------------------------------------------------------
-- Settings and secrets: one owner-only table. The application role can neither read nor change
-- it; C functions read it directly and cache it per backend until it changes.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE auth_ext.setting (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
REVOKE ALL ON auth_ext.setting FROM PUBLIC;
COMMENT ON TABLE auth_ext.setting IS
'Configured auth_ext settings and secrets; change them with auth_ext.configure(). Readable only by the extension owner.';
SELECT pg_catalog.pg_extension_config_dump('auth_ext.setting', '');

CREATE FUNCTION auth_ext.setting_definitions(
  OUT name text, OUT default_value text, OUT is_secret boolean, OUT description text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'auth_ext_setting_definitions'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext.setting_definitions() IS
'Every auth_ext setting with its default, whether it is a secret, and what it controls.';

CREATE FUNCTION auth_ext._validate_setting(name text, value text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_validate_setting'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._validate_setting(text, text) IS
'Internal: raises 22023 for an unknown setting or an invalid value (never echoing secrets); returns whether it is a secret.';

CREATE FUNCTION auth_ext._settings_changed()
RETURNS trigger
AS 'MODULE_PATHNAME', 'auth_ext_settings_changed'
LANGUAGE C;
COMMENT ON FUNCTION auth_ext._settings_changed() IS
'Internal trigger: makes every backend drop its cached settings when auth_ext.setting changes.';

CREATE TRIGGER setting_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON auth_ext.setting
  FOR EACH STATEMENT EXECUTE FUNCTION auth_ext._settings_changed();

CREATE FUNCTION auth_ext.configure(name text, value text)
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
    DELETE FROM auth_ext.setting s WHERE s.name OPERATOR(pg_catalog.=) configure.name;
  ELSE
    INSERT INTO auth_ext.setting AS s (name, value, updated_at)
    VALUES (configure.name, configure.value, pg_catalog.now())
    ON CONFLICT ON CONSTRAINT setting_pkey
    DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at;
  END IF;
END
$$;
REVOKE ALL ON FUNCTION auth_ext.configure(text, text) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext.configure(text, text) IS
'Sets an auth_ext setting or secret (NULL restores the default). Owner only; GRANT EXECUTE to delegate. '
'Takes effect in every session at commit.';

CREATE FUNCTION auth_ext.settings(
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
  LEFT JOIN auth_ext.setting s ON s.name OPERATOR(pg_catalog.=) d.name
  ORDER BY d.name
$$;
REVOKE ALL ON FUNCTION auth_ext.settings() FROM PUBLIC;
COMMENT ON FUNCTION auth_ext.settings() IS
'The settings in force, secrets shown only as "(set)". Owner only.';

-- ---------------------------------------------------------------------------------------------
-- Passwords: Better Auth's scrypt format (contract §1)
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.hash_password(password text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_hash_password'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.hash_password(text) IS
'Hashes a password exactly as Better Auth does: scrypt N=16384 r=16 p=1 dkLen=64 over the NFKC form, '
'salted with a random 32-character hex string; returns "<salt>:<key>" (161 characters). Needs a UTF8 database.';

CREATE FUNCTION auth_ext.verify_password(password text, hash text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_verify_password'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.verify_password(text, text) IS
'True when the password matches a Better Auth "<salt>:<key>" hash (constant-time comparison). '
'A malformed hash raises SQLSTATE 22P02 instead of returning false.';

-- ---------------------------------------------------------------------------------------------
-- JWT: verification of Better Auth's jwt plugin tokens (contract §6) and signing
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.verify_jwt(token text, keys jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_verify_jwt'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.verify_jwt(text, jsonb) IS
'Verifies a compact JWS JWT and returns its claims. keys: a JWK or JWKS ({"keys":[...]}); NULL: Better Auth''s jwks '
'table (matched by kid, the algorithm taken from the key row) plus the jwt_shared_secret setting for HS256. '
'Checks exp (required by default), nbf, iat, and iss/aud when jwt_issuer/jwt_audience are set. '
'EdDSA (Ed25519), ES256, ES512, RS256, PS256, HS256. Errors: 28000 bad or expired token, 22023 bad keys, 55000 missing configuration.';

CREATE FUNCTION auth_ext.sign_jwt(claims jsonb, key jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_sign_jwt'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.sign_jwt(jsonb, jsonb) IS
'Signs claims as a compact JWS with a private JWK (OKP Ed25519, EC P-256/P-521, RSA with alg RS256 or PS256) or an '
'oct key for HS256 (at least 32 bytes). The header is {"alg","kid"} as Better Auth writes it.';

-- ---------------------------------------------------------------------------------------------
-- Identity for row-level security: set only by a verified token, scoped to the transaction
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.authenticate(token text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_authenticate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION auth_ext.authenticate(text) IS
'Verifies a JWT like verify_jwt(token) (jwks table or shared secret; a string sub is required) and makes it the '
'identity of the current transaction, read by auth_ext.user_id() and auth_ext.claims(). Cleared at COMMIT, ROLLBACK '
'and PREPARE, when the savepoint that set it rolls back, and before every new attempt (a failed one leaves none).';

CREATE FUNCTION auth_ext.user_id()
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_user_id'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION auth_ext.user_id() IS
'The sub claim of the token authenticated in this transaction, or NULL. For policies write '
'USING (user_id = (SELECT auth_ext.user_id())) so it is evaluated once per statement.';

CREATE FUNCTION auth_ext.claims()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_claims'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION auth_ext.claims() IS
'The claims of the token authenticated in this transaction, or NULL.';

CREATE FUNCTION auth_ext.authenticate_session(credential text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_authenticate_session'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION auth_ext.authenticate_session(text) IS
'Validates a Better Auth session like auth_ext.get_session(credential) (bare token, signed cookie value, or Bearer) '
'and makes its user the identity of the current transaction; returns {"sub","sid","user","session"} without the '
'session token. 28000 when the session is invalid or expired. Same lifetime rules as authenticate().';

-- ---------------------------------------------------------------------------------------------
-- Better Auth 1.7.25's tables, exactly as its migrator creates them (contract §5), and a doctor
-- that lists every way an existing schema differs from them.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.create_better_auth_schema(schema name DEFAULT 'public')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
  s text := quote_ident(create_better_auth_schema.schema);
BEGIN
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', s);
  EXECUTE format('create table if not exists %s."user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)', s);
  EXECUTE format('create table if not exists %s."session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references %s."user" ("id") on delete cascade)', s, s);
  EXECUTE format('create table if not exists %s."account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references %s."user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null)', s, s);
  EXECUTE format('create table if not exists %s."verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)', s);
  EXECUTE format('create table if not exists %s."jwks" ("id" text not null primary key, "publicKey" text not null, "privateKey" text not null, "createdAt" timestamptz not null, "expiresAt" timestamptz, "alg" text, "crv" text)', s);
  EXECUTE format('create index if not exists "session_userId_idx" on %s."session" ("userId")', s);
  EXECUTE format('create index if not exists "account_userId_idx" on %s."account" ("userId")', s);
  EXECUTE format('create index if not exists "verification_identifier_idx" on %s."verification" ("identifier")', s);
END
$$;
REVOKE ALL ON FUNCTION auth_ext.create_better_auth_schema(name) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext.create_better_auth_schema(name) IS
'Creates Better Auth 1.7.25''s tables (user, session, account, verification, jwks) with the exact types, defaults, '
'unique constraints, indexes and cascading foreign keys its own migrator creates. Idempotent.';

-- The columns Better Auth 1.7.25 expects: table, column, type, NOT NULL.
CREATE FUNCTION auth_ext._better_auth_columns(
  OUT table_name text, OUT column_name text, OUT data_type text, OUT not_null boolean)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  VALUES
    ('user', 'id', 'text', true), ('user', 'name', 'text', true), ('user', 'email', 'text', true),
    ('user', 'emailVerified', 'boolean', true), ('user', 'image', 'text', false),
    ('user', 'createdAt', 'timestamp with time zone', true), ('user', 'updatedAt', 'timestamp with time zone', true),
    ('session', 'id', 'text', true), ('session', 'expiresAt', 'timestamp with time zone', true),
    ('session', 'token', 'text', true), ('session', 'createdAt', 'timestamp with time zone', true),
    ('session', 'updatedAt', 'timestamp with time zone', true), ('session', 'ipAddress', 'text', false),
    ('session', 'userAgent', 'text', false), ('session', 'userId', 'text', true),
    ('account', 'id', 'text', true), ('account', 'accountId', 'text', true), ('account', 'providerId', 'text', true),
    ('account', 'userId', 'text', true), ('account', 'accessToken', 'text', false),
    ('account', 'refreshToken', 'text', false), ('account', 'idToken', 'text', false),
    ('account', 'accessTokenExpiresAt', 'timestamp with time zone', false),
    ('account', 'refreshTokenExpiresAt', 'timestamp with time zone', false), ('account', 'scope', 'text', false),
    ('account', 'password', 'text', false), ('account', 'createdAt', 'timestamp with time zone', true),
    ('account', 'updatedAt', 'timestamp with time zone', true),
    ('verification', 'id', 'text', true), ('verification', 'identifier', 'text', true),
    ('verification', 'value', 'text', true), ('verification', 'expiresAt', 'timestamp with time zone', true),
    ('verification', 'createdAt', 'timestamp with time zone', true),
    ('verification', 'updatedAt', 'timestamp with time zone', true),
    ('jwks', 'id', 'text', true), ('jwks', 'publicKey', 'text', true), ('jwks', 'privateKey', 'text', true),
    ('jwks', 'createdAt', 'timestamp with time zone', true), ('jwks', 'expiresAt', 'timestamp with time zone', false),
    ('jwks', 'alg', 'text', false), ('jwks', 'crv', 'text', false)
$$;
COMMENT ON FUNCTION auth_ext._better_auth_columns() IS
'Internal: the columns of Better Auth 1.7.25''s tables (name, type, NOT NULL), as its migrator creates them.';

CREATE FUNCTION auth_ext.check_schema(schema name DEFAULT 'public')
RETURNS TABLE (problem text, object text, fix text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  ns oid := (SELECT n.oid FROM pg_namespace n WHERE n.nspname = check_schema.schema);
  c record;
  n bigint;
BEGIN
  IF pg_char_to_encoding(current_setting('server_encoding')) <> pg_char_to_encoding('UTF8') THEN
    RETURN QUERY SELECT 'the database encoding is not UTF8'::text, current_database()::text,
      'Better Auth hashes NFKC UTF-8 passwords; create the database with ENCODING ''UTF8'''::text;
  END IF;
  IF ns IS NULL THEN
    RETURN QUERY SELECT 'schema does not exist'::text, check_schema.schema::text,
      format('SELECT auth_ext.create_better_auth_schema(%L)', check_schema.schema);
    RETURN;
  END IF;
  FOR c IN
    SELECT e.table_name, e.column_name, e.data_type, e.not_null, cl.oid AS relid,
           format_type(a.atttypid, a.atttypmod) AS actual_type, a.attnotnull AS actual_not_null
    FROM auth_ext._better_auth_columns() e
    LEFT JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = e.table_name AND cl.relkind IN ('r', 'p')
    LEFT JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attname = e.column_name AND NOT a.attisdropped
  LOOP
    IF c.relid IS NULL THEN
      IF c.column_name = 'id' THEN
        RETURN QUERY SELECT 'missing table'::text, format('%I.%I', check_schema.schema, c.table_name),
          format('SELECT auth_ext.create_better_auth_schema(%L)', check_schema.schema);
      END IF;
    ELSIF c.actual_type IS NULL THEN
      RETURN QUERY SELECT 'missing column'::text, format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ADD COLUMN %I %s%s', check_schema.schema, c.table_name, c.column_name, c.data_type,
               CASE WHEN c.not_null THEN ' NOT NULL' ELSE '' END);
    ELSIF c.actual_type <> c.data_type THEN
      RETURN QUERY SELECT format('wrong type: %s, Better Auth expects %s%s', c.actual_type, c.data_type,
               CASE WHEN c.column_name IN ('id', 'userId') THEN ' (an ORM-made table? Better Auth writes 32-character text ids)' ELSE '' END),
        format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s', check_schema.schema, c.table_name, c.column_name, c.data_type);
    ELSIF c.actual_not_null <> c.not_null THEN
      RETURN QUERY SELECT CASE WHEN c.not_null THEN 'column allows NULL' ELSE 'column is NOT NULL' END,
        format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ALTER COLUMN %I %s NOT NULL', check_schema.schema, c.table_name, c.column_name,
               CASE WHEN c.not_null THEN 'SET' ELSE 'DROP' END);
    END IF;
  END LOOP;

  -- Unique constraints sign-up and session lookup rely on.
  RETURN QUERY
    SELECT 'missing unique constraint'::text, format('%I.%I.%I', check_schema.schema, u.t, u.col),
           format('ALTER TABLE %I.%I ADD UNIQUE (%I)', check_schema.schema, u.t, u.col)
    FROM (VALUES ('user', 'email'), ('session', 'token')) u(t, col)
    JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = u.t
    JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attname = u.col
    WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = cl.oid AND i.indisunique
                        AND i.indnatts = 1 AND i.indkey[0] = a.attnum AND i.indpred IS NULL);

  -- Foreign keys to user(id) that cascade on delete.
  RETURN QUERY
    SELECT CASE WHEN con.oid IS NULL THEN 'missing foreign key to user(id)' ELSE 'foreign key does not cascade on delete' END,
           format('%I.%I.%I', check_schema.schema, f.t, 'userId'),
           format('ALTER TABLE %I.%I ADD FOREIGN KEY ("userId") REFERENCES %I."user"(id) ON DELETE CASCADE',
                  check_schema.schema, f.t, check_schema.schema)
    FROM (VALUES ('session'), ('account')) f(t)
    JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = f.t
    LEFT JOIN pg_constraint con ON con.conrelid = cl.oid AND con.contype = 'f'
      AND con.confrelid = (SELECT oid FROM pg_class WHERE relnamespace = ns AND relname = 'user')
    WHERE con.oid IS NULL OR con.confdeltype <> 'c';

  -- Data Better Auth cannot read back.
  IF EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
             WHERE cl.relnamespace = ns AND cl.relname = 'user' AND a.attname = 'email') THEN
    EXECUTE format('SELECT count(*) FROM %I."user" WHERE email <> lower(email)', check_schema.schema) INTO n;
    IF n > 0 THEN
      RETURN QUERY SELECT format('%s user rows have upper-case emails (Better Auth looks emails up in lower case)', n),
        format('%I."user".email', check_schema.schema),
        format('UPDATE %I."user" SET email = lower(email) WHERE email <> lower(email)', check_schema.schema);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
             WHERE cl.relnamespace = ns AND cl.relname = 'account' AND a.attname = 'password') THEN
    EXECUTE format($q$SELECT count(*) FROM %I.account WHERE "providerId" = 'credential' AND password IS NOT NULL
                     AND password !~ '^[^:]+:[0-9a-f]{128}(:|$)'$q$, check_schema.schema) INTO n;
    IF n > 0 THEN
      RETURN QUERY SELECT format('%s credential accounts have malformed password hashes (Better Auth answers 500 on sign-in)', n),
        format('%I.account.password', check_schema.schema),
        'SELECT auth_ext.set_password(<user id>, <new password>) for each'::text;
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext.check_schema(name) IS
'One row per way the schema differs from what Better Auth 1.7.25 expects (missing tables or columns, wrong types, '
'nullability, unique constraints, cascading foreign keys, a non-UTF8 database, upper-case emails, malformed hashes), '
'each with a fix. No rows: healthy. The first thing to run when sign-up answers HTTP 500.';

-- ---------------------------------------------------------------------------------------------
-- Account operations on Better Auth's own tables. Each is one SQL call: one statement in the
-- caller's transaction, so a failure leaves no partial rows. They run with the owner's rights
-- (the application role needs no privilege on the tables) and raise '<CODE>: <message>' with
-- Better Auth's error codes (contract §4) and a SQLSTATE.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.generate_id(size integer DEFAULT 32)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_generate_id'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext.generate_id(integer) IS
'size characters of [a-zA-Z0-9] from OpenSSL''s CSPRNG, drawn as Better Auth''s generateId draws them (ids, session tokens).';

CREATE FUNCTION auth_ext._utf16_length(value text)
RETURNS integer
AS 'MODULE_PATHNAME', 'auth_ext_utf16_length'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._utf16_length(text) IS
'Internal: JavaScript''s String.length (UTF-16 code units), how Better Auth counts password length.';

CREATE FUNCTION auth_ext._session_token_from_credential(credential text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_session_token_from_credential'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
REVOKE ALL ON FUNCTION auth_ext._session_token_from_credential(text) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext._session_token_from_credential(text) IS
'Internal: the session token in a bare token, a signed cookie value (URL-encoded or not) or a Bearer value; NULL when '
'the HMAC-SHA256 signature (better_auth_secret) does not match, checked in constant time.';

CREATE FUNCTION auth_ext._setting_value(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_setting_value'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
REVOKE ALL ON FUNCTION auth_ext._setting_value(text) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext._setting_value(text) IS
'Internal: the value in force of a non-secret setting, from the per-backend cache (owner only).';

CREATE FUNCTION auth_ext._js_dates(row_json jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT COALESCE(jsonb_object_agg(k, CASE
           WHEN k IN ('createdAt', 'updatedAt', 'expiresAt', 'accessTokenExpiresAt', 'refreshTokenExpiresAt')
                AND jsonb_typeof(v) = 'string'
           THEN to_jsonb(to_char((v #>> '{}')::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           ELSE v END), '{}'::jsonb)
  FROM jsonb_each(row_json) AS e(k, v)
$$;
COMMENT ON FUNCTION auth_ext._js_dates(jsonb) IS
'Internal: a row as JSON with its timestamps written as JavaScript''s Date.toISOString() (what Better Auth returns).';

CREATE FUNCTION auth_ext._row_json(row_value record)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_row_json'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._row_json(record) IS
'Internal: a row as Better Auth''s JSON, built in C (text, booleans, numbers, null, timestamptz as JavaScript dates); '
'NULL when a column has another type, where callers use _js_dates(to_jsonb(row)).';

CREATE FUNCTION auth_ext._prepare_write()
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._setting_value('better_auth_schema');
BEGIN
  IF current_setting('transaction_read_only') = 'on' THEN
    RAISE EXCEPTION 'READ_ONLY: cannot change accounts in a read-only transaction'
      USING ERRCODE = '25006', HINT = 'Send account writes to the primary, not a replica.';
  END IF;
  PERFORM auth_ext._require_tables(s);
  RETURN s;
END
$$;
COMMENT ON FUNCTION auth_ext._prepare_write() IS
'Internal: refuses read-only transactions (25006) and missing tables (42P01); returns Better Auth''s schema.';

CREATE FUNCTION auth_ext._require_tables(schema text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF to_regclass(format('%I."user"', schema)) IS NULL OR to_regclass(format('%I.session', schema)) IS NULL
     OR to_regclass(format('%I.account', schema)) IS NULL THEN
    RAISE EXCEPTION 'Better Auth''s tables are missing in schema "%"', schema
      USING ERRCODE = '42P01',
            HINT = format('Run SELECT * FROM auth_ext.check_schema(%L); auth_ext.create_better_auth_schema(%L) creates them.', schema, schema);
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._require_tables(text) IS 'Internal: 42P01 with a check_schema() hint when Better Auth''s tables are missing.';

CREATE FUNCTION auth_ext._new_id()
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  -- No SET clause, so the planner inlines it; every name is qualified instead.
  SELECT CASE WHEN auth_ext._setting_value('id_format') OPERATOR(pg_catalog.=) 'uuid'
              THEN CAST(pg_catalog.gen_random_uuid() AS pg_catalog.text) ELSE auth_ext.generate_id(32) END
$$;
COMMENT ON FUNCTION auth_ext._new_id() IS 'Internal: an id for a new row, per the id_format setting.';

CREATE FUNCTION auth_ext._check_password_length(password text, check_min boolean)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  len integer;
BEGIN
  IF password IS NULL OR password = '' THEN
    RAISE EXCEPTION 'VALIDATION_ERROR: Password is required' USING ERRCODE = '22023';
  END IF;
  len := auth_ext._utf16_length(password);
  IF check_min AND len < auth_ext._setting_value('min_password_length')::integer THEN
    RAISE EXCEPTION 'PASSWORD_TOO_SHORT: Password too short' USING ERRCODE = '22023';
  END IF;
  IF len > auth_ext._setting_value('max_password_length')::integer THEN
    RAISE EXCEPTION 'PASSWORD_TOO_LONG: Password too long' USING ERRCODE = '22023';
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._check_password_length(text, boolean) IS
'Internal: Better Auth''s password length rules, counted in UTF-16 code units (22023 PASSWORD_TOO_SHORT/LONG).';

CREATE FUNCTION auth_ext._is_valid_email(email text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- zod 4's z.email() (contract §4): ASCII only, no trimming, a letters-only top-level domain.
  SELECT email OPERATOR(pg_catalog.~) '^(?:[A-Za-z0-9_''+\-]+\.)*[A-Za-z0-9_''+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$'
$$;
COMMENT ON FUNCTION auth_ext._is_valid_email(text) IS 'Internal: Better Auth''s email rule (zod 4 z.email()).';

CREATE FUNCTION auth_ext._create_session(schema text, user_id text, ip_address text, user_agent text, remember_me boolean)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  now_ms timestamptz := date_trunc('milliseconds', now());
  lifetime interval := make_interval(secs => CASE WHEN COALESCE(remember_me, true)
                         THEN auth_ext._setting_value('session_expires_in_seconds')::integer ELSE 86400 END);
  result jsonb;
BEGIN
  -- Static SQL, planned once per schema: the schema comes after pg_catalog on this function's own
  -- search_path (restored on exit), and every function and operator is qualified.
  PERFORM set_config('search_path', format('pg_catalog, %I, pg_temp', schema), true);
  INSERT INTO session AS se (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
  VALUES (auth_ext._new_id(), now_ms OPERATOR(pg_catalog.+) lifetime, auth_ext.generate_id(32), now_ms, now_ms,
          COALESCE(ip_address, ''), COALESCE(user_agent, ''), _create_session.user_id)
  RETURNING COALESCE(auth_ext._row_json(se), auth_ext._js_dates(pg_catalog.to_jsonb(se))) INTO result;
  RETURN result;
END
$$;
COMMENT ON FUNCTION auth_ext._create_session(text, text, text, text, boolean) IS
'Internal: a session row as Better Auth''s createSession writes it (32-character token, expiry, '''' for unknown ip/agent).';

CREATE FUNCTION auth_ext.sign_up_email(
  email text, password text, name text, image text DEFAULT NULL, ip_address text DEFAULT NULL,
  user_agent text DEFAULT NULL, remember_me boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  normalized_email text;
  new_user_id text;
  now_ms timestamptz := date_trunc('milliseconds', now());
  new_user jsonb;
  new_session jsonb;
BEGIN
  IF sign_up_email.email IS NULL OR NOT auth_ext._is_valid_email(sign_up_email.email) THEN
    RAISE EXCEPTION 'INVALID_EMAIL: Invalid email' USING ERRCODE = '22023';
  END IF;
  IF sign_up_email.name IS NULL THEN
    RAISE EXCEPTION 'VALIDATION_ERROR: Name is required' USING ERRCODE = '22023';
  END IF;
  PERFORM auth_ext._check_password_length(sign_up_email.password, true);
  normalized_email := lower(sign_up_email.email);
  -- Static SQL, planned once per schema: Better Auth's schema comes after pg_catalog on this
  -- function's own search_path (the SET clause above restores the caller's on exit), and every
  -- function and operator below is qualified, so only the tables resolve through it.
  PERFORM set_config('search_path', format('pg_catalog, %I, pg_temp', s), true);
  IF EXISTS (SELECT 1 FROM "user" x WHERE x.email OPERATOR(pg_catalog.=) normalized_email) THEN
    RAISE EXCEPTION 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.' USING ERRCODE = '23505';
  END IF;
  new_user_id := auth_ext._new_id();
  BEGIN
    INSERT INTO "user" AS u (id, name, email, "emailVerified", image, "createdAt", "updatedAt")
    VALUES (new_user_id, sign_up_email.name, normalized_email, false, sign_up_email.image, now_ms, now_ms)
    RETURNING COALESCE(auth_ext._row_json(u), auth_ext._js_dates(pg_catalog.to_jsonb(u))) INTO new_user;
  EXCEPTION WHEN unique_violation THEN  -- a concurrent sign-up with the same email won the race
    RAISE EXCEPTION 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.' USING ERRCODE = '23505';
  END;
  INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
  VALUES (auth_ext._new_id(), new_user_id, 'credential', new_user_id, auth_ext.hash_password(sign_up_email.password),
          now_ms, now_ms);
  new_session := auth_ext._create_session(s, new_user_id, ip_address, user_agent, remember_me);
  RETURN pg_catalog.jsonb_build_object('token', new_session OPERATOR(pg_catalog.->>) 'token', 'user', new_user,
                                       'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.sign_up_email(text, text, text, text, text, text, boolean) IS
'Better Auth''s email sign-up in one statement: validates like Better Auth (email rule, password length in UTF-16 units, '
'name required), then writes user + credential account + session exactly as Better Auth does. Returns '
'{"token","user","session"}. Errors: 23505 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL, 22023 INVALID_EMAIL / '
'PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG / VALIDATION_ERROR, 42P01 missing tables, 25006 read-only.';

CREATE FUNCTION auth_ext.sign_in_email(
  email text, password text, ip_address text DEFAULT NULL, user_agent text DEFAULT NULL,
  remember_me boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  found_user jsonb;
  stored_hash text;
  -- Verified against when there is no hash, so an unknown email costs the same scrypt.
  dummy_hash constant text := '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d';
  new_session jsonb;
BEGIN
  IF sign_in_email.email IS NULL OR NOT auth_ext._is_valid_email(sign_in_email.email) THEN
    RAISE EXCEPTION 'INVALID_EMAIL: Invalid email' USING ERRCODE = '22023';
  END IF;
  IF sign_in_email.password IS NULL
     OR auth_ext._utf16_length(sign_in_email.password) > auth_ext._setting_value('max_password_length')::integer THEN
    RAISE EXCEPTION 'PASSWORD_TOO_LONG: Password too long' USING ERRCODE = '22023';
  END IF;
  -- Static SQL, planned once per schema (see sign_up_email).
  PERFORM set_config('search_path', format('pg_catalog, %I, pg_temp', s), true);
  SELECT COALESCE(auth_ext._row_json(u), auth_ext._js_dates(pg_catalog.to_jsonb(u))), a.password
    INTO found_user, stored_hash
    FROM "user" u
    LEFT JOIN account a ON a."userId" OPERATOR(pg_catalog.=) u.id AND a."providerId" OPERATOR(pg_catalog.=) 'credential'
                       AND a."accountId" OPERATOR(pg_catalog.=) u.id
   WHERE u.email OPERATOR(pg_catalog.=) pg_catalog.lower(sign_in_email.email)
   LIMIT 1;
  IF stored_hash IS NULL THEN
    PERFORM auth_ext.verify_password(sign_in_email.password, dummy_hash);
    RAISE EXCEPTION 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password' USING ERRCODE = '28P01';
  END IF;
  IF NOT auth_ext.verify_password(sign_in_email.password, stored_hash) THEN
    RAISE EXCEPTION 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password' USING ERRCODE = '28P01';
  END IF;
  new_session := auth_ext._create_session(s, found_user OPERATOR(pg_catalog.->>) 'id', ip_address, user_agent, remember_me);
  RETURN pg_catalog.jsonb_build_object('token', new_session OPERATOR(pg_catalog.->>) 'token', 'user', found_user,
                                       'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.sign_in_email(text, text, text, text, boolean) IS
'Better Auth''s email sign-in in one statement: checks the credential account''s hash and creates a session; returns '
'{"token","user","session"}. An unknown email costs the same scrypt as a wrong password. Errors: 28P01 '
'INVALID_EMAIL_OR_PASSWORD, 22023 INVALID_EMAIL / PASSWORD_TOO_LONG, 22P02 for a malformed stored hash.';

CREATE FUNCTION auth_ext._get_session_slow(credential text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._setting_value('better_auth_schema');
  session_token text;
  result jsonb;
  expires_at timestamptz;
  expires_in interval;
BEGIN
  IF to_regclass(format('%I.session', s)) IS NULL THEN
    PERFORM auth_ext._require_tables(s);
  END IF;
  session_token := auth_ext._session_token_from_credential(credential);
  IF session_token IS NULL OR session_token = '' THEN
    RETURN NULL;
  END IF;
  -- Static SQL, planned once per schema: Better Auth's schema comes after pg_catalog on this
  -- function's own search_path (the SET clause above restores the caller's on exit), and every
  -- function and operator below is qualified, so only the two tables resolve through it.
  PERFORM set_config('search_path', format('pg_catalog, %I, pg_temp', s), true);
  SELECT pg_catalog.jsonb_build_object(
           'session', COALESCE(auth_ext._row_json(se), auth_ext._js_dates(pg_catalog.to_jsonb(se))),
           'user', COALESCE(auth_ext._row_json(u), auth_ext._js_dates(pg_catalog.to_jsonb(u)))),
         se."expiresAt"
    INTO result, expires_at
    FROM session se JOIN "user" u ON u.id OPERATOR(pg_catalog.=) se."userId"
   WHERE se.token OPERATOR(pg_catalog.=) session_token;
  IF result IS NULL THEN
    RETURN NULL;
  END IF;
  expires_in := make_interval(secs => auth_ext._setting_value('session_expires_in_seconds')::integer);
  IF expires_at <= now() THEN
    IF current_setting('transaction_read_only') = 'off' THEN
      DELETE FROM session WHERE token OPERATOR(pg_catalog.=) session_token;
    END IF;
    RETURN NULL;
  END IF;
  IF expires_at - expires_in + make_interval(secs => auth_ext._setting_value('session_update_age_seconds')::integer) <= now()
     AND current_setting('transaction_read_only') = 'off' THEN  -- Better Auth's sliding refresh
    UPDATE session SET "expiresAt" = pg_catalog.date_trunc('milliseconds', pg_catalog.now()) OPERATOR(pg_catalog.+) expires_in,
                       "updatedAt" = pg_catalog.date_trunc('milliseconds', pg_catalog.now())
     WHERE token OPERATOR(pg_catalog.=) session_token;
    RETURN auth_ext._get_session_slow(session_token);
  END IF;
  RETURN result;
END
$$;
REVOKE ALL ON FUNCTION auth_ext._get_session_slow(text) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext._get_session_slow(text) IS
'Internal: get_session''s complete path in PL/pgSQL, taken for expired sessions (deleted, as Better Auth does) and '
'sessions due for the sliding refresh (extended); get_session answers valid sessions itself.';

CREATE FUNCTION auth_ext.get_session(credential text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_get_session'
LANGUAGE C VOLATILE SECURITY DEFINER;

COMMENT ON FUNCTION auth_ext.get_session(text) IS
'Better Auth''s session lookup: accepts the bare session token, the signed cookie value token.signature (URL-encoded or '
'not; HMAC-SHA256 with better_auth_secret, constant time), or "Bearer ..."; returns {"session","user"} or NULL. '
'Expired rows are deleted; sessions are refreshed as Better Auth does (expiresIn / updateAge settings). '
'55000 when a signed value arrives and better_auth_secret is not set.';

CREATE FUNCTION auth_ext.sign_out(credential text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  session_token text := auth_ext._session_token_from_credential(credential);
  deleted integer;
BEGIN
  IF session_token IS NULL OR session_token = '' THEN
    RETURN false;
  END IF;
  EXECUTE format('DELETE FROM %I.session WHERE token = $1', s) USING session_token;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted > 0;
END
$$;
COMMENT ON FUNCTION auth_ext.sign_out(text) IS
'Deletes the session a credential names (same forms as get_session); true when one was deleted.';

CREATE FUNCTION auth_ext.revoke_sessions(user_id text, except_token text DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  kept text := CASE WHEN except_token IS NULL THEN NULL ELSE auth_ext._session_token_from_credential(except_token) END;
  deleted integer;
BEGIN
  EXECUTE format('DELETE FROM %I.session WHERE "userId" = $1 AND ($2::text IS NULL OR token <> $2)', s)
    USING revoke_sessions.user_id, kept;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END
$$;
COMMENT ON FUNCTION auth_ext.revoke_sessions(text, text) IS
'Deletes every session of a user, except the one except_token names; returns how many were deleted.';

CREATE FUNCTION auth_ext._credential_account(schema text, user_id text, OUT account_id text, OUT stored_hash text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  user_exists boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I."user" WHERE id = $1)', schema) INTO user_exists USING user_id;
  IF NOT user_exists THEN
    RAISE EXCEPTION 'USER_NOT_FOUND: User not found' USING ERRCODE = 'P0002';
  END IF;
  EXECUTE format('SELECT id, password FROM %I.account WHERE "userId" = $1 AND "providerId" = ''credential'' AND "accountId" = $1', schema)
    INTO account_id, stored_hash USING user_id;
END
$$;
COMMENT ON FUNCTION auth_ext._credential_account(text, text) IS
'Internal: a user''s credential account (id, hash; NULLs when none); P0002 USER_NOT_FOUND when the user does not exist.';

CREATE FUNCTION auth_ext.change_password(
  user_id text, current_password text, new_password text, revoke_other_sessions boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  account record;
  new_session jsonb;
BEGIN
  account := auth_ext._credential_account(s, change_password.user_id);
  IF account.account_id IS NULL OR account.stored_hash IS NULL THEN
    RAISE EXCEPTION 'CREDENTIAL_ACCOUNT_NOT_FOUND: Credential account not found' USING ERRCODE = 'P0002';
  END IF;
  PERFORM auth_ext._check_password_length(new_password, true);
  IF current_password IS NULL OR NOT auth_ext.verify_password(current_password, account.stored_hash) THEN
    RAISE EXCEPTION 'INVALID_PASSWORD: Invalid password' USING ERRCODE = '28P01';
  END IF;
  EXECUTE format('UPDATE %I.account SET password = $2, "updatedAt" = $3 WHERE id = $1', s)
    USING account.account_id, auth_ext.hash_password(new_password), date_trunc('milliseconds', now());
  IF revoke_other_sessions THEN  -- as Better Auth: every session goes, the caller gets a new one
    EXECUTE format('DELETE FROM %I.session WHERE "userId" = $1', s) USING change_password.user_id;
    new_session := auth_ext._create_session(s, change_password.user_id, NULL, NULL, true);
  END IF;
  RETURN jsonb_build_object('token', new_session->>'token', 'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.change_password(text, text, text, boolean) IS
'Changes a user''s password after checking the current one (28P01 INVALID_PASSWORD); with revoke_other_sessions every '
'session is deleted and a new one returned as {"token","session"} (token NULL otherwise). P0002 USER_NOT_FOUND / '
'CREDENTIAL_ACCOUNT_NOT_FOUND; 22023 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG.';

CREATE FUNCTION auth_ext.set_password(user_id text, new_password text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  account record;
  now_ms timestamptz := date_trunc('milliseconds', now());
BEGIN
  account := auth_ext._credential_account(s, set_password.user_id);
  PERFORM auth_ext._check_password_length(new_password, true);
  IF account.account_id IS NULL THEN
    EXECUTE format('INSERT INTO %I.account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
                    VALUES ($1, $2, ''credential'', $2, $3, $4, $4)', s)
      USING auth_ext._new_id(), set_password.user_id, auth_ext.hash_password(new_password), now_ms;
  ELSE
    EXECUTE format('UPDATE %I.account SET password = $2, "updatedAt" = $3 WHERE id = $1', s)
      USING account.account_id, auth_ext.hash_password(new_password), now_ms;
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext.set_password(text, text) IS
'Administrative password reset: sets the credential account''s hash, creating the account when the user has none '
'(e.g. an OAuth-only user). P0002 USER_NOT_FOUND; 22023 length errors. Sessions are left as they are.';

CREATE FUNCTION auth_ext.delete_user(user_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  deleted integer;
BEGIN
  EXECUTE format('DELETE FROM %I."user" WHERE id = $1', s) USING delete_user.user_id;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted > 0;
END
$$;
COMMENT ON FUNCTION auth_ext.delete_user(text) IS
'Deletes a user; its sessions and accounts go with it (ON DELETE CASCADE). True when the user existed.';

REVOKE ALL ON FUNCTION auth_ext.sign_up_email(text, text, text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.sign_in_email(text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.get_session(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.sign_out(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.revoke_sessions(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.change_password(text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.set_password(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.delete_user(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.authenticate_session(text) FROM PUBLIC;

CREATE FUNCTION auth_ext.grant_app_role(role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA auth_ext TO %I', role);
  EXECUTE format('GRANT EXECUTE ON FUNCTION auth_ext.sign_up_email(text, text, text, text, text, text, boolean),
                  auth_ext.sign_in_email(text, text, text, text, boolean), auth_ext.get_session(text),
                  auth_ext.sign_out(text), auth_ext.change_password(text, text, text, boolean),
                  auth_ext.authenticate_session(text), auth_ext.authenticate(text), auth_ext.verify_jwt(text, jsonb),
                  auth_ext.user_id(), auth_ext.claims() TO %I', role);
END
$$;
REVOKE ALL ON FUNCTION auth_ext.grant_app_role(name) FROM PUBLIC;
COMMENT ON FUNCTION auth_ext.grant_app_role(name) IS
'Grants an application role (e.g. FastAPI''s) what it needs: USAGE on schema auth_ext and EXECUTE on sign-up, sign-in, '
'get_session, sign_out, change_password, authenticate, authenticate_session, verify_jwt, user_id, claims. It needs no '
'privilege on Better Auth''s tables. revoke_sessions, set_password and delete_user stay with the owner.';
