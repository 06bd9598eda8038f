-- What scripts/demo.sh shows: each auth_ext feature on real calls in a fresh database.
-- Every call succeeds except the ones under "expected refusals", which are meant to fail and show
-- the SQLSTATE and message a client gets.
\set QUIET on
\pset footer off
\set SHOW_CONTEXT never

-- refused(statement): runs a statement that must fail and returns '<SQLSTATE> <message>'; a
-- statement that succeeds stops the demo.
CREATE FUNCTION pg_temp.refused(statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE statement;
  EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
  END;
  RAISE EXCEPTION 'this should have been refused: %', statement;
END
$$;

\echo
\echo '== auth_ext installed'
SELECT extname, extversion FROM pg_extension WHERE extname = 'auth_ext';

\echo
\echo '== Passwords: Better Auth''s format (scrypt N=16384 r=16 p=1, "<salt>:<key>")'
SELECT auth_ext.hash_password('correct horse battery staple') AS new_hash;
\echo 'A hash Better Auth wrote, checked with the right and a wrong password:'
SELECT auth_ext.verify_password('password123',
         '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
         AS right_password,
       auth_ext.verify_password('wrong password',
         '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
         AS wrong_password;

\echo
\echo '== Better Auth''s tables (user, session, account, verification, jwks), as its migrator makes them'
SELECT auth_ext.create_better_auth_schema() \gset
SELECT count(*) AS problems_found_by_check_schema FROM auth_ext.check_schema();

\echo
\echo '== Accounts on Better Auth''s tables: sign-up, sign-in, get_session, one SQL call each'
SELECT auth_ext.sign_up_email('Ada.Lovelace@Example.com', 'analytical-engine', 'Ada') AS signup \gset
SELECT (:'signup'::jsonb)->'user'->>'id' AS ada_id \gset
SELECT s->'user'->>'email' AS signed_up, s->'user'->>'id' AS user_id,
       s->'session'->>'expiresAt' AS session_expires
  FROM (SELECT :'signup'::jsonb) AS t(s);
SELECT s->'user'->>'name' AS signed_in, s->'session'->>'id' AS new_session
  FROM auth_ext.sign_in_email('ada.lovelace@example.com', 'analytical-engine') AS t(s);
SELECT s->'user'->>'email' AS session_of, s->'session'->>'userId' = :'ada_id' AS is_ada
  FROM auth_ext.get_session((:'signup'::jsonb)->>'token') AS t(s);
\echo 'expected refusals:'
SELECT attempt, pg_temp.refused(statement) AS "refused as expected"
  FROM (VALUES
    ('sign-up, same email in other case',
     $$SELECT auth_ext.sign_up_email('ADA.LOVELACE@example.com', 'analytical-engine', 'Ada again')$$),
    ('sign-in, wrong password',
     $$SELECT auth_ext.sign_in_email('ada.lovelace@example.com', 'wrong password')$$),
    ('sign-up, not an email',
     $$SELECT auth_ext.sign_up_email('not an email', 'analytical-engine', 'X')$$)
  ) AS t(attempt, statement);

\echo
\echo '== Settings: issuer and audience to check, a shared secret for HS256 (secrets never shown)'
DO $$
BEGIN
  PERFORM auth_ext.configure('jwt_issuer', 'http://localhost:3000');
  PERFORM auth_ext.configure('jwt_audience', 'http://localhost:3000');
  PERFORM auth_ext.configure('jwt_shared_secret', 'demo-shared-secret-0123456789abcdef');
END
$$;
SELECT name, value FROM auth_ext.settings() WHERE NOT is_default;

\echo
\echo '== JWT: a token of Better Auth''s jwt plugin, verified with the key in its jwks table'
\echo 'The key row as Better Auth writes it (id = kid, publicKey = the public JWK as text, EdDSA/Ed25519;'
\echo 'privateKey in plain JSON, as with jwks.disablePrivateKeyEncryption). The key is RFC 8037''s example'
\echo 'Ed25519 key: a demo key, never use it.'
INSERT INTO public.jwks ("id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv")
VALUES (auth_ext.generate_id(),
        '{"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}',
        '{"crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}',
        now(), NULL, 'EdDSA', 'Ed25519');
SELECT "id" AS kid, "publicKey", "alg", "crv" FROM public.jwks;
\echo 'Ada''s token with Better Auth''s claims (iat, the user, sub, exp = iat + 15 min, iss, aud), signed'
\echo 'with the row''s private key as Better Auth does (header {"alg":"EdDSA","kid":...}):'
SELECT auth_ext.sign_jwt(
         jsonb_build_object('iat', floor(extract(epoch FROM now()))::bigint)
           || ((:'signup'::jsonb)->'user')
           || jsonb_build_object('sub', :'ada_id',
                                 'exp', floor(extract(epoch FROM now() + interval '15 minutes'))::bigint,
                                 'iss', 'http://localhost:3000', 'aud', 'http://localhost:3000'),
         "privateKey"::jsonb || jsonb_build_object('kid', "id")) AS ba_token
  FROM public.jwks \gset
SELECT c->>'sub' = :'ada_id' AS sub_is_ada, c->>'email' AS email, c->>'iss' AS iss, c->>'aud' AS aud,
       to_timestamp((c->>'exp')::bigint) > now() AS not_expired
  FROM auth_ext.verify_jwt(:'ba_token') AS t(c);
\echo 'expected refusals:'
SELECT auth_ext.sign_jwt(
         jsonb_build_object('sub', :'ada_id', 'iss', 'http://localhost:3000', 'aud', 'http://localhost:3000',
                            'exp', floor(extract(epoch FROM now() - interval '1 minute'))::bigint),
         "privateKey"::jsonb || jsonb_build_object('kid', "id")) AS expired_token
  FROM public.jwks \gset
SELECT attempt, pg_temp.refused(format('SELECT auth_ext.verify_jwt(%L)', token)) AS "refused as expected"
  FROM (VALUES
    ('a token whose exp has passed', :'expired_token'),
    ('Ada''s signature on a payload naming someone else',
     split_part(:'ba_token', '.', 1) || '.'
       || translate(encode(convert_to('{"sub":"someone-else","exp":9999999999}', 'UTF8'), 'base64'), '+/=', '-_')
       || '.' || split_part(:'ba_token', '.', 3))
  ) AS t(attempt, token);

\echo
\echo '== JWT: HS256 with the shared secret (settable by the owner, unreadable by the app role)'
SELECT auth_ext.sign_jwt(jsonb_build_object('sub', 'service-7', 'exp', floor(extract(epoch FROM now() + interval '15 minutes'))::bigint,
                                            'iss', 'http://localhost:3000', 'aud', 'http://localhost:3000'),
         jsonb_build_object('kty', 'oct',
                            'k', translate(encode(convert_to('demo-shared-secret-0123456789abcdef', 'UTF8'), 'base64'), '+/=', '-_')))
       AS hs_token \gset
SELECT c->>'sub' AS sub, to_timestamp((c->>'exp')::bigint) > now() AS not_expired
  FROM auth_ext.verify_jwt(:'hs_token') AS t(c);

\echo
\echo '== Row-level security: the verified token is the identity of one transaction'
CREATE TABLE public.todo (id int PRIMARY KEY, user_id text NOT NULL, title text NOT NULL);
ALTER TABLE public.todo ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_todos ON public.todo USING (user_id = (SELECT auth_ext.user_id()));
INSERT INTO public.todo VALUES (1, :'ada_id', 'write the first program'), (2, :'ada_id', 'note G'),
                               (3, 'someone-else', 'not Ada''s');
CREATE ROLE auth_ext_demo_app;
GRANT auth_ext_demo_app TO CURRENT_USER;  -- to act as it below (SET ROLE)
SELECT auth_ext.grant_app_role('auth_ext_demo_app') \gset
GRANT SELECT ON public.todo TO auth_ext_demo_app;
SET ROLE auth_ext_demo_app;
\echo 'As the application role, inside a transaction that authenticated Ada''s Better Auth token:'
BEGIN;
SELECT auth_ext.authenticate(:'ba_token')->>'email' AS authenticated_as;
SELECT auth_ext.user_id() = :'ada_id' AS user_id_is_ada;
SELECT id, title FROM public.todo ORDER BY id;
COMMIT;
\echo 'After COMMIT the identity is gone, and so are the rows:'
SELECT auth_ext.user_id() AS identity_after_commit, count(*) AS visible_rows FROM public.todo;
RESET ROLE;
DROP TABLE public.todo;
DROP OWNED BY auth_ext_demo_app;
DROP ROLE auth_ext_demo_app;

\echo
\echo '== Sign-out: the session row is deleted'
SELECT auth_ext.sign_out((:'signup'::jsonb)->>'token') AS signed_out,
       auth_ext.get_session((:'signup'::jsonb)->>'token') IS NULL AS session_gone;
