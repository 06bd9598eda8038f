-- auth_ext settings of this example, run as the database owner after `python -m todo_api.setup`
-- (psql -f ...). jwt_require_live_session: a JWT must name a live session in its `sid` claim
-- (lib/auth.ts puts the session's id there), so sign-out ends the JWTs issued for that session
-- at once instead of at their exp (docs/jwt-and-identity.md).
SELECT auth_ext.configure('jwt_require_live_session', 'true');
