-- The role the Next.js server (Better Auth + the auth_ext plugin) connects as, with exactly the
-- documented grants: Better Auth's tables, its rateLimit table, and auth_ext.grant_app_role.
-- Run as the database owner after `python -m todo_api.setup` (psql -v role=better_auth -f ...).
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
GRANT SELECT, INSERT, UPDATE, DELETE ON "user", session, account, verification, jwks TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rateLimit" TO :"role";
SELECT auth_ext.grant_app_role(:'role');
