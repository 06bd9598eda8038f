-- pgTAP: pins every object the extension owns, that each function is documented, and the
-- privileges that keep settings and secrets away from other roles.
BEGIN;
SELECT no_plan();

SELECT is(
  ARRAY(SELECT pg_describe_object(classid, objid, objsubid) FROM pg_depend
        WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
          AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'auth_ext')
          -- PostgreSQL 17 and later also list a table's row type and its array type as members;
          -- they come and go with the table, which the list pins.
          AND NOT (classid = 'pg_type'::regclass AND EXISTS (
                SELECT FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem
                WHERE t.oid = objid AND (t.typrelid <> 0 OR e.typrelid <> 0)))
        ORDER BY 1),
  ARRAY[
    'function auth_ext._accept_password_proof(text,text)',
    'function auth_ext._base_column(text,text)',
    'function auth_ext._better_auth_columns()',
    'function auth_ext._check_current_password_proof(text,text,text)',
    'function auth_ext._check_password_length(text,boolean)',
    'function auth_ext._check_sign_in_password(text,text)',
    'function auth_ext._create_session(text,text,text,boolean,integer,jsonb,text)',
    'function auth_ext._credential_account(text)',
    'function auth_ext._extra_columns(text,text,jsonb,text[],text)',
    'function auth_ext._grant_listed(name,text)',
    'function auth_ext._hash_digest(text)',
    'function auth_ext._is_valid_email(text)',
    'function auth_ext._model_tables()',
    'function auth_ext._new_id()',
    'function auth_ext._new_password_hash(text,text,text)',
    'function auth_ext._open_password_proof(text)',
    'function auth_ext._options(text,jsonb,jsonb)',
    'function auth_ext._prepare_write()',
    'function auth_ext._raise(text,text,text)',
    'function auth_ext._require_tables(text[])',
    'function auth_ext._row_json(record)',
    'function auth_ext._seal_password_proof(text)',
    'function auth_ext._session_token_from_credential(text)',
    'function auth_ext._setting_value(text)',
    'function auth_ext._settings_changed()',
    'function auth_ext._sign_email_verification_token(text,text,integer,text,text)',
    'function auth_ext._store_credential_password(text,text,text)',
    'function auth_ext._table_names_fingerprint()',
    'function auth_ext._unique_index_covers(text,text,text)', 'function auth_ext._untrusted_objects(name)',
    'function auth_ext._utf16_length(text)',
    'function auth_ext._validate_setting(text,text)',
    'function auth_ext._verify_email_change(jsonb)',
    'function auth_ext._verify_email_token(text)',
    'function auth_ext.authenticate(text)',
    'function auth_ext.authenticate_session(text)',
    'function auth_ext.change_password(text,text,text,jsonb)',
    'function auth_ext.check_schema(name)',
    'function auth_ext.claims()',
    'function auth_ext.configure(text,text)',
    'function auth_ext.create_better_auth_schema(name)',
    'function auth_ext.create_email_verification_token(text,jsonb)',
    'function auth_ext.delete_user(text)',
    'function auth_ext.error_codes()',
    'function auth_ext.function_privileges()',
    'function auth_ext.generate_id(integer)',
    'function auth_ext.get_session(text)',
    'function auth_ext.grant_app_role(name)',
    'function auth_ext.grant_mail_role(name)',
    'function auth_ext.hash_password(text)',
    'function auth_ext.password_hash_proof(text)',
    'function auth_ext.password_proof(text,text)',
    'function auth_ext.rate_limit_hit(text,integer,integer)',
    'function auth_ext.request_password_reset(text,jsonb)',
    'function auth_ext.reset_password(text,text,jsonb)',
    'function auth_ext.revoke_sessions(text,jsonb)',
    'function auth_ext.set_password(text,text)',
    'function auth_ext.setting_definitions()',
    'function auth_ext.settings()',
    'function auth_ext.sign_in_email(text,text,jsonb,text)',
    'function auth_ext.sign_jwt(jsonb,jsonb)',
    'function auth_ext.sign_out(text)',
    'function auth_ext.sign_session_cookie(text)',
    'function auth_ext.sign_up_email(text,text,text,jsonb,text)',
    'function auth_ext.sync_table_names()',
    'function auth_ext.table_names()',
    'function auth_ext.user_id()',
    'function auth_ext.verify_email(text,jsonb)',
    'function auth_ext.verify_jwt(text,jsonb)',
    'function auth_ext.verify_password(text,text)',
    'table auth_ext.dont_remember_session',
    'table auth_ext.setting',
    'table auth_ext.used_password_proof'
  ],
  'the extension owns exactly these objects');

SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = 'auth_ext'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL
        ORDER BY 1),
  ARRAY[]::text[], 'every function has a COMMENT');

SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
          AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=pg_catalog%')
        ORDER BY 1),
  ARRAY[]::text[], 'every PL/pgSQL function fixes search_path to pg_catalog first');

-- Functions that run with the owner's rights, in any language (C included): search_path is
-- exactly pg_catalog, pg_temp, so no schema anyone else may write to takes part in name lookup.
SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef
          AND NOT COALESCE('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
        ORDER BY 1),
  ARRAY[]::text[], 'every SECURITY DEFINER function, whatever its language, has SET search_path = pg_catalog, pg_temp');
SELECT is(
  ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
        WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef ORDER BY 1),
  ARRAY['auth_ext.authenticate_session(text)', 'auth_ext.change_password(text,text,text,jsonb)',
        'auth_ext.create_email_verification_token(text,jsonb)',
        'auth_ext.delete_user(text)', 'auth_ext.get_session(text)',
        'auth_ext.password_hash_proof(text)', 'auth_ext.password_proof(text,text)',
        'auth_ext.rate_limit_hit(text,integer,integer)',
        'auth_ext.request_password_reset(text,jsonb)', 'auth_ext.reset_password(text,text,jsonb)',
        'auth_ext.revoke_sessions(text,jsonb)',
        'auth_ext.set_password(text,text)', 'auth_ext.sign_in_email(text,text,jsonb,text)',
        'auth_ext.sign_out(text)', 'auth_ext.sign_session_cookie(text)', 'auth_ext.sign_up_email(text,text,text,jsonb,text)',
        'auth_ext.sync_table_names()', 'auth_ext.table_names()',
        'auth_ext.verify_email(text,jsonb)'],
  'exactly these functions run with the owner''s rights');

SELECT ok(NOT has_table_privilege('public', 'auth_ext.setting', 'SELECT'), 'PUBLIC cannot read the settings (secrets)');
SELECT is_empty($$
  SELECT a.privilege_type FROM pg_class c, aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a
  WHERE c.oid = 'auth_ext.dont_remember_session'::regclass AND a.grantee <> c.relowner
$$, 'no role but the owner has any right on auth_ext.dont_remember_session');
SELECT is_empty($$
  SELECT a.privilege_type FROM pg_class c, aclexplode(COALESCE(c.relacl, acldefault('r', c.relowner))) a
  WHERE c.oid = 'auth_ext.used_password_proof'::regclass AND a.grantee <> c.relowner
$$, 'no role but the owner has any right on auth_ext.used_password_proof');
SELECT ok((SELECT 'auth_ext.dont_remember_session'::regclass = ANY (e.extconfig) AND 'auth_ext.setting'::regclass = ANY (e.extconfig)
           FROM pg_extension e WHERE e.extname = 'auth_ext'),
          'pg_dump keeps the settings and the "don''t remember me" markers (extension configuration tables)');
SELECT ok(NOT has_function_privilege('public', 'auth_ext.configure(text,text)', 'EXECUTE'), 'PUBLIC cannot change settings');
SELECT ok(NOT has_function_privilege('public', 'auth_ext.settings()', 'EXECUTE'), 'PUBLIC cannot list settings');

-- A role without grants cannot read a secret even through the functions it may call.
SELECT auth_ext.configure('jwt_shared_secret', 'schema-test-secret-0123456789abcdef');
CREATE ROLE auth_ext_schema_probe;
GRANT auth_ext_schema_probe TO CURRENT_USER;  -- lets a non-superuser owner (CREATEROLE) SET ROLE to it
GRANT USAGE ON SCHEMA auth_ext TO auth_ext_schema_probe;
SET ROLE auth_ext_schema_probe;
SELECT throws_ok('SELECT value FROM auth_ext.setting', '42501', NULL, 'the application role gets 42501 reading auth_ext.setting');
SELECT throws_ok($$SELECT auth_ext.configure('jwt_shared_secret', 'x')$$, '42501', NULL,
                 'the application role gets 42501 calling configure()');
RESET ROLE;

SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'auth_ext.verify_jwt(text,jsonb)'::regprocedure), 's',
          'verify_jwt is STABLE (it reads the clock and a table), never IMMUTABLE');

SELECT * FROM finish();
ROLLBACK;
