-- pgTAP: the hostile-schema test with Better Auth's tables in public (better_auth_schema's
-- default), public writable by everyone as on PostgreSQL 14, and the extension installed by the
-- database's (non-superuser) owner. See run.sql.
\set ba public
\set owner_mode database_owner
\ir run.sql
