
-- ---------------------------------------------------------------------------------------------
-- JWT: verification of Better Auth's jwt plugin tokens (docs/better-auth-compatibility.md §6) and
-- signing
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.verify_jwt(token text, keys jsonb DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_verify_jwt'
LANGUAGE C STABLE PARALLEL SAFE;  -- not STRICT: keys NULL has a meaning (below)

COMMENT ON FUNCTION auth_ext.verify_jwt(text, jsonb) IS
'Verifies a compact JWS JWT and returns its claims. keys: a JWK or JWKS ({"keys":[...]}), the key chosen by kid, except that a single JWK without kid (Better Auth''s stored publicKey) is used whatever the token''s kid; NULL: Better Auth''s jwks '
'table (matched by kid, the algorithm taken from the key row), except that an HS256 token is checked against the '
'jwt_shared_secret setting whatever its kid (the kid is ignored for HS256). '
'Checks exp (required by default), nbf, iat, and iss/aud when jwt_issuer/jwt_audience are set. '
'EdDSA (Ed25519), ES256, ES512, RS256, PS256, HS256. Errors: 28000 bad or expired token, 22023 bad keys, 55000 missing configuration. '
'NULL token: NULL.';

CREATE OR REPLACE FUNCTION auth_ext.sign_jwt(claims jsonb, key jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_sign_jwt'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.sign_jwt(jsonb, jsonb) IS
'Signs claims as a compact JWS with a private JWK (OKP Ed25519, EC P-256/P-521, RSA with alg RS256 or PS256) or an '
'oct key for HS256 (at least 32 bytes). The header is {"alg","kid"} as Better Auth writes it.';
