
-- ---------------------------------------------------------------------------------------------
-- Password proofs: scrypt on a standby, the primary only checks a proof and writes.
-- password_proof(email, password) checks a password where it runs (a hot standby, or the primary)
-- exactly as sign_in_email does and returns a proof bound to the user and to the stored hash;
-- password_hash_proof(password) checks the password rules and hashes a new password. The primary
-- takes them in sign_in_email(..., password => NULL, password_proof => ...) and
-- sign_up_email(..., password => NULL, password_proof => ...) and runs no scrypt. A proof is sealed
-- with a key derived from better_auth_secret (src/core/password/password_proof.hpp), which the
-- application role cannot read and which replicates to standbys with the other settings.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS auth_ext.used_password_proof (
  nonce text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS used_password_proof_expires_at ON auth_ext.used_password_proof (expires_at);
COMMENT ON TABLE auth_ext.used_password_proof IS
'Sign-in proofs already used (their nonce), until they would have expired anyway: sign_in_email takes each proof once. '
'Rows past expires_at are deleted by later sign-ins (up to 16 each, skipping rows another sign-in holds).';
SELECT pg_catalog.pg_extension_config_dump('auth_ext.used_password_proof', '');

CREATE OR REPLACE FUNCTION auth_ext._seal_password_proof(payload text)
RETURNS text
LANGUAGE c STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'auth_ext_seal_password_proof';
COMMENT ON FUNCTION auth_ext._seal_password_proof(text) IS
'Internal (owner): seals payload as a password proof, "ap1.<base64url payload>.<base64url HMAC-SHA256>" under a key '
'derived from better_auth_secret (HMAC-SHA256(better_auth_secret, ''auth_ext password proof v1'')). Seals anything it '
'is given. 55000 when better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext._open_password_proof(proof text)
RETURNS text
LANGUAGE c STRICT VOLATILE
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'auth_ext_open_password_proof';
COMMENT ON FUNCTION auth_ext._open_password_proof(text) IS
'Internal (owner): the payload a password proof seals, or NULL when proof is not one sealed with the current key '
'(another format, one character changed, another better_auth_secret; the tag compared in constant time). 55000 when '
'better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext._hash_digest(password_hash text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT encode(sha256(convert_to(password_hash, 'UTF8')), 'base64')
$$;
COMMENT ON FUNCTION auth_ext._hash_digest(text) IS
'Internal: what a sign-in proof records of the stored password hash (SHA-256, base64): the primary refuses the proof '
'once the hash has changed.';

CREATE OR REPLACE FUNCTION auth_ext._check_sign_in_password(email text, password text,
  OUT user_id text, OUT stored_hash text, OUT found_user jsonb, OUT matches boolean)
AS 'MODULE_PATHNAME', 'auth_ext_check_sign_in_password'
-- In C (src/pg/accounts/sign_in_password.cpp), which sign_in_email calls directly.
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext._check_sign_in_password(text, text) IS
'Internal: the password check of an email sign-in, the one copy sign_in_email and password_proof share: 22023 '
'INVALID_EMAIL (also a NULL email) / VALIDATION_ERROR (a NULL password) / PASSWORD_TOO_LONG, then the user (its id and '
'row JSON; NULLs when there is none) and its credential hash by the lowercased email, and whether password matches. An unknown email and a hash not in Better '
'Auth''s format cost one scrypt as a wrong password does and give matches false; the caller raises one error for all.';

CREATE OR REPLACE FUNCTION auth_ext._accept_password_proof(proof text, kind text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  payload text := auth_ext._open_password_proof(proof);
  p jsonb;
  age_ms bigint;
  max_age_ms constant bigint := 1000 * CAST(auth_ext._setting_value('password_proof_max_age_seconds') AS pg_catalog.int8);
BEGIN
  IF payload IS NOT NULL THEN
    BEGIN
      p := CAST(payload AS jsonb);
    EXCEPTION WHEN OTHERS THEN
      p := NULL;  -- cannot happen for a payload we sealed; refused below all the same
    END;
  END IF;
  IF p IS NULL OR jsonb_typeof(p) IS DISTINCT FROM 'object' OR p ->> 'k' IS DISTINCT FROM kind
     OR jsonb_typeof(p -> 't') IS DISTINCT FROM 'number' OR jsonb_typeof(p -> 'h') IS DISTINCT FROM 'string'
     OR (kind = 'sign-in' AND (jsonb_typeof(p -> 'u') IS DISTINCT FROM 'string'
                               OR jsonb_typeof(p -> 'n') IS DISTINCT FROM 'string')) THEN
    PERFORM auth_ext._raise('INVALID_PASSWORD_PROOF');
  END IF;
  age_ms := CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint) - CAST(p ->> 't' AS bigint);
  -- Made too long ago, or more than 5 s in the future (two servers' clocks).
  IF age_ms > max_age_ms OR age_ms < -5000 THEN
    PERFORM auth_ext._raise('INVALID_PASSWORD_PROOF', 'The password proof has expired');
  END IF;
  IF kind = 'sign-in' THEN
    -- Single use: the nonce is recorded in the caller's transaction (a concurrent use of the same
    -- proof waits on it and is refused once it commits).
    -- A few expired records go with each use; rows another sign-in is deleting are skipped, so
    -- concurrent sign-ins never wait on each other here.
    DELETE FROM auth_ext.used_password_proof x
     WHERE x.ctid IN (SELECT y.ctid FROM auth_ext.used_password_proof y WHERE y.expires_at < clock_timestamp()
                       LIMIT 16 FOR UPDATE SKIP LOCKED);
    INSERT INTO auth_ext.used_password_proof AS x (nonce, expires_at)
    VALUES (p ->> 'n', clock_timestamp() + make_interval(secs => (max_age_ms + 5000) / 1000.0))
    ON CONFLICT (nonce) DO NOTHING;
    IF NOT FOUND THEN
      PERFORM auth_ext._raise('INVALID_PASSWORD_PROOF', 'The password proof was used already');
    END IF;
  END IF;
  RETURN p;
END
$$;
COMMENT ON FUNCTION auth_ext._accept_password_proof(text, text) IS
'Internal: opens a password proof of kind (''sign-in'' from password_proof, ''new'' from password_hash_proof) and returns '
'its payload; 28P01 INVALID_PASSWORD_PROOF when it is not a proof sealed with the current key, of another kind, older '
'than the password_proof_max_age_seconds setting or more than 5 s in the future, or (sign-in) used before.';

CREATE OR REPLACE FUNCTION auth_ext.password_proof(email text, password text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
BEGIN
  PERFORM auth_ext._require_tables();
  SELECT * INTO c FROM auth_ext._check_sign_in_password(password_proof.email, password_proof.password);
  -- One RAISE for every refusal, as sign_in_email: the whole error is the same for an unknown
  -- email and a wrong password.
  IF NOT c.matches THEN
    PERFORM auth_ext._raise('INVALID_EMAIL_OR_PASSWORD');
  END IF;
  RETURN auth_ext._seal_password_proof(CAST(jsonb_build_object(
    'k', 'sign-in', 'u', c.user_id, 'h', auth_ext._hash_digest(c.stored_hash),
    't', CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint),
    'n', CAST(gen_random_uuid() AS text)) AS text));
END
$$;
COMMENT ON FUNCTION auth_ext.password_proof(text, text) IS
'Checks an email and password as sign_in_email does (the same refusals, the identical error for an unknown email and '
'a wrong password, one scrypt either way) and returns a proof for sign_in_email(email => ..., password => NULL, '
'password_proof => ...) on the primary, which then runs no scrypt. Read-only: runs on a hot standby (a read replica) '
'or the primary. The proof is bound to the user and to the stored password hash, single-use, valid for the '
'password_proof_max_age_seconds setting (default 60, to allow for replica lag), sealed with a key derived from '
'better_auth_secret. Errors: 28P01 INVALID_EMAIL_OR_PASSWORD, 22023 INVALID_EMAIL / PASSWORD_TOO_LONG / '
'VALIDATION_ERROR (no password), 42P01 tables or (a standby) the auth_ext_names views missing, 55000 better_auth_secret '
'not set.';

CREATE OR REPLACE FUNCTION auth_ext.password_hash_proof(password text)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM auth_ext._check_password_length(password_hash_proof.password, true);
  RETURN auth_ext._seal_password_proof(CAST(jsonb_build_object(
    'k', 'new', 'h', auth_ext.hash_password(password_hash_proof.password),
    't', CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS bigint)) AS text));
END
$$;
COMMENT ON FUNCTION auth_ext.password_hash_proof(text) IS
'Checks a new password against the password rules (sign_up_email''s) and hashes it (scrypt, Better Auth''s format) '
'where it runs, a hot standby or the primary, and returns a proof carrying the hash for sign_up_email(email => ..., '
'password => NULL, name => ..., password_proof => ...) on the primary, which then stores that hash and runs no '
'scrypt: the primary takes only hashes the extension made. Valid for the password_proof_max_age_seconds setting. '
'Errors: 22023 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG / VALIDATION_ERROR (no password), 55000 better_auth_secret not '
'set.';

CREATE OR REPLACE FUNCTION auth_ext._new_password_hash(password text, password_proof text, caller text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF password_proof IS NULL THEN
    PERFORM auth_ext._check_password_length(password, true);
    RETURN NULL;
  END IF;
  IF password IS NOT NULL THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', pg_catalog.format('%s: give the new password or its proof, not both', caller));
  END IF;
  RETURN auth_ext._accept_password_proof(password_proof, 'new') ->> 'h';
END
$$;
COMMENT ON FUNCTION auth_ext._new_password_hash(text, text, text) IS
'Internal: a new password of an account write (sign_up_email, change_password, reset_password), the one place that '
'takes it: without a proof, checks the password rules (22023 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG / VALIDATION_ERROR) '
'and returns NULL (the caller hashes when it writes); with a proof of password_hash_proof (password NULL), returns the '
'hash it carries (28P01 INVALID_PASSWORD_PROOF when refused; 22023 when both are given).';

CREATE OR REPLACE FUNCTION auth_ext._check_current_password_proof(user_id text, stored_hash text, password_proof text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p jsonb := auth_ext._accept_password_proof(password_proof, 'sign-in');
BEGIN
  RETURN p ->> 'u' = user_id AND stored_hash IS NOT NULL AND p ->> 'h' = auth_ext._hash_digest(stored_hash);
END
$$;
COMMENT ON FUNCTION auth_ext._check_current_password_proof(text, text, text) IS
'Internal: whether a proof of password_proof (taken once; 28P01 INVALID_PASSWORD_PROOF when refused) shows the '
'current password of user_id, whose credential hash is stored_hash: the proof''s user and hash. The one check of a '
'sign-in proof, for sign_in_email and change_password.';
