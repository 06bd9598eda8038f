
-- ---------------------------------------------------------------------------------------------
-- Email verification, as Better Auth's /send-verification-email and /verify-email: its tokens are
-- HS256 JWTs signed with its secret (better_auth_secret), {"email","userId","iat","exp"}, so a token
-- made here is accepted by Better Auth and one Better Auth mailed is accepted here
-- (docs/better-auth-compatibility.md §10). Signing and checking are in C (the core's JWS code).
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext._sign_email_verification_token(email text, user_id text, expires_in integer,
                                                                   update_to text DEFAULT NULL, request_type text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_sign_email_verification_token'
LANGUAGE C VOLATILE PARALLEL SAFE;  -- not STRICT: update_to and request_type NULL have a meaning (below)
COMMENT ON FUNCTION auth_ext._sign_email_verification_token(text, text, integer, text, text) IS
'Internal: Better Auth''s createEmailVerificationToken(secret, email, update_to, expires_in, {requestType, userId}): an '
'HS256 JWT, header {"alg":"HS256"}, payload {"email","updateTo","requestType","userId","iat","exp"} in that order '
'(updateTo and requestType only when not NULL; iat now, exp iat + expires_in seconds), signed with better_auth_secret. '
'NULL when email, user_id or expires_in is NULL; update_to or request_type NULL: that claim is left out. Signs any '
'email it is given (owner only). 55000 when '
'better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext._verify_email_token(token text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'auth_ext_verify_email_token'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._verify_email_token(text) IS
'Internal: Better Auth''s jwtVerify(token, better_auth_secret, {algorithms: ["HS256"]}) (jose''s rules: HS256 only, '
'kid ignored, tag compared in constant time, nbf/exp checked, no exp or a future iat accepted): {"claims": payload}, '
'{"error": "TOKEN_EXPIRED"} or {"error": "INVALID_TOKEN"}. 55000 when better_auth_secret is not set.';

CREATE OR REPLACE FUNCTION auth_ext.create_email_verification_token(email text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<create_email_verification_token>>
DECLARE
  o constant jsonb := auth_ext._options('create_email_verification_token', options, '{"expires_in": "integer"}');
  expires_in integer := COALESCE(CAST(o ->> 'expires_in' AS integer), 3600);
  normalized_email text;
  found_user jsonb;
  found_user_id text;
  verified boolean;
  new_token text;
BEGIN
  PERFORM auth_ext._require_tables();  -- a read: runs on a standby too
  IF create_email_verification_token.expires_in IS NULL
     OR create_email_verification_token.expires_in < 1
     OR create_email_verification_token.expires_in > 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'expires_in must be from 1 to 315360000 seconds');
  END IF;
  IF create_email_verification_token.email IS NULL OR NOT auth_ext._is_valid_email(create_email_verification_token.email) THEN
    PERFORM auth_ext._raise('INVALID_EMAIL');
  END IF;
  normalized_email := pg_catalog.lower(create_email_verification_token.email);
  SELECT auth_ext._row_json(u), u.id, u."emailVerified" INTO found_user, found_user_id, verified
    FROM auth_ext_names."user" u WHERE u.email = create_email_verification_token.normalized_email;
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
COMMENT ON FUNCTION auth_ext.create_email_verification_token(text, jsonb) IS
'Better Auth''s email verification token for an existing, unverified user (found by lowercased email), exactly as its '
'sign-up and /send-verification-email make it: an HS256 JWT {"email","userId","iat","exp"} signed with '
'better_auth_secret. options, a JSON object (NULL or {}: none; a JSON null value: not given), takes: expires_in '
'(integer, 1 to 315360000, default 3600): the token''s lifetime in seconds (Better Auth''s emailVerification.expiresIn). '
'Returns '
'{"token","user"} (the user for the mail). Only existing users get one, and the token proves nothing but that its '
'holder read the mail sent to that address: send it only there. Errors: P0002 USER_NOT_FOUND, P0001 '
'EMAIL_ALREADY_VERIFIED (Better Auth refuses it with a session, and silently sends nothing without one: a route maps '
'both this and USER_NOT_FOUND to {"status": true} there), 22023 INVALID_EMAIL / VALIDATION_ERROR (expires_in outside '
'1 to 315360000; options not an object, an unknown option key, an option value of the wrong JSON kind), 55000 better_auth_secret not set, 42P01 missing tables.';

CREATE OR REPLACE FUNCTION auth_ext._verify_email_change(claims jsonb)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
<<_verify_email_change>>
DECLARE
  bound_email text;
  bound_verified boolean;
  user_id text := NULLIF(claims ->> 'userId', '');  -- Better Auth: if (!parsed.userId)
  update_to text := pg_catalog.lower(claims ->> 'updateTo');
  request_type text := claims ->> 'requestType';
  updated_user jsonb;
  next_token text;
BEGIN
  IF user_id IS NULL THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  SELECT u.email, u."emailVerified" INTO bound_email, bound_verified
    FROM auth_ext_names."user" u WHERE u.id = _verify_email_change.user_id FOR NO KEY UPDATE;
  IF bound_email IS NULL THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  IF pg_catalog.lower(bound_email) <> (claims ->> 'email') THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  IF request_type = 'change-email-confirmation' THEN
    -- The old address confirmed: the new one gets a change-email-verification token (valid 3600 s,
    -- Better Auth's default emailVerification.expiresIn); nothing changes yet.
    next_token := auth_ext._sign_email_verification_token(claims ->> 'email', user_id, 3600,
                                                          update_to, 'change-email-verification');
    SELECT auth_ext._row_json(u) INTO updated_user FROM auth_ext_names."user" u WHERE u.id = _verify_email_change.user_id;
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', NULL, 'change_email', request_type, 'verification', pg_catalog.jsonb_build_object(
             'token', next_token, 'user', updated_user || pg_catalog.jsonb_build_object('email', update_to)));
  END IF;
  BEGIN
    -- change-email-verification keeps emailVerified; the legacy token (no known requestType) clears it.
    UPDATE auth_ext_names."user" AS u
       SET email = _verify_email_change.update_to,
           "emailVerified" = COALESCE(_verify_email_change.request_type = 'change-email-verification', false)
                             AND _verify_email_change.bound_verified,
           "updatedAt" = date_trunc('milliseconds', now())
     WHERE u.id = _verify_email_change.user_id
    RETURNING auth_ext._row_json(u) INTO updated_user;
  EXCEPTION WHEN unique_violation THEN  -- the new address was taken since the token was mailed
    PERFORM auth_ext._raise('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL');
  END;
  IF request_type = 'change-email-verification' THEN
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user, 'change_email', request_type);
  END IF;
  next_token := auth_ext._sign_email_verification_token(update_to, user_id, 3600);
  RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user, 'change_email', 'legacy', 'verification',
                                       pg_catalog.jsonb_build_object('token', next_token, 'user', updated_user));
END
$$;
COMMENT ON FUNCTION auth_ext._verify_email_change(jsonb) IS
'Internal: verify_email for a change-email token (verified claims with updateTo), as Better Auth''s /verify-email '
'("change_email" in the result: the requestType, or legacy): '
'userId required and the user''s current email must be the token''s email (28000 INVALID_TOKEN), P0002 USER_NOT_FOUND. '
'requestType change-email-confirmation: changes nothing, returns the change-email-verification token for the new '
'address (valid 3600 s) under "verification"; change-email-verification: sets the email to updateTo, emailVerified kept; any other '
'(Better Auth''s legacy flow): sets the email, emailVerified false, and returns a verification token for the new '
'address under "verification". 23505 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL when the new address is taken.';

CREATE OR REPLACE FUNCTION auth_ext.verify_email(token text, options jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
<<verify_email>>
DECLARE
  o constant jsonb := auth_ext._options('verify_email', options, '{
    "create_session": "boolean", "ip_address": "string", "user_agent": "string", "session_expires_in": "integer"}');
  create_session boolean := COALESCE(CAST(o ->> 'create_session' AS boolean), false);
  ip_address text := o ->> 'ip_address';
  user_agent text := o ->> 'user_agent';
  session_expires_in integer := CAST(o ->> 'session_expires_in' AS integer);
  verdict jsonb;
  claims jsonb;
  claim text;
  found_user_id text;
  verified boolean;
  updated_user jsonb;
  new_session jsonb;
BEGIN
  PERFORM auth_ext._prepare_write();
  IF verify_email.session_expires_in < 1 OR verify_email.session_expires_in > 315360000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'session_expires_in must be from 1 to 315360000 seconds');
  END IF;
  verdict := auth_ext._verify_email_token(COALESCE(verify_email.token, ''));
  IF verdict ? 'error' THEN
    PERFORM auth_ext._raise(verdict ->> 'error');
  END IF;
  claims := verdict -> 'claims';
  -- Better Auth's claim schema: email a valid email, updateTo / requestType / userId strings when
  -- present (a signed token that breaks it is a 500 there, INVALID_TOKEN here).
  IF COALESCE(pg_catalog.jsonb_typeof(claims -> 'email'), '') <> 'string'
     OR NOT auth_ext._is_valid_email(claims ->> 'email') THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  FOREACH claim IN ARRAY ARRAY['updateTo', 'requestType', 'userId'] LOOP
    IF claims ? claim
       AND pg_catalog.jsonb_typeof(claims -> claim) <> 'string' THEN
      PERFORM auth_ext._raise('INVALID_TOKEN');
    END IF;
  END LOOP;
  IF COALESCE(claims ->> 'updateTo', '') <> '' THEN
    RETURN auth_ext._verify_email_change(claims);
  END IF;
  SELECT u.id, u."emailVerified" INTO found_user_id, verified
    FROM auth_ext_names."user" u WHERE u.email = lower(verify_email.claims ->> 'email') FOR NO KEY UPDATE;
  IF found_user_id IS NULL THEN
    PERFORM auth_ext._raise('USER_NOT_FOUND');
  END IF;
  IF COALESCE(claims ->> 'userId', '') <> ''  -- Better Auth: parsed.userId && ...
     AND (claims ->> 'userId') <> found_user_id THEN
    PERFORM auth_ext._raise('INVALID_TOKEN');
  END IF;
  IF verified THEN
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', NULL);
  END IF;
  UPDATE auth_ext_names."user" AS u SET "emailVerified" = true, "updatedAt" = date_trunc('milliseconds', now())
   WHERE u.id = verify_email.found_user_id
  RETURNING auth_ext._row_json(u) INTO updated_user;
  IF NOT COALESCE(verify_email.create_session, false) THEN
    RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user);
  END IF;
  new_session := auth_ext._create_session(found_user_id, verify_email.ip_address, verify_email.user_agent, true,
                                          verify_email.session_expires_in);
  RETURN pg_catalog.jsonb_build_object('status', true, 'user', updated_user,
                                       'token', new_session ->> 'token', 'session', new_session);
END
$$;
COMMENT ON FUNCTION auth_ext.verify_email(text, jsonb) IS
'Better Auth''s GET /verify-email in one statement: checks the token (HS256 with better_auth_secret, compared in '
'constant time; exp), its claims as Better Auth does (email valid, userId when present must be the user''s), then sets '
'the user''s emailVerified = true and updatedAt. Returns {"status": true, "user": the updated user} (Better Auth''s '
'route answers user null; the row is here for the caller), {"status": true, "user": null} when the email was already '
'verified (nothing changes, no session). options, a JSON object (NULL or {}: none; a JSON null value: not given), '
'takes: create_session (boolean, default false; Better Auth''s autoSignInAfterVerification): the result also has '
'"token" and "session" of a new session; ip_address, user_agent (strings, default ''''): that session''s; '
'session_expires_in (integer, 1 to 315360000, default the session_expires_in_seconds setting): its lifetime in '
'seconds. Change-email tokens (with updateTo, from Better Auth''s /change-email) are handled as Better Auth does: '
'"change_email" in the result names the flow; "change-email-confirmation" returns {"status": true, "user": null, '
'"verification": {"token", "user"}}, the token to mail '
'to the new address (user: with the new email); "change-email-verification" sets the email ({"status", "user"}, '
'emailVerified kept); a legacy token sets it with emailVerified false and returns "verification" for the new address; '
'never a session; 23505 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL when the new address was taken meanwhile. Errors: '
'28000 TOKEN_EXPIRED / INVALID_TOKEN (bad signature, format, claims, userId mismatch), P0002 USER_NOT_FOUND, 22023 '
'VALIDATION_ERROR (session_expires_in outside 1 to 315360000; options not an object, an unknown option key, an option '
'value of the wrong JSON kind), 55000 better_auth_secret not set, 25006 read-only, '
'42P01 missing tables.';
