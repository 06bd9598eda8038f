-- pgTAP: the privileges in the catalog are exactly what auth_ext.function_privileges() says, for
-- PUBLIC, for an application role given grant_app_role, and for a role given nothing.
BEGIN;
SELECT no_plan();

SELECT ok((SELECT count(*) > 30 FROM auth_ext.function_privileges()), 'function_privileges lists the functions');
SELECT is((SELECT count(*) FROM auth_ext.function_privileges()),
          (SELECT count(*) FROM pg_proc WHERE pronamespace = 'auth_ext'::regnamespace),
          'every function of schema auth_ext is listed once');
SELECT set_eq($$SELECT DISTINCT callable_by FROM auth_ext.function_privileges()$$, ARRAY['owner', 'app', 'mail', 'any'],
              'four classes: owner, app, mail, any');
SELECT ok(NOT EXISTS (SELECT 1 FROM auth_ext.function_privileges() WHERE callable_by IN ('owner', 'mail') AND granted_to_app),
          'grant_app_role grants no owner or mail function');
SELECT set_eq($$SELECT function_name::text FROM auth_ext.function_privileges() WHERE callable_by = 'mail'$$,
              ARRAY['auth_ext.create_email_verification_token(text,integer)', 'auth_ext.request_password_reset(text,integer)'],
              'mail: the functions that hand out a token for any user''s account');

-- PUBLIC: EXECUTE on "any" functions only.
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f JOIN pg_proc p ON p.oid = f.function_name
  WHERE (f.callable_by = 'any') <> EXISTS (
    SELECT 1 FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a WHERE a.grantee = 0)
$$, 'PUBLIC may execute exactly the functions marked any');
SELECT is_empty($$
  SELECT a.privilege_type FROM pg_class c, aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a
  WHERE c.oid = 'auth_ext.setting'::regclass AND a.grantee <> c.relowner
$$, 'no role but the owner has any right on auth_ext.setting');
SELECT is_empty($$
  SELECT a.grantee FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
  WHERE n.nspname = 'auth_ext' AND a.grantee <> n.nspowner
$$, 'no role but the owner has USAGE on schema auth_ext before grant_app_role');

-- An application role: exactly app + any functions callable, no owner function, USAGE on the schema.
CREATE ROLE auth_ext_privileges_app;
SELECT auth_ext.grant_app_role('auth_ext_privileges_app');
SELECT ok(has_schema_privilege('auth_ext_privileges_app', 'auth_ext', 'USAGE'), 'grant_app_role grants USAGE');
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f
  WHERE has_function_privilege('auth_ext_privileges_app', f.function_name, 'EXECUTE') <> (f.callable_by IN ('app', 'any'))
$$, 'the application role may execute every app and any function, no owner or mail function');
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f
  WHERE f.granted_to_app AND NOT EXISTS (
    SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a
    WHERE p.oid = f.function_name AND a.grantee = 'auth_ext_privileges_app'::regrole)
$$, 'grant_app_role grants EXECUTE explicitly on every function marked granted_to_app');
SELECT ok(NOT has_table_privilege('auth_ext_privileges_app', 'auth_ext.setting', 'SELECT'),
          'the application role cannot read the settings');

-- The role that mails links: grant_mail_role adds the mail functions, and nothing of the owner's.
CREATE ROLE auth_ext_privileges_mail;
SELECT auth_ext.grant_mail_role('auth_ext_privileges_mail');
SELECT ok(has_schema_privilege('auth_ext_privileges_mail', 'auth_ext', 'USAGE'), 'grant_mail_role grants USAGE');
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f
  WHERE has_function_privilege('auth_ext_privileges_mail', f.function_name, 'EXECUTE') <> (f.callable_by IN ('mail', 'any'))
$$, 'grant_mail_role alone: the mail and any functions, no app or owner function');
SELECT auth_ext.grant_app_role('auth_ext_privileges_mail');
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f
  WHERE has_function_privilege('auth_ext_privileges_mail', f.function_name, 'EXECUTE') <> (f.callable_by <> 'owner')
$$, 'grant_app_role and grant_mail_role: everything but the owner functions');
GRANT auth_ext_privileges_app TO CURRENT_USER;
SET ROLE auth_ext_privileges_app;
SELECT throws_ok($$SELECT auth_ext.request_password_reset('someone@example.com')$$, '42501', NULL,
                 'an application role without grant_mail_role cannot get a reset token');
RESET ROLE;

-- A role given nothing cannot call even the "any" functions (no USAGE on the schema).
CREATE ROLE auth_ext_privileges_nobody;
GRANT auth_ext_privileges_nobody TO CURRENT_USER;  -- lets a non-superuser owner (CREATEROLE) SET ROLE to it
SET ROLE auth_ext_privileges_nobody;
SELECT throws_ok($$SELECT auth_ext.hash_password('x')$$, '42501', NULL, 'a role without USAGE cannot call auth_ext');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
