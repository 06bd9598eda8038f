
-- ---------------------------------------------------------------------------------------------
-- Identity for row-level security: set only by a verified token, scoped to the transaction
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.authenticate(token text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_authenticate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;  -- not STRICT: NULL clears the identity (below)

COMMENT ON FUNCTION auth_ext.authenticate(text) IS
'Verifies a JWT like verify_jwt(token) (jwks table or shared secret; a string sub is required) and makes it the '
'identity of the current transaction, read by auth_ext.user_id() and auth_ext.claims(). Cleared at COMMIT, ROLLBACK '
'and PREPARE, when the savepoint that set it rolls back, and before every new attempt (a failed one leaves none). '
'NULL token: clears the identity and returns NULL (no token, no identity).';

CREATE OR REPLACE FUNCTION auth_ext.user_id()
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_user_id'
LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION auth_ext.user_id() IS
'The sub claim of the token authenticated in this transaction, or NULL. For policies write '
'USING (user_id = (SELECT auth_ext.user_id())) so it is evaluated once per statement.';

CREATE OR REPLACE FUNCTION auth_ext.claims()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_claims'
LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION auth_ext.claims() IS
'The claims of the token authenticated in this transaction, or NULL.';

CREATE OR REPLACE FUNCTION auth_ext.authenticate_session(credential text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_authenticate_session'
LANGUAGE C VOLATILE PARALLEL UNSAFE SECURITY DEFINER  -- reads Better Auth's tables as get_session does; not STRICT (NULL clears)
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION auth_ext.authenticate_session(text) IS
'Validates a Better Auth session like auth_ext.get_session(credential) (bare token, signed cookie value, or Bearer) '
'and makes its user the identity of the current transaction; returns {"sub","sid","user","session"} without the '
'session token. 28000 when the session is invalid or expired. Same lifetime rules as authenticate(). NULL credential: '
'clears the identity and returns NULL, as authenticate(NULL).';
