-- pgTAP: the object-level half of the hostile suite. Another role plants objects that would run
-- its code when auth_ext's owner-rights code reads or writes Better Auth's rows: a whole table
-- (an absent rateLimit or jwks) carrying a trigger, a rule, a row-level security policy, a column
-- default, a generated column, a check constraint, a domain-typed column or an index expression;
-- a trigger or a domain on the owner's own table (through a privilege the owner granted); a
-- renamed table behind the auth_ext_names views; a squatted auth_ext_names schema holding the
-- copied fingerprint. For every plant, every API path run as the application role must refuse
-- with 42501 and no planted code may run (a sequence counts the runs: nextval survives the
-- rollback of the refused call).
-- Before a plant is removed, the same paths are refused; between plants, with none, they work
-- (rate_limit_hit: 42P01, no rateLimit table here; authenticate and verify_jwt: 55000, no jwks
-- table and no shared secret). Run in a fresh database with pgTAP in schema tap; one transaction,
-- rolled back.
\set ON_ERROR_STOP 1
\set QUIET 1
\ir ../fixtures/jwt_test_keys.psql
\o /dev/null
BEGIN;
SET LOCAL search_path = pg_catalog, tap, pg_temp;
SET LOCAL client_min_messages = warning;
SELECT * FROM no_plan();

CREATE ROLE planted_owner LOGIN;
CREATE ROLE planted_attacker LOGIN;
CREATE ROLE planted_app LOGIN;
SELECT pg_catalog.format('ALTER DATABASE %I OWNER TO planted_owner', current_database()) \gexec
GRANT CREATE ON DATABASE :"DBNAME" TO planted_attacker;  -- may create schemas (auth_ext_names)

-- The kit: outcome() runs a statement as a role and answers 'ok' or its SQLSTATE; fired() counts
-- how often planted code ran.
CREATE SCHEMA planted_kit;
GRANT USAGE ON SCHEMA planted_kit TO PUBLIC;
CREATE SEQUENCE planted_kit.runs;
GRANT USAGE ON SEQUENCE planted_kit.runs TO PUBLIC;
CREATE TABLE planted_kit.path (name text PRIMARY KEY, statement text NOT NULL);
CREATE TABLE planted_kit.tap (n serial PRIMARY KEY, line text);  -- the TAP lines, shown at the end
CREATE FUNCTION planted_kit.outcome(as_role name, statement text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  state text;
BEGIN
  BEGIN
    PERFORM set_config('role', as_role, true);
    PERFORM set_config('search_path', '"$user", public', true);  -- an application's
    EXECUTE statement;
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM pg_catalog.set_config('role', 'none', true);
    RETURN 'ok';
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE;
    RETURN state;
  END;
END
$$;
CREATE FUNCTION planted_kit.fired() RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM planted_kit.runs
$$;
-- Every path must end with expect; nothing planted may have run.
CREATE FUNCTION planted_kit.check_paths(plant text, expect text) RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog, tap, pg_temp AS $$
DECLARE
  p record;
  before bigint := planted_kit.fired();
BEGIN
  FOR p IN SELECT * FROM planted_kit.path ORDER BY name LOOP
    RETURN NEXT is(planted_kit.outcome('planted_app', p.statement), expect, plant || ': ' || p.name);
  END LOOP;
  RETURN NEXT is(planted_kit.fired() - before, 0::bigint, plant || ': no planted code ran');
END
$$;

-- ---- the victims' setup ----
SET ROLE planted_owner;
CREATE EXTENSION auth_ext;
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'planted-objects-test-secret-0123456789abcdef');
SELECT auth_ext.grant_app_role('planted_app');
SELECT auth_ext.grant_mail_role('planted_app');
SELECT auth_ext.sign_up_email(email => 'victim@example.com', password => 'password123', name => 'Victim')->>'token' AS victim_token \gset
SELECT auth_ext.request_password_reset('victim@example.com')->>'token' AS reset_token \gset
SELECT auth_ext.create_email_verification_token('victim@example.com')->>'token' AS verify_token \gset
DROP TABLE public.jwks;  -- a sessions-only deployment: no jwks table
RESET ROLE;
GRANT CREATE ON SCHEMA public TO PUBLIC;  -- PostgreSQL 14's default
-- A token the attacker signs with its own key, for the victim.
SELECT auth_ext.sign_jwt(jsonb_build_object('sub', (SELECT id FROM public."user" WHERE email = 'victim@example.com'),
                                            'exp', 4102444800), :'ed25519_private') AS forged_token \gset

INSERT INTO planted_kit.path VALUES
  ('sign_up_email', $$SELECT auth_ext.sign_up_email(email => 'new-' || gen_random_uuid() || '@example.com', password => 'password123', name => 'New')$$),
  ('sign_in_email', $$SELECT auth_ext.sign_in_email(email => 'victim@example.com', password => 'password123')$$),
  ('get_session', pg_catalog.format('SELECT auth_ext.get_session(%L)', :'victim_token')),
  ('authenticate_session', pg_catalog.format('SELECT auth_ext.authenticate_session(%L)', :'victim_token')),
  ('sign_out', pg_catalog.format('SELECT auth_ext.sign_out(%L)', :'victim_token')),
  ('change_password', $$SELECT auth_ext.change_password((SELECT auth_ext.get_session('x')->>'user'), 'password123', 'password456')$$),
  ('rate_limit_hit', $$SELECT auth_ext.rate_limit_hit('203.0.113.9|/sign-in/email', 60, 10)$$),
  ('request_password_reset', $$SELECT auth_ext.request_password_reset('victim@example.com')$$),
  ('reset_password', pg_catalog.format('SELECT auth_ext.reset_password(%L, %L)', :'reset_token', 'password789')),
  ('create_email_verification_token', $$SELECT auth_ext.create_email_verification_token('victim@example.com')$$),
  ('verify_email', pg_catalog.format('SELECT auth_ext.verify_email(%L)', :'verify_token')),
  ('authenticate', pg_catalog.format('SELECT auth_ext.authenticate(%L)', :'forged_token')),
  ('verify_jwt', pg_catalog.format('SELECT auth_ext.verify_jwt(%L)', :'forged_token'));
-- change_password needs the victim's id.
UPDATE planted_kit.path SET statement = pg_catalog.format('SELECT auth_ext.change_password(%L, %L, %L)',
  (SELECT id FROM public."user" WHERE email = 'victim@example.com'), 'password123', 'password456')
 WHERE name = 'change_password';

-- ---- the attacker's code: each counts a run, then does what a payload would ----
SET ROLE planted_attacker;
CREATE FUNCTION public.planted_trigger() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN PERFORM nextval('planted_kit.runs'); RETURN NEW; END$$;
CREATE FUNCTION public.planted_check(value text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS
  $$BEGIN PERFORM nextval('planted_kit.runs'); RETURN true; END$$;
CREATE FUNCTION public.planted_text(value text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS
  $$BEGIN PERFORM nextval('planted_kit.runs'); RETURN value; END$$;
CREATE FUNCTION public.planted_default() RETURNS text LANGUAGE plpgsql AS
  $$BEGIN PERFORM nextval('planted_kit.runs'); RETURN 'x'; END$$;
CREATE DOMAIN public.planted_domain AS text CHECK (public.planted_check(VALUE));
GRANT USAGE ON DOMAIN public.planted_domain TO PUBLIC;
RESET ROLE;

-- ---- before any plant: every path works (the paths themselves are sound) ----
INSERT INTO planted_kit.tap (line) SELECT is(planted_kit.outcome('planted_app', statement), CASE WHEN name IN ('authenticate', 'verify_jwt') THEN '55000' WHEN name = 'rate_limit_hit' THEN '42P01' ELSE 'ok' END,
          'no plant: ' || name)
  FROM planted_kit.path WHERE name NOT IN ('sign_out', 'reset_password', 'verify_email', 'change_password') ORDER BY name;

-- ---- a whole rateLimit table planted (absent from this deployment), each with its own way to run code ----
CREATE FUNCTION planted_kit.plant_rate_limit(extra text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM set_config('role', 'planted_attacker', true);
  EXECUTE 'CREATE TABLE public."rateLimit" (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL, '
          '"lastRequest" bigint NOT NULL' || COALESCE(', ' || extra, '') || ')';
  GRANT ALL ON public."rateLimit" TO PUBLIC;  -- so that the owner's code may write it
  PERFORM pg_catalog.set_config('role', 'none', true);
END
$$;
CREATE FUNCTION planted_kit.unplant() RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  DROP TABLE IF EXISTS public."rateLimit", public.jwks CASCADE;
$$;

SELECT planted_kit.plant_rate_limit(NULL);
SET ROLE planted_attacker;
CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON public."rateLimit" FOR EACH ROW EXECUTE FUNCTION public.planted_trigger();
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a trigger', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit(NULL);
SET ROLE planted_attacker;
CREATE RULE planted AS ON INSERT TO public."rateLimit" DO ALSO SELECT public.planted_check(NEW.key);
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a rule', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit(NULL);
SET ROLE planted_attacker;
ALTER TABLE public."rateLimit" ENABLE ROW LEVEL SECURITY;
ALTER TABLE public."rateLimit" FORCE ROW LEVEL SECURITY;
CREATE POLICY planted ON public."rateLimit" USING (public.planted_check(key)) WITH CHECK (public.planted_check(key));
GRANT ALL ON public."rateLimit" TO PUBLIC;
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a row-level security policy', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit('planted text DEFAULT public.planted_default()');
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a column default', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit('planted text GENERATED ALWAYS AS (public.planted_text(key)) STORED');
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a generated column', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit('CHECK (public.planted_check(key))');
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a check constraint', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit('planted public.planted_domain DEFAULT ''x''');
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with a domain-typed column', '42501');
SELECT planted_kit.unplant();

SELECT planted_kit.plant_rate_limit(NULL);
SET ROLE planted_attacker;
CREATE INDEX planted ON public."rateLimit" (public.planted_text(key));
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('rateLimit with an index expression', '42501');
SELECT planted_kit.unplant();

-- ---- a jwks table planted where none exists, holding the attacker's key ----
SET ROLE planted_attacker;
CREATE TABLE public.jwks (id text PRIMARY KEY, "publicKey" text NOT NULL, "privateKey" text NOT NULL,
                          "createdAt" timestamptz NOT NULL, "expiresAt" timestamptz, alg text, crv text);
INSERT INTO public.jwks VALUES ('test-ed25519', :'ed25519_public', 'unused', now(), NULL, 'EdDSA', 'Ed25519');
GRANT SELECT ON public.jwks TO PUBLIC;
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('a planted jwks table', '42501');
SELECT planted_kit.unplant();

-- ---- the owner's own table, with a trigger of the attacker's (TRIGGER granted by mistake) ----
SET ROLE planted_owner;
GRANT TRIGGER ON public."user" TO planted_attacker;
SET ROLE planted_attacker;
CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON public."user" FOR EACH ROW EXECUTE FUNCTION public.planted_trigger();
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('the owner''s user table with the attacker''s trigger', '42501');
DROP TRIGGER planted ON public."user";
REVOKE TRIGGER ON public."user" FROM planted_attacker;

-- ---- the owner's own table, with a column of the attacker's domain ----
SET ROLE planted_owner;
ALTER TABLE public."user" ADD COLUMN planted public.planted_domain;
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('the owner''s user table with a column of the attacker''s domain', '42501');
ALTER TABLE public."user" DROP COLUMN planted;

-- ---- custom names: a renamed table planted behind the auth_ext_names views ----
SET ROLE planted_owner;
SELECT auth_ext.configure('better_auth_names', '{"rateLimit": {"modelName": "rate_limits"}}');
RESET ROLE;
SET ROLE planted_attacker;
CREATE TABLE public.rate_limits (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL, "lastRequest" bigint NOT NULL);
CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON public.rate_limits FOR EACH ROW EXECUTE FUNCTION public.planted_trigger();
GRANT ALL ON public.rate_limits TO PUBLIC;
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('custom names: a planted rate_limits table', '42501');
DROP TABLE public.rate_limits CASCADE;

-- ---- custom names: auth_ext_names dropped by the owner, recreated by the attacker with the copied fingerprint ----
SELECT obj_description('auth_ext_names'::regnamespace, 'pg_namespace') AS fingerprint \gset
SET ROLE planted_owner;
DROP SCHEMA auth_ext_names CASCADE;
SET ROLE planted_attacker;
CREATE SCHEMA auth_ext_names;
CREATE TABLE auth_ext_names.stolen_users (id text PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
  "emailVerified" boolean NOT NULL, image text, "createdAt" timestamptz NOT NULL DEFAULT now(), "updatedAt" timestamptz NOT NULL DEFAULT now());
CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON auth_ext_names.stolen_users FOR EACH ROW EXECUTE FUNCTION public.planted_trigger();
CREATE VIEW auth_ext_names."user" AS SELECT * FROM auth_ext_names.stolen_users;
GRANT ALL ON ALL TABLES IN SCHEMA auth_ext_names TO PUBLIC;
GRANT USAGE ON SCHEMA auth_ext_names TO PUBLIC;
COMMENT ON SCHEMA auth_ext_names IS :'fingerprint';
RESET ROLE;
INSERT INTO planted_kit.tap (line) SELECT planted_kit.check_paths('custom names: a squatted auth_ext_names schema with the copied fingerprint', '42501');
DROP SCHEMA auth_ext_names CASCADE;
SET ROLE planted_owner;
SELECT auth_ext.configure('better_auth_names', '{}');
RESET ROLE;

-- ---- every plant removed: the paths work again ----
INSERT INTO planted_kit.tap (line) SELECT is(planted_kit.outcome('planted_app', statement), CASE WHEN name IN ('authenticate', 'verify_jwt') THEN '55000' WHEN name = 'rate_limit_hit' THEN '42P01' ELSE 'ok' END,
          'plants removed: ' || name)
  FROM planted_kit.path WHERE name NOT IN ('sign_out', 'reset_password', 'verify_email', 'change_password') ORDER BY name;
-- The counter itself works: the attacker's trigger, fired on purpose, counts one run.
CREATE TABLE planted_kit.canary (id integer);
CREATE TRIGGER planted BEFORE INSERT ON planted_kit.canary FOR EACH ROW EXECUTE FUNCTION public.planted_trigger();
SELECT planted_kit.fired() AS canary_before \gset
INSERT INTO planted_kit.canary VALUES (1);
INSERT INTO planted_kit.tap (line) SELECT is(planted_kit.fired() - :canary_before, 1::bigint, 'the run counter counts a planted trigger that fires');

\o
SELECT line FROM planted_kit.tap ORDER BY n;
SELECT * FROM finish();
ROLLBACK;
