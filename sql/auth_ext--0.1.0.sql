-- auth_ext 0.1.0: Better Auth email/password authentication inside PostgreSQL.
-- Generated from sql/src/*.sql by the Makefile; edit the parts, not the assembled script.

\echo Use "CREATE EXTENSION auth_ext" to load this file. \quit

COMMENT ON SCHEMA auth_ext IS 'auth_ext: Better Auth compatible passwords, JWTs and account operations';

-- ---------------------------------------------------------------------------------------------
-- Passwords: Better Auth's scrypt format (contract §1)
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION auth_ext.hash_password(password text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_hash_password'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.hash_password(text) IS
'Hashes a password exactly as Better Auth does: scrypt N=16384 r=16 p=1 dkLen=64 over the NFKC form, '
'salted with a random 32-character hex string; returns "<salt>:<key>" (161 characters). Needs a UTF8 database.';

CREATE FUNCTION auth_ext.verify_password(password text, hash text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_verify_password'
LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION auth_ext.verify_password(text, text) IS
'True when the password matches a Better Auth "<salt>:<key>" hash (constant-time comparison). '
'A malformed hash raises SQLSTATE 22P02 instead of returning false.';
