-- Account operations, a readable walkthrough: sign-up, sign-in, session, sign-out; and a statement
-- cancelled in the middle of a sign-up leaves nothing behind.
\set VERBOSITY terse
SELECT auth_ext.create_better_auth_schema('auth_app');
SELECT auth_ext.configure('better_auth_schema', 'auth_app');

SELECT auth_ext.sign_up_email('Walk.Through@Example.com', 'walkthrough-1', 'Walk') AS signup \gset
SELECT (:'signup'::jsonb)->'user'->>'email' AS email, (:'signup'::jsonb)->'user'->>'emailVerified' AS verified,
       length((:'signup'::jsonb)->>'token') AS token_length;
SELECT count(*) AS users, (SELECT count(*) FROM auth_app.account) AS accounts, (SELECT count(*) FROM auth_app.session) AS sessions
FROM auth_app."user";

SELECT (auth_ext.sign_in_email('walk.through@example.com', 'walkthrough-1'))->'user'->>'name' AS signed_in_as;
SELECT auth_ext.sign_in_email('walk.through@example.com', 'walkthrough-2');
SELECT (auth_ext.get_session((:'signup'::jsonb)->>'token'))->'user'->>'email' AS session_user;
SELECT auth_ext.sign_out((:'signup'::jsonb)->>'token') AS signed_out;
SELECT auth_ext.get_session((:'signup'::jsonb)->>'token') IS NULL AS session_gone;

-- Cancelled while hashing (scrypt takes ~100 ms): the whole call rolls back.
SET statement_timeout = '20ms';
SELECT auth_ext.sign_up_email('cancelled@example.com', 'cancelled-password', 'Cancelled');
RESET statement_timeout;
SELECT count(*) AS rows_left_by_cancelled_signup FROM auth_app."user" WHERE email = 'cancelled@example.com';

-- A read-only transaction (as on a replica) gets 25006 before any work is done.
BEGIN READ ONLY;
SELECT auth_ext.sign_up_email('replica@example.com', 'replica-password', 'Replica');
ROLLBACK;

SELECT * FROM auth_ext.check_schema('auth_app');
SELECT * FROM auth_ext.check_schema('no_such_schema');
SELECT auth_ext.configure('better_auth_schema', NULL);
DROP SCHEMA auth_app CASCADE;
