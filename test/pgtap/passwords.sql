-- pgTAP: password functions — signatures, volatility, SQLSTATEs, and that no error message
-- carries the password or the stored hash.
BEGIN;
SELECT no_plan();

SELECT has_function('auth_ext', 'hash_password', ARRAY['text'], 'hash_password(text) exists');
SELECT has_function('auth_ext', 'verify_password', ARRAY['text', 'text'], 'verify_password(text, text) exists');
SELECT function_returns('auth_ext', 'hash_password', ARRAY['text'], 'text', 'hash_password returns text');
SELECT function_returns('auth_ext', 'verify_password', ARRAY['text', 'text'], 'boolean', 'verify_password returns boolean');
SELECT volatility_is('auth_ext', 'hash_password', ARRAY['text'], 'volatile', 'hash_password is volatile (random salt)');
SELECT is_strict('auth_ext', 'hash_password', ARRAY['text'], 'hash_password is strict');
SELECT is_strict('auth_ext', 'verify_password', ARRAY['text', 'text'], 'verify_password is strict');

SELECT matches(auth_ext.hash_password('pgtap-password'), '^[0-9a-f]{32}:[0-9a-f]{128}$',
               'a new hash has Better Auth''s stored shape');
SELECT ok(auth_ext.verify_password('password123',
  '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d'),
  'the fixed-salt vector verifies');
SELECT ok(NOT auth_ext.verify_password('Password123',
  '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d'),
  'a wrong password does not verify');

SELECT throws_ok($$SELECT auth_ext.verify_password('password123', 'garbage')$$,
  '22P02', 'stored password hash is malformed', 'a hash without ":" is 22P02');
SELECT throws_ok($$SELECT auth_ext.verify_password('password123', ':' || repeat('a', 128))$$,
  '22P02', 'stored password hash is malformed', 'an empty salt is 22P02');
SELECT throws_ok($$SELECT auth_ext.verify_password('password123', 'salt:' || repeat('A', 128))$$,
  '22P02', 'stored password hash is malformed', 'an upper-case key is 22P02');
SELECT throws_ok($$SELECT auth_ext.hash_password(repeat('x', 1048577))$$,
  '22023', 'password is too long to hash', 'a password over 1 MiB is 22023');

-- Neither the password nor the hash appears in the error a malformed hash raises.
CREATE FUNCTION pg_temp.error_text(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; det text; hint text;
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  RETURN concat_ws(' | ', msg, det, hint);
END $$;
SELECT isnt(pg_temp.error_text($$SELECT auth_ext.verify_password('TopSecret-42', 'saltysalt:deadbeef')$$), NULL,
  'a malformed hash raises');
SELECT unalike(pg_temp.error_text($$SELECT auth_ext.verify_password('TopSecret-42', 'saltysalt:deadbeef')$$),
  '%TopSecret-42%', 'the error does not contain the password');
SELECT unalike(pg_temp.error_text($$SELECT auth_ext.verify_password('TopSecret-42', 'saltysalt:deadbeef')$$),
  '%saltysalt%', 'the error does not contain the stored hash');

-- An oversized password is refused before NFKC normalization, which needs several times its size:
-- a coded 22023 at once, never a huge allocation (a 45 MB input once cost ~1.5 GB and ended in XX000).
CREATE FUNCTION pg_temp.refusal(sql text, password text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE state text; msg text; t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE sql USING password;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN state || ' ' || msg || CASE WHEN clock_timestamp() - t0 < interval '500 ms' THEN ' (fast)' ELSE ' (slow)' END;
END
$$;
CREATE TEMP TABLE big AS SELECT repeat(U&'\00E9', 1048576) AS mb2, repeat(U&'\00E9', 22544384) AS mb45;
SELECT is(pg_temp.refusal('SELECT auth_ext.hash_password($1)', mb2), '22023 password is too long to hash (fast)',
          'hash_password: a 2 MB non-ASCII password is 22023 at once') FROM big;
SELECT is(pg_temp.refusal('SELECT auth_ext.hash_password($1)', mb45), '22023 password is too long to hash (fast)',
          'hash_password: a 45 MB non-ASCII password is 22023 at once') FROM big;
SELECT is(pg_temp.refusal('SELECT auth_ext.verify_password($1, ''0123456789abcdef0123456789abcdef:'' || repeat(''ab'', 64))', mb2),
          '22023 password is too long to hash (fast)', 'verify_password: a 2 MB non-ASCII password is 22023 at once') FROM big;
SELECT is(pg_temp.refusal('SELECT auth_ext.verify_password($1, ''0123456789abcdef0123456789abcdef:'' || repeat(''ab'', 64))', mb45),
          '22023 password is too long to hash (fast)', 'verify_password: a 45 MB non-ASCII password is 22023 at once') FROM big;
SELECT is(octet_length(auth_ext.hash_password(repeat(U&'\00E9', 524288))) > 0, true,
          'exactly 1 MiB of input (524 288 two-byte characters) is still hashed');

SELECT * FROM finish();
ROLLBACK;
