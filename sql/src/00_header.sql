-- auth_ext: Better Auth email/password authentication inside PostgreSQL.
-- Built from sql/src/*.sql by the Makefile; edit the parts, not the assembled script. The parts
-- also make the upgrade script, so each one can run again over the previous version's objects:
-- CREATE OR REPLACE, IF NOT EXISTS, and every function and operator that runs while the script
-- runs is schema-qualified (a trusted extension's script runs as superuser inside a database
-- whose owner can create objects in the schemas on its search_path).

\echo Use "CREATE EXTENSION auth_ext" to load this file. \quit
