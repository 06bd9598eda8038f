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
              ARRAY['auth_ext.create_email_verification_token(text,jsonb)', 'auth_ext.request_password_reset(text,jsonb)'],
              'mail: the functions that hand out a token for any user''s account');

-- Internals are the owner's: no _-prefixed function is any, app or mail, and any is exactly the
-- documented API listed as such (a new function is the owner's until it is listed).
SELECT is_empty($$SELECT f.function_name::text FROM auth_ext.function_privileges() f JOIN pg_proc p ON p.oid = f.function_name
                  WHERE p.proname LIKE '\_%' AND (f.callable_by <> 'owner' OR f.granted_to_app)$$,
                'every internal (_-prefixed) function is owner only, granted to no one');
SELECT set_eq($$SELECT function_name::text FROM auth_ext.function_privileges() WHERE callable_by = 'any'$$,
              ARRAY['auth_ext.authenticate(text)', 'auth_ext.claims()', 'auth_ext.error_codes()',
                    'auth_ext.function_privileges()', 'auth_ext.generate_id(integer)', 'auth_ext.hash_password(text)',
                    'auth_ext.setting_definitions()', 'auth_ext.sign_jwt(jsonb,jsonb)', 'auth_ext.table_names()',
                    'auth_ext.user_id()', 'auth_ext.verify_jwt(text,jsonb)', 'auth_ext.verify_password(text,text)'],
              'any: exactly the documented functions that hold no secret and reach no account');
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p
  WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef IS FALSE
    AND (SELECT f.callable_by FROM auth_ext.function_privileges() f WHERE f.function_name = p.oid) <> 'owner'
    AND p.prolang <> (SELECT oid FROM pg_language WHERE lanname = 'c')
    AND p.prosrc ~ 'auth_ext\._'
$$, 'no function that others may call and that runs as its caller calls an internal (which they could not execute)');

-- Every C function is STRICT, except those where NULL has a meaning, which say what in their
-- COMMENT and check every argument for NULL in C (issue 22, defect 4: _validate_setting(NULL, ...)
-- dereferenced NULL and took the whole cluster down).
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                WHERE p.pronamespace = 'auth_ext'::regnamespace AND l.lanname = 'c' AND NOT p.proisstrict$$,
              ARRAY['auth_ext._validate_setting(text,text)', 'auth_ext.verify_jwt(text,jsonb)', 'auth_ext.authenticate(text)',
                    'auth_ext.authenticate_session(text)',
                    'auth_ext._sign_email_verification_token(text,text,integer,text,text)',
                    'auth_ext.sign_in_email(text,text,jsonb,text)', 'auth_ext._check_sign_in_password(text,text)',
                    'auth_ext._create_session(text,text,text,boolean,integer,jsonb,text)'],
              'every C function is STRICT but the eight where NULL means something');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                  WHERE p.pronamespace = 'auth_ext'::regnamespace AND l.lanname = 'c' AND NOT p.proisstrict
                    AND obj_description(p.oid, 'pg_proc') !~ 'NULL'$$,
                'each C function that is not STRICT says in its COMMENT what NULL means');

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

SELECT is_empty($$
  SELECT p.oid::regprocedure::text, a.grantee::regrole::text FROM pg_proc p, aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) a
  WHERE p.pronamespace = 'auth_ext'::regnamespace AND a.grantee NOT IN (0, p.proowner)
$$, 'before grant_app_role and grant_mail_role no role but the owner and PUBLIC holds EXECUTE on any function');

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
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p, aclexplode(p.proacl) a
                WHERE p.pronamespace = 'auth_ext'::regnamespace AND a.grantee = 'auth_ext_privileges_app'::regrole$$,
              $$SELECT function_name::text FROM auth_ext.function_privileges() WHERE granted_to_app$$,
              'grant_app_role grants EXECUTE on the functions marked granted_to_app and nothing else');
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
SELECT set_eq($$SELECT p.oid::regprocedure::text FROM pg_proc p, aclexplode(p.proacl) a
                WHERE p.pronamespace = 'auth_ext'::regnamespace AND a.grantee = 'auth_ext_privileges_mail'::regrole$$,
              $$SELECT function_name::text FROM auth_ext.function_privileges() WHERE callable_by = 'mail'$$,
              'grant_mail_role grants EXECUTE on the mail functions and nothing else');
SELECT auth_ext.grant_app_role('auth_ext_privileges_mail');
SELECT is_empty($$
  SELECT f.function_name::text FROM auth_ext.function_privileges() f
  WHERE has_function_privilege('auth_ext_privileges_mail', f.function_name, 'EXECUTE') <> (f.callable_by <> 'owner')
$$, 'grant_app_role and grant_mail_role: everything but the owner functions');
GRANT auth_ext_privileges_app TO CURRENT_USER;
SET ROLE auth_ext_privileges_app;
SELECT throws_ok($$SELECT auth_ext.request_password_reset('someone@example.com')$$, '42501', NULL,
                 'an application role without grant_mail_role cannot get a reset token');
-- Issue 22: defect 4 (_validate_setting(NULL, 'x') crashed the backend; any role with USAGE could
-- call it) and defect 10 (the application role raised any coded error, or XX000, through _raise).
SELECT throws_ok($$SELECT auth_ext._validate_setting(NULL, 'x')$$, '42501', NULL,
                 'the application role cannot call _validate_setting');
SELECT throws_ok($$SELECT auth_ext._raise('USER_NOT_FOUND', 'a message of the caller''s', 'a hint of the caller''s')$$,
                 '42501', NULL, 'the application role cannot call _raise');
SELECT throws_ok($$SELECT auth_ext._raise('NO_SUCH_CODE')$$, '42501', NULL, 'nor _raise with an unknown code');
SELECT throws_ok($$SELECT auth_ext._raise(NULL)$$, '42501', NULL, 'nor _raise with NULL');
SELECT throws_ok($$SELECT auth_ext._setting_value('better_auth_secret')$$, '42501', NULL,
                 'the application role cannot call the internal settings reader');
SELECT lives_ok($$SELECT auth_ext.user_id(), auth_ext.claims(), auth_ext.error_codes()$$,
                'the application role still calls the identity functions and error_codes()');
RESET ROLE;
SELECT throws_ok($$SELECT auth_ext._validate_setting(NULL, 'x')$$, '22023', 'auth_ext setting name must not be NULL',
                 'the owner''s _validate_setting(NULL, ''x'') is 22023, not a crash');
SELECT throws_ok($$SELECT auth_ext._validate_setting(NULL, NULL)$$, '22023', 'auth_ext setting name must not be NULL',
                 '_validate_setting(NULL, NULL) is 22023');
SELECT is(auth_ext._validate_setting('better_auth_secret', NULL), true, '_validate_setting(name, NULL) checks the name only');
SELECT throws_ok($$SELECT auth_ext._raise(NULL)$$, '22023', NULL, 'the owner''s _raise(NULL) is 22023, never XX000');
SELECT throws_ok($$SELECT auth_ext.configure(NULL, 'x')$$, '22023', NULL, 'configure(NULL, ...) is 22023');
SELECT is(auth_ext.verify_jwt(NULL), NULL, 'verify_jwt(NULL) is NULL');
SELECT is(auth_ext.authenticate(NULL), NULL, 'authenticate(NULL) is NULL');
-- authenticate stays non-STRICT because NULL has a meaning: no token, no identity.
SELECT auth_ext.configure('jwt_shared_secret', 'identity-test-secret-0123456789abcdef');
SELECT is(auth_ext.authenticate(auth_ext.sign_jwt('{"sub":"alice","exp":4102444800}',
            '{"kty":"oct","k":"aWRlbnRpdHktdGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg"}'))->>'sub', 'alice',
          'authenticate sets an identity');
SELECT is(auth_ext.authenticate(NULL), NULL, 'authenticate(NULL) after it');
SELECT is(auth_ext.user_id(), NULL, 'authenticate(NULL) clears the identity (why it is not STRICT)');
SELECT is(auth_ext.authenticate_session(NULL), NULL, 'authenticate_session(NULL) is NULL');
SELECT is(auth_ext.get_session(NULL), NULL, 'get_session(NULL) is NULL');
SELECT is(auth_ext._sign_email_verification_token(NULL, 'u', 60), NULL, '_sign_email_verification_token(NULL, ...) is NULL');

-- A role given nothing cannot call even the "any" functions (no USAGE on the schema).
CREATE ROLE auth_ext_privileges_nobody;
GRANT auth_ext_privileges_nobody TO CURRENT_USER;  -- lets a non-superuser owner (CREATEROLE) SET ROLE to it
SET ROLE auth_ext_privileges_nobody;
SELECT throws_ok($$SELECT auth_ext.hash_password('x')$$, '42501', NULL, 'a role without USAGE cannot call auth_ext');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
