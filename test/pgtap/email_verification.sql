-- pgTAP: Better Auth's email verification tokens (HS256 JWTs signed with better_auth_secret):
-- create_email_verification_token and verify_email, every outcome of Better Auth 1.7.25's
-- /verify-email (test/interop/test/email-verification.test.mjs checks them against the real one).
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'pgtap-email-verification-secret-0123456789');
CREATE TEMP TABLE u AS
  SELECT (auth_ext.sign_up_email('Verify.Me@Example.com', 'password123', 'V'))->'user' AS u;
CREATE FUNCTION pg_temp.uid() RETURNS text LANGUAGE sql AS $$ SELECT u->>'id' FROM u $$;
-- The payload of a compact JWT, decoded.
CREATE FUNCTION pg_temp.payload(token text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT convert_from(decode(rpad(translate(split_part(token, '.', 2), '-_', '+/'),
                                  (length(split_part(token, '.', 2)) + 3) / 4 * 4, '='), 'base64'), 'UTF8')::jsonb $$;
CREATE FUNCTION pg_temp.segment_text(token text, n int) RETURNS text LANGUAGE sql AS $$
  SELECT convert_from(decode(rpad(translate(split_part(token, '.', n), '-_', '+/'),
                                  (length(split_part(token, '.', n)) + 3) / 4 * 4, '='), 'base64'), 'UTF8') $$;
CREATE FUNCTION pg_temp.b64url(t text) RETURNS text LANGUAGE sql AS $$
  SELECT rtrim(translate(encode(convert_to(t, 'UTF8'), 'base64'), E'+/\n', '-_'), '=') $$;

-- ---- the token ----
CREATE TEMP TABLE t AS SELECT auth_ext.create_email_verification_token('VERIFY.me@example.com') AS r;
SELECT is((SELECT r->'user'->>'id' FROM t), pg_temp.uid(), 'the user comes back for the mail');
SELECT is((SELECT pg_temp.segment_text(r->>'token', 1) FROM t), '{"alg":"HS256"}', 'header {"alg":"HS256"} as jose writes it');
SELECT matches((SELECT pg_temp.segment_text(r->>'token', 2) FROM t),
               '^\{"email":"verify\.me@example\.com","userId":"' || pg_temp.uid() || '","iat":[0-9]+,"exp":[0-9]+\}$',
               'payload {"email","userId","iat","exp"} in jose''s order, email lowercased');
SELECT is((SELECT (pg_temp.payload(r->>'token')->>'exp')::bigint - (pg_temp.payload(r->>'token')->>'iat')::bigint FROM t),
          3600::bigint, 'expires in 3600 seconds by default');
SELECT ok((SELECT abs((pg_temp.payload(r->>'token')->>'iat')::bigint - extract(epoch FROM clock_timestamp())::bigint) <= 2 FROM t),
          'iat is now');
SELECT is((SELECT (pg_temp.payload(r->>'token')->>'exp')::bigint - (pg_temp.payload(r->>'token')->>'iat')::bigint
             FROM (SELECT auth_ext.create_email_verification_token('verify.me@example.com', '{"expires_in": 60}') AS r) x),
          60::bigint, 'expires_in sets exp');

-- ---- errors of create_email_verification_token ----
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('nobody@example.com')$$, 'P0002', 'USER_NOT_FOUND: User not found',
                 'an unknown email: USER_NOT_FOUND');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('not-an-email')$$, '22023', 'INVALID_EMAIL: Invalid email',
                 'an invalid email: INVALID_EMAIL');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token(NULL)$$, '22023', 'INVALID_EMAIL: Invalid email',
                 'NULL email: INVALID_EMAIL');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('verify.me@example.com', '{"expires_in": 0}')$$, '22023',
                 'VALIDATION_ERROR: expires_in must be from 1 to 315360000 seconds', 'expires_in 0: VALIDATION_ERROR');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('verify.me@example.com', '{"expires_in": "60"}')$$, '22023',
                 'VALIDATION_ERROR: option "expires_in" of create_email_verification_token must be a JSON integer number (32 bits), not a string',
                 'expires_in that is not a number: VALIDATION_ERROR');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('verify.me@example.com', '{"expires_in": 315360001}')$$, '22023',
                 'VALIDATION_ERROR: expires_in must be from 1 to 315360000 seconds', 'expires_in too large: VALIDATION_ERROR');

-- ---- refusals of verify_email (the user stays unverified) ----
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('verify.me@example.com', pg_temp.uid(), -1)),
                 '28000', 'TOKEN_EXPIRED: Token expired', 'an expired token: TOKEN_EXPIRED');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('verify.me@example.com', pg_temp.uid(), 0)),
                 '28000', 'TOKEN_EXPIRED: Token expired', 'exp = now is expired (jose: exp <= now)');
-- Tampered: the payload of another user under this token's signature; a flipped signature.
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)',
                        split_part(r->>'token', '.', 1) || '.' ||
                        pg_temp.b64url(replace(pg_temp.segment_text(r->>'token', 2), 'verify.me', 'other.me')) || '.' ||
                        split_part(r->>'token', '.', 3)), '28000', 'INVALID_TOKEN: Invalid token', 'a tampered payload: INVALID_TOKEN')
  FROM t;
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)',
                        left(r->>'token', -2) || CASE WHEN right(r->>'token', 2) = 'AA' THEN 'BA' ELSE 'AA' END),
                 '28000', 'INVALID_TOKEN: Invalid token', 'a tampered signature: INVALID_TOKEN') FROM t;
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', pg_temp.b64url('{"alg":"none"}') || '.' || split_part(r->>'token', '.', 2) || '.'),
                 '28000', 'INVALID_TOKEN: Invalid token', 'alg none: INVALID_TOKEN') FROM t;
SELECT throws_ok($$SELECT auth_ext.verify_email('not a token')$$, '28000', 'INVALID_TOKEN: Invalid token', 'garbage: INVALID_TOKEN');
SELECT throws_ok($$SELECT auth_ext.verify_email(NULL)$$, '28000', 'INVALID_TOKEN: Invalid token', 'NULL: INVALID_TOKEN');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('nobody@example.com', pg_temp.uid(), 60)),
                 'P0002', 'USER_NOT_FOUND: User not found', 'a valid token for an unknown email: USER_NOT_FOUND');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('verify.me@example.com', 'someone-else', 60)),
                 '28000', 'INVALID_TOKEN: Invalid token', 'a userId that is not the user''s: INVALID_TOKEN');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('not-an-email', pg_temp.uid(), 60)),
                 '28000', 'INVALID_TOKEN: Invalid token', 'a signed token whose email is not an email: INVALID_TOKEN');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L, ''{"session_expires_in": 0}'')', r->>'token'), '22023',
                 'VALIDATION_ERROR: session_expires_in must be from 1 to 315360000 seconds', 'session_expires_in 0: VALIDATION_ERROR') FROM t;
-- Another secret: every token signed with the old one is refused.
SELECT auth_ext.configure('better_auth_secret', 'another-secret-entirely-0123456789abcdef');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', r->>'token'), '28000', 'INVALID_TOKEN: Invalid token',
                 'a token signed with another secret: INVALID_TOKEN') FROM t;
-- No secret: 55000, whatever the token, for both functions.
SELECT auth_ext.configure('better_auth_secret', NULL);
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', r->>'token'), '55000',
                 'email verification tokens need the better_auth_secret setting', 'no secret: 55000') FROM t;
SELECT throws_ok($$SELECT auth_ext.verify_email('garbage')$$, '55000', NULL, 'no secret: 55000 even for garbage');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('verify.me@example.com')$$, '55000',
                 'email verification tokens need the better_auth_secret setting', 'no secret: create gives 55000');
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('nobody@example.com')$$, '55000', NULL,
                 'no secret: 55000 for an unknown email too');
SELECT auth_ext.configure('better_auth_secret', 'pgtap-email-verification-secret-0123456789');
SELECT is((SELECT "emailVerified" FROM "user" WHERE id = pg_temp.uid()), false, 'after every refusal the user is unverified');

-- ---- success ----
UPDATE "user" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE id = pg_temp.uid();
CREATE TEMP TABLE v AS SELECT auth_ext.verify_email(r->>'token') AS v FROM t;
SELECT is((SELECT v->'status' FROM v), 'true'::jsonb, 'status true');
SELECT is((SELECT v->'user'->>'id' FROM v), pg_temp.uid(), 'the updated user');
SELECT is((SELECT v->'user'->'emailVerified' FROM v), 'true'::jsonb, 'emailVerified true in the result');
SELECT ok(NOT (SELECT v ? 'token' OR v ? 'session' FROM v), 'no session unless asked');
SELECT is((SELECT "emailVerified" FROM "user" WHERE id = pg_temp.uid()), true, 'and in the row');
SELECT is((SELECT "updatedAt" FROM "user" WHERE id = pg_temp.uid()), date_trunc('milliseconds', now()), 'updatedAt = now');
SELECT is((SELECT v->'user'->>'updatedAt' FROM v), to_char(date_trunc('milliseconds', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'the user JSON as the other functions write it');

-- ---- already verified ----
SELECT is(auth_ext.verify_email(r->>'token'), '{"status": true, "user": null}'::jsonb,
          'again: {"status": true, "user": null}, as Better Auth') FROM t;
SELECT is(auth_ext.verify_email(r->>'token', '{"create_session": true}'), '{"status": true, "user": null}'::jsonb,
          'and no session even when asked (Better Auth returns before signing in)') FROM t;
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('verify.me@example.com')$$, 'P0001',
                 'EMAIL_ALREADY_VERIFIED: Email is already verified', 'a verified user gets no new token: EMAIL_ALREADY_VERIFIED');

-- ---- create_session (autoSignInAfterVerification) ----
SELECT auth_ext.sign_up_email('auto@example.com', 'password123', 'A') IS NOT NULL;
CREATE TEMP TABLE a AS
  SELECT auth_ext.verify_email((auth_ext.create_email_verification_token('auto@example.com'))->>'token', '{"create_session": true, "ip_address": "203.0.113.9", "user_agent": "pgtap-agent", "session_expires_in": 120}') AS v;
SELECT is((SELECT v->>'token' FROM a), (SELECT v->'session'->>'token' FROM a), 'create_session: token and session');
SELECT is((SELECT v->'session'->>'userId' FROM a), (SELECT v->'user'->>'id' FROM a), 'the session is the user''s');
SELECT is((SELECT "ipAddress" || ' ' || "userAgent" FROM session WHERE token = (SELECT v->>'token' FROM a)),
          '203.0.113.9 pgtap-agent', 'with the ip address and user agent');
SELECT is((SELECT "expiresAt" - "createdAt" FROM session WHERE token = (SELECT v->>'token' FROM a)), interval '120 seconds',
          'lasting session_expires_in');
SELECT is((auth_ext.get_session((SELECT v->>'token' FROM a)))->'user'->'emailVerified', 'true'::jsonb, 'a live, verified session');

-- A token without userId (Better Auth's own tokens always have one) verifies by email alone.
SELECT auth_ext.sign_up_email('no-user-id@example.com', 'password123', 'N') IS NOT NULL;
SELECT auth_ext.configure('jwt_shared_secret', 'pgtap-email-verification-secret-0123456789');
SELECT is((auth_ext.verify_email(auth_ext.sign_jwt(
             jsonb_build_object('email', 'no-user-id@example.com', 'exp', extract(epoch FROM now())::bigint + 60),
             jsonb_build_object('kty', 'oct', 'k', pg_temp.b64url('pgtap-email-verification-secret-0123456789')))))->'user'->'emailVerified',
          'true'::jsonb, 'a token with email and exp only verifies the email');
-- An empty userId is no userId, as Better Auth's truthiness tests have it.
SELECT auth_ext.sign_up_email('empty-user-id@example.com', 'password123', 'E') IS NOT NULL;
SELECT is((auth_ext.verify_email(auth_ext._sign_email_verification_token('empty-user-id@example.com', '', 60)))->'user'->'emailVerified',
          'true'::jsonb, 'a token with userId "" verifies by email alone');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('empty-user-id@example.com', '', 60, 'x@example.com')),
                 '28000', 'INVALID_TOKEN: Invalid token', 'a change-email token with userId "": INVALID_TOKEN');

-- ---- change-email tokens (updateTo), as Better Auth's /change-email makes them ----
CREATE TEMP TABLE auto_user AS SELECT id FROM "user" WHERE email = 'auto@example.com';
CREATE FUNCTION pg_temp.auto_id() RETURNS text LANGUAGE sql AS $$ SELECT id FROM auto_user $$;
SELECT matches(pg_temp.segment_text(auth_ext._sign_email_verification_token('a@example.com', 'u1', 60, 'b@example.com', 'change-email-confirmation'), 2),
               '^\{"email":"a@example\.com","updateTo":"b@example\.com","requestType":"change-email-confirmation","userId":"u1","iat":[0-9]+,"exp":[0-9]+\}$',
               'a change-email token''s payload in Better Auth''s order: email, updateTo, requestType, userId, iat, exp');
-- change-email-confirmation: nothing changes; the token for the new address comes back.
CREATE TEMP TABLE c AS SELECT auth_ext.verify_email(auth_ext._sign_email_verification_token(
  'auto@example.com', pg_temp.auto_id(), 60, 'Auto.New@Example.com', 'change-email-confirmation')) AS v;
SELECT is((SELECT v->'status' FROM c), 'true'::jsonb, 'confirmation: status true');
SELECT is((SELECT v->'user' FROM c), 'null'::jsonb, 'confirmation: user null');
SELECT is((SELECT v->>'change_email' FROM c), 'change-email-confirmation', 'change_email names the flow');
SELECT is((SELECT v->'verification'->'user'->>'email' FROM c), 'auto.new@example.com', 'the mail goes to the new address');
SELECT is((SELECT pg_temp.payload(v->'verification'->>'token') - 'iat' - 'exp' FROM c),
          jsonb_build_object('email', 'auto@example.com', 'updateTo', 'auto.new@example.com',
                             'requestType', 'change-email-verification', 'userId', pg_temp.auto_id()),
          'with a change-email-verification token');
SELECT is((SELECT email FROM "user" WHERE id = pg_temp.auto_id()), 'auto@example.com', 'the email is unchanged yet');
-- change-email-verification: the email changes, emailVerified is kept.
CREATE TEMP TABLE cv AS SELECT auth_ext.verify_email(v->'verification'->>'token') AS v FROM c;
SELECT is((SELECT v->'user'->>'email' FROM cv), 'auto.new@example.com', 'verification: the email is the new one');
SELECT is((SELECT v->'user'->'emailVerified' FROM cv), 'true'::jsonb, 'emailVerified kept (it was true)');
SELECT ok(NOT (SELECT v ? 'verification' OR v ? 'token' FROM cv), 'no further token, no session');
SELECT is((SELECT v->>'change_email' FROM cv), 'change-email-verification', 'change_email: change-email-verification');
SELECT is((SELECT email || ' ' || "emailVerified" FROM "user" WHERE id = pg_temp.auto_id()), 'auto.new@example.com true', 'in the row');
-- The same token again: the user's email is no longer the token's: INVALID_TOKEN.
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', v->'verification'->>'token'), '28000', 'INVALID_TOKEN: Invalid token',
                 'a change-email token whose email is no longer the user''s: INVALID_TOKEN') FROM c;
-- Legacy (no requestType): the email changes, emailVerified false, a verification token for the new address.
CREATE TEMP TABLE l AS SELECT auth_ext.verify_email(auth_ext._sign_email_verification_token(
  'auto.new@example.com', pg_temp.auto_id(), 60, 'auto.legacy@example.com')) AS v;
SELECT is((SELECT v->'user'->>'email' || ' ' || (v->'user'->>'emailVerified') FROM l), 'auto.legacy@example.com false',
          'legacy: the new email, unverified');
SELECT is((SELECT v->>'change_email' FROM l), 'legacy', 'change_email: legacy');
SELECT is((SELECT pg_temp.payload(v->'verification'->>'token') - 'iat' - 'exp' FROM l),
          jsonb_build_object('email', 'auto.legacy@example.com', 'userId', pg_temp.auto_id()),
          'legacy: a verification token for the new address');
SELECT is((SELECT (auth_ext.verify_email(v->'verification'->>'token'))->'user'->'emailVerified' FROM l), 'true'::jsonb,
          'which verifies it');
-- Refusals.
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext.sign_jwt(
                   jsonb_build_object('email', 'auto.legacy@example.com', 'updateTo', 'x@example.com', 'exp', extract(epoch FROM now())::bigint + 60),
                   jsonb_build_object('kty', 'oct', 'k', pg_temp.b64url('pgtap-email-verification-secret-0123456789')))),
                 '28000', 'INVALID_TOKEN: Invalid token', 'a change-email token without userId: INVALID_TOKEN');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token('auto.legacy@example.com', 'no-such-user', 60, 'x@example.com')),
                 'P0002', 'USER_NOT_FOUND: User not found', 'a change-email token for an unknown userId: USER_NOT_FOUND');
SELECT throws_ok(format('SELECT auth_ext.verify_email(%L)', auth_ext._sign_email_verification_token(
                   'auto.legacy@example.com', pg_temp.auto_id(), 60, 'Verify.Me@example.com', 'change-email-verification')),
                 '23505', 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.',
                 'a new address taken meanwhile: USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');

-- ---- privileges: the application role verifies, the mailing role (grant_mail_role) creates, neither signs ----
CREATE ROLE auth_ext_ev_app;
GRANT auth_ext_ev_app TO CURRENT_USER;
SELECT auth_ext.grant_app_role('auth_ext_ev_app');
SET ROLE auth_ext_ev_app;
SELECT auth_ext.sign_up_email('app.role@example.com', 'password123', 'App') IS NOT NULL;
SELECT throws_ok($$SELECT auth_ext.create_email_verification_token('app.role@example.com')$$, '42501', NULL,
                 'grant_app_role alone does not let a role make a verification token for any account');
RESET ROLE;
SELECT auth_ext.grant_mail_role('auth_ext_ev_app');
SET ROLE auth_ext_ev_app;
SELECT is((auth_ext.verify_email((auth_ext.create_email_verification_token('app.role@example.com'))->>'token'))->'user'->'emailVerified',
          'true'::jsonb, 'with grant_mail_role it creates tokens, and verifies them (grant_app_role)');
SELECT throws_ok($$SELECT auth_ext._sign_email_verification_token('app.role@example.com', 'x', 60)$$, '42501', NULL,
                 'the application role cannot sign arbitrary tokens');
SELECT throws_ok($$SELECT auth_ext._verify_email_token('x')$$, '42501', NULL, 'nor call the internal verifier');
SELECT throws_ok($$SELECT auth_ext._verify_email_change('{"userId": "x", "email": "a@b.co", "updateTo": "c@d.co"}')$$,
                 '42501', NULL, 'nor change an email without a token');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
