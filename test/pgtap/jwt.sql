-- pgTAP: auth_ext.verify_jwt / sign_jwt — every algorithm both ways, the jwks table path (kid
-- lookup, rotation, deletion, expiry + grace), the HS256 shared secret, claim checks, and the
-- refusals with their SQLSTATEs and messages.
\ir ../fixtures/jwt_test_keys.psql
BEGIN;
SELECT no_plan();

-- ---- signatures: sign with the private JWK, verify with the public JWK, for every algorithm ----
CREATE TEMP TABLE k (alg text, private jsonb, public jsonb);
INSERT INTO k VALUES
  ('EdDSA', :'ed25519_private', :'ed25519_public'),
  ('ES256', :'es256_private', :'es256_public'),
  ('ES512', :'es512_private', :'es512_public'),
  ('RS256', :'rs256_private', :'rs256_public'),
  ('PS256', :'ps256_private', :'ps256_public');
CREATE TEMP TABLE t AS
  SELECT alg, public, auth_ext.sign_jwt(jsonb_build_object('sub', 'user-' || alg, 'exp', 4102444800), private) AS token
  FROM k;

SELECT is(convert_from(decode(rpad(translate(split_part(token, '.', 1), '-_', '+/'),
          (length(split_part(token, '.', 1)) + 3) / 4 * 4, '='), 'base64'), 'UTF8')::jsonb,
          jsonb_build_object('alg', alg, 'kid', public->>'kid'),
          alg || ': the header is {"alg","kid"} with no typ, as Better Auth writes it')
FROM t ORDER BY alg;
SELECT is(auth_ext.verify_jwt(token, public)->>'sub', 'user-' || alg, alg || ': verifies with the public JWK')
FROM t ORDER BY alg;
SELECT is(auth_ext.verify_jwt(token, jsonb_build_object('keys', (SELECT jsonb_agg(public) FROM k)))->>'sub',
          'user-' || alg, alg || ': verifies with a JWKS holding all keys (matched by kid)')
FROM t ORDER BY alg;
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
          split_part(token, '.', 1) || '.' || translate(encode(convert_to('{"sub":"admin","exp":4102444800}', 'UTF8'), 'base64'), '+/=', '-_') || '.' || split_part(token, '.', 3),
          public), '28000', 'token signature is invalid', alg || ': a changed payload is refused')
FROM t ORDER BY alg;

-- ES256 signatures are JOSE raw R||S (64 bytes = 86 base64url characters), not DER.
SELECT is(length(split_part(token, '.', 3)), 86, 'ES256 signature is raw R||S') FROM t WHERE alg = 'ES256';
SELECT is(length(split_part(token, '.', 3)), 176, 'ES512 signature is raw R||S (132 bytes)') FROM t WHERE alg = 'ES512';

-- A key of another algorithm (kid matched) is refused.
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', (SELECT token FROM t WHERE alg = 'EdDSA'),
                 jsonb_set(:'es256_public'::jsonb, '{kid}', '"test-ed25519"')),
                 '28000', 'token algorithm does not match the key', 'an EdDSA token against a P-256 key is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', (SELECT token FROM t WHERE alg = 'RS256'), :'ps256_public'::jsonb || '{"kid":"test-rs256"}'),
                 '28000', 'token algorithm does not match the key', 'an RS256 token against a PS256 key is refused');

-- A single JWK without kid (exactly the publicKey Better Auth stores; the kid is the row's id) is
-- used whatever kid the token carries; a JWK with a kid, and a key set, still match by kid.
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"one","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"row-id-7"}'),
                              :'ed25519_public'::jsonb - 'kid')->>'sub',
          'one', 'a single JWK without kid verifies a token whatever its kid');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"one","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"row-id-7"}'),
                              '{"crv":"Ed25519","x":"sATBxa5LrQDYZ5UBrA2gOLttf2Mz4jxIwt4YfX_qqbQ","kty":"OKP"}')->>'sub',
          'one', 'Better Auth''s stored publicKey text verifies its tokens directly');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 auth_ext.sign_jwt('{"sub":"one","exp":4102444800}', '{"kty":"OKP","crv":"Ed25519","kid":"row-id-7","d":"Zjz6Xvt8Zz51e_83SoISKbUfDH0Duh0hTMDp7nFGNVk","x":"cfxXpOIJrpPeFz3ZufETWmfSxNF0a9caYywlGc0lZEU"}'),
                 :'ed25519_public'::jsonb - 'kid'),
                 '28000', 'token signature is invalid', 'a single JWK without kid still refuses another key''s signature');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 auth_ext.sign_jwt('{"sub":"one","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"row-id-7"}'), :'ed25519_public'),
                 '28000', 'no key matches the token''s kid', 'a single JWK with another kid is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 auth_ext.sign_jwt('{"sub":"one","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"row-id-7"}'),
                 jsonb_build_object('keys', jsonb_build_array(:'ed25519_public'::jsonb - 'kid'))),
                 '28000', 'no key matches the token''s kid', 'a key set still matches by kid');

-- ---- HS256 with an explicit oct key, and algorithm confusion ----
\set hs_key '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0"}'
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"h","exp":4102444800}', :'hs_key'), :'hs_key')->>'sub', 'h',
          'HS256 round trip with an oct key');
-- The attacker signs HS256 with the RSA public key's text as the secret: refused.
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 auth_ext.sign_jwt('{"sub":"admin","exp":4102444800}',
                   jsonb_build_object('kty', 'oct', 'k', translate(encode(convert_to(:'rs256_public', 'UTF8'), 'base64'), E'+/=\n', '-_'))),
                 (:'rs256_public')::jsonb - 'kid'),
                 '28000', 'token algorithm does not match the key', 'HS256 signed with the RSA public key is refused');
SELECT throws_ok($$SELECT auth_ext.sign_jwt('{"sub":"x"}', '{"kty":"oct","k":"c2hvcnQ"}')$$,
                 '22023', NULL, 'an HMAC key under 32 bytes is refused');

-- ---- refusals of malformed tokens (28000, reason in the message, never the token) ----
SELECT throws_ok($$SELECT auth_ext.verify_jwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0"}')$$,
                 '28000', 'unsigned tokens (alg none) are not accepted', 'alg none is refused');
SELECT throws_ok($$SELECT auth_ext.verify_jwt('a.b', NULL)$$, '28000', NULL, 'two segments are refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800}', :'hs_key') || '.x', :'hs_key'),
                 '28000', NULL, 'four segments are refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800}', :'hs_key') || '=', :'hs_key'),
                 '28000', NULL, 'base64 padding is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', repeat('a', 20000), :'hs_key'),
                 '28000', NULL, 'an oversized token is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800}', :'hs_key'), '{"kty":"RSA"}'),
                 '22023', NULL, 'an unusable key argument is 22023');

-- ---- claims ----
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":1000}', :'hs_key'), :'hs_key'),
                 '28000', 'token has expired', 'an expired token is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h"}', :'hs_key'), :'hs_key'),
                 '28000', 'token has no exp claim', 'exp is required by default');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":"4102444800"}', :'hs_key'), :'hs_key'),
                 '28000', 'claim exp must be a number', 'a string exp is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"nbf":4000000000}', :'hs_key'), :'hs_key'),
                 '28000', 'token is not yet valid', 'a future nbf is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iat":4000000000}', :'hs_key'), :'hs_key'),
                 '28000', 'token was issued in the future', 'a future iat is refused');
SELECT auth_ext.configure('jwt_require_exp', 'false');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"h"}', :'hs_key'), :'hs_key')->>'sub', 'h',
          'jwt_require_exp=false accepts a token without exp');
SELECT auth_ext.configure('jwt_require_exp', NULL);
-- Leeway: a token that expired 30 s ago passes only with a leeway above 30 s.
\set recent `echo '{"sub":"h","exp":'$(( $(date +%s) - 30 ))'}'`
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt(:'recent', :'hs_key'), :'hs_key'),
                 '28000', 'token has expired', 'a token expired 30 s ago is refused with no leeway');
SELECT auth_ext.configure('jwt_leeway_seconds', '120');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt(:'recent', :'hs_key'), :'hs_key')->>'sub', 'h',
          'the same token passes with 120 s of leeway');
SELECT auth_ext.configure('jwt_leeway_seconds', NULL);

-- Issuer and audience, as Better Auth sets them (the baseURL origin); aud may be an array.
SELECT auth_ext.configure('jwt_issuer', 'http://localhost:3000');
SELECT auth_ext.configure('jwt_audience', 'http://localhost:3000');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iss":"http://localhost:3000","aud":"http://localhost:3000"}', :'hs_key'), :'hs_key')->>'sub',
          'h', 'matching iss and aud pass');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iss":"http://localhost:3000","aud":["other","http://localhost:3000"]}', :'hs_key'), :'hs_key')->>'sub',
          'h', 'an aud array containing the audience passes');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iss":"https://evil.example","aud":"http://localhost:3000"}', :'hs_key'), :'hs_key'),
                 '28000', 'token issuer does not match: expected "http://localhost:3000", got "https://evil.example"', 'a wrong iss is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iss":"http://localhost:3000","aud":"https://other.example"}', :'hs_key'), :'hs_key'),
                 '28000', 'token audience does not match: expected "http://localhost:3000", got "https://other.example"', 'a wrong aud is refused');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)', auth_ext.sign_jwt('{"sub":"h","exp":4102444800,"iss":"http://localhost:3000"}', :'hs_key'), :'hs_key'),
                 '28000', 'token audience does not match: expected "http://localhost:3000", got none', 'a missing aud is refused when an audience is configured');
SELECT auth_ext.configure('jwt_issuer', NULL);
SELECT auth_ext.configure('jwt_audience', NULL);

-- ---- validly signed payloads that jsonb cannot hold are bad tokens too (28000), never 22P02/22003 ----
-- sign_jwt only signs jsonb, so these are signed here: HS256 = HMAC-SHA256 in plain SQL (RFC 2104).
CREATE FUNCTION pg_temp.b64url(data bytea) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT translate(encode(data, 'base64'), E'+/=\n', '-_') $$;
CREATE FUNCTION pg_temp.hs256_token(payload bytea, secret bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  WITH input AS (SELECT pg_temp.b64url(convert_to('{"alg":"HS256"}', 'UTF8')) || '.' || pg_temp.b64url(payload) AS signing_input),
       padded AS (SELECT secret || decode(repeat('00', 64 - length(secret)), 'hex') AS k),
       pads AS (SELECT string_agg(decode(lpad(to_hex(get_byte(k, n) # 54), 2, '0'), 'hex'), '' ORDER BY n) AS ipad,
                       string_agg(decode(lpad(to_hex(get_byte(k, n) # 92), 2, '0'), 'hex'), '' ORDER BY n) AS opad
                FROM padded, generate_series(0, 63) n)
  SELECT signing_input || '.' || pg_temp.b64url(sha256(opad || sha256(ipad || convert_to(signing_input, 'UTF8'))))
  FROM input, pads
$$;
\set hs_secret 'secret-secret-secret-secret-secret-1234'
SELECT is(auth_ext.verify_jwt(pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')),
                              :'hs_key')->>'sub', 'h', 'a token signed in SQL verifies (the signer below is right)');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 pg_temp.hs256_token(convert_to(U&'\FEFF{"sub":"h","exp":4102444800}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')), :'hs_key'),
                 '28000', 'token payload is not valid json', 'a signed payload starting with a byte order mark is refused (28000)');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800}', 'UTF8') || '\x00'::bytea || convert_to('{"sub":"admin"}', 'UTF8'),
                                     convert_to(:'hs_secret', 'UTF8')), :'hs_key'),
                 '28000', 'token payload is not valid json', 'a signed payload with a NUL byte after its JSON is refused, not cut short');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800,"n":-1e-999999}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')), :'hs_key'),
                 '28000', 'token payload is not valid json', 'a signed payload with -1e-999999 is refused (28000)');
-- numeric's limits, each side: display scale 16383, exponent below 1073741823.
SELECT is(auth_ext.verify_jwt(pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800,"n":1e-16383}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')),
                              :'hs_key')->>'sub', 'h', 'a number with display scale 16383 (numeric''s maximum) is taken');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800,"n":1e-16384}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')), :'hs_key'),
                 '28000', 'token payload is not valid json', 'a number with display scale 16384 is refused (28000)');
SELECT is(auth_ext.verify_jwt(pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800,"n":0e1073741822}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')),
                              :'hs_key')->'n', '0'::jsonb, 'an exponent of 1073741822 is taken');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L, %L)',
                 pg_temp.hs256_token(convert_to('{"sub":"h","exp":4102444800,"n":0e1073741823}', 'UTF8'), convert_to(:'hs_secret', 'UTF8')), :'hs_key'),
                 '28000', 'token payload is not valid json', 'an exponent of 1073741823 (INT_MAX / 2) is refused (28000)');

-- ---- keys NULL: Better Auth's jwks table (docs/better-auth-compatibility.md §5, §6) ----
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', (SELECT token FROM t WHERE alg = 'EdDSA')),
                 '55000', 'no Better Auth jwks table to verify tokens with', 'no jwks table: 55000');
CREATE TABLE public.jwks ("id" text not null primary key, "publicKey" text not null, "privateKey" text not null,
                          "createdAt" timestamptz not null, "expiresAt" timestamptz, "alg" text, "crv" text);
INSERT INTO public.jwks
  SELECT public->>'kid', (public - 'kid' - 'alg')::text, '"encrypted"', now(), NULL, alg, public->>'crv' FROM k;
SELECT is(auth_ext.verify_jwt(token)->>'sub', 'user-' || alg, alg || ': verifies with the key row matched by kid')
FROM t ORDER BY alg;
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"x","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"unknown-kid"}')),
                 '28000', 'no key matches the token''s kid', 'an unknown kid is refused');
-- The row's alg decides, not the token header.
UPDATE public.jwks SET alg = 'ES256' WHERE id = 'test-ed25519';
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', (SELECT token FROM t WHERE alg = 'EdDSA')),
                 '28000', 'the token''s key cannot be used', 'a row whose alg its key cannot do is refused (change noticed at once)');
UPDATE public.jwks SET alg = 'EdDSA' WHERE id = 'test-ed25519';
SELECT is(auth_ext.verify_jwt((SELECT token FROM t WHERE alg = 'EdDSA'))->>'sub', 'user-EdDSA', 'the repaired row verifies again');
-- Rotation: a new key row is found without any reload command; a deleted one is refused at once.
INSERT INTO public.jwks VALUES ('rotated-key', (:'ed25519_public'::jsonb - 'kid')::text, '"x"', now(), NULL, 'EdDSA', 'Ed25519');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"r","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"rotated-key"}'))->>'sub', 'r',
          'a newly inserted key is picked up');
DELETE FROM public.jwks WHERE id = 'rotated-key';
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"r","exp":4102444800}', :'ed25519_private'::jsonb || '{"kid":"rotated-key"}')),
                 '28000', 'no key matches the token''s kid', 'a deleted key is refused at once');
-- expiresAt + grace period (30 days by default).
UPDATE public.jwks SET "expiresAt" = now() - interval '10 days' WHERE id = 'test-es256';
SELECT is(auth_ext.verify_jwt((SELECT token FROM t WHERE alg = 'ES256'))->>'sub', 'user-ES256', 'a key 10 days past expiresAt is inside the grace period');
UPDATE public.jwks SET "expiresAt" = now() - interval '31 days' WHERE id = 'test-es256';
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', (SELECT token FROM t WHERE alg = 'ES256')),
                 '28000', 'the token''s signing key has expired', 'a key 31 days past expiresAt is refused');
SELECT auth_ext.configure('jwks_grace_period_seconds', '0');
UPDATE public.jwks SET "expiresAt" = now() - interval '1 minute' WHERE id = 'test-es256';
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', (SELECT token FROM t WHERE alg = 'ES256')),
                 '28000', 'the token''s signing key has expired', 'with no grace period an expired key is refused');
SELECT auth_ext.configure('jwks_grace_period_seconds', NULL);
-- The schema holding Better Auth's tables is a setting.
CREATE SCHEMA ba;
ALTER TABLE public.jwks SET SCHEMA ba;
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', (SELECT token FROM t WHERE alg = 'EdDSA')),
                 '55000', 'no Better Auth jwks table to verify tokens with', 'the table moved away: 55000');
SELECT auth_ext.configure('better_auth_schema', 'ba');
SELECT is(auth_ext.verify_jwt((SELECT token FROM t WHERE alg = 'EdDSA'))->>'sub', 'user-EdDSA', 'better_auth_schema points at the new schema');

-- ---- keys NULL, HS256: the configured shared secret ----
\set shared '{"kty":"oct","k":"c2hhcmVkLXNlY3JldC1mb3ItYm90aC1zaWRlcy0wMTIzNDU2Nzg5"}'
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"s","exp":4102444800}', :'shared')),
                 '55000', 'HS256 tokens need the jwt_shared_secret setting', 'HS256 without a configured secret: 55000');
SELECT auth_ext.configure('jwt_shared_secret', 'shared-secret-for-both-sides-0123456789');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"s","exp":4102444800}', :'shared'))->>'sub', 's',
          'an HS256 token signed with the shared secret verifies');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"s","exp":4102444800}', :'hs_key')),
                 '28000', 'token signature is invalid', 'an HS256 token signed with another secret is refused');
-- The secret's keyed HMAC is cached per backend: a new secret must take effect at once.
SELECT auth_ext.configure('jwt_shared_secret', 'rotated-shared-secret-0123456789abcdefgh');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"s","exp":4102444800}', :'shared')),
                 '28000', 'token signature is invalid', 'after the secret changes, the old secret''s tokens are refused');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"r","exp":4102444800}',
            jsonb_build_object('kty', 'oct', 'k', rtrim(translate(encode(convert_to('rotated-shared-secret-0123456789abcdefgh', 'UTF8'), 'base64'), '+/', '-_'), '='))))->>'sub',
          'r', 'and the new secret''s tokens verify');
-- The kid is ignored for HS256: the shared secret is the only HS256 key, whatever the token names.
\set rotated_shared '{"kty":"oct","k":"cm90YXRlZC1zaGFyZWQtc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWZnaA"}'
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"k","exp":4102444800}', :'rotated_shared'::jsonb || '{"kid":"hs-key-1"}'))->>'sub',
          'k', 'an HS256 token with a kid, signed with the shared secret, verifies');
SELECT is(auth_ext.verify_jwt(auth_ext.sign_jwt('{"sub":"k","exp":4102444800}', :'rotated_shared'::jsonb || '{"kid":"test-ed25519"}'))->>'sub',
          'k', 'an HS256 token whose kid names a jwks row is still checked against the shared secret');
SELECT throws_ok(format('SELECT auth_ext.verify_jwt(%L)', auth_ext.sign_jwt('{"sub":"k","exp":4102444800}', :'shared'::jsonb || '{"kid":"hs-key-1"}')),
                 '28000', 'token signature is invalid', 'an HS256 token with a kid signed with another secret is refused');

SELECT * FROM finish();
ROLLBACK;
