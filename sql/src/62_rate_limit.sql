
-- ---------------------------------------------------------------------------------------------
-- Rate limiting on Better Auth's own rateLimit table (rateLimit: { storage: "database" }): one
-- counter per key ('<ip>|<path>'), shared with every Better Auth instance on the database.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.rate_limit_hit(key text, window_seconds integer, max_requests integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
<<rate_limit_hit>>
DECLARE
  now_ms bigint := CAST(pg_catalog.floor(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp())
                                          * 1000) AS pg_catalog.int8);
  window_ms bigint;
  counted integer;
  last_request bigint;
BEGIN
  PERFORM auth_ext._prepare_write();
  IF rate_limit_hit.key IS NULL OR rate_limit_hit.key = '' THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'key is required');
  END IF;
  IF window_seconds IS NULL OR window_seconds < 1 OR window_seconds > 31536000 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'window_seconds must be from 1 to 31536000');
  END IF;
  IF max_requests IS NULL OR max_requests < 1 THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR', 'max_requests must be at least 1');
  END IF;
  PERFORM auth_ext._require_tables(ARRAY['rateLimit']);  -- 42P01 with Better Auth's CREATE TABLE as the hint
  window_ms := CAST(window_seconds AS pg_catalog.int8) * 1000;
  -- Better Auth's database storage in one statement: a new key starts at 1; a key whose last
  -- request is a window old starts again at 1; one under max counts up; each counted request
  -- moves lastRequest to now. At max nothing is written. The unique key makes concurrent first
  -- requests one row, and the conflicting row's lock orders the rest.
  -- (#variable_conflict use_column above: the conflict target is the column key, also the name of a parameter.)
  INSERT INTO auth_ext_names."rateLimit" AS r (id, key, count, "lastRequest")
  VALUES (auth_ext._new_id(), rate_limit_hit.key, 1, rate_limit_hit.now_ms)
  ON CONFLICT (key) DO UPDATE
     SET count = CASE WHEN rate_limit_hit.now_ms - r."lastRequest" >= rate_limit_hit.window_ms THEN 1
                      ELSE r.count + 1 END,
         "lastRequest" = rate_limit_hit.now_ms
   WHERE rate_limit_hit.now_ms - r."lastRequest" >= rate_limit_hit.window_ms OR r.count < rate_limit_hit.max_requests
  RETURNING r.count INTO counted;
  IF counted IS NOT NULL THEN
    RETURN counted;
  END IF;
  -- Refused: the row is locked by the statement above; Better Auth's retry-after.
  SELECT r."lastRequest" INTO last_request FROM auth_ext_names."rateLimit" r WHERE r.key = rate_limit_hit.key;
  PERFORM auth_ext._raise('RATE_LIMITED', hint => pg_catalog.format('Retry after %s seconds.',
    CAST(pg_catalog.ceil((last_request + window_ms - now_ms)
                         / CAST(1000 AS pg_catalog.numeric)) AS pg_catalog.int8)));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION auth_ext.rate_limit_hit(text, integer, integer) IS
'Counts one request against Better Auth''s rate limit on its rateLimit table (rateLimit: { storage: "database" }), '
'atomically and with Better Auth 1.7.25''s rule: key is Better Auth''s ''<ip>|<path>'' (path relative to the auth base, '
'e.g. ''203.0.113.9|/sign-in/email''; ''no-trusted-ip|<path>'' without an IP); a request more than window_seconds after '
'the key''s last counted one starts a new count; at max_requests within the window the request is refused and nothing '
'is written. Better Auth''s rules: /sign-in*, /sign-up*, /change-password*, /change-email*: 10 s, 3; '
'/request-password-reset, /send-verification-email: 60 s, 3; otherwise rateLimit.window / max (10 s, 100). '
'Returns the count in the window including this request. Errors: 54000 RATE_LIMITED (HTTP 429, Better Auth''s message; '
'the hint is ''Retry after N seconds.'', N for the X-Retry-After header), 22023 VALIDATION_ERROR (no key, '
'window_seconds outside 1 to 31536000, max_requests below 1), 42P01 no rateLimit table (the hint has Better Auth''s '
'CREATE TABLE), 25006 read-only. Rows are not pruned here: Better Auth deletes rows older than its longest window.';
