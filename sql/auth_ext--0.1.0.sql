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
