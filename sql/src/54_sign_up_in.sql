
-- ---------------------------------------------------------------------------------------------
-- Email sign-up and sign-in, as Better Auth's /sign-up/email and /sign-in/email.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.sign_up_email(email text, password text, name text, options jsonb DEFAULT '{}',
                                                  password_proof text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<sign_up_email>>
DECLARE
  -- The options (COMMENT below), as variables of the names the body uses.
  o constant jsonb := auth_ext._options('sign_up_email', options, '{
    "image": "string", "ip_address": "string", "user_agent": "string", "remember_me": "boolean",
    "session_expires_in": "integer", "user_fields": "object", "session_fields": "object",
    "account_fields": "object", "auto_sign_in": "boolean", "user_id": "string", "session_token": "string"}');
  image text := o ->> 'image';
  ip_address text := o ->> 'ip_address';
  user_agent text := o ->> 'user_agent';
  remember_me boolean := COALESCE(CAST(o ->> 'remember_me' AS boolean), true);
  session_expires_in integer := CAST(o ->> 'session_expires_in' AS integer);
  user_fields jsonb := o -> 'user_fields';
  session_fields jsonb := o -> 'session_fields';
  account_fields jsonb := o -> 'account_fields';
  auto_sign_in boolean := COALESCE(CAST(o ->> 'auto_sign_in' AS boolean), true);
  user_id text := o ->> 'user_id';
  session_token text := o ->> 'session_token';
  user_columns text := '';
  user_values text := '';
  account_columns text := '';
  account_values text := '';
  violated text;
  normalized_email text;
  new_user_id text;
  now_ms timestamptz := pg_catalog.date_trunc('milliseconds', pg_catalog.now());
  taken boolean;
  new_user jsonb;
  new_session jsonb;
  duplicate boolean := false;
  -- The new password's hash: from a proof (password_hash_proof, made on a standby), else made here.
  password_hash text;
BEGIN
  PERFORM auth_ext._prepare_write();
  IF sign_up_email.email IS NULL OR NOT auth_ext._is_valid_email(sign_up_email.email) THEN
    PERFORM auth_ext._raise('INVALID_EMAIL');
  END IF;
  IF sign_up_email.name IS NULL THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'Name is required');
  END IF;
  password_hash := auth_ext._new_password_hash(sign_up_email.password, sign_up_email.password_proof, 'sign_up_email');
  IF sign_up_email.session_expires_in < 1 OR sign_up_email.session_expires_in > 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'session_expires_in must be from 1 to 315360000 seconds');
  END IF;
  -- Ids chosen by the caller (the Better Auth plugin runs Better Auth's database hooks first, and
  -- they see, and may set, the user's id and the session's token).
  IF sign_up_email.user_id IS NOT NULL AND pg_catalog.length(sign_up_email.user_id) NOT BETWEEN 1 AND 255 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'user_id must be 1 to 255 characters');
  END IF;
  IF sign_up_email.session_token IS NOT NULL AND pg_catalog.length(sign_up_email.session_token) NOT BETWEEN 16 AND 255 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'session_token must be 16 to 255 characters');
  END IF;
  -- The additional fields (Better Auth's user.additionalFields and plugins' user columns), checked
  -- and cast by the one helper that session_fields uses too; they go into the one INSERT below.
  IF sign_up_email.user_fields IS NOT NULL THEN
    SELECT e.columns, e.vals INTO user_columns, user_values
      FROM auth_ext._extra_columns('user', 'user_fields', sign_up_email.user_fields,
                                   ARRAY['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt'],
                                   'sign_up_email') e;
  END IF;
  -- The same for the credential account (Better Auth's account.additionalFields).
  IF sign_up_email.account_fields IS NOT NULL THEN
    SELECT e.columns, e.vals INTO account_columns, account_values
      FROM auth_ext._extra_columns('account', 'account_fields', sign_up_email.account_fields,
                                   ARRAY['id', 'accountId', 'providerId', 'userId', 'accessToken', 'refreshToken',
                                         'idToken', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'scope',
                                         'password', 'createdAt', 'updatedAt'],
                                   'sign_up_email') e;
  END IF;
  normalized_email := pg_catalog.lower(sign_up_email.email);
  taken := EXISTS (SELECT FROM auth_ext_names."user" x WHERE x.email = sign_up_email.normalized_email);
  new_user_id := COALESCE(sign_up_email.user_id, auth_ext._new_id());
  IF taken THEN
    -- Better Auth (requireEmailVerification, or autoSignIn: false) answers an existing email like
    -- a new one, so sign-up does not tell who has an account.
    IF sign_up_email.auto_sign_in THEN
      PERFORM auth_ext._raise('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');
    END IF;
    duplicate := true;
  ELSE
  BEGIN
    -- Dynamic only for the extra columns.
    EXECUTE format('INSERT INTO auth_ext_names."user" AS u (id, name, email, "emailVerified", image, "createdAt", "updatedAt"%1$s) '
                   'SELECT $1, $2, $3, false, $4, $5, $5%2$s '
                   'FROM jsonb_populate_record(CAST(NULL AS auth_ext_names."user"), $6) r '
                   'RETURNING auth_ext._row_json(u)', user_columns, user_values)
      INTO new_user USING new_user_id, sign_up_email.name, normalized_email, sign_up_email.image, now_ms,
                          COALESCE(sign_up_email.user_fields, CAST('{}' AS pg_catalog.jsonb));
  EXCEPTION WHEN unique_violation THEN
    -- A concurrent sign-up with the same email won the race; another unique column (an extra
    -- field such as a username) keeps its own error.
    GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
    IF sign_up_email.user_id IS NOT NULL AND auth_ext._unique_index_covers('user', violated, 'id') THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR', 'user_id is already taken');
    END IF;
    IF sign_up_email.user_fields IS NULL OR auth_ext._unique_index_covers('user', violated, 'email') THEN
      IF sign_up_email.auto_sign_in THEN
        PERFORM auth_ext._raise('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');
      END IF;
      duplicate := true;
    ELSE
      RAISE;
    END IF;
  END;
  END IF;
  IF duplicate THEN
    -- Better Auth's generic duplicate response: the password hashed all the same (timing), and a
    -- user that was never written: a fresh id, the given name, email (lowercased), image and
    -- extra fields, emailVerified false, created now; every other column null. existing_email
    -- tells the caller (never the client) that the email was taken.
    IF sign_up_email.password_hash IS NULL THEN
      PERFORM auth_ext.hash_password(sign_up_email.password);
    END IF;
    SELECT auth_ext._row_json(r) INTO new_user
      FROM jsonb_populate_record(CAST(NULL AS auth_ext_names."user"),
             COALESCE(sign_up_email.user_fields, CAST('{}' AS jsonb)) || jsonb_build_object(
               'id', sign_up_email.new_user_id, 'name', sign_up_email.name, 'email', sign_up_email.normalized_email,
               'emailVerified', false, 'image', sign_up_email.image, 'createdAt', sign_up_email.now_ms,
               'updatedAt', sign_up_email.now_ms)) r;
    RETURN pg_catalog.jsonb_build_object('token', NULL, 'user', new_user, 'session', NULL, 'existing_email', true);
  END IF;
  -- Dynamic only for the extra columns.
  EXECUTE format('INSERT INTO auth_ext_names.account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt"%1$s) '
                 'SELECT $1, $2, ''credential'', $2, $3, $4, $4%2$s '
                 'FROM jsonb_populate_record(CAST(NULL AS auth_ext_names.account), $5) r',
                 account_columns, account_values)
    USING auth_ext._new_id(), new_user_id, COALESCE(sign_up_email.password_hash, auth_ext.hash_password(sign_up_email.password)), now_ms,
          COALESCE(sign_up_email.account_fields, CAST('{}' AS pg_catalog.jsonb));
  IF NOT sign_up_email.auto_sign_in THEN
    RETURN pg_catalog.jsonb_build_object('token', NULL, 'user', new_user, 'session', NULL, 'existing_email', false);
  END IF;
  new_session := auth_ext._create_session(new_user_id, ip_address, user_agent, remember_me,
                                          sign_up_email.session_expires_in, sign_up_email.session_fields,
                                          sign_up_email.session_token);
  RETURN pg_catalog.jsonb_build_object('token', new_session ->> 'token', 'user', new_user,
                                       'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.sign_up_email(text, text, text, jsonb, text) IS
'Better Auth''s email sign-up in one statement: validates like Better Auth (email rule, password length in UTF-16 units, '
'name required), then writes user + credential account + session exactly as Better Auth does. Returns '
'{"token","user","session"}, the user with every column. options, a JSON object (NULL or {}: none; a JSON null value: '
'that option not given), takes: image (string, default null): the user''s image; ip_address, user_agent (strings, '
'default ''''): the session''s; remember_me (boolean, default true): false makes a one-day session that is never '
'refreshed; session_expires_in (integer, 1 to 315360000, default the session_expires_in_seconds setting): the '
'session''s lifetime in seconds (Better Auth''s session.expiresIn); user_fields (object of column: value, default none): '
'extra user columns (Better Auth''s additionalFields, plugins'' columns) filled in the same INSERT, each value cast to '
'its column''s type; session_fields, account_fields (objects, default none): the same for extra session columns and '
'the credential account''s extra columns; auto_sign_in (boolean, default true): false (Better Auth''s autoSignIn: '
'false or requireEmailVerification) writes no session and returns {"token":null,"user","session":null,'
'"existing_email"}, and an email that is taken is then not an error: the password is hashed all the same and the user '
'returned is one that was never written (a fresh id, the given fields, emailVerified false), with existing_email true, '
'which callers must not pass on to the client; user_id (string, 1 to 255 characters, default generated) and '
'session_token (string, 16 to 255 characters, default generated): the ids to use instead of generated ones (Better '
'Auth''s database hooks may choose them; sign_session_cookie signs a session_token only when it has Better Auth''s own '
'token shape, 32 letters and digits). password_proof (from auth_ext.password_hash_proof(password), made on a standby or '
'here), given with password NULL: the credential account stores the hash the proof carries and no scrypt runs here; the '
'proof must be sealed with the current key and not older than password_proof_max_age_seconds. Errors: 28P01 '
'INVALID_PASSWORD_PROOF (a proof refused), 23505 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (auto_sign_in only), 22023 '
'INVALID_EMAIL / PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG / VALIDATION_ERROR (also options not an object, an unknown '
'option key, an option value of the wrong JSON kind; session_expires_in outside 1 to 315360000; a user_id or '
'session_token of a bad length or already taken; a user_fields key that is unknown, a core column or generated, a '
'value of the wrong JSON kind or that the column''s type refuses, null for a NOT NULL column; the same for '
'session_fields and account_fields), 42P01 missing tables, 25006 read-only.';

CREATE OR REPLACE FUNCTION auth_ext.sign_in_email(email text, password text, options jsonb DEFAULT '{}',
                                                  password_proof text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_sign_in_email'
-- In C (src/pg/accounts/sign_in.cpp), with kept statements as get_session; not STRICT: NULL
-- password (with a proof) and NULL options mean something.
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext.sign_in_email(text, text, jsonb, text) IS
'Better Auth''s email sign-in in one statement: checks the credential account''s hash and creates a session; returns '
'{"token","user","session"}. An unknown email, and a stored hash that is not Better Auth''s format, cost the same '
'scrypt as a wrong password and raise the identical error. A password change or user deletion that commits during the '
'check wins (the rows are locked and the hash checked again). options, a JSON object (NULL or {}: none; a JSON null '
'value: that option not given), takes: ip_address, user_agent (strings, default ''''): the session''s; remember_me '
'(boolean, default true): false makes a one-day session that is never refreshed; session_expires_in (integer, 1 to '
'315360000, default the session_expires_in_seconds setting): the session''s lifetime in seconds; session_fields (object '
'of column: value, default none): extra session columns, checked as sign_up_email''s; require_email_verification '
'(boolean, default false; Better Auth''s emailAndPassword.requireEmailVerification): refuses a user whose email is not '
'verified, after the password check, as Better Auth does; create_session (boolean, default true): false checks only '
'(password, verification) and returns {"token":null,"user","session":null}, for a caller that creates the session '
'itself. password_proof (from auth_ext.password_proof(email, password), made on a standby or here), given with password '
'NULL: the password is not checked again (no scrypt) but the proof is, with the user''s rows locked: sealed with the '
'current key, not older than password_proof_max_age_seconds, never used before, this email''s user''s, and the stored '
'hash unchanged since it was made; then the same options and checks apply. Errors: 28P01 INVALID_EMAIL_OR_PASSWORD, '
'28P01 INVALID_PASSWORD_PROOF (a proof refused: sign in with the password instead), 28000 EMAIL_NOT_VERIFIED, 22023 INVALID_EMAIL / PASSWORD_TOO_LONG / '
'VALIDATION_ERROR (no password; options not an object, an unknown option key, an option value of the wrong JSON kind; '
'session_expires_in outside 1 to 315360000; a session_fields key or value sign_up_email would refuse).';
