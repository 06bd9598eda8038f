-- Password hashing: Better Auth's scrypt format (docs/better-auth-compatibility.md §1 vectors), malformed hashes, NULLs.
\set VERBOSITY terse

-- Hashes written by Better Auth 1.7.25's hashPassword (docs/better-auth-compatibility.md §1) verify, and wrong ones do not.
SELECT auth_ext.verify_password('password123',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c') AS vector1;
SELECT auth_ext.verify_password('password124',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c') AS vector1_wrong;

-- Vector 2: compatibility characters; the password and its NFKC form both verify.
SELECT auth_ext.verify_password(U&'\FB01\FB02 \FF30\FF41\FF53\FF53 \2460\2461\2462',
  '87c5583c90d313fa3089b3e6cf025539:d2d9a0eaf2ac9c03a6d1422d62849727c6a248649a81d5fd4b75a46d2759c5cc3e462236487b1f4a5a467a495073dad04ce1cf2c3c6be87f3f872d15615ff259') AS vector2;
SELECT auth_ext.verify_password('fifl Pass 123',
  '87c5583c90d313fa3089b3e6cf025539:d2d9a0eaf2ac9c03a6d1422d62849727c6a248649a81d5fd4b75a46d2759c5cc3e462236487b1f4a5a467a495073dad04ce1cf2c3c6be87f3f872d15615ff259') AS vector2_nfkc;

-- Vector 3: a decomposed é, CJK and a code point outside the BMP.
SELECT auth_ext.verify_password(U&'Cafe\0301-\65E5\672C-\+01F511',
  'b35d2b4bf5ec8ecce4412c8d7ce2e83c:35994ebf4759064825b6c2b329a2892bb6df1535c3b1d31cce73e5b506e1647648ec5cef8cf66e4920efe555fe73a93bf7cc939312b412de3ddbe9af7f514684') AS vector3;
SELECT auth_ext.verify_password(U&'Caf\00E9-\65E5\672C-\+01F511',
  'b35d2b4bf5ec8ecce4412c8d7ce2e83c:35994ebf4759064825b6c2b329a2892bb6df1535c3b1d31cce73e5b506e1647648ec5cef8cf66e4920efe555fe73a93bf7cc939312b412de3ddbe9af7f514684') AS vector3_composed;

-- Fixed-salt vectors (salt 0123456789abcdef0123456789abcdef).
SELECT auth_ext.verify_password('password123',
  '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d') AS fixed1;
SELECT auth_ext.verify_password('correct horse battery staple',
  '0123456789abcdef0123456789abcdef:e1034727d858e2fca8a705fe561781100520e78064f8d2bfa492937c58df02eb15d40233f809f179c7fb9863b8eb9dc5a8d2dc196c0b9733c05fa426f224856e') AS fixed2;

-- Better Auth ignores parts after the second ':'; so do we.
SELECT auth_ext.verify_password('password123',
  '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d:junk') AS extra_part;

-- A different salt string (upper case) is a different salt: no match.
SELECT auth_ext.verify_password('password123',
  '0123456789ABCDEF0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d') AS other_salt;

-- New hashes: the stored format, a fresh salt each time, and a round trip.
CREATE TEMP TABLE h AS
  SELECT auth_ext.hash_password('s3cret-Passw0rd') AS a, auth_ext.hash_password('s3cret-Passw0rd') AS b;
SELECT length(a) AS len, a ~ '^[0-9a-f]{32}:[0-9a-f]{128}$' AS format_ok, a <> b AS salts_differ,
       auth_ext.verify_password('s3cret-Passw0rd', a) AS round_trip,
       auth_ext.verify_password('s3cret-passw0rd', a) AS wrong_case
FROM h;

-- NFKC is applied when hashing too: the compatibility form verifies against the NFKC form.
SELECT auth_ext.verify_password('fifl Pass 123', auth_ext.hash_password(U&'\FB01\FB02 \FF30\FF41\FF53\FF53 \2460\2461\2462')) AS nfkc_hash;

-- Empty and very long passwords.
SELECT auth_ext.verify_password('', auth_ext.hash_password('')) AS empty_ok,
       auth_ext.verify_password('x', auth_ext.hash_password('')) AS empty_wrong;
SELECT auth_ext.verify_password(repeat('long-password-', 1000), auth_ext.hash_password(repeat('long-password-', 1000))) AS long_ok;

-- NULL in, NULL out (STRICT).
SELECT auth_ext.hash_password(NULL) IS NULL AS hash_null,
       auth_ext.verify_password(NULL, 'a:b') IS NULL AS verify_null_password,
       auth_ext.verify_password('x', NULL) IS NULL AS verify_null_hash;

-- Malformed stored hashes are errors (22P02), never false or true; the message names no secret.
SELECT auth_ext.verify_password('password123', 'garbage');
SELECT auth_ext.verify_password('password123', ':e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d');
SELECT auth_ext.verify_password('password123', '0123456789abcdef0123456789abcdef:');
SELECT auth_ext.verify_password('password123', '0123456789abcdef0123456789abcdef:E8B256B6F9F4B1641136A66D4A26BA41A47B6C8C9BAD6AA4145559FFDA45ECE1F0F16DEC8482A3E5545FEADA0BA62F2B05EEB943B750C9396874E1762C78D27D');
SELECT auth_ext.verify_password('password123', '0123456789abcdef0123456789abcdef:e8b256b6');
SELECT auth_ext.verify_password('password123', repeat('s', 2000) || ':e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d');

-- A database that is not UTF8 gets a clear error instead of a wrong hash.
CREATE DATABASE auth_ext_regress_sql_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c auth_ext_regress_sql_ascii
\set VERBOSITY terse
CREATE EXTENSION auth_ext;
SELECT auth_ext.hash_password('password123');
SELECT auth_ext.verify_password('password123', '0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d');
\c contrib_regression
DROP DATABASE auth_ext_regress_sql_ascii;
