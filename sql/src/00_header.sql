-- auth_ext: Better Auth email/password authentication inside PostgreSQL.
-- Built from sql/src/*.sql by the Makefile; edit the parts, not the assembled script. The parts
-- also make the upgrade script, so each one can run again over the previous version's objects:
-- CREATE OR REPLACE, IF NOT EXISTS. Code that runs while the script runs resolves names in
-- pg_catalog alone: DO blocks pin search_path to pg_catalog, pg_temp while they run (a trusted
-- extension's script runs as superuser inside a database whose owner can create objects in the
-- schemas on its search_path), and the extension's own objects are named qualified.

\echo Use "CREATE EXTENSION auth_ext" to load this file. \quit
