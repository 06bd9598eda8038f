-- pgTAP: account operations — rows as Better Auth writes them, every error path with its SQLSTATE
-- and message, the session credential forms, refresh and expiry, and the application role's
-- privileges.
BEGIN;
SELECT no_plan();

SELECT throws_ok($$SELECT auth_ext.sign_up_email('a@example.com', 'password123', 'A')$$, '42P01', NULL,
                 'without Better Auth''s tables: 42P01 (with a check_schema() hint)');
SELECT auth_ext.create_better_auth_schema();
SELECT is_empty('SELECT * FROM auth_ext.check_schema()', 'a fresh schema is healthy');
ALTER TABLE jwks DROP COLUMN alg, DROP COLUMN crv;
SELECT is_empty('SELECT * FROM auth_ext.check_schema()', 'a Better Auth 1.6 jwks table (no alg, no crv) is healthy too');
ALTER TABLE jwks ADD COLUMN alg text, ADD COLUMN crv text;
SELECT lives_ok('SELECT auth_ext.create_better_auth_schema()', 'create_better_auth_schema is idempotent');

-- ---- sign-up ----
CREATE TEMP TABLE r AS SELECT auth_ext.sign_up_email('Alice.Smith@Example.COM', 'password123', 'Alice', '{"ip_address": "203.0.113.9", "user_agent": "pgtap"}') AS j;
SELECT is((SELECT j->'user'->>'email' FROM r), 'alice.smith@example.com', 'the email is stored lower case');
SELECT matches((SELECT j->>'token' FROM r), '^[A-Za-z0-9]{32}$', 'the session token is 32 characters of Better Auth''s alphabet');
SELECT matches((SELECT j->'user'->>'id' FROM r), '^[A-Za-z0-9]{32}$', 'the user id is a 32-character Better Auth id');
SELECT is((SELECT j->'session'->>'token' FROM r), (SELECT j->>'token' FROM r), 'token and session.token agree');
SELECT matches((SELECT j->'user'->>'createdAt' FROM r), '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', 'timestamps are JavaScript ISO strings');
SELECT is((SELECT "emailVerified" FROM "user"), false, 'emailVerified is false');
SELECT is((SELECT count(*)::int FROM account WHERE "providerId" = 'credential' AND "accountId" = "userId"), 1,
          'one credential account with accountId = user id');
SELECT ok((SELECT auth_ext.verify_password('password123', password) FROM account), 'the stored hash verifies');
SELECT ok((SELECT "accessToken" IS NULL AND "refreshToken" IS NULL AND "idToken" IS NULL AND scope IS NULL FROM account), 'OAuth columns are NULL');
SELECT is((SELECT "ipAddress" || '|' || "userAgent" FROM session), '203.0.113.9|pgtap', 'ip and user agent are stored');
SELECT is((SELECT "expiresAt" - "createdAt" FROM session), interval '7 days', 'the session lasts expiresIn (7 days)');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_up_email('nobody.remembers@example.com', 'password123', 'N', '{"remember_me": false}') AS j) x),
          interval '1 day', 'remember_me = false: one day');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_up_email('short.lived@example.com', 'password123', 'S', '{"session_expires_in": 120}') AS j) x),
          interval '120 seconds', 'session_expires_in (Better Auth''s session.expiresIn) overrides the setting');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_up_email('short.forgotten@example.com', 'password123', 'S', '{"remember_me": false, "session_expires_in": 120}') AS j) x),
          interval '1 day', 'remember_me = false: one day whatever session_expires_in is (as Better Auth)');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"session_expires_in": 3600}') AS j) x),
          interval '1 hour', 'sign-in: session_expires_in sets the lifetime');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"remember_me": true, "session_expires_in": null}') AS j) x),
          interval '7 days', 'sign-in: a NULL session_expires_in is the setting');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('bounds@example.com', 'password123', 'B', '{"session_expires_in": 0}')$$, '22023',
                 'VALIDATION_ERROR: session_expires_in must be from 1 to 315360000 seconds', 'sign-up: session_expires_in 0 is 22023');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('bounds@example.com', 'password123', 'B', '{"session_expires_in": 315360001}')$$, '22023',
                 'VALIDATION_ERROR: session_expires_in must be from 1 to 315360000 seconds', 'sign-up: over ten years is 22023');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'bounds@example.com'), 0, 'and writes nothing');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"session_expires_in": -5}')$$, '22023',
                 'VALIDATION_ERROR: session_expires_in must be from 1 to 315360000 seconds', 'sign-in: a negative session_expires_in is 22023');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"session_expires_in": 315360001}')$$, '22023',
                 'VALIDATION_ERROR: session_expires_in must be from 1 to 315360000 seconds', 'sign-in: over ten years is 22023');
SELECT lives_ok($$SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"session_expires_in": 1}')$$,
                'sign-in: one second is accepted');
SELECT is((SELECT ("j"->'session'->>'expiresAt')::timestamptz - ("j"->'session'->>'createdAt')::timestamptz FROM
           (SELECT auth_ext.sign_in_email('short.lived@example.com', 'password123', '{"session_expires_in": 315360000}') AS j) x),
          interval '315360000 seconds', 'sign-in: ten years is accepted');
SELECT is((SELECT "ipAddress" || '|' || "userAgent" FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'nobody.remembers@example.com'),
          '|', 'unknown ip and user agent are empty strings, not NULL');

SELECT throws_ok($$SELECT auth_ext.sign_up_email('alice.smith@example.com', 'password123', 'Again')$$, '23505',
                 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.', 'a duplicate email is 23505');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('ALICE.SMITH@example.com', 'password123', 'Again')$$, '23505',
                 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.', 'also when it differs only in case');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('not-an-email', 'password123', 'X')$$, '22023', 'INVALID_EMAIL: Invalid email', 'an invalid email');
SELECT throws_ok($$SELECT auth_ext.sign_up_email(' padded@example.com', 'password123', 'X')$$, '22023', 'INVALID_EMAIL: Invalid email', 'no trimming, as Better Auth');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('tld@example.c0m', 'password123', 'X')$$, '22023', 'INVALID_EMAIL: Invalid email', 'a top-level domain of letters only');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x@example.com', '1234567', 'X')$$, '22023', 'PASSWORD_TOO_SHORT: Password too short', '7 characters is too short');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x@example.com', repeat('x', 129), 'X')$$, '22023', 'PASSWORD_TOO_LONG: Password too long', '129 characters is too long');
SELECT lives_ok($$SELECT auth_ext.sign_up_email('emoji@example.com', U&'\+01F511\+01F511\+01F511\+01F511', 'E')$$,
                'four emoji are 8 UTF-16 units: long enough, as in Better Auth');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x@example.com', 'password123', NULL)$$, '22023', 'VALIDATION_ERROR: Name is required', 'name is required');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x@example.com', '', 'X')$$, '22023', 'VALIDATION_ERROR: Password is required', 'an empty password');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'x@example.com'), 0, 'failed sign-ups leave no rows');

-- ---- sign-in ----
SELECT is((auth_ext.sign_in_email('ALICE.SMITH@example.com', 'password123'))->'user'->>'email', 'alice.smith@example.com', 'sign-in, any case');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('alice.smith@example.com', 'password124')$$, '28P01',
                 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'a wrong password is 28P01');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('nobody@example.com', 'password123')$$, '28P01',
                 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'an unknown email is the same error');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('alice.smith@example.com', 'p')$$, '28P01', NULL,
                 'sign-in checks only the maximum length (a 1-character password is 401, not 400)');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('bad', 'password123')$$, '22023', 'INVALID_EMAIL: Invalid email', 'sign-in with an invalid email');
UPDATE account SET password = 'garbage' WHERE "userId" = (SELECT id FROM "user" WHERE email = 'emoji@example.com');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('emoji@example.com', 'whatever-password')$$, '28P01',
                 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password',
                 'a stored hash that is not Better Auth''s format is a wrong password, not an internal error');
UPDATE account SET password = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'
 WHERE "userId" = (SELECT id FROM "user" WHERE email = 'emoji@example.com');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('emoji@example.com', 'whatever-password')$$, '28P01',
                 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'so is a bcrypt hash');
UPDATE account SET password = 'abcd:' || repeat('z', 128) WHERE "userId" = (SELECT id FROM "user" WHERE email = 'emoji@example.com');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('emoji@example.com', 'whatever-password')$$, '28P01',
                 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'and a salt:key whose key is not hexadecimal');
UPDATE account SET password = 'garbage' WHERE "userId" = (SELECT id FROM "user" WHERE email = 'emoji@example.com');
SELECT is((SELECT count(*)::int FROM auth_ext.check_schema() WHERE problem LIKE '%malformed password hashes%'), 1, 'check_schema reports it');

-- ---- sessions: credential forms, expiry, refresh, sign-out ----
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'betterAuthCookie0000000000000001', now() + interval '7 days', 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG', now(), now(), '', '', id
FROM "user" WHERE email = 'alice.smith@example.com';
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user'->>'email', 'alice.smith@example.com', 'the bare token');
SELECT throws_ok($$SELECT auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D')$$,
                 '55000', 'signed session cookies need the better_auth_secret setting', 'a signed value without the secret configured: 55000');
SELECT throws_ok($$SELECT auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')$$,
                 '55000', 'signed session cookies need the better_auth_secret setting', 'sign_session_cookie without the secret configured: 55000');
SELECT auth_ext.configure('better_auth_secret', 'interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708');
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D')->'session'->>'id',
          'betterAuthCookie0000000000000001', 'the real Better Auth cookie value (docs/better-auth-compatibility.md §3), URL-encoded');
SELECT is(auth_ext.get_session('Bearer G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=')->'session'->>'id',
          'betterAuthCookie0000000000000001', 'the bearer form with a decoded signature');
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.AMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo='), NULL, 'a bad signature finds nothing');
-- sign_session_cookie: the same signature, made by the extension for the application
SELECT is(auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'),
          'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=',
          'sign_session_cookie gives the real Better Auth cookie value (docs/better-auth-compatibility.md §3), not URL-encoded');
SELECT is(auth_ext.get_session(auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'))->'session'->>'id',
          'betterAuthCookie0000000000000001', 'get_session accepts what sign_session_cookie signs');
SELECT is(auth_ext.sign_session_cookie('no-such-session-token-0000000000'), NULL, 'sign_session_cookie signs only a session''s token');
SELECT is(auth_ext.sign_session_cookie('{"session":{"token":"G1kNA9QMICNACjGhPDKGzyq7BUKdPInG"}}'), NULL,
          'and nothing else (the secret signs Better Auth''s other cookies too)');
CREATE TEMP TABLE signed_in AS
  SELECT r AS j, auth_ext.sign_session_cookie(r->>'token') AS cookie
  FROM auth_ext.sign_up_email('cookie.signer@example.com', 'password123', 'Cookie') r;
SELECT matches((SELECT cookie FROM signed_in), '^' || (SELECT j->>'token' FROM signed_in) || '\.[A-Za-z0-9+/]{43}=$',
               'a session created in the same statement is signed');
SELECT is(auth_ext.authenticate_session((SELECT cookie FROM signed_in))->>'sub', (SELECT j->'user'->>'id' FROM signed_in),
          'authenticate_session accepts it');
-- The result is built in C from the two rows; it must equal the SQL form (to_jsonb with
-- JavaScript dates), and extra columns (Better Auth's additionalFields) keep their JSON types.
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'),
          (SELECT jsonb_build_object(
             'session', to_jsonb(se) || jsonb_build_object(
                'expiresAt', to_char(se."expiresAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'createdAt', to_char(se."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'updatedAt', to_char(se."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
             'user', to_jsonb(u) || jsonb_build_object(
                'createdAt', to_char(u."createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'updatedAt', to_char(u."updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
           FROM session se JOIN "user" u ON u.id = se."userId" WHERE se.token = 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'),
          'get_session equals to_jsonb of both rows with JavaScript dates');
ALTER TABLE "user" ADD COLUMN age integer DEFAULT 42, ADD COLUMN score numeric DEFAULT 1.50,
  ADD COLUMN ratio float8 DEFAULT 'NaN', ADD COLUMN "lastSeen" timestamptz DEFAULT '2026-01-02 03:04:05.678+00',
  ADD COLUMN nickname varchar(20), ADD COLUMN premium boolean DEFAULT true;
SELECT is((auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user')
            - ARRAY['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt'],
          '{"age": 42, "score": 1.50, "ratio": "NaN", "lastSeen": "2026-01-02T03:04:05.678Z", "nickname": null, "premium": true}'::jsonb,
          'extra columns: numbers, NaN as a string, a JavaScript date, null, boolean');
UPDATE session SET "expiresAt" = now() + interval '5 days' WHERE token = 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG';
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user'->>'lastSeen', '2026-01-02T03:04:05.678Z',
          'the refresh path writes the same JSON as the fast path');
CREATE DOMAIN pg_temp.js_date AS timestamptz;
ALTER TABLE "user" ADD COLUMN prefs jsonb DEFAULT '{"theme": "dark"}', ADD COLUMN tags text[] DEFAULT '{a,b}';
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user' -> 'prefs' ->> 'theme', 'dark',
          'other column types (jsonb) go through the SQL builder');
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user' -> 'tags', '["a", "b"]'::jsonb,
          'arrays as to_jsonb writes them');
SELECT is((auth_ext.sign_up_email('extra.columns@example.com', 'password123', 'X'))->'user' -> 'prefs',
          '{"theme": "dark"}'::jsonb, 'sign-up answers with such columns too (the to_jsonb fallback)');
SELECT is(auth_ext._row_json(r), '{"t": "a", "n": 1, "b": true, "d": "2026-01-02T03:04:05.678Z", "z": null}'::jsonb,
          '_row_json: a row as Better Auth''s JSON')
  FROM (SELECT 'a'::text AS t, 1 AS n, true AS b, timestamptz '2026-01-02 03:04:05.678+00' AS d, NULL::text AS z) r;
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'user'->>'lastSeen', '2026-01-02T03:04:05.678Z',
          'with a jsonb column present, an extra timestamptz is still a JavaScript date (one row builder)');
SELECT is((auth_ext.sign_in_email('extra.columns@example.com', 'password123'))->'user'->>'lastSeen', '2026-01-02T03:04:05.678Z',
          'sign-in writes it the same way');
SELECT is(auth_ext._row_json(r),
          '{"j": {"k": [1, "x"]}, "js": {"a": null}, "arr": [1, 2], "n": "NaN", "ni": "-Infinity", "f": 0.5, "i8": 9007199254740993,'
          ' "s": 7, "u": "6c7f0b1e-5b4c-4c1e-9a3e-2f1d0c9b8a7e", "inf": null, "bc": "-000001-01-01T00:00:00.000Z",'
          ' "y5": "+010000-01-01T00:00:00.000Z", "dom": "2026-01-02T03:04:05.678Z", "d": "2026-01-02", "b": false}'::jsonb,
          '_row_json: every column type (json/jsonb embedded, arrays and others as to_jsonb, NaN as a string, dates as JavaScript)')
  FROM (SELECT '{"k": [1, "x"]}'::jsonb AS j, '{"a": null}'::json AS js, ARRAY[1, 2] AS arr, 'NaN'::numeric AS n,
               '-Infinity'::numeric AS ni, 0.5::float4 AS f, 9007199254740993::int8 AS i8, 7::int2 AS s,
               '6c7f0b1e-5b4c-4c1e-9a3e-2f1d0c9b8a7e'::uuid AS u, 'infinity'::timestamptz AS inf,
               '0002-01-01 00:00:00+00 BC'::timestamptz AS bc, '10000-01-01 00:00:00+00'::timestamptz AS y5,
               '2026-01-02 03:04:05.678+00'::pg_temp.js_date AS dom, '2026-01-02'::date AS d, false AS b) r;
-- A column behind the account views is dropped with its view (the next account call builds it again).
DROP VIEW auth_ext_names."user";
ALTER TABLE "user" DROP COLUMN age, DROP COLUMN score, DROP COLUMN ratio, DROP COLUMN "lastSeen", DROP COLUMN nickname,
  DROP COLUMN premium, DROP COLUMN prefs, DROP COLUMN tags;

SELECT is(auth_ext.get_session('no-such-token'), NULL, 'an unknown token finds nothing');
UPDATE session SET "expiresAt" = now() + interval '5 days' WHERE token = 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG';
SELECT is((auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '7 days', 'older than updateAge: the session is extended to now + expiresIn');
UPDATE session SET "expiresAt" = now() - interval '1 second' WHERE token = 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG';
SELECT is(auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'), NULL, 'sign_session_cookie: an expired session is not signed');
SELECT is(auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'), NULL, 'an expired session is not returned');
SELECT is((SELECT count(*)::int FROM session WHERE token = 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG'), 0, 'and its row is deleted');
SELECT ok(auth_ext.sign_out((SELECT j->>'token' FROM r)), 'sign_out deletes the session');
SELECT is(auth_ext.get_session((SELECT j->>'token' FROM r)), NULL, 'a signed-out session is gone at once');

-- ---- passwords, revocation, deletion ----
SELECT throws_ok(format('SELECT auth_ext.change_password(%L, %L, %L)', (SELECT id FROM "user" WHERE email = 'alice.smith@example.com'), 'wrong-current', 'new-password-1'),
                 '28P01', 'INVALID_PASSWORD: Invalid password', 'change_password with a wrong current password');
SELECT matches((auth_ext.change_password((SELECT id FROM "user" WHERE email = 'alice.smith@example.com'), 'password123', 'new-password-1'))->>'token',
               '^[A-Za-z0-9]{32}$', 'change_password returns a new session');
SELECT is((SELECT count(*)::int FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'alice.smith@example.com'), 1,
          'and revoked every other session');
SELECT throws_ok($$SELECT auth_ext.set_password('no-such-user', 'new-password-2')$$, 'P0002', 'USER_NOT_FOUND: User not found', 'set_password for an unknown user');
SELECT lives_ok(format('SELECT auth_ext.set_password(%L, %L)', (SELECT id FROM "user" WHERE email = 'emoji@example.com'), 'repaired-password'),
                'set_password rewrites a malformed hash');
SELECT is((auth_ext.sign_in_email('emoji@example.com', 'repaired-password'))->'user'->>'email', 'emoji@example.com', 'and the user signs in again');
SELECT is(auth_ext.revoke_sessions((SELECT id FROM "user" WHERE email = 'emoji@example.com')), 2,
          'revoke_sessions deletes the user''s sessions (sign-up and sign-in)');
SELECT ok(auth_ext.delete_user((SELECT id FROM "user" WHERE email = 'emoji@example.com')), 'delete_user');
SELECT is((SELECT count(*)::int FROM account a WHERE NOT EXISTS (SELECT 1 FROM "user" u WHERE u.id = a."userId")), 0, 'accounts cascade');

-- ---- the application role: functions only, no table privileges ----
CREATE ROLE auth_ext_pgtap_app;
GRANT auth_ext_pgtap_app TO CURRENT_USER;  -- lets a non-superuser owner (CREATEROLE) SET ROLE to it
SELECT auth_ext.grant_app_role('auth_ext_pgtap_app');
SET ROLE auth_ext_pgtap_app;
SELECT matches((auth_ext.sign_up_email('app.user@example.com', 'app-password-1', 'App'))->>'token', '^[A-Za-z0-9]{32}$',
               'the application role signs up');
SELECT is((auth_ext.get_session((auth_ext.sign_in_email('app.user@example.com', 'app-password-1'))->>'token'))->'user'->>'email',
          'app.user@example.com', 'signs in and validates the session');
SELECT throws_ok('SELECT password FROM account', '42501', NULL, 'but cannot read account.password');
SELECT throws_ok($$SELECT auth_ext.delete_user('x')$$, '42501', NULL, 'nor call the administrative functions');
SELECT throws_ok($$SELECT value FROM auth_ext.setting$$, '42501', NULL, 'nor read the secrets');
SELECT throws_ok($$SELECT session_id FROM auth_ext.dont_remember_session$$, '42501', NULL,
                 'nor read the "don''t remember me" markers');
-- Issue 22, defect 9: the application role made a value of its choosing a session's token, then had
-- sign_session_cookie sign it: HMAC(better_auth_secret, value), a valid value of any of Better
-- Auth's signed cookies (dont_remember, two_factor, oauth_popup ...). sign_session_cookie now signs
-- only Better Auth's token shape (32 letters and digits), which no other signed cookie's value has.
-- (sign_up_email still takes a chosen token: Better Auth's database hooks may choose one.)
CREATE TEMP TABLE forged AS
  SELECT r->>'token' AS token, auth_ext.sign_session_cookie(r->>'token') AS cookie
  FROM auth_ext.sign_up_email('forger@example.com', 'app-password-1', 'F', jsonb_build_object('session_token', CAST('{"popupOrigin":"https://evil.example"}' AS text))) r;
SELECT is((SELECT token FROM forged), '{"popupOrigin":"https://evil.example"}', 'the application role chose a session token');
SELECT is((SELECT cookie FROM forged), NULL,
          'but sign_session_cookie does not sign it (an oauth_popup marker; the defect signed it)');
CREATE TEMP TABLE forged_2fa AS
  SELECT auth_ext.sign_session_cookie(r->>'token') AS cookie
  FROM auth_ext.sign_up_email('forger.2fa@example.com', 'app-password-1', 'F', '{"session_token": "2fa-attacker-chosen-identifier-0"}') r;
SELECT is((SELECT cookie FROM forged_2fa), NULL, 'nor a two_factor cookie''s value of 32 characters');
SELECT is(auth_ext.sign_session_cookie('true'), NULL, 'nor a dont_remember cookie''s value');
CREATE TEMP TABLE chosen_token AS
  SELECT r->>'token' AS token, auth_ext.sign_session_cookie(r->>'token') AS cookie
  FROM auth_ext.sign_up_email('chooser@example.com', 'app-password-1', 'C', '{"session_token": "AppChosenToken0123456789abcdefXY"}') r;
SELECT matches((SELECT cookie FROM chosen_token), '^AppChosenToken0123456789abcdefXY\.[A-Za-z0-9+/]{43}=$',
               'a live session''s token of Better Auth''s shape is signed: a session token, what the session cookie holds');
RESET ROLE;
-- A role that may write Better Auth's session table (Better Auth's own) can give a session any
-- token; sign_session_cookie still signs only Better Auth's token shape.
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'forgedTokenSession00000000000001', now() + interval '1 day', 'true', now(), now(), '', '', id
FROM "user" WHERE email = 'chooser@example.com';
SELECT is(auth_ext.sign_session_cookie('true'), NULL, 'a live session whose token is not of Better Auth''s shape is not signed');

-- ---- an unknown email and a wrong password raise the same error, every field of it ----
CREATE FUNCTION pg_temp.sign_in_error(email text, password text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hnt text; ctx text; col text; con text; dtype text; tbl text; sch text;
BEGIN
  PERFORM auth_ext.sign_in_email(email, password);
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT,
    ctx = PG_EXCEPTION_CONTEXT, col = COLUMN_NAME, con = CONSTRAINT_NAME, dtype = PG_DATATYPE_NAME, tbl = TABLE_NAME,
    sch = SCHEMA_NAME;
  RETURN ARRAY[st, msg, det, hnt, ctx, col, con, dtype, tbl, sch];
END
$$;
UPDATE account SET password = 'garbage' WHERE "userId" = (SELECT id FROM "user" WHERE email = 'short.lived@example.com');
SET ROLE auth_ext_pgtap_app;
CREATE TEMP TABLE errors AS
  SELECT pg_temp.sign_in_error('nobody.here@example.com', 'app-password-1') AS unknown_email,
         pg_temp.sign_in_error('app.user@example.com', 'app-password-2') AS wrong_password,
         pg_temp.sign_in_error('short.lived@example.com', 'app-password-1') AS malformed_hash;
RESET ROLE;
SELECT is((SELECT unknown_email[1:2] FROM errors), ARRAY['28P01', 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password'],
          'as the application role: an unknown email is 28P01 INVALID_EMAIL_OR_PASSWORD');
SELECT matches((SELECT unknown_email[5] FROM errors), 'sign_in_email', 'with a context naming sign_in_email');
SELECT is((SELECT wrong_password FROM errors), (SELECT unknown_email FROM errors),
          'a wrong password: the identical error (SQLSTATE, message, detail, hint, context and every other field)');
SELECT is((SELECT malformed_hash FROM errors), (SELECT unknown_email FROM errors),
          'a stored hash that is not Better Auth''s format: the identical error too');

-- ---- sign-in's validation; oversized passwords ----
SELECT throws_ok($$SELECT auth_ext.sign_in_email('app.user@example.com', NULL)$$, '22023', 'VALIDATION_ERROR: Password is required',
                 'sign-in without a password is Better Auth''s validation error, not PASSWORD_TOO_LONG');
SELECT throws_ok(format('SELECT auth_ext.change_password(%L, repeat(%L, 22544384), %L)',
                        (SELECT id FROM "user" WHERE email = 'app.user@example.com'), U&'\00E9', 'new-password-1'),
                 '22023', 'password is too long to hash', 'change_password: a 45 MB current password is 22023');

SELECT * FROM finish();
ROLLBACK;
