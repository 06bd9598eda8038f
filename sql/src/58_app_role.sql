
-- ---------------------------------------------------------------------------------------------
-- Privileges: the account functions are the owner's until granted; grant_app_role grants what an
-- application role needs.
-- ---------------------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION auth_ext.sign_up_email(text, text, text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.sign_in_email(text, text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.get_session(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.sign_out(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.revoke_sessions(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.change_password(text, text, text, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.set_password(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.delete_user(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION auth_ext.authenticate_session(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION auth_ext.grant_app_role(role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA auth_ext TO %I', role);
  EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION auth_ext.sign_up_email(text, text, text, text, text, text, boolean),
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
