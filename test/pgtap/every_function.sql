-- pgTAP: every function of schema auth_ext, read from pg_proc (a new function is covered without
-- editing this file), called as the application role (grant_app_role), as the mail role
-- (grant_mail_role) and as the caller running this file (the owner, or the bootstrap superuser):
-- once with a plain value in every argument, once with NULL in every argument, with NULL in each
-- argument position in turn, and with edge values for each argument's type (empty strings, 1 MiB
-- strings, odd Unicode, negative and huge integers, odd jsonb...). Each call runs in its own
-- subtransaction, so whatever it changes rolls back. Whatever the call does, it must never crash
-- the backend (this connection keeps working and the postmaster never restarts) and never raise an
-- XX*** SQLSTATE (internal_error and its class): a refusal has a proper SQLSTATE. Permission errors
-- (42501) are expected, and asserted, where the caller was granted nothing.
-- Issue 22: defect 4 (_validate_setting(NULL, 'x') dereferenced NULL and took the cluster down) and
-- defect 10 (_raise with an unknown code or NULL raised XX000, and the application role could call
-- it) both fail here on the old code.
BEGIN;
SELECT no_plan();
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE every_function_start AS SELECT pg_postmaster_start_time() AS started, pg_backend_pid() AS pid;

CREATE ROLE auth_ext_every_function_app;
SELECT auth_ext.grant_app_role('auth_ext_every_function_app');
CREATE ROLE auth_ext_every_function_mail;
SELECT auth_ext.grant_mail_role('auth_ext_every_function_mail');
GRANT auth_ext_every_function_app, auth_ext_every_function_mail TO CURRENT_USER;  -- SET ROLE for a non-superuser owner
-- Better Auth's tables and the secrets, so that the calls get past "not configured" (all rolled back).
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'pgtap-every-function-secret-0123456789abcdef');
SELECT auth_ext.configure('jwt_shared_secret', 'pgtap-every-function-jwt-secret-0123456789abcdef');

-- Functions that run scrypt (about 100 ms a call) get NULL in every position and the plain call,
-- but only the cheap edge values (marked for_slow), to keep this file quick.
CREATE FUNCTION pg_temp.is_slow(fn regprocedure) RETURNS boolean LANGUAGE sql AS $$
  SELECT (SELECT proname FROM pg_proc WHERE oid = fn) IN
         ('hash_password', 'verify_password', 'sign_up_email', 'sign_in_email', 'change_password', 'set_password',
          'reset_password')
$$;

-- Per argument type: a plain value (kind 'plain') and edge values, as SQL expressions.
CREATE TEMP TABLE every_function_value (type regtype, kind text, expr text, for_slow boolean);
INSERT INTO every_function_value VALUES
  ('text', 'plain', $$'x'$$, true),
  ('text', 'edge', $$''$$, true),
  ('text', 'edge', $$' '$$, false),
  ('text', 'edge', $$pg_catalog.repeat('x', 1048576)$$, true),                 -- 1 MiB
  ('text', 'edge', $$pg_catalog.repeat(U&'\00e9', 524288)$$, false),            -- 1 MiB of two-byte characters
  ('text', 'edge', $$pg_catalog.repeat(U&'\fdfa', 2000)$$, true),               -- 18 characters each under NFKC
  ('text', 'edge', $$U&'e\0301\feff\200b\+01f600\ffff'$$, false),
  ('text', 'edge', $$'%s%n%x%%\''"'$$, false),
  ('text', 'edge', $$'Bearer '$$, false),
  ('text', 'edge', $$'eyJhbGciOiJub25lIn0.e30.'$$, false),                        -- alg none
  ('text', 'edge', $$'a.b.c.d'$$, false),
  ('text', 'edge', $$'x.' || pg_catalog.repeat('A', 100)$$, false),               -- cookie-shaped
  ('text', 'edge', $$'-1'$$, false),
  ('text', 'edge', $$'better_auth_secret'$$, false),
  ('integer', 'plain', '1', true),
  ('integer', 'edge', '0', true),
  ('integer', 'edge', '-1', true),
  ('integer', 'edge', '-2147483648', true),
  ('integer', 'edge', '2147483647', true),
  ('boolean', 'plain', 'true', true),
  ('boolean', 'edge', 'false', true),
  ('jsonb', 'plain', $$'{}'$$, true),
  ('jsonb', 'edge', $$'null'$$, true),
  ('jsonb', 'edge', $$'[]'$$, true),
  ('jsonb', 'edge', $$'""'$$, true),
  ('jsonb', 'edge', $$'-0.0'$$, true),
  ('jsonb', 'edge', $$'{"exp": 1e400, "iat": -1e400, "nbf": "x", "sub": {}}'$$, true),
  ('jsonb', 'edge', $$'{"keys": [{}, null, {"kty": "oct", "k": ""}]}'$$, true),
  ('jsonb', 'edge', $$'{"kty": "RSA", "n": "", "e": "", "d": "", "alg": "RS256"}'$$, true),
  ('jsonb', 'edge', $$'{"email": "x", "id": "x", "name": "x", "user": {"modelName": ""}}'$$, true),
  ('jsonb', 'edge', $$pg_catalog.repeat('[', 2000) || pg_catalog.repeat(']', 2000)$$, true),
  ('jsonb', 'edge', $$pg_catalog.jsonb_build_object('x', pg_catalog.repeat('x', 1048576))$$, true),
  ('name', 'plain', $$'auth_ext_every_function_none'$$, true),
  ('name', 'edge', $$''$$, true),
  ('name', 'edge', $$pg_catalog.repeat('x', 200)$$, true),
  ('name', 'edge', $$'pg_catalog'$$, true),
  ('name', 'edge', $$'auth_ext'$$, true),
  ('name', 'edge', $$'public'$$, true),
  ('text[]', 'plain', $$'{}'$$, true),
  ('text[]', 'edge', $$ARRAY[NULL]$$, true),
  ('text[]', 'edge', $$ARRAY['']$$, true),
  ('text[]', 'edge', $$ARRAY['user', 'session', 'account', 'verification', 'jwks', 'rateLimit', 'x']$$, true),
  ('text[]', 'edge', $$ARRAY[pg_catalog.repeat('x', 1048576)]$$, true),
  ('record', 'plain', $$ROW(1)$$, true),
  ('record', 'edge', $$ROW()$$, true),
  ('record', 'edge', $$ROW(NULL, '', pg_catalog.repeat('x', 1048576), '{}'::jsonb, -2147483648)$$, true),
  ('record', 'edge', $$(SELECT r FROM pg_catalog.pg_roles r LIMIT 1)$$, true);

-- Every call: the function, what it varies (position 0: the plain call; -1: NULL everywhere;
-- n: argument n NULL or an edge value, the others plain) and the statement.
CREATE TEMP TABLE every_function_call AS
WITH fn AS (
  SELECT p.oid::regprocedure AS fn, p.proargtypes::oid[] AS types, p.pronargs AS nargs, pg_temp.is_slow(p.oid) AS slow
    FROM pg_proc p WHERE p.pronamespace = 'auth_ext'::regnamespace
), plain AS (
  SELECT fn.fn, a.n, COALESCE((SELECT v.expr FROM every_function_value v WHERE v.type = a.t AND v.kind = 'plain'), 'NULL') AS expr,
         a.t::regtype AS type
    FROM fn, unnest(fn.types) WITH ORDINALITY a(t, n)
), variant AS (
  SELECT fn.fn, 0 AS pos, 'plain' AS kind, NULL::text AS expr FROM fn
  UNION ALL SELECT fn.fn, -1, 'null', NULL FROM fn WHERE fn.nargs > 0
  UNION ALL SELECT p.fn, p.n::int, 'null', 'NULL' FROM plain p
  UNION ALL SELECT p.fn, p.n::int, 'edge', v.expr FROM plain p JOIN fn ON fn.fn = p.fn
              JOIN every_function_value v ON v.type = p.type AND v.kind = 'edge' AND (v.for_slow OR NOT fn.slow)
)
SELECT v.fn, v.pos, v.kind, v.expr,
       format('SELECT auth_ext.%I(%s)', (SELECT proname FROM pg_proc WHERE oid = v.fn), (
         SELECT string_agg(format('CAST(%s AS %s)',
                                  CASE WHEN v.pos = -1 THEN 'NULL' WHEN p.n = v.pos THEN v.expr ELSE p.expr END,
                                  p.type), ', ' ORDER BY p.n)
           FROM plain p WHERE p.fn = v.fn)) AS statement
  FROM variant v;
-- A function without arguments: string_agg gave NULL.
UPDATE every_function_call c SET statement = format('SELECT auth_ext.%I()', p.proname) FROM pg_proc p
 WHERE p.oid = c.fn AND c.statement IS NULL;

-- Runs every call as a role (NULL: the caller of this file) and returns each call's SQLSTATE
-- ('00000' when it returned). The statements are read before the role changes: the roles have no
-- right on this session's temporary objects.
CREATE FUNCTION pg_temp.call_every_function(as_role name)
RETURNS TABLE (fn regprocedure, pos integer, kind text, expr text, state text, msg text)
LANGUAGE plpgsql AS $$
DECLARE
  calls pg_temp.every_function_call[] := ARRAY(SELECT c FROM pg_temp.every_function_call c ORDER BY c.fn::text, c.pos);
  c pg_temp.every_function_call;
BEGIN
  IF as_role IS NOT NULL THEN
    PERFORM set_config('role', as_role, true);
  END IF;
  FOREACH c IN ARRAY calls LOOP
    fn := c.fn; pos := c.pos; kind := c.kind; expr := c.expr;
    BEGIN
      EXECUTE c.statement;
      state := '00000'; msg := NULL;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      msg := left(msg, 200);
    END;
    RETURN NEXT;
  END LOOP;
  PERFORM set_config('role', 'none', true);
END
$$;

SET LOCAL statement_timeout = '300s';
CREATE TEMP TABLE every_function_result AS
  SELECT 'app' AS caller, r.*, clock_timestamp() AS done FROM pg_temp.call_every_function('auth_ext_every_function_app') r;
INSERT INTO every_function_result
  SELECT 'mail', r.*, clock_timestamp() FROM pg_temp.call_every_function('auth_ext_every_function_mail') r;
INSERT INTO every_function_result
  SELECT 'owner', r.*, clock_timestamp() FROM pg_temp.call_every_function(NULL) r;
RESET statement_timeout;

SELECT diag(format('%s calls (%s with NULL in one argument) of %s functions as the app role, the mail role and %s; '
                   'SQLSTATEs: %s', count(*), count(*) FILTER (WHERE kind = 'null' AND pos > 0), count(DISTINCT fn),
                   current_user,
                   (SELECT string_agg(format('%s %s', s.state, s.n), ', ' ORDER BY s.n DESC)
                      FROM (SELECT r.state, count(*) AS n FROM every_function_result r GROUP BY 1) s)))
  FROM every_function_result;

-- The generator covered everything (a broken one must not pass silently).
SELECT cmp_ok((SELECT count(*)::integer FROM every_function_result), '>=', 2500, 'at least 2500 calls were made');
SELECT is((SELECT count(*)::integer FROM every_function_result WHERE caller = c.caller AND pos = 0),
          (SELECT count(*)::integer FROM pg_proc WHERE pronamespace = 'auth_ext'::regnamespace),
          format('as %s: every function of schema auth_ext was called', c.caller))
  FROM (VALUES ('app'), ('mail'), ('owner')) c(caller);
SELECT is((SELECT count(*)::integer FROM every_function_result WHERE caller = c.caller AND kind = 'null' AND pos > 0),
          (SELECT sum(pronargs)::integer FROM pg_proc WHERE pronamespace = 'auth_ext'::regnamespace),
          format('as %s: every argument position of every function got its NULL call', c.caller))
  FROM (VALUES ('app'), ('mail'), ('owner')) c(caller);
SELECT ok((SELECT count(DISTINCT (fn, pos)) FROM every_function_result WHERE caller = 'owner' AND kind = 'edge')
          = (SELECT sum(pronargs) FROM pg_proc WHERE pronamespace = 'auth_ext'::regnamespace
              AND NOT EXISTS (SELECT FROM unnest(proargtypes::oid[]) t
                               WHERE NOT EXISTS (SELECT FROM every_function_value v WHERE v.type = t AND v.kind = 'edge'))),
          'every argument position got edge values (every argument type has some)');
SELECT ok((SELECT count(*) > 0 FROM every_function_result WHERE caller = 'owner' AND state = '00000'),
          'some calls returned (the calls really ran)');

-- Never an internal error, and the backend survived.
SELECT is_empty($$SELECT caller, fn::text, pos, kind, left(expr, 60), state, msg FROM every_function_result
                  WHERE state LIKE 'XX%' ORDER BY 1, 2, 3$$,
                'no call raised an XX*** SQLSTATE (internal_error, data_corrupted, index_corrupted)');
SELECT is((SELECT started FROM every_function_start), pg_postmaster_start_time(),
          'the postmaster never restarted (no backend crashed)');
SELECT is((SELECT pid FROM every_function_start), pg_backend_pid(), 'this connection is the one that made every call');

-- What a role was not granted, it cannot call: every call as the app role of an owner or mail
-- function, and as the mail role of an owner or app function, is 42501 (but where a NULL argument
-- of a STRICT function lets the planner answer NULL without calling it).
SELECT is_empty($$SELECT r.caller, r.fn::text, r.pos, r.state, r.msg
                    FROM every_function_result r JOIN auth_ext.function_privileges() f ON f.function_name = r.fn
                    JOIN pg_proc p ON p.oid = r.fn
                   WHERE ((r.caller = 'app' AND f.callable_by IN ('owner', 'mail'))
                          OR (r.caller = 'mail' AND f.callable_by IN ('owner', 'app')))
                     AND r.state <> '42501' AND NOT (r.kind = 'null' AND p.proisstrict AND r.state = '00000')
                   ORDER BY 1, 2, 3$$,
                'the app and mail roles get 42501 from every function they were not granted');
-- Issue 22's cases, explicitly.
SELECT is((SELECT state FROM every_function_result
            WHERE caller = 'owner' AND fn = 'auth_ext._validate_setting(text,text)'::regprocedure AND pos = 1 AND kind = 'null'),
          '22023', 'defect 4: the owner''s _validate_setting(NULL, ''x'') is 22023');
SELECT is((SELECT state FROM every_function_result
            WHERE caller = 'app' AND fn = 'auth_ext._validate_setting(text,text)'::regprocedure AND pos = 1 AND kind = 'null'),
          '42501', 'defect 4: the application role cannot call _validate_setting');
SELECT is((SELECT state FROM every_function_result
            WHERE caller = 'owner' AND fn = 'auth_ext._raise(text,text,text)'::regprocedure AND pos = -1),
          '22023', 'defect 10: _raise(NULL, NULL, NULL) is 22023, not XX000');
SELECT set_eq($$SELECT DISTINCT state FROM every_function_result
                 WHERE caller IN ('app', 'mail') AND fn = 'auth_ext._raise(text,text,text)'::regprocedure$$,
              ARRAY['42501'], 'defect 10: the app and mail roles cannot call _raise at all');

SELECT * FROM finish();
ROLLBACK;
