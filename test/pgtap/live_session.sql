-- pgTAP: jwt_require_live_session. With it on, authenticate() takes a JWT only while the session
-- its sid claim names is there, belongs to its sub and has not expired: sign-out, revocation,
-- a password change that revokes sessions, deletion and expiry end the token at once, the same
-- token served by the verified-token cache included; a token without sid is refused. The check
-- runs with the owner's rights whoever calls authenticate() (the application role has no access
-- to Better Auth's tables) and leaves the caller's role as it was.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('jwt_shared_secret', 'pgtap-live-session-secret-0123456789abcdef');
CREATE FUNCTION pg_temp.token(sub text, sid text) RETURNS text LANGUAGE sql AS $$
  SELECT auth_ext.sign_jwt(jsonb_strip_nulls(jsonb_build_object('sub', sub, 'sid', sid, 'exp', 4102444800)),
           jsonb_build_object('kty', 'oct', 'k',
             rtrim(translate(encode(convert_to('pgtap-live-session-secret-0123456789abcdef', 'UTF8'), 'base64'), E'+/\n', '-_'), '=')))
$$;
CREATE TEMP TABLE s AS
  SELECT r -> 'user' ->> 'id' AS user_id, r -> 'session' ->> 'id' AS session_id, r ->> 'token' AS session_token
    FROM auth_ext.sign_up_email('live@example.com', 'live-password-1', 'Live') r;
CREATE TEMP TABLE tok AS SELECT pg_temp.token(user_id, session_id) AS t, pg_temp.token(user_id, NULL) AS no_sid FROM s;

SELECT is(auth_ext.authenticate((SELECT no_sid FROM tok)) ->> 'sub', (SELECT user_id FROM s),
          'off (the default): a token without sid authenticates');
SELECT auth_ext.configure('jwt_require_live_session', 'true');
SELECT is(auth_ext.authenticate((SELECT t FROM tok)) ->> 'sid', (SELECT session_id FROM s),
          'on: a token whose session is live authenticates');
SELECT is(auth_ext.user_id(), (SELECT user_id FROM s), 'and sets the identity');
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', (SELECT no_sid FROM tok)), '28000',
                 'auth_ext: token has no sid claim', 'on: a token without sid is refused');
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token('someone-else', (SELECT session_id FROM s))), '28000',
                 'auth_ext: the token''s session has ended', 'another user''s session id is refused');

-- As the application role, which cannot read Better Auth's tables: the check runs as the owner.
CREATE ROLE auth_ext_live_app;
SELECT auth_ext.grant_app_role('auth_ext_live_app');
GRANT auth_ext_live_app TO CURRENT_USER;  -- to SET ROLE to it (the owner run is no superuser)
GRANT SELECT ON s, tok TO auth_ext_live_app;
SET ROLE auth_ext_live_app;
SELECT is(auth_ext.authenticate((SELECT t FROM tok)) ->> 'sub', (SELECT user_id FROM s),
          'the application role authenticates a live session''s token');
SELECT is(current_user::text, 'auth_ext_live_app', 'and is still itself afterwards');
SELECT throws_ok('SELECT count(*) FROM auth_ext_names.session', '42501', NULL,
                 'and still cannot read the sessions');
RESET ROLE;

-- Sign-out ends the token at once, the cached verification too (the token was verified above).
SELECT auth_ext.sign_out((SELECT session_token FROM s));
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', (SELECT t FROM tok)), '28000',
                 'auth_ext: the token''s session has ended', 'after sign-out the same token is refused at once');
SELECT is(auth_ext.user_id(), NULL, 'and leaves no identity');
SET ROLE auth_ext_live_app;
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', (SELECT t FROM tok)), '28000',
                 'auth_ext: the token''s session has ended', 'for the application role too');
RESET ROLE;

-- Revocation, password change (revoking), deletion, expiry.
CREATE TEMP TABLE s2 AS
  SELECT r -> 'session' ->> 'id' AS session_id FROM auth_ext.sign_in_email('live@example.com', 'live-password-1') r;
SELECT lives_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token((SELECT user_id FROM s), (SELECT session_id FROM s2))),
                'a new session''s token authenticates');
SELECT auth_ext.revoke_sessions((SELECT user_id FROM s));
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token((SELECT user_id FROM s), (SELECT session_id FROM s2))),
                 '28000', 'auth_ext: the token''s session has ended', 'revoke_sessions ends it');

CREATE TEMP TABLE s3 AS
  SELECT r -> 'session' ->> 'id' AS session_id FROM auth_ext.sign_in_email('live@example.com', 'live-password-1') r;
SELECT auth_ext.change_password((SELECT user_id FROM s), 'live-password-1', 'live-password-2');
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token((SELECT user_id FROM s), (SELECT session_id FROM s3))),
                 '28000', 'auth_ext: the token''s session has ended', 'a password change that revokes sessions ends it');

CREATE TEMP TABLE s4 AS
  SELECT r -> 'session' ->> 'id' AS session_id FROM auth_ext.sign_in_email('live@example.com', 'live-password-2') r;
UPDATE session SET "expiresAt" = now() - interval '1 second' WHERE id = (SELECT session_id FROM s4);
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token((SELECT user_id FROM s), (SELECT session_id FROM s4))),
                 '28000', 'auth_ext: the token''s session has ended', 'an expired session ends it');

CREATE TEMP TABLE s5 AS
  SELECT r -> 'session' ->> 'id' AS session_id FROM auth_ext.sign_in_email('live@example.com', 'live-password-2') r;
SELECT auth_ext.delete_user((SELECT user_id FROM s));
SELECT throws_ok(format('SELECT auth_ext.authenticate(%L)', pg_temp.token((SELECT user_id FROM s), (SELECT session_id FROM s5))),
                 '28000', 'auth_ext: the token''s session has ended', 'deleting the user ends it');

-- verify_jwt only verifies the token; the setting is authenticate()'s.
SELECT is(auth_ext.verify_jwt((SELECT t FROM tok)) ->> 'sid', (SELECT session_id FROM s), 'verify_jwt does not look at sessions');

SELECT * FROM finish();
ROLLBACK;
