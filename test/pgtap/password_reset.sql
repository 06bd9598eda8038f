-- pgTAP: password reset (request_password_reset, reset_password) and the rate limit
-- (rate_limit_hit): rows as Better Auth writes them, every branch with its SQLSTATE and message,
-- and who may call them.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.sign_up_email('reset.me@example.com', 'password123', 'Reset Me');

-- ---- request_password_reset ----
CREATE TEMP TABLE req AS SELECT auth_ext.request_password_reset('Reset.Me@Example.com') AS j;
SELECT matches((SELECT j->>'token' FROM req), '^[A-Za-z0-9]{24}$', 'the token is Better Auth''s generateId(24)');
SELECT is((SELECT j->'user'->>'email' FROM req), 'reset.me@example.com', 'the user is found by its lower-case email and returned');
SELECT is((SELECT count(*)::int FROM verification), 1, 'one verification row');
SELECT is((SELECT identifier FROM verification), 'reset-password:' || (SELECT j->>'token' FROM req),
          'identifier reset-password:<token>, stored plain (Better Auth''s default storeIdentifier)');
SELECT is((SELECT value FROM verification), (SELECT id FROM "user" WHERE email = 'reset.me@example.com'), 'value is the user id');
SELECT is((SELECT "expiresAt" - "createdAt" FROM verification), interval '1 hour', 'expires after 3600 s by default');
SELECT is((SELECT "createdAt" = "updatedAt" AND "createdAt" = date_trunc('milliseconds', now()) FROM verification), true,
          'createdAt = updatedAt = now, in milliseconds');
SELECT matches((SELECT id FROM verification), '^[A-Za-z0-9]{32}$', 'the row id is a 32-character Better Auth id');
CREATE TEMP TABLE req120 AS SELECT auth_ext.request_password_reset('reset.me@example.com', '{"expires_in": 120}') AS j;
SELECT is((SELECT "expiresAt" - "createdAt" FROM verification v WHERE v.identifier = 'reset-password:' || (SELECT j->>'token' FROM req120)),
          interval '120 seconds', 'expires_in sets the lifetime (resetPasswordTokenExpiresIn)');
SELECT is(auth_ext.request_password_reset('nobody@example.com'), NULL, 'an unknown email: NULL');
SELECT is((SELECT count(*)::int FROM verification), 2, 'and no row for it');
SELECT throws_ok($$SELECT auth_ext.request_password_reset('not-an-email')$$, '22023', 'INVALID_EMAIL: Invalid email', 'invalid email');
SELECT throws_ok($$SELECT auth_ext.request_password_reset(NULL)$$, '22023', 'INVALID_EMAIL: Invalid email', 'NULL email');
SELECT throws_ok($$SELECT auth_ext.request_password_reset('reset.me@example.com', '{"expires_in": 0}')$$, '22023',
                 'VALIDATION_ERROR: expires_in must be from 1 to 315360000 seconds', 'expires_in 0');
SELECT throws_ok($$SELECT auth_ext.request_password_reset('reset.me@example.com', '{"expires_in": "60"}')$$, '22023',
                 'VALIDATION_ERROR: option "expires_in" of request_password_reset must be a JSON integer number (32 bits), not a string',
                 'expires_in that is not a number: VALIDATION_ERROR');
SELECT throws_ok($$SELECT auth_ext.request_password_reset('reset.me@example.com', '{"expires_in": 315360001}')$$, '22023',
                 'VALIDATION_ERROR: expires_in must be from 1 to 315360000 seconds', 'expires_in too large');

-- ---- reset_password ----
SELECT auth_ext.sign_in_email('reset.me@example.com', 'password123');
SELECT throws_ok($$SELECT auth_ext.reset_password(NULL, 'new-password-1')$$, '28000', 'INVALID_TOKEN: Invalid token', 'no token');
SELECT throws_ok($$SELECT auth_ext.reset_password('', 'new-password-1')$$, '28000', 'INVALID_TOKEN: Invalid token', 'empty token');
SELECT throws_ok($$SELECT auth_ext.reset_password('unknownToken000000000000', 'new-password-1')$$, '28000',
                 'INVALID_TOKEN: Invalid token', 'unknown token');
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req), 'short'), '22023',
                 'PASSWORD_TOO_SHORT: Password too short', 'short password (checked before the token)');
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req), ''), '22023',
                 'PASSWORD_TOO_SHORT: Password too short', 'empty password: too short, as Better Auth');
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req), repeat('x', 129)), '22023',
                 'PASSWORD_TOO_LONG: Password too long', 'long password');
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, NULL)', (SELECT j->>'token' FROM req)), '22023',
                 'VALIDATION_ERROR: Password is required', 'no password');
SELECT is((SELECT count(*)::int FROM verification WHERE identifier = 'reset-password:' || (SELECT j->>'token' FROM req)), 1,
          'refusals leave the token');
CREATE TEMP TABLE done AS SELECT auth_ext.reset_password((SELECT j->>'token' FROM req), 'new-password-1') AS j;
SELECT is((SELECT j->'status' FROM done), 'true'::jsonb, 'status true');
SELECT is((SELECT j->'user'->>'email' FROM done), 'reset.me@example.com', 'and the user');
SELECT ok((SELECT auth_ext.verify_password('new-password-1', password) FROM account a JOIN "user" u ON u.id = a."userId"
            WHERE u.email = 'reset.me@example.com'), 'the credential account has the new hash');
SELECT is((auth_ext.sign_in_email('reset.me@example.com', 'new-password-1'))->'user'->>'email', 'reset.me@example.com',
          'the user signs in with the new password');
SELECT is((SELECT count(*)::int FROM verification WHERE identifier = 'reset-password:' || (SELECT j->>'token' FROM req)), 0,
          'the token is consumed');
SELECT is((SELECT count(*)::int FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'reset.me@example.com'), 3,
          'revoke_sessions false (the default): the sessions stay');
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req), 'new-password-2'), '28000',
                 'INVALID_TOKEN: Invalid token', 'a used token is refused');

-- revoke_sessions
CREATE TEMP TABLE req2 AS SELECT auth_ext.request_password_reset('reset.me@example.com') AS j;
SELECT is((auth_ext.reset_password((SELECT j->>'token' FROM req2), 'new-password-3', '{"revoke_sessions": true}'))->'status',
          'true'::jsonb, 'reset with revoke_sessions');
SELECT is((SELECT count(*)::int FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'reset.me@example.com'), 0,
          'revoke_sessions: every session of the user is gone');

-- expired
CREATE TEMP TABLE req3 AS SELECT auth_ext.request_password_reset('reset.me@example.com') AS j;
UPDATE verification SET "expiresAt" = now() - interval '1 second'
 WHERE identifier = 'reset-password:' || (SELECT j->>'token' FROM req3);
SELECT throws_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req3), 'new-password-4'), '28000',
                 'INVALID_TOKEN: Invalid token', 'an expired token is refused');

-- the newest row of an identifier counts, and consuming it takes the older ones
CREATE TEMP TABLE req4 AS SELECT auth_ext.request_password_reset('reset.me@example.com') AS j;
INSERT INTO verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
SELECT 'olderRow', identifier, value, "expiresAt", "createdAt" - interval '1 minute', "updatedAt" FROM verification
 WHERE identifier = 'reset-password:' || (SELECT j->>'token' FROM req4);
SELECT lives_ok(format('SELECT auth_ext.reset_password(%L, %L)', (SELECT j->>'token' FROM req4), 'new-password-5'),
                'a token with an older duplicate row');
SELECT is((SELECT count(*)::int FROM verification WHERE identifier = 'reset-password:' || (SELECT j->>'token' FROM req4)), 0,
          'both rows are consumed');

-- a user without a credential account gets one (resetCredentialPassword)
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
VALUES ('oauthOnly', 'OAuth', 'oauth.only@example.com', true, now(), now());
SELECT is((auth_ext.reset_password((auth_ext.request_password_reset('oauth.only@example.com'))->>'token', 'new-password-6'))->'status',
          'true'::jsonb, 'reset for a user without a credential account');
SELECT is((SELECT count(*)::int FROM account WHERE "userId" = 'oauthOnly' AND "providerId" = 'credential' AND "accountId" = 'oauthOnly'), 1,
          'the credential account is created');
SELECT is((auth_ext.sign_in_email('oauth.only@example.com', 'new-password-6'))->'user'->>'id', 'oauthOnly', 'and the user signs in');

-- a token whose user is gone
INSERT INTO verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
VALUES ('orphan', 'reset-password:orphanToken', 'no-such-user', now() + interval '1 hour', now(), now());
SELECT throws_ok($$SELECT auth_ext.reset_password('orphanToken', 'new-password-7')$$, 'P0002', 'USER_NOT_FOUND: User not found',
                 'a token whose user is gone');
SELECT is((SELECT count(*)::int FROM verification WHERE id = 'orphan'), 1, 'is not consumed (Better Auth checks the user first)');

-- ---- rate_limit_hit ----
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3)$$, '42P01', NULL,
                 'without Better Auth''s rateLimit table: 42P01');
CREATE TABLE "rateLimit" ("id" text not null primary key, "key" text not null unique, "count" integer not null,
                          "lastRequest" bigint not null);
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 1, 'first request: count 1');
SELECT matches((SELECT id FROM "rateLimit"), '^[A-Za-z0-9]{32}$', 'the row id is a Better Auth id');
SELECT ok((SELECT abs("lastRequest" - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 5000 FROM "rateLimit"),
          'lastRequest is now in milliseconds');
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 2, 'second: 2');
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 3, 'third: 3');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3)$$, '54000',
                 'RATE_LIMITED: Too many requests. Please try again later.', 'fourth: refused');
CREATE FUNCTION pg_temp.hint_of(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text;
BEGIN
  EXECUTE statement;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
  RETURN h;
END $$;
SELECT matches(pg_temp.hint_of($$SELECT auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3)$$),
               '^Retry after (10|9) seconds\.$', 'the hint gives the seconds to wait (X-Retry-After)');
SELECT is((SELECT count FROM "rateLimit" WHERE key = '203.0.113.1|/sign-in/email'), 3, 'a refusal writes nothing');
SELECT is(auth_ext.rate_limit_hit('203.0.113.2|/sign-in/email', 10, 3), 1, 'another key has its own count');
UPDATE "rateLimit" SET "lastRequest" = "lastRequest" - 10000 WHERE key = '203.0.113.1|/sign-in/email';
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 1, 'a window after the last request: a new count');
UPDATE "rateLimit" SET "lastRequest" = "lastRequest" - 9000 WHERE key = '203.0.113.1|/sign-in/email';
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 2, 'within the window: counts on');
SELECT is(auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3), 3, 'to max');
UPDATE "rateLimit" SET "lastRequest" = "lastRequest" - 7000 WHERE key = '203.0.113.1|/sign-in/email';
SELECT matches(pg_temp.hint_of($$SELECT auth_ext.rate_limit_hit('203.0.113.1|/sign-in/email', 10, 3)$$),
               '^Retry after (3|2) seconds\.$', 'retry-after counts from the last counted request');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit(NULL, 10, 3)$$, '22023', 'VALIDATION_ERROR: key is required', 'no key');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('k', 0, 3)$$, '22023', 'VALIDATION_ERROR: window_seconds must be from 1 to 31536000',
                 'window 0');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('k', 10, 0)$$, '22023', 'VALIDATION_ERROR: max_requests must be at least 1',
                 'max 0');

-- ---- who may call them ----
SELECT is(ARRAY(SELECT callable_by || ':' || granted_to_app FROM auth_ext.function_privileges()
                 WHERE function_name IN ('auth_ext.request_password_reset(text,jsonb)'::regprocedure,
                                         'auth_ext.reset_password(text,text,jsonb)'::regprocedure,
                                         'auth_ext.rate_limit_hit(text,integer,integer)'::regprocedure)),
          ARRAY['app:true', 'app:true', 'mail:false'],
          'reset and rate limit are the application role''s; a token for any account is the mailing role''s (grant_mail_role)');
CREATE ROLE auth_ext_reset_app;
CREATE ROLE auth_ext_reset_nobody;
GRANT auth_ext_reset_app, auth_ext_reset_nobody TO CURRENT_USER;
SELECT auth_ext.grant_app_role('auth_ext_reset_app');
GRANT USAGE ON SCHEMA auth_ext TO auth_ext_reset_nobody;
SET ROLE auth_ext_reset_app;
SELECT throws_ok($$SELECT auth_ext.request_password_reset('reset.me@example.com')$$, '42501', NULL,
                 'grant_app_role alone does not let a role get a reset token for any account');
RESET ROLE;
SELECT auth_ext.grant_mail_role('auth_ext_reset_app');
SET ROLE auth_ext_reset_app;
SELECT is((auth_ext.request_password_reset('reset.me@example.com'))->'user'->>'email', 'reset.me@example.com',
          'the application role requests a reset without any privilege on the tables');
SELECT throws_ok($$SELECT auth_ext.reset_password('unknownToken000000000000', 'new-password-8')$$, '28000', NULL,
                 'and redeems tokens');
SELECT is(auth_ext.rate_limit_hit('203.0.113.3|/sign-in/email', 10, 3), 1, 'and counts requests');
SELECT throws_ok('SELECT * FROM verification', '42501', NULL, 'but cannot read the verification table');
RESET ROLE;
SET ROLE auth_ext_reset_nobody;
SELECT throws_ok($$SELECT auth_ext.request_password_reset('reset.me@example.com')$$, '42501', NULL,
                 'a role without grant_mail_role cannot request a reset');
SELECT throws_ok($$SELECT auth_ext.reset_password('x', 'new-password-8')$$, '42501', NULL, 'nor reset');
SELECT throws_ok($$SELECT auth_ext.rate_limit_hit('k', 10, 3)$$, '42501', NULL, 'nor count requests');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
