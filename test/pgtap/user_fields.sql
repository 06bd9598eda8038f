-- pgTAP: sign_up_email's user_fields (Better Auth's user.additionalFields and plugins' user
-- columns): a typed round trip through the one INSERT, and every refusal as a coded 22023
-- VALIDATION_ERROR naming the column.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
-- Columns as Better Auth's migrations make them for string, boolean, number, date and json fields,
-- and a few more types an application may choose.
ALTER TABLE "user"
  ADD COLUMN nickname text, ADD COLUMN "isAdult" boolean NOT NULL DEFAULT false, ADD COLUMN age integer,
  ADD COLUMN credits bigint, ADD COLUMN score numeric, ADD COLUMN "birthDate" timestamptz, ADD COLUMN prefs jsonb,
  ADD COLUMN tags text[], ADD COLUMN role text DEFAULT 'user',
  ADD COLUMN slug text GENERATED ALWAYS AS (lower(name)) STORED,
  ADD COLUMN handle text UNIQUE;

CREATE TEMP TABLE r AS
SELECT auth_ext.sign_up_email('typed@example.com', 'password123', 'Typed', '{"user_fields": {"nickname": "ty", "isAdult": true, "age": 42, "credits": 9007199254740993, "score": 1.5,
           "birthDate": "2001-02-03T04:05:06.789Z", "prefs": {"theme": "dark", "n": [1, 2]}, "tags": ["a", "b"]}}') AS j;
SELECT is((SELECT (j->'user') - 'id' - 'createdAt' - 'updatedAt' FROM r),
          '{"name": "Typed", "email": "typed@example.com", "emailVerified": false, "image": null, "nickname": "ty",
            "isAdult": true, "age": 42, "credits": 9007199254740993, "score": 1.5, "birthDate": "2001-02-03T04:05:06.789Z",
            "prefs": {"theme": "dark", "n": [1, 2]}, "tags": ["a", "b"], "role": "user", "slug": "typed", "handle": null}'::jsonb,
          'the returned user has every column, the extra ones typed as Better Auth returns them');
SELECT row_eq($$SELECT nickname, "isAdult", age, credits, score, "birthDate", prefs, tags, role
                  FROM "user" WHERE email = 'typed@example.com'$$,
              ROW('ty'::text, true, 42, 9007199254740993::bigint, 1.5::numeric, '2001-02-03 04:05:06.789+00'::timestamptz,
                  '{"theme": "dark", "n": [1, 2]}'::jsonb, '{a,b}'::text[], 'user'::text),
              'the row holds the values in their column types; absent columns get their defaults');
SELECT is((SELECT count(*)::int FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'typed@example.com'), 1,
          'the credential account is written as without user_fields');

SELECT is((auth_ext.sign_up_email('nulls@example.com', 'password123', 'N', '{"user_fields": {"nickname": null, "age": null, "role": null}}'))->'user'
            -> 'role', 'null'::jsonb, 'JSON null writes NULL (over the column default)');
SELECT is((auth_ext.sign_up_email('empty@example.com', 'password123', 'E', '{"user_fields": {}}'))->'user'->>'role', 'user',
          'an empty object writes no extra column');
SELECT is((auth_ext.sign_up_email('sqlnull@example.com', 'password123', 'S', '{"remember_me": true, "session_expires_in": null, "user_fields": null}'))->'user'->>'isAdult',
          'false', 'SQL NULL user_fields, positionally: as before');
SELECT is((auth_ext.sign_up_email('quoted@example.com', 'password123', 'Q', '{"user_fields": {"handle": "q\"; DROP TABLE x; --"}}'))
            ->'user'->>'handle', 'q"; DROP TABLE x; --', 'values are parameters, never SQL');

-- refusals: VALIDATION_ERROR naming the column, and nothing written
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"nope": 1}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "nope" is not a writable column of the user table', 'an unknown column');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"slug": "x"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "slug" is not a writable column of the user table', 'a generated column');
SELECT throws_ok(pg_catalog.format($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', jsonb_build_object('user_fields', CAST(%L AS jsonb)))$$,
                                   jsonb_build_object(c, 'x')),
                 '22023', pg_catalog.format('VALIDATION_ERROR: user_fields: "%s" is a core column of the user table, which sign_up_email writes itself', c),
                 pg_catalog.format('the core column %s', c))
  FROM unnest(ARRAY['id', 'name', 'email', 'emailVerified', 'image', 'createdAt', 'updatedAt']) c;
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"age": "42"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "age" must be a JSON number (column type integer), not a JSON string',
                 'a string for a number');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"isAdult": "true"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "isAdult" must be a JSON boolean (column type boolean), not a JSON string',
                 'a string for a boolean');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"nickname": 7}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "nickname" must be a JSON string (column type text), not a JSON number',
                 'a number for a string');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"tags": "a"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "tags" must be a JSON array (column type text[]), not a JSON string',
                 'a string for an array');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"age": 1.5}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: invalid value for "age" (column type integer): invalid input syntax for type integer: "1.5"',
                 'a fraction for an integer');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"age": 1e12}}')$$,
                 '22023', NULL, 'an integer out of range');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"birthDate": "yesterday-ish"}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: invalid value for "birthDate" (column type timestamp with time zone): invalid input syntax for type timestamp with time zone: "yesterday-ish"',
                 'a string that is no date');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": {"isAdult": null}}')$$,
                 '22023', 'VALIDATION_ERROR: user_fields: "isAdult" is required', 'null for a NOT NULL column');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('u1@example.com', 'password123', 'U', '{"user_fields": ["age"]}')$$,
                 '22023', 'VALIDATION_ERROR: option "user_fields" of sign_up_email must be a JSON object, not an array',
                 'not an object');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'u1@example.com'), 0, 'no refusal wrote a user');

-- A unique extra column keeps its own error; the email's stays USER_ALREADY_EXISTS.
SELECT throws_ok($$SELECT auth_ext.sign_up_email('h2@example.com', 'password123', 'H', '{"user_fields": {"handle": "q\"; DROP TABLE x; --"}}')$$,
                 '23505', 'duplicate key value violates unique constraint "user_handle_key"',
                 'a duplicate value of another unique column is its own unique violation, not USER_ALREADY_EXISTS');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('typed@example.com', 'password123', 'T', '{"user_fields": {"handle": "new"}}')$$,
                 '23505', 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: User already exists. Use another email.',
                 'a taken email with user_fields');

SELECT * FROM finish();
ROLLBACK;
