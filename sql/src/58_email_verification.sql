
-- ---------------------------------------------------------------------------------------------
-- Email verification, as Better Auth's /send-verification-email and /verify-email: its tokens are
-- HS256 JWTs signed with its secret (better_auth_secret), {"email","userId","iat","exp"}, so a token
-- made here is accepted by Better Auth and one Better Auth mailed is accepted here
-- (docs/better-auth-compatibility.md §10). Signing and checking are in C (the core's JWS code).
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext._sign_email_verification_token(email text, user_id text, expires_in integer)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_sign_email_verification_token'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._sign_email_verification_token(text, text, integer) IS
'Internal: Better Auth''s createEmailVerificationToken: an HS256 JWT, header {"alg":"HS256"}, payload '
'{"email","userId","iat","exp"} in that order (iat now, exp iat + expires_in seconds), signed with better_auth_secret. '
'Signs any email it is given (owner only). 55000 when better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext._verify_email_token(token text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_verify_email_token'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._verify_email_token(text) IS
'Internal: Better Auth''s jwtVerify(token, better_auth_secret, {algorithms: ["HS256"]}) (jose''s rules: HS256 only, '
'kid ignored, tag compared in constant time, nbf/exp checked, no exp or a future iat accepted): {"claims": payload}, '
'{"error": "TOKEN_EXPIRED"} or {"error": "INVALID_TOKEN"}. 55000 when better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext.create_email_verification_token(email text, expires_in integer DEFAULT 3600)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._setting_value('better_auth_schema');
  normalized_email text;
  found_user jsonb;
  found_user_id text;
  verified boolean;
  new_token text;
BEGIN
  PERFORM auth_ext._require_tables(s);
  IF create_email_verification_token.expires_in IS NULL
     OR create_email_verification_token.expires_in OPERATOR(pg_catalog.<) 1
     OR create_email_verification_token.expires_in OPERATOR(pg_catalog.>) 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'expires_in must be from 1 to 315360000 seconds');
  END IF;
  IF create_email_verification_token.email IS NULL OR NOT auth_ext._is_valid_email(create_email_verification_token.email) THEN
    PERFORM auth_ext._raise('INVALID_EMAIL');
  END IF;
  normalized_email := pg_catalog.lower(create_email_verification_token.email);
  EXECUTE pg_catalog.format('SELECT auth_ext._row_json(u), u.id, u."emailVerified" FROM %I.%I u '
                            'WHERE u.email OPERATOR(pg_catalog.=) $1', s, 'user')
    INTO found_user, found_user_id, verified USING normalized_email;
  -- Signed whether or not the user exists, as Better Auth does: the same work either way, and 55000
  -- for a missing secret whatever the email.
  new_token := auth_ext._sign_email_verification_token(normalized_email, COALESCE(found_user_id, ''),
                                                       create_email_verification_token.expires_in);
  IF found_user_id IS NULL THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  IF verified THEN
    PERFORM auth_ext._raise('EMAIL_ALREADY_VERIFIED');
  END IF;
  RETURN pg_catalog.jsonb_build_object('token', new_token, 'user', found_user);
END
$$;
COMMENT ON FUNCTION auth_ext.create_email_verification_token(text, integer) IS
'Better Auth''s email verification token for an existing, unverified user (found by lowercased email), exactly as its '
'sign-up and /send-verification-email make it: an HS256 JWT {"email","userId","iat","exp"} signed with '
'better_auth_secret, valid expires_in seconds (Better Auth''s emailVerification.expiresIn, default 3600). Returns '
'{"token","user"} (the user for the mail). Only existing users get one, and the token proves nothing but that its '
'holder read the mail sent to that address: send it only there. Errors: P0002 USER_NOT_FOUND, P0001 '
'EMAIL_ALREADY_VERIFIED (Better Auth refuses it with a session, and silently sends nothing without one: a route maps '
'both this and USER_NOT_FOUND to {"status": true} there), 22023 INVALID_EMAIL / VALIDATION_ERROR (expires_in outside '
'1 to 315360000), 55000 better_auth_secret not set, 42P01 missing tables.';

CREATE OR REPLACE FUNCTION auth_ext.verify_email(
  token text, create_session boolean DEFAULT false, ip_address text DEFAULT NULL, user_agent text DEFAULT NULL,
  session_expires_in integer DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s text := auth_ext._prepare_write();
  verdict jsonb;
  claims jsonb;
  claim text;
  found_user_id text;
  verified boolean;
  updated_user jsonb;
  new_session jsonb;
BEGIN
  IF verify_email.session_expires_in OPERATOR(pg_catalog.<) 1 OR verify_email.session_expires_in OPERATOR(pg_catalog.>) 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'session_expires_in must be from 1 to 315360000 seconds');
  END IF;
  verdict := auth_ext._verify_email_token(COALESCE(verify_email.token, ''));
  IF verdict OPERATOR(pg_catalog.?) 'error' THEN
    PERFORM auth_ext._raise(verdict OPERATOR(pg_catalog.->>) 'error');
  END IF;
  claims := verdict OPERATOR(pg_catalog.->) 'claims';
  -- Better Auth's claim schema: email a valid email, updateTo / requestType / userId strings when
  -- present (a signed token that breaks it is a 500 there, INVALID_TOKEN here).
  IF COALESCE(pg_catalog.jsonb_typeof(claims OPERATOR(pg_catalog.->) 'email'), '') OPERATOR(pg_catalog.<>) 'string'
     OR NOT auth_ext._is_valid_email(claims OPERATOR(pg_catalog.->>) 'email') THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  FOREACH claim IN ARRAY ARRAY['updateTo', 'requestType', 'userId'] LOOP
    IF claims OPERATOR(pg_catalog.?) claim
       AND pg_catalog.jsonb_typeof(claims OPERATOR(pg_catalog.->) claim) OPERATOR(pg_catalog.<>) 'string' THEN
      PERFORM auth_ext._raise('INVALID_TOKEN');
    END IF;
  END LOOP;
  IF COALESCE(claims OPERATOR(pg_catalog.->>) 'updateTo', '') OPERATOR(pg_catalog.<>) '' THEN
    PERFORM auth_ext._raise('INVALID_TOKEN', hint => 'Change-email tokens (updateTo) are verified by Better Auth''s own /verify-email only.');
  END IF;
  EXECUTE pg_catalog.format('SELECT u.id, u."emailVerified" FROM %I.%I u WHERE u.email OPERATOR(pg_catalog.=) $1 '
                            'FOR NO KEY UPDATE', s, 'user')
    INTO found_user_id, verified USING pg_catalog.lower(claims OPERATOR(pg_catalog.->>) 'email');
  IF found_user_id IS NULL THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  IF claims OPERATOR(pg_catalog.?) 'userId'
     AND (claims OPERATOR(pg_catalog.->>) 'userId') OPERATOR(pg_catalog.<>) found_user_id THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  IF verified THEN
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', NULL);
  END IF;
  EXECUTE pg_catalog.format('UPDATE %I.%I AS u SET "emailVerified" = true, "updatedAt" = $2 '
                            'WHERE u.id OPERATOR(pg_catalog.=) $1 RETURNING auth_ext._row_json(u)', s, 'user')
    INTO updated_user USING found_user_id, pg_catalog.date_trunc('milliseconds', pg_catalog.now());
  IF NOT COALESCE(verify_email.create_session, false) THEN
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user);
  END IF;
  new_session := auth_ext._create_session(s, found_user_id, verify_email.ip_address, verify_email.user_agent, true,
                                          verify_email.session_expires_in);
  RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user,
                                       'token', new_session OPERATOR(pg_catalog.->>) 'token', 'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.verify_email(text, boolean, text, text, integer) IS
'Better Auth''s GET /verify-email in one statement: checks the token (HS256 with better_auth_secret, compared in '
'constant time; exp), its claims as Better Auth does (email valid, userId when present must be the user''s), then sets '
'the user''s emailVerified = true and updatedAt. Returns {"status": true, "user": the updated user} (Better Auth''s '
'route answers user null; the row is here for the caller), {"status": true, "user": null} when the email was already '
'verified (nothing changes, no session), and with create_session (Better Auth''s autoSignInAfterVerification) also '
'"token" and "session" of a new session lasting session_expires_in seconds (NULL: the session_expires_in_seconds '
'setting). Change-email tokens (with updateTo) are refused (INVALID_TOKEN): Better Auth''s route verifies those. Errors: '
'28000 TOKEN_EXPIRED / INVALID_TOKEN (bad signature, format, claims, userId mismatch), P0002 USER_NOT_FOUND, 22023 '
'VALIDATION_ERROR (session_expires_in outside 1 to 315360000), 55000 better_auth_secret not set, 25006 read-only, '
'42P01 missing tables.';
