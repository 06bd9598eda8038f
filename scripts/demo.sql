-- What scripts/demo.sh shows: each auth_ext feature on real calls in a fresh database.
\pset footer off
\set SHOW_CONTEXT never
\echo
\echo '== auth_ext installed'
SELECT extname, extversion FROM pg_extension WHERE extname = 'auth_ext';

\echo
\echo '== Passwords: byte-compatible with Better Auth (scrypt N=16384 r=16 p=1, "<salt>:<key>")'
SELECT auth_ext.hash_password('correct horse battery staple') AS new_hash;
SELECT auth_ext.verify_password('password123',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
  AS hash_written_by_better_auth_verifies;
SELECT auth_ext.verify_password('wrong password',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
  AS wrong_password_verifies;

\echo
\echo '== Settings (secrets are never shown)'
SELECT name, value, is_secret FROM auth_ext.settings();

\echo
\echo '== JWT: verify a token Better Auth''s jwt plugin issued (contract §6), with the key from its jwks table'
CREATE TABLE public.jwks ("id" text NOT NULL PRIMARY KEY, "publicKey" text NOT NULL, "privateKey" text NOT NULL,
                          "createdAt" timestamptz NOT NULL, "expiresAt" timestamptz, "alg" text, "crv" text);
INSERT INTO public.jwks VALUES ('ts5io8f2xzRXpJrZi1CVvzQQybL1uqm0',
  '{"crv":"Ed25519","x":"2vp_zmyYfnv4__-HqFykaXIdOMV7Yf2yAPR0RlozDC0","kty":"OKP"}', '"(encrypted)"', now(), NULL, 'EdDSA', 'Ed25519');
\set ba_token 'eyJhbGciOiJFZERTQSIsImtpZCI6InRzNWlvOGYyeHpSWHBKclppMUNWdnpRUXliTDF1cW0wIn0.eyJpYXQiOjE3OTUzMzk5MTUsIm5hbWUiOiJJbnRlcm9wIFVzZXIiLCJlbWFpbCI6ImludGVyb3AudXNlcitiaDg1eHljb0BleGFtcGxlLmNvbSIsImVtYWlsVmVyaWZpZWQiOmZhbHNlLCJpbWFnZSI6bnVsbCwiY3JlYXRlZEF0IjoiMjAyNi0xMS0yMlQwOTozMTo1NC43NjdaIiwidXBkYXRlZEF0IjoiMjAyNi0xMS0yMlQwOTozMTo1NC43NjdaIiwiaWQiOiIwdmQ1cW9uaGlSaXBEQWNJTXZ6d1JSUUlOM2JQZXNsdCIsInN1YiI6IjB2ZDVxb25oaVJpcERBY0lNdnp3UlJRSU4zYlBlc2x0IiwiZXhwIjoxNzk1MzQwODE1LCJpc3MiOiJodHRwOi8vbG9jYWxob3N0OjMwMDAiLCJhdWQiOiJodHRwOi8vbG9jYWxob3N0OjMwMDAifQ.UzUX2Ot4NXxFJ8fKXJxuHwmikxZjn1uJ3A_4Q2EuUI-c7fb0B5oBhbxXpD7MzRIRyuYiDQ32II_hnt51mgOqDA'
\echo 'Its EdDSA signature checks out against the jwks row (kid lookup), but it expired 15 minutes after issue: 28000'
\set ON_ERROR_STOP 0
SELECT auth_ext.verify_jwt(:'ba_token');
\set ON_ERROR_STOP 1

\echo
\echo '== JWT: sign and verify with the HS256 shared secret (settable by the owner, unreadable by the app role)'
SELECT auth_ext.configure('jwt_shared_secret', 'demo-shared-secret-0123456789abcdef');
SELECT auth_ext.sign_jwt(jsonb_build_object('sub', 'user-42', 'exp', extract(epoch FROM now() + interval '15 minutes')::bigint),
  jsonb_build_object('kty', 'oct', 'k', translate(encode(convert_to('demo-shared-secret-0123456789abcdef', 'UTF8'), 'base64'), '+/=', '-_'))) AS hs_token \gset
SELECT auth_ext.verify_jwt(:'hs_token') AS claims;

\echo
\echo '== Row-level security from the verified identity, scoped to the transaction'
CREATE TABLE public.todo (id int PRIMARY KEY, user_id text NOT NULL, title text NOT NULL);
ALTER TABLE public.todo ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_todos ON public.todo USING (user_id = (SELECT auth_ext.user_id()));
INSERT INTO public.todo VALUES (1, 'user-42', 'mine'), (2, 'user-7', 'someone else''s');
CREATE ROLE auth_ext_demo_app;
GRANT SELECT ON public.todo TO auth_ext_demo_app;
GRANT USAGE ON SCHEMA auth_ext TO auth_ext_demo_app;
SET ROLE auth_ext_demo_app;
BEGIN;
SELECT auth_ext.authenticate(:'hs_token')->>'sub' AS authenticated_as;
SELECT * FROM public.todo;
COMMIT;
SELECT auth_ext.user_id() AS identity_after_commit, count(*) AS visible_rows FROM public.todo;
RESET ROLE;
DROP TABLE public.todo;
REVOKE USAGE ON SCHEMA auth_ext FROM auth_ext_demo_app;
DROP ROLE auth_ext_demo_app;

\echo
\echo '== Accounts on Better Auth''s own tables: one call each, rows exactly as Better Auth writes them'
SELECT auth_ext.create_better_auth_schema();
SELECT * FROM auth_ext.check_schema();
SELECT auth_ext.sign_up_email('Ada.Lovelace@Example.com', 'analytical-engine', 'Ada') AS signup \gset
SELECT jsonb_pretty(:'signup'::jsonb) AS sign_up_result;
SELECT (auth_ext.sign_in_email('ada.lovelace@example.com', 'analytical-engine'))->'user'->>'email' AS signed_in;
\set ON_ERROR_STOP 0
SELECT auth_ext.sign_up_email('ADA.LOVELACE@example.com', 'analytical-engine', 'Ada again');
SELECT auth_ext.sign_in_email('ada.lovelace@example.com', 'wrong password');
SELECT auth_ext.sign_up_email('not an email', 'analytical-engine', 'X');
\set ON_ERROR_STOP 1
SELECT (auth_ext.get_session((:'signup'::jsonb)->>'token'))->'user'->>'name' AS session_user;
SELECT auth_ext.sign_out((:'signup'::jsonb)->>'token') AS signed_out,
       auth_ext.get_session((:'signup'::jsonb)->>'token') IS NULL AS session_gone;
