-- pgTAP: Better Auth's custom table and column names (its modelName / fields options, auth_ext's
-- better_auth_names setting): every account function, get_session and the jwks table work on
-- renamed tables and columns, rows come back under Better Auth's field names, check_schema
-- follows the names, the views follow the tables, and what cannot be honoured is refused with a
-- clear error (test/interop/test/table-names.test.mjs runs the real Better Auth on such tables).
\ir ../fixtures/jwt_test_keys.psql
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'pgtap-table-names-secret-0123456789abcdef');
CREATE TABLE public."rateLimit" (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL, "lastRequest" bigint NOT NULL);
-- The tables as an application with snake_case names has them (Better Auth's migrator makes them so).
ALTER TABLE public."user" RENAME TO users;
ALTER TABLE public.users RENAME COLUMN "emailVerified" TO email_verified;
ALTER TABLE public.users RENAME COLUMN "createdAt" TO created_at;
ALTER TABLE public.users RENAME COLUMN "updatedAt" TO updated_at;
ALTER TABLE public.session RENAME TO sessions;
ALTER TABLE public.sessions RENAME COLUMN "userId" TO user_id;
ALTER TABLE public.sessions RENAME COLUMN "expiresAt" TO expires_at;
ALTER TABLE public.sessions RENAME COLUMN token TO session_token;
ALTER TABLE public.account RENAME TO accounts;
ALTER TABLE public.accounts RENAME COLUMN "userId" TO user_id;
ALTER TABLE public.accounts RENAME COLUMN "providerId" TO provider_id;
ALTER TABLE public.accounts RENAME COLUMN "accountId" TO account_id;
ALTER TABLE public.accounts RENAME COLUMN password TO password_hash;
ALTER TABLE public.verification RENAME TO verifications;
ALTER TABLE public.verifications RENAME COLUMN "expiresAt" TO expires_at;
ALTER TABLE public.jwks RENAME TO jwks_keys;
ALTER TABLE public.jwks_keys RENAME COLUMN "publicKey" TO public_key;
ALTER TABLE public.jwks_keys RENAME COLUMN "expiresAt" TO expires_at;
ALTER TABLE public."rateLimit" RENAME TO rate_limits;
ALTER TABLE public.rate_limits RENAME COLUMN "lastRequest" TO last_request;

\set names '{"user": {"modelName": "users", "fields": {"emailVerified": "email_verified", "createdAt": "created_at", "updatedAt": "updated_at"}}, "session": {"modelName": "sessions", "fields": {"userId": "user_id", "expiresAt": "expires_at", "token": "session_token"}}, "account": {"modelName": "accounts", "fields": {"userId": "user_id", "providerId": "provider_id", "accountId": "account_id", "password": "password_hash"}}, "verification": {"modelName": "verifications", "fields": {"expiresAt": "expires_at"}}, "jwks": {"modelName": "jwks_keys", "fields": {"publicKey": "public_key", "expiresAt": "expires_at"}}, "rateLimit": {"modelName": "rate_limits", "fields": {"lastRequest": "last_request"}}}'

-- ---- before the names are configured: the defaults are looked for, and missing ----
SELECT is(auth_ext.table_names(), '{}'::jsonb, 'table_names(): {} by default');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('early@example.com', 'password123', 'E')$$, '42P01', NULL,
                 'renamed tables without better_auth_names: 42P01, not a write to the wrong table');
SELECT ok(EXISTS (SELECT FROM auth_ext.check_schema() WHERE problem = 'missing table' AND object = 'public."user"'),
          'check_schema looks for Better Auth''s default names when none are configured');

-- ---- configuring the names builds the views ----
SELECT lives_ok(format('SELECT auth_ext.configure(%L, %L)', 'better_auth_names', :'names'), 'configure(better_auth_names) takes Better Auth''s shape');
SELECT is(auth_ext.table_names(), :'names'::jsonb, 'table_names() returns the setting');
SELECT is_empty($$SELECT * FROM auth_ext.check_schema()$$, 'check_schema follows the names: healthy');
SELECT results_eq($$SELECT model, table_name, view_name, rebuilt FROM auth_ext.sync_table_names()$$,
                  $$VALUES ('user', 'public.users', 'auth_ext_names."user"', false), ('session', 'public.sessions', 'auth_ext_names.session', false),
                           ('account', 'public.accounts', 'auth_ext_names.account', false),
                           ('verification', 'public.verifications', 'auth_ext_names.verification', false),
                           ('rateLimit', 'public.rate_limits', 'auth_ext_names."rateLimit"', false)$$,
                  'one view per table, built by configure (nothing left to rebuild)');
SELECT is(to_regclass('auth_ext_names.jwks'), NULL, 'no view of jwks: the JWT functions read it by its configured names');
SELECT columns_are('auth_ext_names', 'user', ARRAY['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt'],
                   'the user view shows Better Auth''s field names');
SELECT is((SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'auth_ext_names'),
          (SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'auth_ext'), 'the views'' schema belongs to the extension owner');
SELECT is((SELECT count(*) FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'auth_ext_names' AND a.grantee <> n.nspowner),
          0::bigint, 'and grants nothing to anyone else');
SELECT is((SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.relnamespace = 'auth_ext_names'::regnamespace AND a.grantee <> c.relowner), 0::bigint, 'nor do its views');

-- ---- sign-up and sign-in write and read the renamed tables ----
CREATE TEMP TABLE r AS SELECT auth_ext.sign_up_email('Snake@Example.com', 'password123', 'Snake') AS r;
SELECT is((SELECT count(*) FROM public.users WHERE email = 'snake@example.com' AND email_verified = false
             AND created_at = updated_at), 1::bigint, 'sign-up writes the users table, its renamed columns filled');
SELECT is((SELECT count(*) FROM public.accounts a JOIN public.users u ON u.id = a.user_id
            WHERE a.provider_id = 'credential' AND a.account_id = u.id AND a.password_hash ~ '^[0-9a-f]{32}:[0-9a-f]{128}$'),
          1::bigint, 'the credential account in accounts, with its scrypt hash in password_hash');
SELECT is((SELECT count(*) FROM public.sessions WHERE session_token = (SELECT r->>'token' FROM r)), 1::bigint,
          'the session in sessions, its token in session_token');
SELECT is((SELECT array_agg(k ORDER BY k) FROM r, jsonb_object_keys(r->'user') k),
          ARRAY['createdAt', 'email', 'emailVerified', 'id', 'image', 'name', 'updatedAt'], 'the user comes back under Better Auth''s field names');
SELECT ok((SELECT r->'session' ?& ARRAY['userId', 'expiresAt', 'token'] AND NOT r->'session' ? 'user_id' FROM r),
          'so does the session');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('snake@example.com', 'password123', 'Again')$$, '23505',
                 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.', 'a taken email: USER_ALREADY_EXISTS');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', jsonb_build_object('user_id', (SELECT r->'user'->>'id' FROM r)))$$,
                 '22023', 'VALIDATION_ERROR: user_id is already taken', 'a taken id: told apart through the renamed table''s index');
CREATE TEMP TABLE si AS SELECT auth_ext.sign_in_email('snake@example.com', 'password123') AS r;
SELECT is((SELECT r->'user'->>'email' FROM si), 'snake@example.com', 'sign-in finds the user by the renamed tables');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('snake@example.com', 'wrong-password')$$, '28P01', NULL, 'a wrong password is refused');
SELECT is(auth_ext.get_session((SELECT r->>'token' FROM si))->'user'->>'emailVerified', 'false',
          'get_session reads the renamed tables, fields under Better Auth''s names');
SELECT is(auth_ext.get_session(auth_ext.sign_session_cookie((SELECT r->>'token' FROM si)))->'session'->>'userId',
          (SELECT r->'user'->>'id' FROM r), 'and a signed cookie value');
SELECT is(auth_ext.authenticate_session((SELECT r->>'token' FROM si))->>'sub', (SELECT r->'user'->>'id' FROM r),
          'authenticate_session too');
SELECT ok(auth_ext.sign_out((SELECT r->>'token' FROM si)), 'sign_out deletes from sessions');
SELECT is((SELECT count(*) FROM public.sessions WHERE session_token = (SELECT r->>'token' FROM si)), 0::bigint, 'the row is gone');

-- ---- the other account functions ----
SELECT is((auth_ext.change_password((SELECT r->'user'->>'id' FROM r), 'password123', 'password456'))->'session'->>'userId',
          (SELECT r->'user'->>'id' FROM r), 'change_password checks and rehashes password_hash');
SELECT ok(auth_ext.sign_in_email('snake@example.com', 'password456') ? 'token', 'the new password signs in');
SELECT lives_ok($$SELECT auth_ext.set_password((SELECT r->'user'->>'id' FROM r), 'password789')$$, 'set_password');
SELECT ok(auth_ext.sign_in_email('snake@example.com', 'password789') ? 'token', 'and its password signs in');
SELECT ok(auth_ext.revoke_sessions((SELECT r->'user'->>'id' FROM r)) >= 1, 'revoke_sessions deletes from sessions');
CREATE TEMP TABLE vt AS SELECT auth_ext.create_email_verification_token('snake@example.com') AS r;
SELECT is((auth_ext.verify_email((SELECT r->>'token' FROM vt)))->'user'->>'emailVerified', 'true', 'verify_email sets email_verified');
SELECT is((SELECT email_verified FROM public.users WHERE email = 'snake@example.com'), true, 'in the users table');
CREATE TEMP TABLE pr AS SELECT auth_ext.request_password_reset('snake@example.com') AS r;
SELECT is((SELECT count(*) FROM public.verifications WHERE identifier = 'reset-password:' || (SELECT r->>'token' FROM pr)
             AND expires_at > now()), 1::bigint, 'request_password_reset writes verifications, expires_at set');
SELECT lives_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT r->>'token' FROM pr), 'password000'), 'reset_password');
SELECT ok(auth_ext.sign_in_email('snake@example.com', 'password000') ? 'token', 'the reset password signs in');
SELECT is(auth_ext.rate_limit_hit('1.2.3.4|/sign-in/email', 10, 2), 1, 'rate_limit_hit counts in rate_limits');
SELECT is(auth_ext.rate_limit_hit('1.2.3.4|/sign-in/email', 10, 2), 2, 'up to the limit');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('1.2.3.4|/sign-in/email', 10, 2)$$, '54000', NULL, 'then RATE_LIMITED');
SELECT is((SELECT count FROM public.rate_limits WHERE key = '1.2.3.4|/sign-in/email' AND last_request > 0), 2, 'the row in rate_limits');
SELECT lives_ok($$SELECT auth_ext.delete_user((SELECT r->'user'->>'id' FROM r))$$, 'delete_user');
SELECT is((SELECT count(*) FROM public.users WHERE email = 'snake@example.com'), 0::bigint, 'the user is gone from users');

-- ---- extra fields: keyed by field name, written to their columns ----
ALTER TABLE public.users ADD COLUMN display_name text NOT NULL DEFAULT '', ADD COLUMN plan text;
SELECT lives_ok(format('SELECT auth_ext.configure(%L, %L)', 'better_auth_names',
                       jsonb_set(:'names'::jsonb, '{user,fields,displayName}', '"display_name"')), 'an additional field''s fieldName');
CREATE TEMP TABLE xf AS SELECT auth_ext.sign_up_email('extra@example.com', 'password123', 'X', '{"user_fields": {"displayName": "Ex", "plan": "pro"}}') AS r;
SELECT is((SELECT display_name || '/' || plan FROM public.users WHERE email = 'extra@example.com'), 'Ex/pro',
          'user_fields by field name fill the renamed column and the plain one');
SELECT is((SELECT r->'user'->>'displayName' FROM xf), 'Ex', 'and come back under the field name');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x2@example.com', 'password123', 'X', '{"user_fields": {"display_name": "Ex"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "display_name" is not a writable column of the user table',
                 'a renamed field''s column name is not a field');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x3@example.com', 'password123', 'X', '{"user_fields": {"displayName": null}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "displayName" is required', 'NOT NULL of the table behind the view holds');

-- ---- the views follow the tables ----
ALTER TABLE public.sessions ADD COLUMN impersonated_by text;
CREATE TEMP TABLE af AS SELECT auth_ext.sign_up_email('after@example.com', 'password123', 'A', '{"session_fields": {"impersonated_by": "admin"}}') AS r;
SELECT is((SELECT r->'session'->>'impersonated_by' FROM af), 'admin', 'a column added later is picked up by the next write');
SELECT is(auth_ext.get_session((SELECT r->>'token' FROM af))->'session'->>'impersonated_by', 'admin', 'and read back');
SELECT throws_ok($$ALTER TABLE public.users DROP COLUMN plan$$, '2BP01', NULL,
                 'a column the views show cannot be dropped behind their back');
DROP VIEW auth_ext_names."user";
ALTER TABLE public.users DROP COLUMN plan;
SELECT is((auth_ext.sign_up_email('dropped@example.com', 'password123', 'D'))->'user'->>'email', 'dropped@example.com',
          'after dropping its view, then the column: the next write rebuilds the view');
SELECT columns_are('auth_ext_names', 'user', ARRAY['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt', 'displayName'],
                   'without the dropped column');

-- ---- jwks: read directly, by its configured names ----
INSERT INTO public.jwks_keys (id, public_key, "privateKey", "createdAt", alg, crv)
  VALUES ('renamed-kid', (:'ed25519_public'::jsonb - 'kid')::text, '"x"', now(), 'EdDSA', 'Ed25519');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"j","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"renamed-kid"}'))->>'sub',
          'j', 'verify_jwt finds the key in jwks_keys.public_key');
UPDATE public.jwks_keys SET expires_at = now() - interval '31 days' WHERE id = 'renamed-kid';
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"j","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"renamed-kid"}')),
                 '28000', 'the token''s signing key has expired', 'and reads expires_at');

-- ---- refusals ----
SELECT throws_ok($$SELECT auth_ext.configure('better_auth_names', '{"users": {"modelName": "users"}}')$$, '22023', NULL,
                 'an unknown model is refused');
SELECT throws_ok($$SELECT auth_ext.configure('better_auth_names', '{"user": {"fields": {"email": "mail", "name": "mail"}}}')$$, '22023', NULL,
                 'two fields in one column are refused');
SELECT throws_ok($$SELECT auth_ext.configure('better_auth_names', '{"user": {"modelName": "account"}}')$$, '22023', NULL,
                 'two models in one table are refused');
SELECT throws_ok($$SELECT auth_ext.configure('better_auth_names', 'users')$$, '22023', NULL, 'text that is not JSON is refused');
SELECT throws_ok(format('SELECT auth_ext.configure(%L, %L)', 'better_auth_names',
                        jsonb_set(:'names'::jsonb, '{user,fields,image}', '"avatar_url"')),
                 '42703', 'better_auth_names: table public.users has no column for user.fields image -> avatar_url',
                 'a configured column the table lacks: 42703 at configure');
SELECT is(auth_ext.table_names() -> 'user' -> 'fields' ->> 'image', NULL, 'and the setting is not changed');

-- ---- names back to the defaults: the statements use the tables by name again ----
SELECT lives_ok($$SELECT auth_ext.configure('better_auth_names', NULL)$$, 'better_auth_names reset');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('extra@example.com', 'password123')$$, '42P01', NULL,
                 'the default names are looked for again');
SELECT is_empty($$SELECT * FROM auth_ext.sync_table_names()$$, 'sync_table_names() with the default names, which no table has: nothing to build');
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'auth_ext_names'::regnamespace), 0::bigint, 'and the views are gone');

-- ---- another role's schema of the views' name is never used ----
SELECT lives_ok(format('SELECT auth_ext.configure(%L, %L)', 'better_auth_names', :'names'), 'names again');
SET LOCAL client_min_messages = warning;
DROP SCHEMA auth_ext_names CASCADE;
RESET client_min_messages;
CREATE ROLE auth_ext_names_squatter;
GRANT auth_ext_names_squatter TO CURRENT_USER;
CREATE SCHEMA auth_ext_names AUTHORIZATION auth_ext_names_squatter;
SELECT throws_ok($$SELECT auth_ext.sync_table_names()$$, '42501',
                 format('UNTRUSTED_OBJECT: schema auth_ext_names belongs to role auth_ext_names_squatter, not to %s, the owner of the auth_ext extension',
                        quote_ident((SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'auth_ext.setting'::regclass))),
                 'a schema auth_ext_names of another owner: 42501');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('extra@example.com', 'password123')$$, '42501', NULL, 'and no account write uses it');

SELECT * FROM finish();
ROLLBACK;
