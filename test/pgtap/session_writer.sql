-- pgTAP: the one session writer, auth_ext._create_session (C, src/pg/accounts/session_writer.cpp),
-- called directly as sign-up, email verification and password change call it, and the C sign-in's
-- session through it: the row Better Auth's createSession writes, the "don't remember me" marker in
-- the same statement, the caller's lifetime, and coded errors for a missing user and a taken token.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
CREATE TEMP TABLE u AS SELECT auth_ext.sign_up_email('writer@example.com', 'password123', 'W') -> 'user' ->> 'id' AS id;

CREATE TEMP TABLE s AS SELECT auth_ext._create_session((SELECT id FROM u), '10.0.0.1', 'agent/1', true) AS j;
SELECT is((SELECT length(j ->> 'token') FROM s), 32, 'a generated 32-character token');
SELECT row_eq($$SELECT "ipAddress", "userAgent", "userId", "expiresAt" - "createdAt", "createdAt" = "updatedAt"
                  FROM session WHERE token = (SELECT j ->> 'token' FROM s)$$,
              ROW('10.0.0.1'::text, 'agent/1'::text, (SELECT id FROM u), interval '7 days', true),
              'the row: ip, agent, user, the session_expires_in_seconds lifetime (7 days), updatedAt = createdAt');
SELECT is((SELECT j - 'expiresAt' - 'createdAt' - 'updatedAt' FROM s),
          (SELECT auth_ext._row_json(se) - 'expiresAt' - 'createdAt' - 'updatedAt' FROM session se
            WHERE se.token = (SELECT j ->> 'token' FROM s)),
          'returns the row as Better Auth''s JSON');
SELECT ok((SELECT (j ->> 'createdAt') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' FROM s), 'dates as JavaScript writes them');
SELECT is((SELECT count(*) FROM auth_ext.dont_remember_session), 0::bigint, 'a remembered session has no marker');

CREATE TEMP TABLE d AS SELECT auth_ext._create_session((SELECT id FROM u), NULL, NULL, false, 3600) AS j;
SELECT row_eq($$SELECT "ipAddress", "userAgent", "expiresAt" - "createdAt" FROM session WHERE token = (SELECT j ->> 'token' FROM d)$$,
              ROW(''::text, ''::text, interval '1 day'),
              'remember_me false: one day whatever session_expires_in says; NULL ip and agent are ''''');
SELECT is((SELECT count(*) FROM auth_ext.dont_remember_session m JOIN session se ON se.id = m.session_id
            WHERE se.token = (SELECT j ->> 'token' FROM d) AND m.expires_at = se."expiresAt"), 1::bigint,
          'remember_me false: its marker, written by the same statement, with the session''s expiry');

CREATE TEMP TABLE l AS SELECT auth_ext._create_session((SELECT id FROM u), NULL, NULL, NULL, 120) ->> 'token' AS token;
SELECT is((SELECT "expiresAt" - "createdAt" FROM session WHERE token = (SELECT token FROM l)),
          interval '2 minutes', 'session_expires_in: the caller''s lifetime; remember_me NULL is true');
SELECT is(auth_ext._create_session((SELECT id FROM u), NULL, NULL, true, NULL, NULL, 'chosen-token-0123456789abcdef012') ->> 'token',
          'chosen-token-0123456789abcdef012', 'session_token: the caller''s token');
SELECT throws_ok($$SELECT auth_ext._create_session((SELECT id FROM u), NULL, NULL, true, NULL, NULL, 'chosen-token-0123456789abcdef012')$$,
                 '22023', 'VALIDATION_ERROR: session_token is already taken', 'a taken token: a coded error');
SELECT throws_ok($$SELECT auth_ext._create_session('no-such-user', NULL, NULL, true)$$,
                 'P0002', 'USER_NOT_FOUND: User not found', 'an unknown user: a coded error, not a foreign key violation');
SELECT throws_ok($$SELECT auth_ext._create_session(NULL, NULL, NULL, true)$$,
                 'P0002', 'USER_NOT_FOUND: User not found', 'a NULL user: the same');

-- Extra columns: the one dynamic case, checked by _extra_columns.
ALTER TABLE session ADD COLUMN device text;
SELECT is(auth_ext._create_session((SELECT id FROM u), NULL, NULL, false, NULL, '{"device": "phone"}') ->> 'device', 'phone',
          'session_fields: an extra column written (with the marker, remember_me false)');
SELECT throws_ok($$SELECT auth_ext._create_session((SELECT id FROM u), NULL, NULL, true, NULL, '{"token": "x"}')$$,
                 '22023', NULL, 'session_fields: a core column refused');

-- The C sign-in writes its session through the same writer.
CREATE TEMP TABLE i AS SELECT auth_ext.sign_in_email('writer@example.com', 'password123', '{"remember_me": false}') ->> 'token' AS token;
SELECT is((SELECT "expiresAt" - "createdAt" FROM session WHERE token = (SELECT token FROM i)),
          interval '1 day', 'sign_in_email remember_me false: the writer''s one-day session');
SELECT is(auth_ext.sign_in_email('WRITER@example.com', 'password123', '{"create_session": false}'),
          jsonb_build_object('token', NULL, 'user', (SELECT auth_ext._row_json(x) FROM "user" x), 'session', NULL),
          'sign_in_email create_session false: the user (by the lowercased email), no session');
SELECT throws_ok($$SELECT auth_ext._check_sign_in_password(NULL, 'password123')$$, '22023', 'INVALID_EMAIL: Invalid email',
                 '_check_sign_in_password: a NULL email is INVALID_EMAIL');
SELECT is((SELECT ROW(c.user_id IS NULL, c.stored_hash IS NULL, c.found_user IS NULL, c.matches)
             FROM auth_ext._check_sign_in_password('nobody@example.com', 'password123') c),
          ROW(true, true, true, false), '_check_sign_in_password: an unknown email gives NULLs and no match');

SELECT * FROM finish();
ROLLBACK;
