-- auth_ext 0.1.0 -> 0.2.0. Built by the Makefile: this prologue, then every part of sql/src/ but
-- the header. The parts re-create (CREATE OR REPLACE) every object of 0.2.0; this prologue drops
-- the 0.1.0 objects that 0.2.0 no longer has or whose signature changed. Public functions keep
-- their signatures, so the privileges granted on them (grant_app_role) survive the upgrade.

\echo Use "ALTER EXTENSION auth_ext UPDATE TO '0.2.0'" to load this file. \quit

-- get_session is one C implementation now (the PL/pgSQL slow path is gone), and _row_json writes
-- every column type (its to_jsonb fallback is gone).
DROP FUNCTION IF EXISTS auth_ext._get_session_slow(text);
DROP FUNCTION IF EXISTS auth_ext._js_dates(jsonb);
