-- auth_ext 0.1.0 -> 0.2.0. Built by the Makefile: this prologue, then every part of sql/src/ but
-- the header. The parts re-create (CREATE OR REPLACE) every object of 0.2.0; this prologue drops
-- the 0.1.0 objects that 0.2.0 no longer has or whose signature changed. Public functions whose
-- signature changed are dropped at the end instead (0.1.0--0.2.0.after.sql), once the privileges
-- granted on them since the install (grant_app_role) are carried to the new signature.

\echo Use "ALTER EXTENSION auth_ext UPDATE TO '0.2.0'" to load this file. \quit

-- get_session is one C implementation now (the PL/pgSQL slow path is gone), and _row_json writes
-- every column type (its to_jsonb fallback is gone).
DROP FUNCTION IF EXISTS auth_ext._get_session_slow(text);
DROP FUNCTION IF EXISTS auth_ext._js_dates(jsonb);
-- _create_session takes the session's lifetime (session.expiresIn from Better Auth's options).
DROP FUNCTION IF EXISTS auth_ext._create_session(text, text, text, text, boolean);
-- _require_tables takes the tables to require (the verification table for password reset).
DROP FUNCTION IF EXISTS auth_ext._require_tables(text);
-- The account statements name the auth_ext_names views (no schema argument): _prepare_write
-- returns nothing, _credential_account takes the user only.
DROP FUNCTION IF EXISTS auth_ext._prepare_write();
DROP FUNCTION IF EXISTS auth_ext._credential_account(text, text);
