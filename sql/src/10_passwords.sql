
-- ---------------------------------------------------------------------------------------------
-- Passwords: Better Auth's scrypt format (docs/better-auth-compatibility.md §1)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.hash_password(password text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_hash_password'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.hash_password(text) IS
'Hashes a password exactly as Better Auth does: scrypt N=16384 r=16 p=1 dkLen=64 over the NFKC form, '
'salted with a random 32-character hex string; returns "<salt>:<key>" (161 characters). Needs a UTF8 database.';

CREATE OR REPLACE FUNCTION auth_ext.verify_password(password text, hash text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_verify_password'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.verify_password(text, text) IS
'True when the password matches a Better Auth "<salt>:<key>" hash (constant-time comparison). '
'A malformed hash raises SQLSTATE 22P02 instead of returning false.';
