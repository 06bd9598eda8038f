
-- ---------------------------------------------------------------------------------------------
-- Sessions: creation (as Better Auth's createSession), lookup with expiry and sliding refresh (one
-- implementation, in C), sign-out and revocation.
-- ---------------------------------------------------------------------------------------------

-- "Don't remember me" sessions (Better Auth's rememberMe: false): one day, never refreshed. Better
-- Auth tells them by its signed dont_remember cookie; the database by this marker, written by
-- _create_session in the same statement as the session row, so no later write to the session
-- (Better Auth's updateSession, the organization plugin's setActiveOrganization: both move
-- updatedAt) can turn it into a sliding 7-day session. Keyed by the session's id as text; rows
-- whose session has expired are deleted as new markers are written (so the table holds at most the
-- last day's), and with the session by sign_out, revoke_sessions and get_session's expiry delete.
CREATE TABLE IF NOT EXISTS auth_ext.dont_remember_session (
  session_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS dont_remember_session_expires_at ON auth_ext.dont_remember_session (expires_at);
COMMENT ON TABLE auth_ext.dont_remember_session IS
'Sessions auth_ext created with remember_me false (Better Auth''s rememberMe: false): one day, never refreshed by '
'get_session whatever later writes do to the session row. Written in the session''s INSERT statement; rows of '
'expired sessions are deleted as new ones are written. Readable only by the extension owner.';
SELECT pg_catalog.pg_extension_config_dump('auth_ext.dont_remember_session', '');

CREATE OR REPLACE FUNCTION auth_ext._create_session(user_id text, ip_address text, user_agent text, remember_me boolean,
                                                         session_expires_in integer DEFAULT NULL, session_fields jsonb DEFAULT NULL,
                                                         session_token text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_create_session'
-- In C (src/pg/accounts/session_writer.cpp), the one session writer: one kept INSERT statement
-- (the row, and for a "don't remember me" session its marker); extra columns the one dynamic case.
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext._create_session(text, text, text, boolean, integer, jsonb, text) IS
'Internal: a session row as Better Auth''s createSession writes it (32-character token, or session_token when given; '
''''' for unknown ip/agent; expires after session_expires_in seconds, NULL: the session_expires_in_seconds setting, '
'or after one day when remember_me is false, recorded in auth_ext.dont_remember_session by the same statement so '
'get_session never refreshes it), with session_fields filling extra session columns (checked as '
'sign_up_email''s user_fields); P0002 USER_NOT_FOUND when the user is gone, 22023 VALIDATION_ERROR when the given '
'session_token is taken.';

CREATE OR REPLACE FUNCTION auth_ext.get_session(credential text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_get_session'
LANGUAGE C STRICT VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext.get_session(text) IS
'Better Auth''s session lookup: accepts the bare session token, the signed cookie value token.signature (URL-encoded or '
'not; HMAC-SHA256 with better_auth_secret, constant time), or "Bearer ..."; returns {"session","user"} or NULL. '
'As Better Auth 1.7.25: expired rows are deleted; a session is refreshed (expiresAt = now + expiresIn) once '
'expiresAt - expiresIn + updateAge <= now (updateAge 0: on every call), except a "don''t remember me" session, '
'never refreshed: one auth_ext created with remember_me false (its row in auth_ext.dont_remember_session, looked up '
'only when a refresh is due), or one Better Auth created so (no marker: expiresAt - createdAt = 1 day, which no '
'Better Auth write moves; updatedAt is not used, updateSession moves it). A read-only transaction writes nothing. '
'55000 when a signed value arrives and better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext.sign_out(credential text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<sign_out>>
DECLARE
  session_token text;
  deleted integer;
BEGIN
  PERFORM auth_ext._prepare_write();
  session_token := auth_ext._session_token_from_credential(credential);
  IF session_token IS NULL OR session_token = '' THEN
    RETURN false;
  END IF;
  WITH d AS (DELETE FROM auth_ext_names.session se WHERE se.token = sign_out.session_token RETURNING CAST(se.id AS text) AS id),
       m AS (DELETE FROM auth_ext.dont_remember_session m WHERE m.session_id = ANY (ARRAY(SELECT d.id FROM d)))
  SELECT count(*) INTO deleted FROM d;
  RETURN deleted > 0;
END
$$;
COMMENT ON FUNCTION auth_ext.sign_out(text) IS
'Deletes the session a credential names (same forms as get_session), and its "don''t remember me" marker; true when '
'one was deleted.';

CREATE OR REPLACE FUNCTION auth_ext.revoke_sessions(user_id text, options jsonb DEFAULT '{}')
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<revoke_sessions>>
DECLARE
  o constant jsonb := auth_ext._options('revoke_sessions', options, '{"except_token": "string"}');
  except_token text := o ->> 'except_token';
  kept text;
  deleted integer;
BEGIN
  PERFORM auth_ext._prepare_write();
  kept := CASE WHEN except_token IS NULL THEN NULL ELSE auth_ext._session_token_from_credential(except_token) END;
  WITH d AS (DELETE FROM auth_ext_names.session se WHERE se."userId" = revoke_sessions.user_id
               AND (revoke_sessions.kept IS NULL OR se.token <> revoke_sessions.kept)
             RETURNING CAST(se.id AS text) AS id),
       m AS (DELETE FROM auth_ext.dont_remember_session m WHERE m.session_id = ANY (ARRAY(SELECT d.id FROM d)))
  SELECT count(*) INTO deleted FROM d;
  RETURN deleted;
END
$$;
COMMENT ON FUNCTION auth_ext.revoke_sessions(text, jsonb) IS
'Deletes every session of a user (and their "don''t remember me" markers); returns how many were deleted. options, a '
'JSON object (NULL or {}: none; a JSON null value: not given), takes: except_token (string, default none): the session '
'it names (a token or any credential get_session accepts) is kept. 22023 VALIDATION_ERROR (options not an object, an '
'unknown option key, an option value of the wrong JSON kind).';

CREATE OR REPLACE FUNCTION auth_ext.sign_session_cookie(token text)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_sign_session_cookie'
LANGUAGE C STRICT VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext.sign_session_cookie(text) IS
'Better Auth''s signed session cookie value for a session token: token.base64(HMAC-SHA256(better_auth_secret, token)), '
'not URL-encoded (the cookie holds encodeURIComponent of it; the bearer plugin''s set-auth-token header holds it as is). '
'Signs only the token of an unexpired session that has Better Auth''s token shape (32 letters and digits, as its '
'createSession and auth_ext generate), and answers NULL for any other value (the same answer as for an unknown or '
'expired session), so the application never needs the secret and can sign nothing else with it, not even a value it '
'made a session''s token (sign_up_email''s session_token, a row it wrote): no value of another Better Auth signed '
'cookie has that shape. A session created earlier in the '
'same statement counts (SELECT r, '
'auth_ext.sign_session_cookie(r->>''token'') FROM auth_ext.sign_in_email(...) r). 55000 when better_auth_secret is not set.';
