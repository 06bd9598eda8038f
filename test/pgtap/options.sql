-- pgTAP: the account operations' options contract. Each takes its required inputs as typed
-- arguments and everything optional in one last argument, options jsonb DEFAULT '{}', checked by
-- one validator (auth_ext._options): NULL or {} is no options, a JSON null value is an option not
-- given, and anything else that is not what the function takes is 22023 VALIDATION_ERROR.
BEGIN;
SELECT no_plan();
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'options-test-secret-0123456789abcdef0123456789');

-- ---- the signatures: typed required inputs, then options jsonb DEFAULT '{}' ----
SELECT set_eq(
  $$SELECT p.oid::regprocedure::text FROM pg_proc p
     WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.proname NOT LIKE '\_%' AND 'options' = ANY (p.proargnames)$$,
  ARRAY['auth_ext.sign_up_email(text,text,text,jsonb,text)', 'auth_ext.sign_in_email(text,text,jsonb,text)',
        'auth_ext.change_password(text,text,text,jsonb)', 'auth_ext.verify_email(text,jsonb)',
        'auth_ext.reset_password(text,text,jsonb)', 'auth_ext.create_email_verification_token(text,jsonb)',
        'auth_ext.request_password_reset(text,jsonb)', 'auth_ext.revoke_sessions(text,jsonb)'],
  'exactly the account operations take options');
SELECT is_empty(
  $$SELECT p.proname FROM pg_proc p
     WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.proname NOT LIKE '\_%' AND 'options' = ANY (p.proargnames)
       AND NOT (p.proargtypes[array_position(p.proargnames, 'options') - 1] = 'jsonb'::regtype
                AND p.pronargdefaults = p.pronargs - array_position(p.proargnames, 'options') + 1
                AND pg_get_expr(p.proargdefaults, 0) LIKE '''{}''::jsonb%'
                AND p.proargmodes IS NULL)$$,
  'options is jsonb DEFAULT ''{}'', every argument before it is required (arguments with defaults may follow '
  'it, for named notation), and no argument is OUT or VARIADIC');
SELECT is(
  ARRAY(SELECT p.proname || '(' || array_to_string(p.proargnames[1:array_position(p.proargnames, 'options') - 1], ', ') || ')'
          FROM pg_proc p
         WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.proname NOT LIKE '\_%' AND 'options' = ANY (p.proargnames) ORDER BY 1),
  ARRAY['change_password(user_id, current_password, new_password)',
        'create_email_verification_token(email)', 'request_password_reset(email)',
        'reset_password(token, new_password)', 'revoke_sessions(user_id)',
        'sign_in_email(email, password)', 'sign_up_email(email, password, name)', 'verify_email(token)'],
  'the typed arguments before options are the required inputs, named as before');
SELECT is_empty(
  $$SELECT p.proname, p.proargnames FROM pg_proc p
     WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.proname NOT LIKE '\_%' AND 'options' = ANY (p.proargnames)
       AND EXISTS (SELECT FROM unnest(p.proargtypes::oid[]) t WHERE t NOT IN ('text'::regtype, 'jsonb'::regtype))$$,
  'the required inputs are text');

-- ---- each operation's option keys (the unknown-key error names them) ----
CREATE TEMP TABLE expected_keys (fn text, call text, keys text);
INSERT INTO expected_keys VALUES
  ('sign_up_email', $$SELECT auth_ext.sign_up_email('k@example.com', 'password123', 'K', '{"nope": 1}')$$,
   'account_fields, auto_sign_in, image, ip_address, remember_me, session_expires_in, session_fields, session_token, '
   'user_agent, user_fields, user_id'),
  ('sign_in_email', $$SELECT auth_ext.sign_in_email('k@example.com', 'password123', '{"nope": 1}')$$,
   'create_session, ip_address, remember_me, require_email_verification, session_expires_in, session_fields, user_agent'),
  ('change_password', $$SELECT auth_ext.change_password('u', 'a', 'b', '{"nope": 1}')$$,
   'current_password_proof, new_password_proof, revoke_other_sessions'),
  ('verify_email', $$SELECT auth_ext.verify_email('t', '{"nope": 1}')$$,
   'create_session, ip_address, session_expires_in, user_agent'),
  ('reset_password', $$SELECT auth_ext.reset_password('t', 'password123', '{"nope": 1}')$$,
   'new_password_proof, revoke_sessions'),
  ('create_email_verification_token', $$SELECT auth_ext.create_email_verification_token('k@example.com', '{"nope": 1}')$$,
   'expires_in'),
  ('request_password_reset', $$SELECT auth_ext.request_password_reset('k@example.com', '{"nope": 1}')$$, 'expires_in'),
  ('revoke_sessions', $$SELECT auth_ext.revoke_sessions('u', '{"nope": 1}')$$, 'except_token');
SELECT throws_ok(call, '22023',
                 format('VALIDATION_ERROR: unknown option "nope" of %s; its options are: %s', fn, keys),
                 fn || ': an unknown key is refused, naming it and the keys the function takes')
  FROM expected_keys ORDER BY fn;

-- Every key of every operation given as JSON null passes the validator (not given: the defaults),
-- so the call goes on to its own checks.
SELECT throws_ok(
  format('SELECT auth_ext.%s(%s)', fn,
         CASE fn WHEN 'sign_up_email' THEN $$'not-an-email', 'password123', 'K', $$
                 WHEN 'sign_in_email' THEN $$'not-an-email', 'password123', $$
                 WHEN 'change_password' THEN $$'no-such-user', 'a', 'password123', $$
                 WHEN 'verify_email' THEN $$'not.a.token', $$
                 WHEN 'reset_password' THEN $$'no-such-token', 'password123', $$
                 ELSE $$'not-an-email', $$ END
         || quote_literal((SELECT jsonb_object_agg(k, NULL) FROM regexp_split_to_table(keys, ', ') k))),
  CASE WHEN fn IN ('sign_up_email', 'sign_in_email', 'create_email_verification_token', 'request_password_reset')
       THEN '22023' WHEN fn = 'change_password' THEN 'P0002' ELSE '28000' END,
  NULL, fn || ': every key it takes, null, is accepted (the call fails later, on its own check)')
  FROM expected_keys WHERE fn <> 'revoke_sessions' ORDER BY fn;
SELECT is(auth_ext.revoke_sessions('nobody', '{"except_token": null}'), 0, 'revoke_sessions: except_token null is accepted');

-- ---- options that are not an object ----
SELECT throws_ok($$SELECT auth_ext.sign_in_email('k@example.com', 'password123', '[]')$$, '22023',
                 'VALIDATION_ERROR: options of sign_in_email must be a JSON object, not a JSON array', 'an array');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('k@example.com', 'password123', 'K', '"remember_me"')$$, '22023',
                 'VALIDATION_ERROR: options of sign_up_email must be a JSON object, not a JSON string', 'a string');
SELECT throws_ok($$SELECT auth_ext.revoke_sessions('u', 'null')$$, '22023',
                 'VALIDATION_ERROR: options of revoke_sessions must be a JSON object, not a JSON null', 'a JSON null');

-- ---- values of the wrong JSON kind ----
SELECT throws_ok($$SELECT auth_ext.sign_in_email('k@example.com', 'password123', '{"remember_me": "false"}')$$, '22023',
                 'VALIDATION_ERROR: option "remember_me" of sign_in_email must be a JSON boolean, not a string',
                 'a boolean option given a string');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('k@example.com', 'password123', '{"ip_address": 1}')$$, '22023',
                 'VALIDATION_ERROR: option "ip_address" of sign_in_email must be a JSON string, not the number 1',
                 'a string option given a number');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('k@example.com', 'password123', 'K', '{"user_fields": "x"}')$$, '22023',
                 'VALIDATION_ERROR: option "user_fields" of sign_up_email must be a JSON object, not a string',
                 'an object option given a string');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('k@example.com', 'password123', 'K', '{"session_fields": []}')$$, '22023',
                 'VALIDATION_ERROR: option "session_fields" of sign_up_email must be a JSON object, not an array',
                 'an object option given an array');
SELECT throws_ok($$SELECT auth_ext.request_password_reset('k@example.com', '{"expires_in": 60.5}')$$, '22023',
                 'VALIDATION_ERROR: option "expires_in" of request_password_reset must be a JSON integer number (32 bits), not the number 60.5',
                 'an integer option given a fraction');
SELECT throws_ok($$SELECT auth_ext.verify_email('t', '{"session_expires_in": 2147483648}')$$, '22023',
                 'VALIDATION_ERROR: option "session_expires_in" of verify_email must be a JSON integer number (32 bits), not the number 2147483648',
                 'an integer option given a number beyond 32 bits');
SELECT throws_ok($$SELECT auth_ext.change_password('u', 'a', 'b', '{"revoke_other_sessions": 0}')$$, '22023',
                 'VALIDATION_ERROR: option "revoke_other_sessions" of change_password must be a JSON boolean, not the number 0',
                 'a boolean option given a number');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('k@example.com', 'password123', '{"create_session": false, "typo": true}')$$,
                 '22023', NULL, 'a typo beside a valid key is refused too');
-- The options are checked before anything else, and the same whatever the account.
SELECT throws_ok($$SELECT auth_ext.sign_in_email('not-an-email', NULL, '{"nope": 1}')$$, '22023',
                 'VALIDATION_ERROR: unknown option "nope" of sign_in_email; its options are: create_session, ip_address, '
                 'remember_me, require_email_verification, session_expires_in, session_fields, user_agent',
                 'options are checked first');

-- ---- no options, NULL options, JSON null values: the defaults ----
CREATE TEMP TABLE up AS SELECT auth_ext.sign_up_email('opt@example.com', 'password123', 'Opt') AS j;
SELECT ok((SELECT j ? 'token' AND j->>'token' IS NOT NULL FROM up), 'no options: the defaults (auto_sign_in true)');
SELECT ok(auth_ext.sign_in_email('opt@example.com', 'password123', NULL)->>'token' IS NOT NULL, 'NULL options: no options');
SELECT ok(auth_ext.sign_in_email('opt@example.com', 'password123', '{}')->>'token' IS NOT NULL, '{}: no options');
CREATE TEMP TABLE nulls AS
  SELECT auth_ext.sign_in_email('opt@example.com', 'password123',
                                '{"remember_me": null, "create_session": null, "session_expires_in": null}') AS j;
SELECT ok((SELECT j->>'token' IS NOT NULL FROM nulls), 'create_session null: not given, so true (a session)');
SELECT ok(NOT EXISTS (SELECT FROM auth_ext.dont_remember_session m, nulls WHERE m.session_id = nulls.j->'session'->>'id'),
          'remember_me null: not given, so true (a remembered session)');
SELECT ok((SELECT (j->'session'->>'expiresAt')::timestamptz - now() > interval '6 days' FROM nulls),
          'session_expires_in null: not given, so the setting (7 days)');
CREATE TEMP TABLE forgetful AS
  SELECT auth_ext.sign_in_email('opt@example.com', 'password123', '{"remember_me": false}') AS j;
SELECT ok(EXISTS (SELECT FROM auth_ext.dont_remember_session m, forgetful f WHERE m.session_id = f.j->'session'->>'id'),
          'a given option is used (remember_me false)');

-- ---- named notation keeps working ----
SELECT ok(auth_ext.sign_up_email(email => 'named@example.com', password => 'password123', name => 'Named') ? 'token',
          'sign_up_email(email => ..., password => ..., name => ...)');
SELECT ok(auth_ext.sign_in_email(email => 'named@example.com', password => 'password123') ? 'token',
          'sign_in_email(email => ..., password => ...)');
SELECT ok(auth_ext.sign_in_email(email => 'named@example.com', password => 'password123',
                                 options => '{"create_session": false}')->'token' = 'null'::jsonb,
          'options => ... in named notation');

-- ---- the validator itself ----
SELECT is(auth_ext._options('f', '{"a": "x", "b": null, "c": 3}', '{"a": "string", "b": "boolean", "c": "integer"}'),
          '{"a": "x", "c": 3}'::jsonb, '_options returns the options given, JSON nulls left out');
SELECT is(auth_ext._options('f', NULL, '{"a": "string"}'), '{}'::jsonb, '_options: NULL is {}');
SELECT is(auth_ext._options('f', '{"o": {"k": null}}', '{"o": "object"}'), '{"o": {"k": null}}'::jsonb,
          '_options leaves nulls inside an object value alone (user_fields may set a column null)');

SELECT * FROM finish();
ROLLBACK;
