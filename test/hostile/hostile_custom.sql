-- pgTAP: the hostile-schema test with Better Auth's tables in a custom schema (better_auth_schema
-- = ba) writable by everyone, traps in ba and in public, and the extension installed by a
-- superuser. See run.sql.
\set ba ba
\set owner_mode superuser
\ir run.sql
