
-- ---------------------------------------------------------------------------------------------
-- Who may call what, in one place. auth_ext.function_privileges() is the list; the block below
-- applies it, grant_app_role() grants from it, and the tests check the catalog against it.
--   owner: the extension owner's alone: secrets, schema changes, administration, and every
--          internal (_-prefixed) function. A function named in no list below is 'owner', so a new
--          function is nobody else's until it is listed. Internals are called by the SECURITY
--          DEFINER functions (which run as the owner) and by the owner's own functions, never by a
--          function that runs as another caller;
--   app:   the application role's account functions (grant_app_role grants them);
--   mail:  functions that hand their caller a token for ANY user's account (a password-reset or
--          email-verification token), so whoever may call them can take over any account: granted only by
--          grant_mail_role, to the role that mails those links;
--   any:   any role with USAGE on schema auth_ext: the documented functions that hold no secret and
--          reach no account (password hashing, JWT verification and signing, the identity functions
--          that row-level security policies call as the querying role, error_codes(), ...). Listed
--          explicitly; never an internal (test/pgtap/privileges.sql checks both).
-- No role but the owner has USAGE on schema auth_ext until it is granted.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.function_privileges(
  OUT function_name pg_catalog.regprocedure, OUT callable_by text, OUT granted_to_app boolean)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT p.oid::regprocedure,
         CASE WHEN p.proname LIKE '\_%' THEN 'owner'  -- internals: never anyone else's, whatever the lists say
              WHEN p.oid = ANY (app_only.fns) THEN 'app' WHEN p.oid = ANY (mail_only.fns) THEN 'mail'
              WHEN p.oid = ANY (app_also.fns) OR p.oid = ANY (public_api.fns) THEN 'any' ELSE 'owner' END,
         p.proname NOT LIKE '\_%' AND (p.oid = ANY (app_only.fns) OR p.oid = ANY (app_also.fns))
  FROM pg_proc p,
       -- The application role's account functions: not PUBLIC's.
       (SELECT ARRAY['auth_ext.sign_up_email(text,text,text,jsonb,text)',
                     'auth_ext.sign_in_email(text,text,jsonb,text)',
                     'auth_ext.password_proof(text,text)', 'auth_ext.password_hash_proof(text)',
                     'auth_ext.get_session(text)', 'auth_ext.sign_out(text)',
                     'auth_ext.sign_session_cookie(text)',
                     'auth_ext.change_password(text,text,text,jsonb)',
                     'auth_ext.verify_email(text,jsonb)',
                     'auth_ext.authenticate_session(text)',
                     'auth_ext.reset_password(text,text,jsonb)',
                     'auth_ext.rate_limit_hit(text,integer,integer)']::regprocedure[]::oid[]) app_only(fns),
       -- Tokens for any user's account, for the role that mails the links (grant_mail_role).
       (SELECT ARRAY['auth_ext.request_password_reset(text,jsonb)',
                     'auth_ext.create_email_verification_token(text,jsonb)']::regprocedure[]::oid[]) mail_only(fns),
       -- Identity functions any role may call (row-level security policies call user_id() as the
       -- querying role), granted to the application role as well.
       (SELECT ARRAY['auth_ext.authenticate(text)', 'auth_ext.verify_jwt(text,jsonb)',
                     'auth_ext.user_id()', 'auth_ext.claims()',
                     -- Better Auth's configured table names, which the plugin compares with its own.
                     'auth_ext.table_names()']::regprocedure[]::oid[]) app_also(fns),
       -- The rest of the documented API that any role may call: pure functions of their arguments
       -- or of the extension's own definitions, no secret, no account.
       (SELECT ARRAY['auth_ext.hash_password(text)', 'auth_ext.verify_password(text,text)',
                     'auth_ext.sign_jwt(jsonb,jsonb)', 'auth_ext.generate_id(integer)',
                     'auth_ext.error_codes()', 'auth_ext.setting_definitions()',
                     'auth_ext.function_privileges()']::regprocedure[]::oid[]) public_api(fns)
  WHERE p.pronamespace = 'auth_ext'::regnamespace
  ORDER BY 2, 1::text
$$;
COMMENT ON FUNCTION auth_ext.function_privileges() IS
'Every auth_ext function, who may call it (owner: the extension owner alone, every internal _-prefixed function and '
'every function not listed for others included; app: roles given grant_app_role; mail: roles given grant_mail_role, for '
'functions that hand out a token for any user''s account; any: any role with USAGE on schema auth_ext, only the '
'documented functions listed as such) and whether grant_app_role grants it.';

CREATE OR REPLACE FUNCTION auth_ext._grant_listed(role name, list text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fn regprocedure;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA auth_ext TO %I', role);
  FOR fn IN SELECT f.function_name FROM auth_ext.function_privileges() f
             WHERE CASE list WHEN 'app' THEN f.granted_to_app ELSE f.callable_by = list END LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, role);
  END LOOP;
END
$$;
COMMENT ON FUNCTION auth_ext._grant_listed(name, text) IS
'Internal (owner): USAGE on schema auth_ext and EXECUTE on the functions auth_ext.function_privileges() lists for '
'list: ''app'' (granted_to_app) or ''mail''; grant_app_role and grant_mail_role.';

CREATE OR REPLACE FUNCTION auth_ext.grant_app_role(role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM auth_ext._grant_listed(role, 'app');
END
$$;
COMMENT ON FUNCTION auth_ext.grant_app_role(name) IS
'Grants an application role (e.g. FastAPI''s) what it needs: USAGE on schema auth_ext and EXECUTE on the functions '
'auth_ext.function_privileges() marks granted_to_app (sign-up, sign-in, get_session, sign_out, sign_session_cookie, '
'change_password, reset_password, rate_limit_hit, verify_email, authenticate, authenticate_session, '
'verify_jwt, user_id, claims). It needs no privilege on Better Auth''s tables.';

CREATE OR REPLACE FUNCTION auth_ext.grant_mail_role(role name)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM auth_ext._grant_listed(role, 'mail');
END
$$;
COMMENT ON FUNCTION auth_ext.grant_mail_role(name) IS
'Grants the role that mails account links (e.g. FastAPI''s, when it serves /request-password-reset) USAGE on schema '
'auth_ext and EXECUTE on the functions auth_ext.function_privileges() marks mail (request_password_reset, '
'create_email_verification_token). They hand their caller a token for any user''s account, so a role that may call '
'them can take over any account (or verify any email), as the server that mails the links can: grant_app_role does '
'not grant them.';

-- Applies the list: PUBLIC loses EXECUTE on every function not marked any (app, mail, owner and
-- internal ones) and every right on the settings table. Only where PUBLIC still has them, so an upgrade leaves the privileges granted
-- since (for example by grant_app_role) out of the extension's initial privileges.
DO $privileges$
DECLARE
  saved_path pg_catalog.text := pg_catalog.current_setting('search_path');
  command pg_catalog.text;
BEGIN
  -- Operators and functions resolve in pg_catalog alone while this block runs: the script's own
  -- search_path starts with schema auth_ext, where the database owner may create objects.
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  FOR command IN
    SELECT pg_catalog.format('REVOKE ALL ON FUNCTION %I.%I(%s) FROM PUBLIC', n.nspname, p.proname,
                             pg_catalog.pg_get_function_identity_arguments(p.oid))
      FROM auth_ext.function_privileges() f
      JOIN pg_catalog.pg_proc p ON p.oid = f.function_name::pg_catalog.oid
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE f.callable_by <> 'any'
       AND EXISTS (SELECT 1 FROM pg_catalog.aclexplode(COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
                    WHERE a.grantee = 0)
    UNION ALL
    SELECT 'REVOKE ALL ON TABLE auth_ext.setting FROM PUBLIC'
     WHERE (SELECT c.relacl FROM pg_catalog.pg_class c
             WHERE c.oid = 'auth_ext.setting'::pg_catalog.regclass) IS NULL
  LOOP
    EXECUTE command;
  END LOOP;
  PERFORM pg_catalog.set_config('search_path', saved_path, true);
END
$privileges$;
