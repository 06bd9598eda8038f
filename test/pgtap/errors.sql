-- pgTAP: auth_ext.error_codes(), the one table of the codes auth_ext raises, and auth_ext._raise():
-- every raise site states its code alone and gets the table's SQLSTATE and message, with the bare
-- code in the CONSTRAINT field; every code of the table is raised by some path.
BEGIN;
SELECT no_plan();

SELECT is((SELECT p.provolatile::text || p.proparallel::text FROM pg_proc p WHERE p.oid = 'auth_ext.error_codes()'::regprocedure),
          'is', 'error_codes() is IMMUTABLE and PARALLEL SAFE');
SELECT ok((SELECT 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig) FROM pg_proc p
           WHERE p.oid = 'auth_ext.error_codes()'::regprocedure), 'error_codes() has a fixed search_path');
SELECT is((SELECT f.callable_by FROM auth_ext.function_privileges() f WHERE f.function_name = 'auth_ext.error_codes()'::regprocedure),
          'any', 'error_codes() is callable by any role with USAGE on the schema');
SELECT is_empty($$SELECT code FROM auth_ext.error_codes() WHERE length(sqlstate) = 5 GROUP BY code HAVING count(*) > 1$$,
                'each raised code has one row');
SELECT is_empty($$SELECT code FROM auth_ext.error_codes()
                  WHERE code !~ '^[A-Z][A-Z0-9_]*$' OR sqlstate !~ '^[0-9A-Z]{2}([0-9A-Z]{3})?$'
                     OR http_status NOT BETWEEN 400 AND 599 OR message IS NULL OR message = ''$$,
                'codes, SQLSTATEs, statuses and messages are well-formed');
SELECT is((SELECT http_status FROM auth_ext.error_codes() WHERE code = 'USER_NOT_FOUND'), 400,
          'USER_NOT_FOUND is 400, as Better Auth answers it (reset-password), not 404');

-- No coded RAISE is left outside _raise: each code and its SQLSTATE are written once, in the table.
SELECT is_empty($$
  SELECT p.oid::regprocedure::text FROM pg_proc p
  WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
    AND p.prosrc ~ $re$RAISE\s+EXCEPTION\s+'[A-Z][A-Z0-9_]*:$re$
$$, 'every coded error goes through auth_ext._raise');

-- The error a statement raises: SQLSTATE, message, CONSTRAINT field, hint.
-- (read_only: in a read-only subtransaction, rolled back with it.)
CREATE FUNCTION pg_temp.error_of(statement text, read_only boolean DEFAULT false) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE st text; msg text; con text; hnt text;
BEGIN
  IF read_only THEN
    PERFORM set_config('transaction_read_only', 'on', true);
  END IF;
  EXECUTE statement;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, con = CONSTRAINT_NAME, hnt = PG_EXCEPTION_HINT;
  RETURN ARRAY[st, msg, con, hnt];
END
$$;

SELECT is(pg_temp.error_of($$SELECT auth_ext._raise('USER_NOT_FOUND')$$),
          ARRAY['P0002', 'USER_NOT_FOUND: User not found', 'USER_NOT_FOUND', ''],
          '_raise: the table''s SQLSTATE, ''CODE: message'' and the bare code in the CONSTRAINT field');
SELECT is(pg_temp.error_of($$SELECT auth_ext._raise('VALIDATION_ERROR', 'Name is required', 'a hint')$$),
          ARRAY['22023', 'VALIDATION_ERROR: Name is required', 'VALIDATION_ERROR', 'a hint'],
          '_raise: a message of its own and a hint');
SELECT is((pg_temp.error_of($$SELECT auth_ext._raise('NO_SUCH_CODE')$$))[1:2],
          ARRAY['22023', 'auth_ext._raise: unknown error code "NO_SUCH_CODE"'],
          '_raise: an unknown code is 22023 invalid_parameter_value, never XX000');
SELECT is((pg_temp.error_of($$SELECT auth_ext._raise('DATABASE_UNAVAILABLE')$$))[1], '22023',
          '_raise: a SQLSTATE class row is not raised (22023)');
SELECT is((pg_temp.error_of($$SELECT auth_ext._raise(NULL)$$))[1:2],
          ARRAY['22023', 'auth_ext._raise: unknown error code "<NULL>"'], '_raise: NULL is 22023, never XX000');

-- Every code auth_ext raises, from a real path.
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.sign_up_email('taken@example.com', 'password123', 'Taken');
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
  VALUES ('oauth-only', 'O', 'oauth@example.com', true, now(), now());
SELECT auth_ext.configure('better_auth_secret', 'errors-test-secret-0123456789abcdef');
CREATE TEMP TABLE raised (code text, statement text, got text[]);
INSERT INTO raised (code, statement) VALUES
  ('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', $$SELECT auth_ext.sign_up_email('Taken@example.com', 'password123', 'T')$$),
  ('INVALID_EMAIL', $$SELECT auth_ext.sign_in_email('not-an-email', 'password123')$$),
  ('PASSWORD_TOO_SHORT', $$SELECT auth_ext.sign_up_email('short@example.com', 'short', 'S')$$),
  ('PASSWORD_TOO_LONG', $$SELECT auth_ext.sign_in_email('taken@example.com', repeat('x', 129))$$),
  ('VALIDATION_ERROR', $$SELECT auth_ext.sign_in_email('taken@example.com', NULL)$$),
  ('INVALID_EMAIL_OR_PASSWORD', $$SELECT auth_ext.sign_in_email('taken@example.com', 'wrong-password')$$),
  ('EMAIL_NOT_VERIFIED', $$SELECT auth_ext.sign_in_email('taken@example.com', 'password123', '{"require_email_verification": true}')$$),
  ('INVALID_PASSWORD', format('SELECT auth_ext.change_password(%L, %L, %L)',
                              (SELECT id FROM "user" WHERE email = 'taken@example.com'), 'wrong-password', 'new-password-1')),
  ('INVALID_PASSWORD_PROOF', $$SELECT auth_ext.sign_in_email('taken@example.com', NULL, '{}', 'ap1.e30.AAAA')$$),
  ('USER_NOT_FOUND', $$SELECT auth_ext.set_password('no-such-user', 'password123')$$),
  ('CREDENTIAL_ACCOUNT_NOT_FOUND', $$SELECT auth_ext.change_password('oauth-only', 'password123', 'new-password-1')$$),
  ('READ_ONLY', $$SELECT auth_ext.sign_up_email('ro@example.com', 'password123', 'R')$$),
  ('TOKEN_EXPIRED', format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('taken@example.com', 'x', -1))),
  ('INVALID_TOKEN', $$SELECT auth_ext.reset_password('no-such-token', 'password123')$$),
  ('EMAIL_ALREADY_VERIFIED', $$SELECT auth_ext.create_email_verification_token('oauth@example.com')$$),
  ('RATE_LIMITED', $$SELECT auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 1, 1) FROM generate_series(1, 2)$$);
CREATE TABLE "rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null,
                          "lastRequest" bigint not null);
UPDATE raised SET got = pg_temp.error_of(statement, code = 'READ_ONLY');
SELECT is((SELECT got[4] FROM raised WHERE code = 'READ_ONLY'), 'Send account writes to the primary, not a replica.',
          'READ_ONLY keeps its hint');
-- A Better Auth table of another role's: every account function refuses before touching a row.
CREATE ROLE auth_ext_errors_planter;
GRANT auth_ext_errors_planter TO CURRENT_USER;
GRANT CREATE ON SCHEMA public TO auth_ext_errors_planter;  -- a new owner needs it
ALTER TABLE "rateLimit" OWNER TO auth_ext_errors_planter;
INSERT INTO raised (code, statement, got)
  SELECT 'UNTRUSTED_OBJECT', v.s, pg_temp.error_of(v.s)
    FROM (VALUES ($$SELECT auth_ext.rate_limit_hit('203.0.113.2|/sign-in/email', 60, 10)$$)) v(s);
ALTER TABLE "rateLimit" OWNER TO CURRENT_USER;

SELECT is_empty($$
  SELECT e.code FROM auth_ext.error_codes() e LEFT JOIN raised r USING (code)
  WHERE length(e.sqlstate) = 5 AND r.code IS NULL
$$, 'every code of error_codes() has a path here');
SELECT is_empty($$
  SELECT r.code, r.got FROM raised r JOIN auth_ext.error_codes() e USING (code)
  WHERE (r.got IS NULL OR r.got[1] <> e.sqlstate OR r.got[3] <> r.code
         OR r.got[2] <> r.code || ': ' || CASE r.code WHEN 'VALIDATION_ERROR' THEN 'Password is required'
                                                      WHEN 'UNTRUSTED_OBJECT' THEN format(
                                                        'table public."rateLimit" belongs to role auth_ext_errors_planter, not to %s, the owner of the auth_ext extension',
                                                        quote_ident((SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'auth_ext.setting'::regclass)))
                                                      ELSE e.message END)
$$, 'each path raises its code''s SQLSTATE and message, and the code in the CONSTRAINT field');

SELECT * FROM finish();
ROLLBACK;
