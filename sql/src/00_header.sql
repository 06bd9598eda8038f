-- auth_ext 0.1.0: Better Auth email/password authentication inside PostgreSQL.
-- Generated from sql/src/*.sql by the Makefile; edit the parts, not the assembled script.

\echo Use "CREATE EXTENSION auth_ext" to load this file. \quit

COMMENT ON SCHEMA auth_ext IS 'auth_ext: Better Auth compatible passwords, JWTs and account operations';
