
-- ---------------------------------------------------------------------------------------------
-- Errors: the one table of the codes auth_ext raises, with their SQLSTATE, Better Auth's HTTP
-- status and Better Auth's message (BASE_ERROR_CODES' text where Better Auth has the code). The
-- raise sites go through auth_ext._raise(), the FastAPI and Better Auth packages are generated from
-- it (scripts/gen-error-codes.sh), and their tests check that they still agree with it.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.error_codes()
RETURNS TABLE(code text, sqlstate text, http_status integer, message text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
  VALUES
    -- Raised by auth_ext ('CODE: message', the code also in the error's CONSTRAINT field).
    ('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', '23505', 422, 'User already exists. Use another email.'),
    ('INVALID_EMAIL', '22023', 400, 'Invalid email'),
    ('PASSWORD_TOO_SHORT', '22023', 400, 'Password too short'),
    ('PASSWORD_TOO_LONG', '22023', 400, 'Password too long'),
    ('VALIDATION_ERROR', '22023', 400, 'Validation Error'),
    ('INVALID_EMAIL_OR_PASSWORD', '28P01', 401, 'Invalid email or password'),
    ('EMAIL_NOT_VERIFIED', '28000', 403, 'Email not verified'),
    ('INVALID_PASSWORD', '28P01', 400, 'Invalid password'),
    -- A password proof (password_proof, password_hash_proof) the primary does not take: the packages
    -- then sign in with the password on the primary.
    ('INVALID_PASSWORD_PROOF', '28P01', 401, 'Invalid or expired password proof'),
    ('USER_NOT_FOUND', 'P0002', 400, 'User not found'),
    ('CREDENTIAL_ACCOUNT_NOT_FOUND', 'P0002', 400, 'Credential account not found'),
    -- Email verification (/verify-email answers every refusal, USER_NOT_FOUND included, with 401; the
    -- status here is the code's elsewhere: INVALID_TOKEN is 400 on /reset-password).
    ('TOKEN_EXPIRED', '28000', 401, 'Token expired'),
    ('INVALID_TOKEN', '28000', 400, 'Invalid token'),
    ('EMAIL_ALREADY_VERIFIED', 'P0001', 400, 'Email is already verified'),
    -- Better Auth answers 429 with this message and no code, and X-Retry-After: <seconds>; the
    -- error's hint carries the seconds ('Retry after N seconds.').
    ('RATE_LIMITED', '54000', 429, 'Too many requests. Please try again later.'),
    ('READ_ONLY', '25006', 503, 'The database is read-only; account writes need the primary'),
    -- A table (or what runs code on its rows) that owner-rights code would touch belongs to another
    -- role: an attack or a misconfiguration, answered as a server error; check_schema() says more.
    ('UNTRUSTED_OBJECT', '42501', 500, 'A table auth_ext would use is not its owner''s; run auth_ext.check_schema()'),
    -- Not raised by auth_ext: SQLSTATE classes (two characters) of a server that is going away,
    -- restarting or refusing connections, which both packages answer the same way.
    ('DATABASE_UNAVAILABLE', '08', 503, 'The database is unavailable; try again'),
    ('DATABASE_UNAVAILABLE', '53', 503, 'The database is unavailable; try again'),
    ('DATABASE_UNAVAILABLE', '57', 503, 'The database is unavailable; try again')
$$;
COMMENT ON FUNCTION auth_ext.error_codes() IS
'Every error code auth_ext raises: its SQLSTATE, Better Auth''s HTTP status and Better Auth''s message (code = a key of '
'BASE_ERROR_CODES where Better Auth has it). auth_ext raises ''CODE: message'' with that SQLSTATE and the bare code in '
'the error''s CONSTRAINT field. Rows with a two-character sqlstate are SQLSTATE classes the client packages map to '
'a code (DATABASE_UNAVAILABLE); auth_ext never raises those.';

CREATE OR REPLACE FUNCTION auth_ext._raise(error_code text, message text DEFAULT NULL, hint text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  state text;
  text_of text;
BEGIN
  SELECT e.sqlstate, e.code || ': ' || COALESCE(_raise.message, e.message)
    INTO state, text_of
    FROM auth_ext.error_codes() e
   WHERE e.code = _raise.error_code
     AND pg_catalog.length(e.sqlstate) = 5;
  IF state IS NULL THEN
    -- An argument that is no code of error_codes() (or NULL): 22023 invalid_parameter_value, the
    -- SQLSTATE PostgreSQL and auth_ext give an argument outside its allowed values; never XX000
    -- (internal_error), which tells monitoring that the server itself is broken.
    RAISE EXCEPTION 'auth_ext._raise: unknown error code "%"', error_code USING ERRCODE = '22023';
  END IF;
  IF hint IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = text_of, ERRCODE = state, CONSTRAINT = error_code;
  END IF;
  RAISE EXCEPTION USING MESSAGE = text_of, ERRCODE = state, CONSTRAINT = error_code, HINT = hint;
END
$$;
COMMENT ON FUNCTION auth_ext._raise(text, text, text) IS
'Internal (owner): raises an error of auth_ext.error_codes(): its SQLSTATE, the message ''CODE: message'' (message '
'overrides the table''s text, for VALIDATION_ERROR''s field; NULL: the table''s), the bare code in the CONSTRAINT field, '
'and an optional hint (NULL: none). An error_code that is not in the table, or NULL, raises 22023.';
