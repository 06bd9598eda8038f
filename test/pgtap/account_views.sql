-- pgTAP: the one way to Better Auth's tables, the auth_ext_names views, with Better Auth's default
-- names: built by the first account call (get_session included) where it can write, never by the
-- extension script; rebuilt when a migration adds a column, which then appears in the rows the
-- account functions return, and the kept plans of get_session follow the rebuild in the same
-- backend; a read-only transaction without views gets a coded error with a hint; a column behind a
-- view is dropped after its view.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
-- As on a fresh install: no views yet (the extension script builds none).
SET LOCAL client_min_messages = warning;
DROP SCHEMA IF EXISTS auth_ext_names CASCADE;
RESET client_min_messages;
SELECT is((SELECT count(*) FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
            WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'auth_ext')
              AND c.relkind = 'v'), 0::bigint,
          'the extension has no views among its members');

-- ---- a read-only transaction without views: a coded error with a hint ----
SELECT throws_ok($$SELECT set_config('transaction_read_only', 'on', true), auth_ext.get_session('no-such-token')$$,
                 '42P01', 'auth_ext''s view of Better Auth''s session table is not built yet',
                 'read-only and no views: 42P01 naming the view, not a planning error');
SELECT is(to_regnamespace('auth_ext_names'), NULL, 'and nothing was built');

-- ---- the first account call builds the views ----
CREATE TEMP TABLE t AS
  SELECT (auth_ext.sign_up_email('views@example.com', 'password123', 'V'))->>'token' AS token;
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = 'auth_ext_names'::regnamespace ORDER BY 1),
          ARRAY['account', 'session', 'user', 'verification'],
          'the first write builds one view per existing table (no rateLimit table here, and no jwks view)');
SELECT is((SELECT nspowner FROM pg_namespace WHERE nspname = 'auth_ext_names'),
          (SELECT relowner FROM pg_class WHERE oid = 'auth_ext.setting'::regclass), 'owned by the extension owner');
SELECT is((SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.relnamespace = 'auth_ext_names'::regnamespace AND a.grantee <> c.relowner), 0::bigint,
          'and granted to no one else');

-- ---- get_session builds missing views on a read-write primary ----
SET LOCAL client_min_messages = warning;
DROP SCHEMA auth_ext_names CASCADE;
RESET client_min_messages;
SELECT is(auth_ext.get_session(token)->'user'->>'email', 'views@example.com', 'get_session with no views: builds them, finds the session')
  FROM t;
SELECT isnt(to_regclass('auth_ext_names.session'), NULL, 'the session view is there again');

-- ---- a migration adds a column: the views follow, kept plans too ----
SELECT is(auth_ext.get_session(token)->'user'->'plan', NULL, 'before the migration: no plan column') FROM t;
ALTER TABLE public."user" ADD COLUMN plan text NOT NULL DEFAULT 'free';
SELECT is(auth_ext.get_session(token)->'user'->>'plan', 'free',
          'get_session''s kept plan, prepared before, returns the new column after the rebuild') FROM t;
SELECT is((auth_ext.sign_up_email('views2@example.com', 'password123', 'V2'))->'user'->>'plan', 'free',
          'sign-up returns the user with the column the migration added (its default applied through the view)');
ALTER TABLE public.session ADD COLUMN "activeOrganizationId" text;
SELECT ok((auth_ext.sign_in_email('views@example.com', 'password123'))->'session' ? 'activeOrganizationId',
          'sign-in returns the session with a column added since the last call');
SELECT is((auth_ext.sign_up_email('views3@example.com', 'password123', 'V3', '{"user_fields": {"plan": "pro"}}'))->'user'->>'plan',
          'pro', 'and user_fields can fill it');

-- ---- a column behind a view: the view is dropped first, and built again by the next call ----
SELECT throws_ok($$ALTER TABLE public."user" DROP COLUMN plan$$, '2BP01', NULL,
                 'a column behind a view cannot be dropped while the view exists');
DROP VIEW auth_ext_names."user";
ALTER TABLE public."user" DROP COLUMN plan;
SELECT is(auth_ext.get_session(token)->'user'->'plan', NULL, 'after DROP VIEW and DROP COLUMN the next call rebuilds it')
  FROM t;
SELECT isnt(to_regclass('auth_ext_names."user"'), NULL, 'the user view is back');

-- ---- a table created after the views: its view comes with the next call ----
CREATE TABLE public."rateLimit" (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL, "lastRequest" bigint NOT NULL);
SELECT is(auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 10, 3), 1, 'rate_limit_hit on a table created since');
SELECT isnt(to_regclass('auth_ext_names."rateLimit"'), NULL, 'its view was built');

SELECT * FROM finish();
ROLLBACK;
