-- pgTAP: session lookup as Better Auth 1.7.25's get-session route does it, through the one C
-- implementation behind get_session and authenticate_session: expiry, the sliding refresh
-- (updateAge 0 included), "don't remember me" sessions never refreshed, read-only transactions
-- never written, and no overload in Better Auth's schema ever called with the owner's rights.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.sign_up_email('remember@example.com', 'password123', 'R') IS NOT NULL;

-- Better Auth's schema (public) holds a better-matching overload of a function the old refresh
-- path called unqualified with the owner's rights; it records every call.
CREATE TABLE public.trap_calls (fn text);
CREATE FUNCTION public.make_interval(secs integer) RETURNS interval LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.trap_calls VALUES ('make_interval');
  RETURN pg_catalog.make_interval(secs => secs);
END $$;
GRANT INSERT ON public.trap_calls TO PUBLIC;

CREATE FUNCTION pg_temp.expires(tok text) RETURNS timestamptz LANGUAGE sql AS
  $$ SELECT "expiresAt" FROM session WHERE token = tok $$;
-- Moves a session into the past by shift, keeping its lifetime (as if created shift ago).
CREATE FUNCTION pg_temp.age_session(tok text, shift interval) RETURNS void LANGUAGE sql AS
  $$ UPDATE session SET "createdAt" = "createdAt" - shift, "updatedAt" = "updatedAt" - shift,
                        "expiresAt" = "expiresAt" - shift WHERE token = tok $$;

-- ---- "don't remember me": one day, never refreshed ----
CREATE TEMP TABLE t AS
  SELECT (auth_ext.sign_in_email('remember@example.com', 'password123', '{"remember_me": false}'))->>'token' AS forgetful,
         (auth_ext.sign_in_email('remember@example.com', 'password123'))->>'token' AS normal;
SELECT is((SELECT "expiresAt" - "updatedAt" FROM session WHERE token = (SELECT forgetful FROM t)), interval '1 day',
          'remember_me => false: expiresAt = updatedAt + 1 day');
SELECT is((auth_ext.get_session((SELECT forgetful FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '1 day',
          'get_session does not stretch a don''t-remember session to expiresIn (it is due at once)');
SELECT pg_temp.age_session((SELECT forgetful FROM t), interval '12 hours');
SELECT is((auth_ext.get_session((SELECT forgetful FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours', '12 hours later it still ends when it did');
SELECT is(pg_temp.expires((SELECT forgetful FROM t)), date_trunc('milliseconds', now()) + interval '12 hours',
          'and its row is unchanged');
SELECT is((auth_ext.authenticate_session((SELECT forgetful FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours', 'authenticate_session does not extend it either');
SELECT pg_temp.age_session((SELECT forgetful FROM t), interval '12 hours 1 second');
SELECT is(auth_ext.get_session((SELECT forgetful FROM t)), NULL, 'after its day it is expired');
SELECT is((SELECT count(*)::int FROM session WHERE token = (SELECT forgetful FROM t)), 0, 'and deleted');

-- ---- issue 22, defect 8: a write that moves updatedAt does not stretch a don't-remember session ----
-- Better Auth's updateSession (the organization plugin's setActiveOrganization, /update-session)
-- sets updatedAt = now; the old test (expiresAt - updatedAt = 1 day) then took it for a normal
-- session and the next get_session extended it to 7 days.
CREATE FUNCTION pg_temp.marker_count(tok text) RETURNS int LANGUAGE sql AS
  $$ SELECT count(*)::int FROM auth_ext.dont_remember_session m JOIN session s ON m.session_id = s.id WHERE s.token = tok $$;
CREATE TEMP TABLE dr AS
  SELECT (auth_ext.sign_in_email('remember@example.com', 'password123', '{"remember_me": false}'))->>'token' AS tok,
         (auth_ext.sign_up_email('forgetful@example.com', 'password123', 'F', '{"remember_me": false}'))->>'token' AS up;
SELECT is(pg_temp.marker_count((SELECT tok FROM dr)), 1, 'sign_in_email remember_me => false: the marker is written with the session');
SELECT is(pg_temp.marker_count((SELECT up FROM dr)), 1, 'sign_up_email remember_me => false too');
SELECT is(pg_temp.marker_count((SELECT normal FROM t)), 0, 'a normal session has none');
SELECT is((SELECT m.expires_at FROM auth_ext.dont_remember_session m JOIN session s ON m.session_id = s.id
           WHERE s.token = (SELECT tok FROM dr)), pg_temp.expires((SELECT tok FROM dr)), 'the marker ends with its session');
SELECT pg_temp.age_session((SELECT tok FROM dr), interval '12 hours');
UPDATE session SET "updatedAt" = date_trunc('milliseconds', now()) WHERE token = (SELECT tok FROM dr);  -- updateSession
SELECT is((auth_ext.get_session((SELECT tok FROM dr))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours',
          'updatedAt moved by a later write: get_session still does not extend it (defect: extended to 7 days)');
SELECT is((auth_ext.authenticate_session((SELECT tok FROM dr))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours', 'nor does authenticate_session');
SELECT is(pg_temp.expires((SELECT tok FROM dr)) - (SELECT "createdAt" FROM session WHERE token = (SELECT tok FROM dr)),
          interval '1 day', 'its row still ends one day after its creation');
-- The marker alone decides for a session auth_ext created, whatever the row's timestamps say.
UPDATE session SET "createdAt" = date_trunc('milliseconds', now()) WHERE token = (SELECT tok FROM dr);
SELECT is((auth_ext.get_session((SELECT tok FROM dr))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours', 'with createdAt moved too: the marker keeps it unrefreshed');
SELECT pg_temp.age_session((SELECT tok FROM dr), interval '12 hours 1 second');
SELECT is(auth_ext.get_session((SELECT tok FROM dr)), NULL, 'one day after its creation it is expired');
SELECT is((SELECT count(*)::int FROM auth_ext.dont_remember_session m WHERE NOT EXISTS (SELECT FROM session s WHERE s.id = m.session_id)),
          0, 'get_session deleted it and its marker');

-- A session Better Auth itself created with rememberMe false has no marker: expiresAt = createdAt
-- + 1 day tells it, which no Better Auth write moves.
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'betterAuthDontRemember0000000001', date_trunc('milliseconds', now()) + interval '12 hours', 'BetterAuthDontRememberToken00001',
       date_trunc('milliseconds', now()) - interval '12 hours', date_trunc('milliseconds', now()), '', '', id
FROM "user" WHERE email = 'remember@example.com';
SELECT is((auth_ext.get_session('BetterAuthDontRememberToken00001')->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '12 hours',
          'Better Auth''s own don''t-remember session with updatedAt moved: not extended either');
-- A normal session whose updatedAt a write moved to a day before its expiry is still refreshed
-- (the old test took it for a don't-remember one).
CREATE TEMP TABLE slid AS SELECT (auth_ext.sign_in_email('remember@example.com', 'password123'))->>'token' AS tok;
SELECT pg_temp.age_session((SELECT tok FROM slid), interval '6 days');
UPDATE session SET "updatedAt" = date_trunc('milliseconds', now()) WHERE token = (SELECT tok FROM slid);
SELECT is((auth_ext.get_session((SELECT tok FROM slid))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '7 days',
          'a normal session with updatedAt moved still slides to now + expiresIn');

-- The marker goes with its session: sign_out, revoke_sessions, and expired markers are deleted as
-- new ones are written, so the table cannot grow without bound.
SELECT ok(auth_ext.sign_out((SELECT up FROM dr)), 'sign_out');
SELECT is((SELECT count(*)::int FROM auth_ext.dont_remember_session), 0, 'deleted the marker with the session');
CREATE TEMP TABLE dr2 AS
  SELECT (auth_ext.sign_in_email('remember@example.com', 'password123', '{"remember_me": false}'))->>'token' AS tok;
SELECT is(auth_ext.revoke_sessions((SELECT id FROM "user" WHERE email = 'forgetful@example.com')), 0, 'revoke_sessions of another user');
SELECT is(pg_temp.marker_count((SELECT tok FROM dr2)), 1, 'leaves this marker');
SELECT cmp_ok(auth_ext.revoke_sessions((SELECT id FROM "user" WHERE email = 'remember@example.com'), jsonb_build_object('except_token', (SELECT normal FROM t))), '>', 0,
              'revoke_sessions of its user');
SELECT is((SELECT count(*)::int FROM auth_ext.dont_remember_session), 0, 'deleted the marker too');
INSERT INTO auth_ext.dont_remember_session VALUES ('gone-session-1', now() - interval '1 second'),
                                                  ('gone-session-2', now() - interval '2 days');
SELECT auth_ext.sign_in_email('remember@example.com', 'password123', '{"remember_me": false}') IS NOT NULL;
SELECT is((SELECT array_agg(session_id) FROM auth_ext.dont_remember_session WHERE session_id LIKE 'gone-%'), NULL,
          'markers of expired sessions are deleted when a new one is written');
SELECT is((SELECT count(*)::int FROM auth_ext.dont_remember_session), 1, 'only the new one is left');

-- ---- a normal session: refreshed once older than updateAge ----
SELECT is((auth_ext.get_session((SELECT normal FROM t))->'session'->>'updatedAt')::timestamptz,
          (SELECT "updatedAt" FROM session WHERE token = (SELECT normal FROM t)), 'a fresh session is not written');
SELECT pg_temp.age_session((SELECT normal FROM t), interval '2 days');
SELECT is((auth_ext.get_session((SELECT normal FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '7 days', 'two days old: extended to now + expiresIn');
SELECT is(pg_temp.expires((SELECT normal FROM t)), date_trunc('milliseconds', now()) + interval '7 days', 'in its row too');
SELECT is((SELECT "updatedAt" FROM session WHERE token = (SELECT normal FROM t)), date_trunc('milliseconds', now()),
          'updatedAt = now, in milliseconds');
SELECT pg_temp.age_session((SELECT normal FROM t), interval '3 days');
SELECT is((auth_ext.authenticate_session((SELECT normal FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '7 days', 'authenticate_session refreshes the same way');

SELECT is((SELECT count(*)::int FROM public.trap_calls), 0,
          'the refresh and don''t-remember paths called no overload in Better Auth''s schema (defect: public.make_interval ran as the owner)');

-- ---- updateAge 0: refresh on every lookup ----
SELECT auth_ext.configure('session_update_age_seconds', '0');
SELECT pg_temp.age_session((SELECT normal FROM t), interval '1 second');
SELECT lives_ok($$SELECT auth_ext.get_session((SELECT normal FROM t))$$, 'updateAge 0: get_session works');
SELECT is(pg_temp.expires((SELECT normal FROM t)), date_trunc('milliseconds', now()) + interval '7 days',
          'and refreshes the session');
SELECT pg_temp.age_session((SELECT normal FROM t), interval '1 second');
SELECT is((auth_ext.authenticate_session((SELECT normal FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '7 days', 'updateAge 0: authenticate_session too');
SELECT auth_ext.configure('session_update_age_seconds', NULL);

-- ---- read-only transactions (a hot standby): answers, never writes ----
SELECT pg_temp.age_session((SELECT normal FROM t), interval '2 days');
CREATE TEMP TABLE expired AS
  SELECT (auth_ext.sign_in_email('remember@example.com', 'password123'))->>'token' AS tok;
SELECT pg_temp.age_session((SELECT tok FROM expired), interval '8 days');
SAVEPOINT read_only;
SET LOCAL transaction_read_only = on;
SELECT is((auth_ext.get_session((SELECT normal FROM t))->'session'->>'expiresAt')::timestamptz,
          date_trunc('milliseconds', now()) + interval '5 days', 'read-only: a session due for refresh is returned as it is');
SELECT is(auth_ext.get_session((SELECT tok FROM expired)), NULL, 'read-only: an expired session is not returned');
ROLLBACK TO SAVEPOINT read_only;
SELECT is((SELECT count(*)::int FROM session WHERE token = (SELECT tok FROM expired)), 1, 'nor deleted');
SELECT is(pg_temp.expires((SELECT normal FROM t)), date_trunc('milliseconds', now()) + interval '5 days', 'nor refreshed');
SELECT is(auth_ext.get_session((SELECT tok FROM expired)), NULL, 'read-write: the expired session is not returned');
SELECT is((SELECT count(*)::int FROM session WHERE token = (SELECT tok FROM expired)), 0, 'and deleted');

-- ---- nothing in Better Auth's schema ran ----
SELECT is((SELECT count(*)::int FROM public.trap_calls), 0,
          'no overload in Better Auth''s schema was called on any path (refresh, updateAge 0, remember-me false, read-only, expired)');

SELECT * FROM finish();
ROLLBACK;
