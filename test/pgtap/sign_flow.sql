-- pgTAP: the sign-up and sign-in options of Better Auth's emailAndPassword: auto_sign_in false (no
-- session; an existing email answers a user that was never written), require_email_verification
-- (after the password check), create_session false (check only), and caller-chosen ids.
BEGIN;
SELECT no_plan();
SELECT auth_ext.create_better_auth_schema();

-- ---- auto_sign_in false ----
CREATE TEMP TABLE r AS SELECT auth_ext.sign_up_email('Quiet@Example.com', 'password123', 'Quiet', '{"image": "https://example.com/q.png", "auto_sign_in": false}') AS j;
SELECT is((SELECT j->'token' FROM r), 'null'::jsonb, 'auto_sign_in false: token is null');
SELECT is((SELECT j->'session' FROM r), 'null'::jsonb, 'auto_sign_in false: no session in the result');
SELECT is((SELECT j->'existing_email' FROM r), 'false'::jsonb, 'a new email: existing_email false');
SELECT is((SELECT count(*)::int FROM session), 0, 'auto_sign_in false writes no session');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'quiet@example.com'), 1, 'the user is written');
SELECT is((SELECT count(*)::int FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'quiet@example.com'
           AND a."providerId" = 'credential' AND a."accountId" = u.id), 1, 'and its credential account');
SELECT is((SELECT j->'user'->>'id' FROM r), (SELECT id FROM "user" WHERE email = 'quiet@example.com'), 'the result is the written user');

-- ---- the generic duplicate response ----
CREATE TEMP TABLE d AS SELECT auth_ext.sign_up_email('QUIET@example.com', 'other-password-1', 'Somebody', '{"auto_sign_in": false, "user_fields": null}') AS j;
SELECT is((SELECT j->'existing_email' FROM d), 'true'::jsonb, 'an existing email: existing_email true');
SELECT is((SELECT j->'token' FROM d), 'null'::jsonb, 'no token');
SELECT is((SELECT j->'session' FROM d), 'null'::jsonb, 'no session');
SELECT isnt((SELECT j->'user'->>'id' FROM d), (SELECT id FROM "user" WHERE email = 'quiet@example.com'),
            'the synthetic user has a fresh id, not the existing one');
SELECT matches((SELECT j->'user'->>'id' FROM d), '^[A-Za-z0-9]{32}$', 'a 32-character id, as a written user would have');
SELECT is((SELECT j->'user'->>'email' FROM d), 'quiet@example.com', 'the email lowercased');
SELECT is((SELECT j->'user'->>'name' FROM d), 'Somebody', 'the given name, not the stored one');
SELECT is((SELECT j->'user'->'image' FROM d), 'null'::jsonb, 'the given image (none)');
SELECT is((SELECT j->'user'->'emailVerified' FROM d), 'false'::jsonb, 'emailVerified false');
SELECT matches((SELECT j->'user'->>'createdAt' FROM d), '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', 'createdAt as a written user''s');
SELECT is((SELECT j->'user'->>'createdAt' FROM d), (SELECT j->'user'->>'updatedAt' FROM d), 'createdAt = updatedAt');
SELECT is((SELECT array_agg(k ORDER BY k) FROM d, jsonb_object_keys(j->'user') k),
          (SELECT array_agg(k ORDER BY k) FROM r, jsonb_object_keys(j->'user') k), 'the same keys as a written user');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'quiet@example.com'), 1, 'no second user');
SELECT is((SELECT name FROM "user" WHERE email = 'quiet@example.com'), 'Quiet', 'the existing user is untouched');
SELECT ok((SELECT auth_ext.verify_password('password123', a.password) FROM account a JOIN "user" u ON u.id = a."userId"
           WHERE u.email = 'quiet@example.com'), 'its password is untouched');
SELECT is((SELECT count(*)::int FROM session), 0, 'still no session');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('quiet@example.com', 'password123', 'Q')$$, '23505',
                 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.',
                 'auto_sign_in true (the default): an existing email is still 422');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('quiet@example.com', 'short', 'Q', '{"auto_sign_in": false}')$$, '22023',
                 'PASSWORD_TOO_SHORT: Password too short', 'the duplicate response comes after validation');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('x@example.com', 'password123', 'Q', '{"auto_sign_in": "no"}')$$, '22023',
                 'VALIDATION_ERROR: option "auto_sign_in" of sign_up_email must be a JSON boolean, not a string',
                 'auto_sign_in that is not a boolean is refused');

-- ---- require_email_verification: after the password check ----
SELECT throws_ok($$SELECT auth_ext.sign_in_email('quiet@example.com', 'wrong-password', '{"require_email_verification": true}')$$,
                 '28P01', 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password',
                 'a wrong password is INVALID_EMAIL_OR_PASSWORD even when the email is not verified');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('nobody@example.com', 'password123', '{"require_email_verification": true}')$$,
                 '28P01', 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'an unknown email as well');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"require_email_verification": true}')$$,
                 '28000', 'EMAIL_NOT_VERIFIED: Email not verified', 'the right password, unverified: EMAIL_NOT_VERIFIED');
SELECT is((SELECT count(*)::int FROM session), 0, 'no session for an unverified user');
SELECT lives_ok($$SELECT auth_ext.sign_in_email('quiet@example.com', 'password123')$$,
                'without require_email_verification an unverified user signs in');
UPDATE "user" SET "emailVerified" = true WHERE email = 'quiet@example.com';
SELECT ok((SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"require_email_verification": true}') ? 'token'),
          'once verified, the user signs in');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"require_email_verification": 1}')$$,
                 '22023', NULL, 'require_email_verification that is not a boolean is refused');

-- ---- create_session false: check only ----
DELETE FROM session;
CREATE TEMP TABLE c AS SELECT auth_ext.sign_in_email('quiet@example.com', 'password123', '{"create_session": false}') AS j;
SELECT is((SELECT j->'token' FROM c), 'null'::jsonb, 'create_session false: no token');
SELECT is((SELECT j->'user'->>'email' FROM c), 'quiet@example.com', 'the user');
SELECT is((SELECT count(*)::int FROM session), 0, 'and no session row');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('quiet@example.com', 'wrong-password', '{"create_session": false}')$$,
                 '28P01', 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password', 'create_session false still checks the password');

-- ---- caller-chosen user id and session token ----
CREATE TEMP TABLE k AS SELECT auth_ext.sign_up_email('chosen@example.com', 'password123', 'C', '{"user_id": "my-user-id", "session_token": "my-session-token-0123456789abcdef"}') AS j;
SELECT is((SELECT j->'user'->>'id' FROM k), 'my-user-id', 'the chosen user id');
SELECT is((SELECT j->>'token' FROM k), 'my-session-token-0123456789abcdef', 'the chosen session token');
SELECT is((SELECT "userId" FROM session WHERE token = 'my-session-token-0123456789abcdef'), 'my-user-id', 'stored as chosen');
SELECT is((SELECT "accountId" FROM account WHERE "userId" = 'my-user-id'), 'my-user-id', 'the account follows the id');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', '{"user_id": "my-user-id"}')$$, '22023',
                 'VALIDATION_ERROR: user_id is already taken', 'a taken user id: VALIDATION_ERROR, not a raw 23505');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', '{"session_token": "my-session-token-0123456789abcdef"}')$$, '22023',
                 'VALIDATION_ERROR: session_token is already taken', 'a taken session token: VALIDATION_ERROR');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'other@example.com'), 0, 'nothing written by a refused sign-up');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', '{"user_id": ""}')$$, '22023',
                 'VALIDATION_ERROR: user_id must be 1 to 255 characters', 'an empty user id');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', jsonb_build_object('user_id', repeat('u', 256)))$$, '22023',
                 'VALIDATION_ERROR: user_id must be 1 to 255 characters', 'a 256-character user id');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', '{"session_token": "short"}')$$, '22023',
                 'VALIDATION_ERROR: session_token must be 16 to 255 characters', 'a short session token');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('other@example.com', 'password123', 'O', jsonb_build_object('session_token', repeat('t', 256)))$$, '22023',
                 'VALIDATION_ERROR: session_token must be 16 to 255 characters', 'a 256-character session token');
SELECT is((SELECT auth_ext.sign_up_email('quiet@example.com', 'password123', 'Q', '{"auto_sign_in": false, "user_id": "synthetic-id"}')->'user'->>'id'),
          'synthetic-id', 'the synthetic user takes the chosen id');

-- Better Auth with secondaryStorage keeps no session table: sign-up without a session still works,
-- and a session write names the missing table with check_schema()'s hint.
ALTER TABLE session RENAME TO session_elsewhere;  -- (not a savepoint: that would roll pgTAP's count back)
SELECT is((auth_ext.sign_up_email('stored@example.com', 'password123', 'Stored', '{"auto_sign_in": false}'))->'token', 'null'::jsonb,
          'no session table: sign-up without a session writes user and account');
SELECT is((auth_ext.sign_in_email('stored@example.com', 'password123', '{"create_session": false}'))->'user'->>'email',
          'stored@example.com', 'no session table: sign-in that creates no session checks the password');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('stored@example.com', 'password123')$$, '42P01',
                 'Better Auth''s session table is missing in schema "public"', 'no session table: a session write is 42P01');
ALTER TABLE session_elsewhere RENAME TO session;

SELECT * FROM finish();
ROLLBACK;
