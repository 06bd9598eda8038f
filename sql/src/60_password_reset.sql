
-- ---------------------------------------------------------------------------------------------
-- Password reset, as Better Auth's /request-password-reset and /reset-password: the token is a
-- row of Better Auth's verification table (identifier 'reset-password:<token>', stored as Better
-- Auth stores it by default: plain; value: the user id), so a token either side issued works on
-- the other, once.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.request_password_reset(email text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<request_password_reset>>
DECLARE
  o constant jsonb := auth_ext._options('request_password_reset', options, '{"expires_in": "integer"}');
  expires_in integer := COALESCE(CAST(o ->> 'expires_in' AS integer), 3600);
  found_user jsonb;
  found_user_id text;
  reset_token text;
  ignored text;
  now_ms timestamptz := pg_catalog.date_trunc('milliseconds', pg_catalog.now());
BEGIN
  PERFORM auth_ext._prepare_write();
  IF request_password_reset.email IS NULL OR NOT auth_ext._is_valid_email(request_password_reset.email) THEN
    PERFORM auth_ext._raise('INVALID_EMAIL');
  END IF;
  IF expires_in IS NULL OR expires_in < 1 OR expires_in > 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'expires_in must be from 1 to 315360000 seconds');
  END IF;
  PERFORM auth_ext._require_tables(ARRAY['verification']);
  SELECT auth_ext._row_json(u), u.id INTO found_user, found_user_id
    FROM auth_ext_names."user" u WHERE u.email = lower(request_password_reset.email);
  -- Better Auth's generateId(24): drawn for an unknown email too, as Better Auth does.
  reset_token := auth_ext.generate_id(24);
  IF found_user_id IS NULL THEN
    -- Better Auth's dummy findVerificationValue('dummy-verification-token'): the same lookup a
    -- token's redemption makes, so an unknown email costs what a known one does.
    SELECT v.id INTO ignored FROM auth_ext_names.verification v
     WHERE v.identifier = 'dummy-verification-token' ORDER BY v."createdAt" DESC LIMIT 1;
    RETURN NULL;
  END IF;
  INSERT INTO auth_ext_names.verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
  VALUES (auth_ext._new_id(), 'reset-password:' || request_password_reset.reset_token, request_password_reset.found_user_id,
          request_password_reset.now_ms + make_interval(secs => CAST(request_password_reset.expires_in AS float8)),
          request_password_reset.now_ms, request_password_reset.now_ms);
  RETURN pg_catalog.jsonb_build_object('token', reset_token, 'user', found_user);
END
$$;
COMMENT ON FUNCTION auth_ext.request_password_reset(text, jsonb) IS
'Better Auth''s /request-password-reset: for the user with this email (compared in lower case) writes the verification '
'row Better Auth writes (identifier ''reset-password:<token>'', a 24-character [a-zA-Z0-9] token stored plain as Better '
'Auth''s default storeIdentifier does, value = the user id, expiring after expires_in seconds) and returns {"token","user"} for the application to mail (Better Auth''s reset URL is '
'<baseURL>/reset-password/<token>?callbackURL=...). An unknown email returns NULL after the same token draw and '
'verification lookup Better Auth makes; answer the caller the same either way. options, a JSON object (NULL or {}: '
'none; a JSON null value: not given), takes: expires_in (integer, 1 to 315360000, default 3600; Better Auth''s '
'resetPasswordTokenExpiresIn): the token''s lifetime in seconds. Errors: 22023 INVALID_EMAIL / VALIDATION_ERROR '
'(expires_in outside 1 to 315360000; options not an object, an unknown option key, an option value of the wrong JSON '
'kind), 42P01 missing tables, 25006 read-only.';

CREATE OR REPLACE FUNCTION auth_ext.reset_password(token text, new_password text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<reset_password>>
DECLARE
  o constant jsonb := auth_ext._options('reset_password', options, '{"revoke_sessions": "boolean", "new_password_proof": "string"}');
  revoke_sessions boolean := COALESCE(CAST(o ->> 'revoke_sessions' AS boolean), false);
  new_password_proof text := o ->> 'new_password_proof';
  new_hash text;
  identifier text;
  verification_id text;
  verification_user text;
  verification_created timestamptz;
  expires timestamptz;
  account record;
  consumed text;
  found_user jsonb;
BEGIN
  PERFORM auth_ext._prepare_write();
  IF reset_password.token IS NULL OR reset_password.token = '' THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  -- Better Auth's newPassword is any string: '' is too short (sign-up's schema is what refuses '').
  IF new_password = '' THEN
    PERFORM auth_ext._raise('PASSWORD_TOO_SHORT');
  END IF;
  new_hash := auth_ext._new_password_hash(new_password, reset_password.new_password_proof, 'reset_password');
  PERFORM auth_ext._require_tables(ARRAY['verification']);
  identifier := 'reset-password:' || reset_password.token;
  -- Better Auth's findVerificationValue: the newest row of the identifier; expired is invalid.
  SELECT v.id, v.value, v."createdAt", v."expiresAt"
    INTO verification_id, verification_user, verification_created, expires
    FROM auth_ext_names.verification v
   WHERE v.identifier = reset_password.identifier ORDER BY v."createdAt" DESC LIMIT 1;
  IF verification_id IS NULL OR expires < pg_catalog.now() THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  account := auth_ext._credential_account(verification_user);  -- USER_NOT_FOUND; locks user, then account
  -- Better Auth's consumeVerificationValue: deleting the row is the single-use gate (a concurrent
  -- redemption waits on the row and then finds it gone); older rows of the identifier go with it.
  DELETE FROM auth_ext_names.verification v
   WHERE v.id = reset_password.verification_id AND v.identifier = reset_password.identifier
  RETURNING v.id INTO consumed;
  IF consumed IS NULL THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  DELETE FROM auth_ext_names.verification v
   WHERE v.identifier = reset_password.identifier AND v."createdAt" <= reset_password.verification_created;
  IF revoke_sessions THEN  -- Better Auth's emailAndPassword.revokeSessionsOnPasswordReset
    DELETE FROM auth_ext_names.session se WHERE se."userId" = reset_password.verification_user;
  END IF;
  PERFORM auth_ext._store_credential_password(verification_user, account.account_id,
                                             COALESCE(new_hash, auth_ext.hash_password(new_password)));
  SELECT auth_ext._row_json(u) INTO found_user FROM auth_ext_names."user" u WHERE u.id = reset_password.verification_user;
  RETURN pg_catalog.jsonb_build_object('status', true, 'user', found_user);
END
$$;
COMMENT ON FUNCTION auth_ext.reset_password(text, text, jsonb) IS
'Better Auth''s /reset-password: redeems a token of request_password_reset or of Better Auth''s /request-password-reset '
'(the newest unexpired verification row ''reset-password:<token>''), once: the row is deleted in the same transaction '
'that sets the password, and a concurrent redemption of the same token gets INVALID_TOKEN. Hashes the new password '
'as Better Auth does into the user''s credential account, creating it when the user has none. options, a JSON object '
'(NULL or {}: none; a JSON null value: not given), takes: revoke_sessions (boolean, default false; Better Auth''s '
'emailAndPassword.revokeSessionsOnPasswordReset): every session of the user is deleted; new_password_proof (string, '
'from auth_ext.password_hash_proof(new password), made on a standby; new_password then NULL): stores the hash it '
'carries, no scrypt here (28P01 INVALID_PASSWORD_PROOF when refused). Returns '
'{"status": true, "user"} (the user for an onPasswordReset-style callback; Better Auth''s HTTP body is {"status": true}). '
'Errors: 28000 INVALID_TOKEN (no token, unknown, expired, already used), 22023 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG '
'/ VALIDATION_ERROR (no password; options not an object, an unknown option key, an option value of the wrong JSON '
'kind), P0002 USER_NOT_FOUND, 42P01 missing tables, 25006 read-only.';
