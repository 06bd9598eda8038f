
-- ---------------------------------------------------------------------------------------------
-- Passwords and users: change (with the current password), administrative set, deletion.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.change_password(
  user_id text, current_password text, new_password text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<change_password>>
DECLARE
  o constant jsonb := auth_ext._options('change_password', options,
    '{"revoke_other_sessions": "boolean", "current_password_proof": "string", "new_password_proof": "string"}');
  revoke_other_sessions boolean := COALESCE(CAST(o ->> 'revoke_other_sessions' AS boolean), true);
  current_password_proof text := o ->> 'current_password_proof';
  new_password_proof text := o ->> 'new_password_proof';
  account record;
  new_hash text;
  new_session jsonb;
BEGIN
  PERFORM auth_ext._prepare_write();
  account := auth_ext._credential_account(change_password.user_id);  -- locks user, then account
  IF account.account_id IS NULL OR account.stored_hash IS NULL THEN
    PERFORM auth_ext._raise('CREDENTIAL_ACCOUNT_NOT_FOUND');
  END IF;
  new_hash := auth_ext._new_password_hash(new_password, change_password.new_password_proof, 'change_password');
  IF change_password.current_password_proof IS NOT NULL THEN
    -- The current password checked where the proof was made (a standby): no scrypt here.
    IF current_password IS NOT NULL THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR', 'change_password: give the current password or its proof, not both');
    END IF;
    IF NOT auth_ext._check_current_password_proof(change_password.user_id, account.stored_hash,
                                                  change_password.current_password_proof) THEN
      PERFORM auth_ext._raise('INVALID_PASSWORD_PROOF');
    END IF;
  ELSIF current_password IS NULL OR NOT auth_ext.verify_password(current_password, account.stored_hash) THEN
    PERFORM auth_ext._raise('INVALID_PASSWORD');
  END IF;
  PERFORM auth_ext._store_credential_password(change_password.user_id, account.account_id,
                                             COALESCE(new_hash, auth_ext.hash_password(new_password)));
  IF revoke_other_sessions THEN  -- as Better Auth: every session goes, the caller gets a new one
    DELETE FROM auth_ext_names.session se WHERE se."userId" = change_password.user_id;
    new_session := auth_ext._create_session(change_password.user_id, NULL, NULL, true);
  END IF;
  RETURN pg_catalog.jsonb_build_object('token', new_session ->> 'token', 'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.change_password(text, text, text, jsonb) IS
'Changes a user''s password after checking the current one (28P01 INVALID_PASSWORD). options, a JSON object (NULL or '
'{}: none; a JSON null value: not given), takes: revoke_other_sessions (boolean, default true): every session of the '
'user is deleted and a new one returned as {"token","session"} (false: both NULL, sessions kept); '
'current_password_proof (string, from auth_ext.password_proof(email, current password), made on a standby; '
'current_password then NULL): checks the proof instead of the password, no scrypt here (taken once, this user''s, the '
'stored hash unchanged since; 28P01 INVALID_PASSWORD_PROOF otherwise); new_password_proof (string, from '
'auth_ext.password_hash_proof(new password), made on a standby; new_password then NULL): stores the hash it carries, '
'no scrypt here. P0002 USER_NOT_FOUND '
'/ CREDENTIAL_ACCOUNT_NOT_FOUND; 22023 PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG / VALIDATION_ERROR (options not an '
'object, an unknown option key, an option value of the wrong JSON kind).';

CREATE OR REPLACE FUNCTION auth_ext._store_credential_password(user_id text, account_id text, password_hash text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  now_ms timestamptz := pg_catalog.date_trunc('milliseconds', pg_catalog.now());
BEGIN
  IF account_id IS NULL THEN  -- as Better Auth's resetCredentialPassword: a user without one gets one
    INSERT INTO auth_ext_names.account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
    VALUES (auth_ext._new_id(), _store_credential_password.user_id, 'credential', _store_credential_password.user_id,
            _store_credential_password.password_hash, now_ms, now_ms);
  ELSE
    UPDATE auth_ext_names.account a SET password = _store_credential_password.password_hash, "updatedAt" = now_ms
     WHERE a.id = _store_credential_password.account_id;
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._store_credential_password(text, text, text) IS
'Internal: writes a password hash into the credential account account_id (from _credential_account, which locked it), '
'or creates the credential account when account_id is NULL, as Better Auth''s resetCredentialPassword does.';

CREATE OR REPLACE FUNCTION auth_ext.set_password(user_id text, new_password text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  account record;
BEGIN
  PERFORM auth_ext._prepare_write();
  account := auth_ext._credential_account(set_password.user_id);  -- locks user, then account
  PERFORM auth_ext._check_password_length(new_password, true);
  PERFORM auth_ext._store_credential_password(set_password.user_id, account.account_id, auth_ext.hash_password(new_password));
END
$$;
COMMENT ON FUNCTION auth_ext.set_password(text, text) IS
'Administrative password reset: sets the credential account''s hash, creating the account when the user has none '
'(e.g. an OAuth-only user). P0002 USER_NOT_FOUND; 22023 length errors. Sessions are left as they are.';

CREATE OR REPLACE FUNCTION auth_ext.delete_user(user_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  deleted integer;
BEGIN
  PERFORM auth_ext._prepare_write();
  DELETE FROM auth_ext_names."user" u WHERE u.id = delete_user.user_id;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted > 0;
END
$$;
COMMENT ON FUNCTION auth_ext.delete_user(text) IS
'Deletes a user; its sessions and accounts go with it (ON DELETE CASCADE). True when the user existed.';
