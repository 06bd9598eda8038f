-- The hostile-schema test (issue 13, "make each class impossible to come back"): Better Auth's
-- schema is writable by an attacker, as public is on PostgreSQL 14's defaults, and holds a trap
-- for every function and operator auth_ext's code calls (names derived from the installed
-- functions' source and from the SQL in src/pg's C++ string literals). Then every API function
-- runs on every path, as the application role (LOGIN + grant_app_role) or as the extension owner
-- for owner-only functions, with an application's search_path. No trap may fire, and the
-- attacker must end up with nothing.
--
-- Included by hostile_public.sql / hostile_custom.sql, which set:
--   :ba          Better Auth's schema (better_auth_schema)
--   :owner_mode  database_owner: a non-superuser database owner installs the (trusted) extension
--                superuser:      a superuser installs it (the functions run as superuser)
-- Run from the repository root (it reads src/pg), in a fresh database with pgTAP in schema tap.
\set ON_ERROR_STOP 1
\set QUIET 1
\ir ../fixtures/jwt_test_keys.psql
\set app hostile_app
\set attacker hostile_attacker
\o /dev/null
BEGIN;
SET LOCAL search_path = pg_catalog, tap, pg_temp;
SET LOCAL track_functions = 'all';
SET LOCAL client_min_messages = warning;
SELECT * FROM no_plan();
\ir traps.sql
\ir called_names.sql
\ir harness.sql

-- ---- the victims' setup, as an administrator would do it ----
CREATE ROLE hostile_owner LOGIN;
CREATE ROLE :"attacker" LOGIN;
CREATE ROLE :"app" LOGIN;
SELECT CASE WHEN :'owner_mode' = 'superuser' THEN current_user ELSE 'hostile_owner' END AS owner \gset
SELECT set_config('hostile_kit.owner_mode', :'owner_mode', false);
DO $$
BEGIN
  IF current_setting('hostile_kit.owner_mode') = 'database_owner' THEN  -- a hosted database's owner
    EXECUTE pg_catalog.format('ALTER DATABASE %I OWNER TO hostile_owner', current_database());
  END IF;
END
$$;
GRANT CREATE ON SCHEMA public TO PUBLIC;  -- PostgreSQL 14's default (CVE-2018-1058 setups)
SET ROLE :"owner";
CREATE EXTENSION auth_ext;
SELECT auth_ext.create_better_auth_schema(:'ba');
SELECT auth_ext.configure('better_auth_schema', :'ba');
SELECT auth_ext.grant_app_role(:'app');
SELECT auth_ext.grant_mail_role(:'app');  -- the application role mails the reset links here
RESET ROLE;
GRANT CREATE, USAGE ON SCHEMA :"ba" TO PUBLIC;  -- the attacker may create objects in Better Auth's schema

-- ---- the names auth_ext calls, derived ----
SELECT hostile_kit.load_function_sources('auth_ext');
\set cpp_sources `find src/pg -name '*.cpp' -o -name '*.hpp' | LC_ALL=C sort | xargs cat`
SELECT hostile_kit.load_cpp_source('src/pg', :'cpp_sources');

-- ---- the attacker plants the traps ----
CREATE SCHEMA hostile_canary;
GRANT CREATE, USAGE ON SCHEMA hostile_canary TO PUBLIC;
SET ROLE :"attacker";
SELECT hostile_kit.plant(s, ARRAY(SELECT name FROM hostile_kit.called_functions()),
                         ARRAY(SELECT name FROM hostile_kit.called_operators()))
  FROM unnest(ARRAY[:'ba', 'public']) s GROUP BY s;
-- A known-vulnerable canary proves the kit catches the class whatever auth_ext calls.
SELECT hostile_kit.plant('hostile_canary', '{make_interval,format,lower,jsonb_object_agg}', '{#>>}');
RESET ROLE;
CREATE FUNCTION hostile_kit.canary() RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, hostile_canary, pg_temp
AS $$
BEGIN
  RETURN make_interval(secs => 1::integer)::text || format('%s', 'x'::text) || ('{"a":"b"}'::jsonb #>> '{a}')
         || lower('X'::varchar) || (SELECT jsonb_object_agg(k, v)::text FROM (VALUES ('k'::text, '1'::jsonb)) t(k, v));
END
$$;
GRANT EXECUTE ON FUNCTION hostile_kit.canary() TO PUBLIC;

INSERT INTO hostile_kit.secret VALUES ('auth_ext.setting'), (pg_catalog.format('%I.account', :'ba'));
SELECT set_config('hostile_kit.mode', 'exploit', false);
SELECT set_config('hostile_kit.caller_path', pg_catalog.format('"$user", %I, public', :'ba'), false);
SELECT hostile_kit.collect('(setup)');

-- ---- the paths ----
SELECT hostile_kit.run_path('canary', :'app', 'SELECT hostile_kit.canary()');

-- sign-up
SELECT hostile_kit.run_path('sign_up_email: ok', :'app',
  $$SELECT auth_ext.sign_up_email('alice@example.com', 'password123', 'Alice', '{"ip_address": "203.0.113.9", "user_agent": "hostile-test"}')$$);
SELECT hostile_kit.run_path('sign_up_email: duplicate email', :'app',
  $$SELECT auth_ext.sign_up_email('Alice@Example.COM', 'password123', 'Alice again')$$, '23505');
SELECT hostile_kit.run_path('sign_up_email: invalid email', :'app',
  $$SELECT auth_ext.sign_up_email('not-an-email', 'password123', 'X')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: short password', :'app',
  $$SELECT auth_ext.sign_up_email('short@example.com', 'short', 'X')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: no name', :'app',
  $$SELECT auth_ext.sign_up_email('noname@example.com', 'password123', NULL)$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: remember_me false', :'app',
  $$SELECT auth_ext.sign_up_email('bob@example.com', 'password123', 'Bob', '{"remember_me": false}')$$);
SELECT hostile_kit.run_path('sign_up_email: session_expires_in', :'app',
  $$SELECT auth_ext.sign_up_email('frank@example.com', 'password123', 'Frank', '{"session_expires_in": 120}')$$);
SELECT hostile_kit.run_path('sign_up_email: session_expires_in out of bounds', :'app',
  $$SELECT auth_ext.sign_up_email('frank2@example.com', 'password123', 'Frank', '{"session_expires_in": 0}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: read-only transaction', :'app',
  $$SELECT auth_ext.sign_up_email('ro@example.com', 'password123', 'RO')$$, '25006', true);
SELECT hostile_kit.run_path('sign_up_email: auto_sign_in false', :'app',
  $$SELECT auth_ext.sign_up_email('quiet@example.com', 'password123', 'Quiet', '{"auto_sign_in": false}')$$);
SELECT hostile_kit.run_path('sign_up_email: auto_sign_in false, existing email (synthetic user)', :'app',
  $$SELECT auth_ext.sign_up_email('Quiet@example.com', 'password123', 'Quiet', '{"auto_sign_in": false}')$$);
SELECT hostile_kit.run_path('sign_up_email: an unknown option', :'app',
  $$SELECT auth_ext.sign_up_email('quiet2@example.com', 'password123', 'Quiet', '{"auto_sign_on": false}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: chosen user id and session token', :'app',
  $$SELECT auth_ext.sign_up_email('chosen@example.com', 'password123', 'Chosen', '{"user_id": "hostile-user-id", "session_token": "hostile-session-token-0123456789"}')$$);
SELECT hostile_kit.run_path('sign_up_email: chosen user id taken', :'app',
  $$SELECT auth_ext.sign_up_email('chosen2@example.com', 'password123', 'Chosen', '{"user_id": "hostile-user-id"}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: chosen session token taken', :'app',
  $$SELECT auth_ext.sign_up_email('chosen3@example.com', 'password123', 'Chosen', '{"session_token": "hostile-session-token-0123456789"}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: chosen user id of a bad length', :'app',
  $$SELECT auth_ext.sign_up_email('chosen4@example.com', 'password123', 'Chosen', '{"user_id": ""}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: chosen session token of a bad length', :'app',
  $$SELECT auth_ext.sign_up_email('chosen5@example.com', 'password123', 'Chosen', '{"session_token": "short"}')$$, '22023');
SELECT hostile_kit.run_path('configure: id_format uuid', :'owner', $$SELECT auth_ext.configure('id_format', 'uuid')$$);
SELECT hostile_kit.run_path('sign_up_email: uuid ids', :'app',
  $$SELECT auth_ext.sign_up_email('carol@example.com', 'password123', 'Carol')$$);
SELECT hostile_kit.run_path('configure: id_format back to the default', :'owner', $$SELECT auth_ext.configure('id_format', NULL)$$);

-- sign-in
SELECT hostile_kit.run_path('sign_in_email: ok', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('sign_in_email: wrong password', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password124')$$, '28P01');
SELECT hostile_kit.run_path('sign_in_email: unknown email', :'app',
  $$SELECT auth_ext.sign_in_email('nobody@example.com', 'password123')$$, '28P01');
SELECT hostile_kit.run_path('sign_in_email: invalid email', :'app', $$SELECT auth_ext.sign_in_email('bad', 'password123')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: session_expires_in', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123', '{"session_expires_in": 120}')$$);
SELECT hostile_kit.run_path('sign_in_email: session_expires_in out of bounds', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123', '{"session_expires_in": 315360001}')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: require_email_verification, not verified', :'app',
  $$SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"require_email_verification": true}')$$, '28000');
SELECT hostile_kit.run_path('sign_in_email: require_email_verification, wrong password', :'app',
  $$SELECT auth_ext.sign_in_email('quiet@example.com', 'password124', '{"require_email_verification": true}')$$, '28P01');
UPDATE :"ba"."user" SET "emailVerified" = true WHERE email = 'quiet@example.com';
SELECT hostile_kit.run_path('sign_in_email: require_email_verification, verified', :'app',
  $$SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"require_email_verification": true}')$$);
SELECT hostile_kit.run_path('sign_in_email: create_session false', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123', '{"create_session": false}')$$);
SELECT hostile_kit.run_path('sign_in_email: an option of the wrong kind', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123', '{"create_session": "false"}')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: remember_me false', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123', '{"ip_address": "198.51.100.7", "user_agent": "hostile-test", "remember_me": false}')$$);
SELECT hostile_kit.run_path('sign_in_email: a session to refresh', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('sign_in_email: a session to refresh read-only', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('sign_in_email: a session to expire', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('sign_in_email: a session to expire read-only', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('sign_in_email: a session for updateAge 0', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password123')$$);

-- get_session: the C fast path, and every way into the refresh / expiry path
SELECT hostile_kit.run_path('get_session: valid (fast path)', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: ok')->>'token'));
SELECT hostile_kit.run_path('get_session: remember_me false session', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: remember_me false')->>'token'));
UPDATE :"ba".session SET "expiresAt" = now() + interval '5 days', "updatedAt" = now() - interval '2 days'
 WHERE token IN (hostile_kit.json('sign_in_email: a session to refresh')->>'token',
                 hostile_kit.json('sign_in_email: a session to refresh read-only')->>'token');
SELECT hostile_kit.run_path('get_session: due for the sliding refresh', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: a session to refresh')->>'token'));
SELECT COALESCE(bool_and("expiresAt" > now() + interval '6 days'), false) AS refreshed FROM :"ba".session
 WHERE token = hostile_kit.json('sign_in_email: a session to refresh')->>'token' \gset
SELECT hostile_kit.run_path('get_session: due for the sliding refresh, read-only transaction', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: a session to refresh read-only')->>'token'),
  'ok', true);
UPDATE :"ba".session SET "expiresAt" = now() - interval '1 minute'
 WHERE token IN (hostile_kit.json('sign_in_email: a session to expire')->>'token',
                 hostile_kit.json('sign_in_email: a session to expire read-only')->>'token');
SELECT hostile_kit.run_path('get_session: expired session', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: a session to expire')->>'token'));
SELECT NOT EXISTS (SELECT FROM :"ba".session WHERE token = hostile_kit.json('sign_in_email: a session to expire')->>'token')
       AS expired_deleted \gset
SELECT hostile_kit.run_path('get_session: expired session, read-only transaction', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: a session to expire read-only')->>'token'),
  'ok', true);
SELECT hostile_kit.run_path('get_session: unknown token', :'app', $$SELECT auth_ext.get_session('no-such-session-token-0000000000')$$);
SELECT hostile_kit.run_path('configure: session_update_age_seconds 0', :'owner',
  $$SELECT auth_ext.configure('session_update_age_seconds', '0')$$);
SELECT hostile_kit.run_path('get_session: session_update_age_seconds 0', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: a session for updateAge 0')->>'token'));
SELECT hostile_kit.run_path('configure: session_update_age_seconds back to the default', :'owner',
  $$SELECT auth_ext.configure('session_update_age_seconds', NULL)$$);
-- Better Auth's signed cookie (docs/better-auth-compatibility.md §3: token, secret and cookie value from the real Better Auth)
INSERT INTO :"ba".session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'betterAuthCookie0000000000000001', now() + interval '7 days', 'G1kNA9QMICNACjGhPDKGzyq7BUKdPInG', now(), now(), '', '',
       hostile_kit.json('sign_up_email: ok')->'user'->>'id';
SELECT hostile_kit.run_path('get_session: signed cookie without better_auth_secret', :'app',
  $$SELECT auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D')$$, '55000');
SELECT hostile_kit.run_path('sign_session_cookie: without better_auth_secret', :'app',
  $$SELECT auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')$$, '55000');
SELECT hostile_kit.run_path('create_email_verification_token: without better_auth_secret', :'app',
  $$SELECT auth_ext.create_email_verification_token('alice@example.com')$$, '55000');
SELECT hostile_kit.run_path('verify_email: without better_auth_secret', :'app', $$SELECT auth_ext.verify_email('x.y.z')$$, '55000');
SELECT hostile_kit.run_path('configure: better_auth_secret', :'owner',
  $$SELECT auth_ext.configure('better_auth_secret', 'interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708')$$);
SELECT hostile_kit.run_path('get_session: signed cookie value', :'app',
  $$SELECT auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D')$$);
SELECT hostile_kit.run_path('get_session: Bearer form', :'app',
  $$SELECT auth_ext.get_session('Bearer G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=')$$);
SELECT hostile_kit.run_path('get_session: bad signature', :'app',
  $$SELECT auth_ext.get_session('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.AMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK+2GlT09B7ECo=')$$);
SELECT hostile_kit.run_path('sign_session_cookie: a live session', :'app',
  $$SELECT auth_ext.sign_session_cookie('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG')$$);
SELECT hostile_kit.run_path('sign_session_cookie: unknown session', :'app',
  $$SELECT auth_ext.sign_session_cookie('no-such-session-token-0000000000')$$);
SELECT hostile_kit.run_path('sign_session_cookie: in the sign-in statement', :'app',
  $$SELECT auth_ext.sign_session_cookie(r->>'token') FROM auth_ext.sign_in_email('alice@example.com', 'password123') r$$);

-- password proofs (scrypt where the proof is made, a standby; the primary checks the proof and writes)
SELECT hostile_kit.run_path('password_proof: ok', :'app', $$SELECT auth_ext.password_proof('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('password_proof: for a change', :'app', $$SELECT auth_ext.password_proof('alice@example.com', 'password123')$$);
SELECT hostile_kit.run_path('password_proof: wrong password', :'app',
  $$SELECT auth_ext.password_proof('alice@example.com', 'password124')$$, '28P01');
SELECT hostile_kit.run_path('password_proof: unknown email', :'app',
  $$SELECT auth_ext.password_proof('nobody@example.com', 'password123')$$, '28P01');
SELECT hostile_kit.run_path('password_proof: read-only transaction (a standby)', :'app',
  $$SELECT auth_ext.password_proof('alice@example.com', 'password123')$$, 'ok', true);
SELECT hostile_kit.run_path('sign_in_email: a password proof', :'app',
  pg_catalog.format('SELECT auth_ext.sign_in_email(email => %L, password => NULL, password_proof => %L)',
                    'alice@example.com', hostile_kit.result('password_proof: ok')));
SELECT hostile_kit.run_path('sign_in_email: a password proof used again', :'app',
  pg_catalog.format('SELECT auth_ext.sign_in_email(email => %L, password => NULL, password_proof => %L)',
                    'alice@example.com', hostile_kit.result('password_proof: ok')), '28P01');
SELECT hostile_kit.run_path('sign_in_email: not a password proof', :'app',
  $$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', 'ap1.e30.AAAA')$$, '28P01');
SELECT hostile_kit.run_path('password_hash_proof: ok', :'app', $$SELECT auth_ext.password_hash_proof('password123')$$);
SELECT hostile_kit.run_path('change_password: with proofs', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, NULL, NULL, %L)',
                    hostile_kit.json('sign_up_email: ok')->'user'->>'id',
                    pg_catalog.jsonb_build_object('current_password_proof', hostile_kit.result('password_proof: for a change'),
                                                  'new_password_proof', hostile_kit.result('password_hash_proof: ok'),
                                                  'revoke_other_sessions', false)));
SELECT hostile_kit.run_path('password_hash_proof: too short', :'app', $$SELECT auth_ext.password_hash_proof('short')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: a new-password proof', :'app',
  pg_catalog.format('SELECT auth_ext.sign_up_email(email => %L, password => NULL, name => %L, password_proof => %L)',
                    'proofed@example.com', 'Proofed', hostile_kit.result('password_hash_proof: ok')));

-- email verification (Better Auth's HS256 tokens with better_auth_secret)
SELECT hostile_kit.run_path('create_email_verification_token: ok', :'app',
  $$SELECT auth_ext.create_email_verification_token('Alice@Example.com', '{"expires_in": 600}')$$);
SELECT hostile_kit.run_path('create_email_verification_token: unknown email', :'app',
  $$SELECT auth_ext.create_email_verification_token('nobody@example.com')$$, 'P0002');
SELECT hostile_kit.run_path('create_email_verification_token: invalid email', :'app',
  $$SELECT auth_ext.create_email_verification_token('not-an-email')$$, '22023');
SELECT hostile_kit.run_path('create_email_verification_token: expires_in out of bounds', :'app',
  $$SELECT auth_ext.create_email_verification_token('alice@example.com', '{"expires_in": 0}')$$, '22023');
SELECT hostile_kit.run_path('verify_email: expired', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice@example.com', hostile_kit.json('sign_up_email: ok')->'user'->>'id', -1)), '28000');
SELECT hostile_kit.run_path('verify_email: invalid token', :'app', $$SELECT auth_ext.verify_email('not.a.token')$$, '28000');
SELECT hostile_kit.run_path('verify_email: userId of another user', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice@example.com', 'someone-else', 60)), '28000');
SELECT hostile_kit.run_path('verify_email: claims not Better Auth''s', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('not-an-email', 'x', 60)), '28000');
SELECT hostile_kit.run_path('verify_email: change-email token without userId', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext.sign_jwt(pg_catalog.jsonb_build_object('email', 'alice@example.com', 'updateTo', 'new@example.com', 'exp', 4102444800),
                    pg_catalog.jsonb_build_object('kty', 'oct', 'k',
                      pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(
                        pg_catalog.convert_to('interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708', 'UTF8'), 'base64'),
                        E'+/\n', '-_'), '=')))), '28000');
SELECT hostile_kit.run_path('verify_email: change-email token, unknown user', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice@example.com', 'no-such-user', 60, 'new@example.com')), 'P0002');
SELECT hostile_kit.run_path('verify_email: change-email token, not the user''s email', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('other@example.com', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 60, 'new@example.com')),
  '28000');
SELECT hostile_kit.run_path('verify_email: change-email confirmation', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice@example.com', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 60,
                                          'alice.new@example.com', 'change-email-confirmation')));
SELECT hostile_kit.run_path('verify_email: change-email, new address taken', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice@example.com', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 60,
                                          'bob@example.com', 'change-email-verification')), '23505');
SELECT hostile_kit.run_path('verify_email: change-email verification', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  hostile_kit.json('verify_email: change-email confirmation')->'verification'->>'token'));
SELECT hostile_kit.run_path('verify_email: change-email, legacy', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('alice.new@example.com', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 60,
                                          'alice@example.com')));
SELECT hostile_kit.run_path('verify_email: unknown user', :'app', pg_catalog.format('SELECT auth_ext.verify_email(%L)',
  auth_ext._sign_email_verification_token('nobody@example.com', 'x', 60)), 'P0002');
SELECT hostile_kit.run_path('verify_email: session_expires_in out of bounds', :'app',
  $$SELECT auth_ext.verify_email('x', '{"session_expires_in": 0}')$$, '22023');
SELECT hostile_kit.run_path('verify_email: read-only transaction', :'app',
  pg_catalog.format('SELECT auth_ext.verify_email(%L)', hostile_kit.json('create_email_verification_token: ok')->>'token'), '25006', true);
SELECT hostile_kit.run_path('verify_email: ok, with a session', :'app',
  pg_catalog.format('SELECT auth_ext.verify_email(%L, pg_catalog.jsonb_build_object(''create_session'', true, ''ip_address'', %L, ''user_agent'', %L, ''session_expires_in'', 120))',
                    hostile_kit.json('create_email_verification_token: ok')->>'token', '203.0.113.9', 'hostile-test'));
SELECT hostile_kit.run_path('verify_email: already verified', :'app',
  pg_catalog.format('SELECT auth_ext.verify_email(%L)', hostile_kit.json('create_email_verification_token: ok')->>'token'));
SELECT hostile_kit.run_path('create_email_verification_token: already verified', :'app',
  $$SELECT auth_ext.create_email_verification_token('alice@example.com')$$, 'P0001');
-- authenticate_session
SELECT hostile_kit.run_path('authenticate_session: valid', :'app',
  pg_catalog.format('SELECT pg_catalog.jsonb_build_array(auth_ext.authenticate_session(%L), auth_ext.user_id(), auth_ext.claims())',
                    hostile_kit.json('sign_in_email: ok')->>'token'));
SELECT hostile_kit.run_path('authenticate_session: remember_me false session', :'app',
  pg_catalog.format('SELECT auth_ext.authenticate_session(%L)', hostile_kit.json('sign_up_email: remember_me false')->>'token'));
SELECT hostile_kit.run_path('authenticate_session: unknown session', :'app',
  $$SELECT auth_ext.authenticate_session('no-such-session-token-0000000000')$$, '28000');

-- JWT: the jwks table, an explicit key, the HS256 shared secret, authenticate()
SELECT hostile_kit.run_path('sign_jwt: EdDSA', :'app',
  pg_catalog.format('SELECT auth_ext.sign_jwt(%L, %L)',
                    jsonb_build_object('sub', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 'exp', 4102444800),
                    :'ed25519_private'));
INSERT INTO :"ba".jwks (id, "publicKey", "privateKey", "createdAt", "expiresAt", alg, crv)
SELECT k->>'kid', (k - 'kid')::text, '"encrypted"', now(), NULL, 'EdDSA', k->>'crv' FROM (SELECT :'ed25519_public'::jsonb AS k) x;
SELECT hostile_kit.run_path('verify_jwt: jwks table', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)', hostile_kit.result('sign_jwt: EdDSA')));
SELECT hostile_kit.run_path('verify_jwt: explicit JWK', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L, %L)', hostile_kit.result('sign_jwt: EdDSA'), :'ed25519_public'));
SELECT hostile_kit.run_path('verify_jwt: unknown kid', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)',
                    auth_ext.sign_jwt('{"sub":"x","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"unknown-kid"}')), '28000');
SELECT hostile_kit.run_path('verify_jwt: expired token', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"x","exp":1000}', :'ed25519_private')), '28000');
SELECT hostile_kit.run_path('configure: jwt_shared_secret', :'owner',
  $$SELECT auth_ext.configure('jwt_shared_secret', 'shared-secret-for-both-sides-0123456789')$$);
SELECT hostile_kit.run_path('verify_jwt: HS256 with the shared secret', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)',
                    auth_ext.sign_jwt('{"sub":"h","exp":4102444800}',
                                      jsonb_build_object('kty', 'oct', 'k', rtrim(translate(encode(convert_to(
                                        'shared-secret-for-both-sides-0123456789', 'UTF8'), 'base64'), '+/', '-_'), '=')))));
SELECT hostile_kit.run_path('authenticate: jwks token', :'app',
  pg_catalog.format('SELECT pg_catalog.jsonb_build_array(auth_ext.authenticate(%L), auth_ext.user_id(), auth_ext.claims())',
                    hostile_kit.result('sign_jwt: EdDSA')));
SELECT hostile_kit.run_path('authenticate: bad token', :'app', $$SELECT auth_ext.authenticate('not.a.token')$$, '28000');

-- sign-out
SELECT hostile_kit.run_path('sign_out: valid session', :'app',
  pg_catalog.format('SELECT auth_ext.sign_out(%L)', hostile_kit.json('sign_in_email: remember_me false')->>'token'));
SELECT hostile_kit.run_path('sign_out: signed cookie value', :'app',
  $$SELECT auth_ext.sign_out('G1kNA9QMICNACjGhPDKGzyq7BUKdPInG.zMZPmTrsUaiEY7Tw39tLfa1G3iKzPUK%2B2GlT09B7ECo%3D')$$);
SELECT hostile_kit.run_path('sign_out: unknown session', :'app', $$SELECT auth_ext.sign_out('no-such-session-token-0000000000')$$);

-- change_password (the application role), revoke_sessions / set_password / delete_user (owner)
SELECT hostile_kit.run_path('change_password: wrong current password', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L)', hostile_kit.json('sign_up_email: ok')->'user'->>'id',
                    'password124', 'password456'), '28P01');
SELECT hostile_kit.run_path('change_password: new password too short', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L)', hostile_kit.json('sign_up_email: ok')->'user'->>'id',
                    'password123', 'short'), '22023');
SELECT hostile_kit.run_path('change_password: unknown user', :'app',
  $$SELECT auth_ext.change_password('no-such-user', 'password123', 'password456')$$, 'P0002');
SELECT hostile_kit.run_path('change_password: ok, revoking the other sessions', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L)', hostile_kit.json('sign_up_email: ok')->'user'->>'id',
                    'password123', 'password456'));
SELECT hostile_kit.run_path('change_password: ok, keeping the sessions', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L, ''{"revoke_other_sessions": false}'')',
                    hostile_kit.json('sign_up_email: ok')->'user'->>'id', 'password456', 'password789'));
SELECT hostile_kit.run_path('sign_in_email: a session to keep', :'app', $$SELECT auth_ext.sign_in_email('alice@example.com', 'password789')$$);
SELECT hostile_kit.run_path('revoke_sessions: all but one', :'owner',
  pg_catalog.format('SELECT auth_ext.revoke_sessions(%L, pg_catalog.jsonb_build_object(''except_token'', %L))', hostile_kit.json('sign_up_email: ok')->'user'->>'id',
                    hostile_kit.json('sign_in_email: a session to keep')->>'token'));
SELECT hostile_kit.run_path('revoke_sessions: every session', :'owner',
  pg_catalog.format('SELECT auth_ext.revoke_sessions(%L)', hostile_kit.json('sign_up_email: ok')->'user'->>'id'));
SELECT hostile_kit.run_path('set_password: existing credential account', :'owner',
  pg_catalog.format('SELECT auth_ext.set_password(%L, %L)', hostile_kit.json('sign_up_email: ok')->'user'->>'id', 'password000'));
INSERT INTO :"ba"."user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
VALUES ('oauthOnlyUser0000000000000000001', 'OAuth', 'oauth@example.com', true, now(), now());
INSERT INTO :"ba".account (id, "accountId", "providerId", "userId", "createdAt", "updatedAt")
VALUES ('oauthAccount00000000000000000001', '123456', 'github', 'oauthOnlyUser0000000000000000001', now(), now());
SELECT hostile_kit.run_path('set_password: OAuth-only user', :'owner',
  $$SELECT auth_ext.set_password('oauthOnlyUser0000000000000000001', 'password123')$$);
SELECT hostile_kit.run_path('set_password: unknown user', :'owner', $$SELECT auth_ext.set_password('no-such-user', 'password123')$$, 'P0002');

-- password reset (the application role): request and redeem, every refusal
SELECT hostile_kit.run_path('request_password_reset: ok', :'app', $$SELECT auth_ext.request_password_reset('Alice@Example.com')$$);
SELECT hostile_kit.run_path('request_password_reset: expires_in', :'app', $$SELECT auth_ext.request_password_reset('alice@example.com', '{"expires_in": 60}')$$);
SELECT hostile_kit.run_path('request_password_reset: unknown email', :'app', $$SELECT auth_ext.request_password_reset('nobody@example.com')$$);
SELECT hostile_kit.run_path('request_password_reset: invalid email', :'app', $$SELECT auth_ext.request_password_reset('bad')$$, '22023');
SELECT hostile_kit.run_path('request_password_reset: expires_in out of bounds', :'app',
  $$SELECT auth_ext.request_password_reset('alice@example.com', '{"expires_in": 0}')$$, '22023');
SELECT hostile_kit.run_path('request_password_reset: read-only transaction', :'app',
  $$SELECT auth_ext.request_password_reset('alice@example.com')$$, '25006', true);
SELECT hostile_kit.run_path('reset_password: no token', :'app', $$SELECT auth_ext.reset_password(NULL, 'password321')$$, '28000');
SELECT hostile_kit.run_path('reset_password: empty password', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', hostile_kit.json('request_password_reset: ok')->>'token', ''), '22023');
SELECT hostile_kit.run_path('reset_password: short password', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', hostile_kit.json('request_password_reset: ok')->>'token', 'short'), '22023');
SELECT hostile_kit.run_path('reset_password: unknown token', :'app', $$SELECT auth_ext.reset_password('no-such-token', 'password321')$$, '28000');
SELECT hostile_kit.run_path('reset_password: ok, revoking the sessions', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L, ''{"revoke_sessions": true}'')',
                    hostile_kit.json('request_password_reset: ok')->>'token', 'password321'));
SELECT hostile_kit.run_path('reset_password: token already used', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', hostile_kit.json('request_password_reset: ok')->>'token', 'password322'), '28000');
SELECT hostile_kit.run_path('reset_password: ok, keeping the sessions', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', hostile_kit.json('request_password_reset: expires_in')->>'token', 'password000'));
INSERT INTO :"ba".verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
VALUES ('expiredReset', 'reset-password:expiredResetToken', hostile_kit.json('sign_up_email: ok')->'user'->>'id',
        now() - interval '1 second', now() - interval '1 hour', now() - interval '1 hour'),
       ('orphanReset', 'reset-password:orphanResetToken', 'no-such-user', now() + interval '1 hour', now(), now());
SELECT hostile_kit.run_path('reset_password: expired token', :'app', $$SELECT auth_ext.reset_password('expiredResetToken', 'password321')$$, '28000');
SELECT hostile_kit.run_path('reset_password: user gone', :'app', $$SELECT auth_ext.reset_password('orphanResetToken', 'password321')$$, 'P0002');
SELECT hostile_kit.run_path('reset_password: read-only transaction', :'app',
  $$SELECT auth_ext.reset_password('orphanResetToken', 'password321')$$, '25006', true);

-- rate limit (the application role) on Better Auth's rateLimit table
SELECT hostile_kit.run_path('rate_limit_hit: no rateLimit table', :'app', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$, '42P01');
SET ROLE :"owner";
CREATE TABLE :"ba"."rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null,
                               "lastRequest" bigint not null);
RESET ROLE;
SELECT hostile_kit.run_path('rate_limit_hit: first request', :'app', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$);
SELECT hostile_kit.run_path('rate_limit_hit: counted', :'app', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$);
SELECT hostile_kit.run_path('rate_limit_hit: refused', :'app', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$, '54000');
UPDATE :"ba"."rateLimit" SET "lastRequest" = "lastRequest" - 20000;
SELECT hostile_kit.run_path('rate_limit_hit: a new window', :'app', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$);
SELECT hostile_kit.run_path('rate_limit_hit: invalid arguments', :'app', $$SELECT auth_ext.rate_limit_hit('k', 0, 2)$$, '22023');
SELECT hostile_kit.run_path('rate_limit_hit: read-only transaction', :'app',
  $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 2)$$, '25006', true);

-- check_schema (every branch: upper-case emails and malformed hashes present, tables missing, no schema)
INSERT INTO :"ba"."user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
VALUES ('upperCaseUser0000000000000000001', 'Upper', 'Upper@Example.com', false, now(), now());
INSERT INTO :"ba".account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
VALUES ('upperCaseAccount0000000000000001', 'upperCaseUser0000000000000000001', 'credential', 'upperCaseUser0000000000000000001',
        'garbage', now(), now());
CREATE SCHEMA hostile_empty;
CREATE TABLE hostile_empty."user" (id integer, email text);
GRANT USAGE ON SCHEMA hostile_empty TO PUBLIC;
GRANT SELECT ON hostile_empty."user" TO PUBLIC;
SELECT hostile_kit.run_path('check_schema: as the application role', :'app',
  pg_catalog.format('SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema(%L) c', :'ba'), '*');
SELECT hostile_kit.run_path('check_schema: as the owner', :'owner',
  pg_catalog.format('SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema(%L) c', :'ba'));
SELECT hostile_kit.run_path('check_schema: tables missing or wrong', :'owner',
  $$SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema('hostile_empty') c$$);
SELECT hostile_kit.run_path('check_schema: no such schema', :'owner',
  $$SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema('no_such_schema') c$$);
SELECT hostile_kit.run_path('sign_in_email: malformed stored hash', :'app',
  $$SELECT auth_ext.sign_in_email('Upper@Example.com', 'password123')$$, '28P01');
UPDATE :"ba".account SET password = 'not-a-better-auth-hash'
 WHERE "userId" = (SELECT u.id FROM :"ba"."user" u WHERE u.email = 'frank@example.com');
SELECT hostile_kit.run_path('sign_in_email: a stored hash not in Better Auth''s format', :'app',
  $$SELECT auth_ext.sign_in_email('frank@example.com', 'password123')$$, '28P01');
SELECT hostile_kit.run_path('create_better_auth_schema: existing schema', :'owner',
  pg_catalog.format('SELECT auth_ext.create_better_auth_schema(%L)', :'ba'));
SELECT hostile_kit.run_path('create_better_auth_schema: new schema', :'owner',
  $$SELECT auth_ext.create_better_auth_schema('hostile_fresh')$$);
SELECT hostile_kit.run_path('delete_user: existing user', :'owner',
  pg_catalog.format('SELECT auth_ext.delete_user(%L)', hostile_kit.json('sign_up_email: remember_me false')->'user'->>'id'));
SELECT hostile_kit.run_path('delete_user: unknown user', :'owner', $$SELECT auth_ext.delete_user('no-such-user')$$);

-- Better Auth's additionalFields: a jsonb column on user sends every row through the general
-- JSON builder (_row_json gives up, _js_dates(to_jsonb(row)) takes over), in C and in SQL.
ALTER TABLE :"ba"."user" ADD COLUMN preferences jsonb NOT NULL DEFAULT '{"theme":"dark"}';
SELECT hostile_kit.run_path('sign_up_email: user table with a jsonb column', :'app',
  $$SELECT auth_ext.sign_up_email('dave@example.com', 'password123', 'Dave')$$);
SELECT hostile_kit.run_path('sign_in_email: user table with a jsonb column', :'app',
  $$SELECT auth_ext.sign_in_email('dave@example.com', 'password123')$$);
SELECT hostile_kit.run_path('get_session: user table with a jsonb column', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: user table with a jsonb column')->>'token'));
UPDATE :"ba".session SET "expiresAt" = now() + interval '5 days', "updatedAt" = now() - interval '2 days'
 WHERE token = hostile_kit.json('sign_up_email: user table with a jsonb column')->>'token';
SELECT hostile_kit.run_path('get_session: user table with a jsonb column, due for the sliding refresh', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_up_email: user table with a jsonb column')->>'token'));

-- sign_up_email's user_fields (Better Auth's additionalFields): every type check and cast, the
-- refusals, and a unique violation on another column than the email.
ALTER TABLE :"ba"."user" ADD COLUMN nickname text UNIQUE, ADD COLUMN age integer, ADD COLUMN "isAdult" boolean NOT NULL DEFAULT false,
  ADD COLUMN "birthDate" timestamptz, ADD COLUMN tags text[];
SELECT hostile_kit.run_path('sign_up_email: user_fields', :'app',
  $$SELECT auth_ext.sign_up_email('gina@example.com', 'password123', 'Gina', '{"user_fields": {"nickname": "gi", "age": 30, "isAdult": true, "birthDate": "1996-01-02T03:04:05.678Z", "tags": ["x"], "preferences": {"a": 1}}}')$$);
SELECT hostile_kit.run_path('sign_up_email: user_fields, unknown column', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"nope": 1}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: user_fields, core column', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"emailVerified": true}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: user_fields, wrong JSON kind', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"age": "30"}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: user_fields, refused by the column type', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"age": 1.5}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: user_fields, null for NOT NULL', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"isAdult": null}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: user_fields, another unique column taken', :'app',
  $$SELECT auth_ext.sign_up_email('gina2@example.com', 'password123', 'Gina', '{"user_fields": {"nickname": "gi"}}')$$, '23505');

-- session_fields (Better Auth's session.additionalFields), through sign-up and sign-in: the same
-- checks and casts (one helper), the refusals.
ALTER TABLE :"ba".session ADD COLUMN "sensitiveData" text, ADD COLUMN level integer, ADD COLUMN pinned boolean NOT NULL DEFAULT false;
SELECT hostile_kit.run_path('sign_up_email: session_fields', :'app',
  $$SELECT auth_ext.sign_up_email('hana@example.com', 'password123', 'Hana', '{"session_fields": {"sensitiveData": "s", "level": 2, "pinned": true}}')$$);
SELECT hostile_kit.run_path('sign_in_email: session_fields', :'app',
  $$SELECT auth_ext.sign_in_email('hana@example.com', 'password123', '{"session_fields": {"sensitiveData": "t", "level": 3}}')$$);
SELECT hostile_kit.run_path('sign_in_email: session_fields, unknown column', :'app',
  $$SELECT auth_ext.sign_in_email('hana@example.com', 'password123', '{"session_fields": {"nope": 1}}')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: session_fields, core column', :'app',
  $$SELECT auth_ext.sign_in_email('hana@example.com', 'password123', '{"session_fields": {"token": "x"}}')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: session_fields, refused by the column type', :'app',
  $$SELECT auth_ext.sign_in_email('hana@example.com', 'password123', '{"session_fields": {"level": 1.5}}')$$, '22023');
ALTER TABLE :"ba".account ADD COLUMN origin text;
SELECT hostile_kit.run_path('sign_up_email: account_fields', :'app',
  $$SELECT auth_ext.sign_up_email('hana3@example.com', 'password123', 'Hana', '{"account_fields": {"origin": "signup"}}')$$);
SELECT hostile_kit.run_path('sign_up_email: account_fields, core column', :'app',
  $$SELECT auth_ext.sign_up_email('hana4@example.com', 'password123', 'Hana', '{"account_fields": {"password": "x"}}')$$, '22023');
SELECT hostile_kit.run_path('sign_up_email: session_fields, null for NOT NULL', :'app',
  $$SELECT auth_ext.sign_up_email('hana2@example.com', 'password123', 'Hana', '{"session_fields": {"pinned": null}}')$$, '22023');

-- The caller's own search_path puts the trap schemas before pg_catalog, as any role allowed to
-- call these functions may do: whatever runs under the caller's path (C functions have no SET
-- clause, get_session among them, though it runs with the owner's rights) meets exact look-alikes
-- of pg_catalog's own signatures first.
SELECT set_config('hostile_kit.hostile_caller_path', pg_catalog.format('%I, public, pg_catalog, pg_temp', :'ba'), false);
SELECT hostile_kit.run_path('caller path first: sign_up_email', :'app',
  $$SELECT auth_ext.sign_up_email('erin@example.com', 'password123', 'Erin')$$, 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: sign_up_email with user_fields', :'app',
  $$SELECT auth_ext.sign_up_email('erin2@example.com', 'password123', 'Erin', '{"user_fields": {"nickname": "erin", "age": 3, "tags": ["t"]}}')$$,
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: sign_up_email, user_fields refused', :'app',
  $$SELECT auth_ext.sign_up_email('erin3@example.com', 'password123', 'Erin', '{"user_fields": {"age": 1.5}}')$$,
  '22023', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: create_email_verification_token', :'app',
  $$SELECT auth_ext.create_email_verification_token('erin@example.com')$$, 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: verify_email', :'app',
  pg_catalog.format('SELECT auth_ext.verify_email(%L, ''{"create_session": true}'')', hostile_kit.json('caller path first: create_email_verification_token')->>'token'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: sign_in_email', :'app',
  $$SELECT auth_ext.sign_in_email('erin@example.com', 'password123')$$, 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: sign_in_email, wrong password', :'app',
  $$SELECT auth_ext.sign_in_email('erin@example.com', 'password124')$$, '28P01', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: get_session (fast path)', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('caller path first: sign_in_email')->>'token'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: authenticate_session', :'app',
  pg_catalog.format('SELECT auth_ext.authenticate_session(%L)', hostile_kit.json('caller path first: sign_in_email')->>'token'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
UPDATE :"ba".session SET "expiresAt" = now() + interval '5 days', "updatedAt" = now() - interval '2 days'
 WHERE token = hostile_kit.json('caller path first: sign_up_email')->>'token';
SELECT hostile_kit.run_path('caller path first: get_session, due for the sliding refresh', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('caller path first: sign_up_email')->>'token'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: verify_jwt with the jwks table', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)', hostile_kit.result('sign_jwt: EdDSA')),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: authenticate', :'app',
  pg_catalog.format('SELECT pg_catalog.jsonb_build_array(auth_ext.authenticate(%L), auth_ext.user_id(), auth_ext.claims())',
                    hostile_kit.result('sign_jwt: EdDSA')), 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: change_password', :'app',
  pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L)', hostile_kit.json('caller path first: sign_up_email')->'user'->>'id',
                    'password123', 'password456'), 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: sign_out', :'app',
  pg_catalog.format('SELECT auth_ext.sign_out(%L)', hostile_kit.json('caller path first: change_password')->>'token'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: request_password_reset', :'app',
  $$SELECT auth_ext.request_password_reset('erin@example.com')$$, 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: reset_password', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L, ''{"revoke_sessions": true}'')',
                    hostile_kit.json('caller path first: request_password_reset')->>'token', 'password789'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: reset_password, token used', :'app',
  pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', hostile_kit.json('caller path first: request_password_reset')->>'token', 'password790'),
  '28000', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: rate_limit_hit', :'app',
  $$SELECT auth_ext.rate_limit_hit('203.0.113.10|/sign-in/email', 10, 1)$$, 'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: rate_limit_hit, refused', :'app',
  $$SELECT auth_ext.rate_limit_hit('203.0.113.10|/sign-in/email', 10, 1)$$, '54000', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: check_schema', :'owner',
  pg_catalog.format('SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema(%L) c', :'ba'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: revoke_sessions', :'owner',
  pg_catalog.format('SELECT auth_ext.revoke_sessions(%L)', hostile_kit.json('caller path first: sign_up_email')->'user'->>'id'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));
SELECT hostile_kit.run_path('caller path first: delete_user', :'owner',
  pg_catalog.format('SELECT auth_ext.delete_user(%L)', hostile_kit.json('caller path first: sign_up_email')->'user'->>'id'),
  'ok', false, current_setting('hostile_kit.hostile_caller_path'));

-- settings and the small functions
SELECT hostile_kit.run_path('settings', :'owner', $$SELECT pg_catalog.jsonb_agg(s) FROM auth_ext.settings() s$$);
SELECT hostile_kit.run_path('setting_definitions', :'app', $$SELECT pg_catalog.jsonb_agg(d) FROM auth_ext.setting_definitions() d$$);
SELECT hostile_kit.run_path('configure: unknown setting', :'owner', $$SELECT auth_ext.configure('no_such_setting', '1')$$, '22023');
SELECT hostile_kit.run_path('configure: session_expires_in_seconds', :'owner',
  $$SELECT auth_ext.configure('session_expires_in_seconds', '1209600')$$);
SELECT hostile_kit.run_path('hash_password', :'app', $$SELECT auth_ext.hash_password('password123')$$);
SELECT hostile_kit.run_path('verify_password', :'app',
  pg_catalog.format('SELECT auth_ext.verify_password(%L, %L)', 'password123', hostile_kit.result('hash_password')));
SELECT hostile_kit.run_path('generate_id', :'app', $$SELECT auth_ext.generate_id(32)$$);
SELECT hostile_kit.run_path('grant_app_role', :'owner', pg_catalog.format('SELECT auth_ext.grant_app_role(%L)', :'app'));
SELECT hostile_kit.run_path('grant_mail_role', :'owner', pg_catalog.format('SELECT auth_ext.grant_mail_role(%L)', :'app'));
SELECT hostile_kit.run_path('function_privileges', :'owner', $$SELECT pg_catalog.jsonb_agg(f) FROM auth_ext.function_privileges() f$$);
SELECT hostile_kit.run_path('error_codes', :'app', $$SELECT pg_catalog.jsonb_agg(e) FROM auth_ext.error_codes() e$$);
SELECT hostile_kit.run_path('_raise', :'owner', $$SELECT auth_ext._raise('USER_NOT_FOUND')$$, 'P0002');
SELECT hostile_kit.run_path('_raise: not the application role''s', :'app', $$SELECT auth_ext._raise('USER_NOT_FOUND')$$, '42501');

-- custom table and column names (better_auth_names): the statements reach the renamed tables
-- through the owner's views in schema auth_ext_names, and the jwks table by its names
SET ROLE :"owner";
ALTER TABLE :"ba"."user" RENAME COLUMN "emailVerified" TO email_verified;
ALTER TABLE :"ba".session RENAME TO sessions;
ALTER TABLE :"ba".jwks RENAME COLUMN "publicKey" TO public_key;
RESET ROLE;
SELECT hostile_kit.run_path('configure: better_auth_names', :'owner',
  $$SELECT auth_ext.configure('better_auth_names', '{"user": {"fields": {"emailVerified": "email_verified"}}, "session": {"modelName": "sessions"}, "jwks": {"fields": {"publicKey": "public_key"}}}')$$);
SELECT hostile_kit.run_path('configure: better_auth_names naming a missing column', :'owner',
  $$SELECT auth_ext.configure('better_auth_names', '{"user": {"fields": {"image": "avatar"}}}')$$, '42703');
SELECT hostile_kit.run_path('table_names', :'app', $$SELECT auth_ext.table_names()$$);
SELECT hostile_kit.run_path('sync_table_names', :'owner', $$SELECT pg_catalog.jsonb_agg(t) FROM auth_ext.sync_table_names() t$$);
SELECT hostile_kit.run_path('sign_up_email: renamed tables', :'app',
  $$SELECT auth_ext.sign_up_email('renamed@example.com', 'password123', 'Renamed', '{"user_id": "hostile-renamed-id", "user_fields": {"nickname": "renamed"}}')$$);
SELECT hostile_kit.run_path('sign_up_email: renamed tables, user_id taken', :'app',
  $$SELECT auth_ext.sign_up_email('renamed2@example.com', 'password123', 'Renamed', '{"user_id": "hostile-renamed-id"}')$$, '22023');
SELECT hostile_kit.run_path('sign_in_email: renamed tables', :'app', $$SELECT auth_ext.sign_in_email('renamed@example.com', 'password123')$$);
SELECT hostile_kit.run_path('get_session: renamed tables', :'app',
  pg_catalog.format('SELECT auth_ext.get_session(%L)', hostile_kit.json('sign_in_email: renamed tables')->>'token'));
SELECT hostile_kit.run_path('verify_jwt: renamed jwks columns', :'app',
  pg_catalog.format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"renamed","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"no-such-kid"}')), '28000');
SET ROLE :"owner";
ALTER TABLE :"ba".sessions ADD COLUMN hostile_note text;
RESET ROLE;
SELECT hostile_kit.run_path('sign_out: renamed tables, view rebuilt first', :'app',
  pg_catalog.format('SELECT auth_ext.sign_out(%L)', hostile_kit.json('sign_in_email: renamed tables')->>'token'));
SELECT hostile_kit.run_path('check_schema: renamed tables', :'owner', pg_catalog.format('SELECT pg_catalog.jsonb_agg(c) FROM auth_ext.check_schema(%L) c', :'ba'));
SELECT hostile_kit.run_path('configure: better_auth_names back to the default', :'owner', $$SELECT auth_ext.configure('better_auth_names', NULL)$$);
SELECT hostile_kit.collect('(after the paths)');
RESET client_min_messages;

-- ---- the verdict ----
\o
SELECT diag(pg_catalog.format('%s traps planted in %s: %s', count(*), schema_name,
                              string_agg(DISTINCT name, ' ' ORDER BY name)))
  FROM hostile_kit.trap WHERE schema_name <> 'hostile_canary' GROUP BY schema_name;
SELECT diag('not planted: ' || string_agg(DISTINCT name || ' (' || reason || ')', ', '))
  FROM hostile_kit.skipped WHERE schema_name = :'ba' AND reason NOT LIKE 'not created%';

SELECT ok(EXISTS (SELECT FROM hostile_kit.source WHERE kind = 'c++' AND body LIKE '%SPI_prepare%'),
          'the SQL in src/pg''s C++ string literals was read (run from the repository root)');
SELECT ok((SELECT count(*) FROM hostile_kit.source WHERE kind IN ('sql', 'plpgsql')) >= 10,
          'the bodies of auth_ext''s SQL and PL/pgSQL functions were read');
SELECT cmp_ok((SELECT count(*)::integer FROM hostile_kit.trap WHERE schema_name = :'ba'), '>=', 100,
              'traps planted in Better Auth''s schema');
SELECT is((SELECT count(DISTINCT t.id)::integer FROM hostile_kit.fired f JOIN hostile_kit.trap t ON t.id = f.trap_id
            WHERE f.path = 'canary'), 5,
          'the canary (unqualified make_interval(secs => integer), format, #>>, lower, jsonb_object_agg) trips 5 traps');
SELECT is(hostile_kit.result('canary'), '00:00:01xbx{"k": 1}', 'the traps answered as pg_catalog would');

-- Every path ends as it should, and touches no trap.
SELECT is(CASE WHEN expect = '*' THEN '*' ELSE outcome END, expect, pg_catalog.format('%s: ends %s', path, expect) ||
          CASE WHEN outcome IS DISTINCT FROM expect THEN pg_catalog.format(' (got %s: %s)', outcome, message) ELSE '' END)
  FROM hostile_kit.path_result WHERE path <> 'canary' ORDER BY seq;
SELECT is_empty(pg_catalog.format('SELECT trap, as_role, CASE WHEN rolled_back THEN ''(rolled back with the path)'' ELSE gained END
                                     FROM hostile_kit.fired_report WHERE path = %L ORDER BY 1', path),
                path || ': no trap fired')
  FROM hostile_kit.path_result WHERE path <> 'canary' ORDER BY seq;
SELECT is_empty($$SELECT path, trap, as_role FROM hostile_kit.fired_report WHERE path LIKE '(%'$$,
                'no trap fired outside the paths (setup, between paths)');

-- The paths reached what they are meant to reach.
SELECT ok(:'refreshed'::boolean, 'the sliding refresh path ran (the session was extended)');
SELECT ok(:'expired_deleted'::boolean, 'the expiry path ran (the expired session was deleted)');
SELECT is_empty($$SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                   WHERE p.pronamespace = 'auth_ext'::regnamespace
                     AND NOT (l.lanname = 'sql' AND p.proconfig IS NULL)  -- inlined into their callers
                     -- called from C through fmgr, which the statistics do not count
                     AND NOT EXISTS (SELECT FROM hostile_kit.source s WHERE s.kind = 'c++' AND s.body LIKE '%"' || p.proname || '"%')
                     -- raises on every call, and the statistics count only calls that return; the
                     -- paths ending in a coded error (and its own path, '_raise') run it
                     AND p.oid <> 'auth_ext._raise(text,text,text)'::regprocedure
                     AND COALESCE((SELECT calls FROM pg_stat_xact_user_functions s WHERE s.funcid = p.oid), 0) = 0
                   ORDER BY 1$$,
                'every auth_ext function was called by some path (add a path for a new one)');
SELECT ok(EXISTS (SELECT FROM hostile_kit.path_result WHERE statement LIKE '%auth_ext.' || p.proname || '(%'),
          pg_catalog.format('auth_ext.%s is called by some path', p.proname))
  FROM pg_proc p WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.proname NOT LIKE '\_%' ORDER BY p.proname;

-- The attacker gained nothing.
SELECT ok(NOT (SELECT rolsuper FROM pg_roles WHERE rolname = :'attacker'), 'the attacker is not superuser');
SELECT ok(NOT pg_has_role(:'attacker', :'owner', 'MEMBER'), 'the attacker is no member of the extension owner');
SELECT ok(NOT has_table_privilege(:'attacker', 'auth_ext.setting', 'SELECT'), 'the attacker has no privilege on auth_ext.setting');
SELECT is_empty('SELECT relation, count(*) FROM hostile_kit.loot GROUP BY 1',
                'the attacker could not copy auth_ext.setting or the password hashes');

-- Summary of what fired, for the report.
SELECT diag(pg_catalog.format('FIRED %s  [as %s]  on: %s%s', trap, as_role, string_agg(path, '; ' ORDER BY path),
                              COALESCE(' -- gained: ' || string_agg(DISTINCT NULLIF(gained, ''), '; '), '')))
  FROM hostile_kit.fired_report WHERE path <> 'canary' GROUP BY trap, as_role ORDER BY trap;

SELECT * FROM finish();
ROLLBACK;
