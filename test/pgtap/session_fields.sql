-- pgTAP: sign_up_email's and sign_in_email's session_fields (Better Auth's session.additionalFields
-- and plugins' session columns): typed values in the one session INSERT, the same checks as
-- user_fields (one helper), refusals as coded 22023 VALIDATION_ERROR naming the column.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
-- Columns as Better Auth's migrations make them for session.additionalFields (string, boolean,
-- number, date, json), plus one with a default.
ALTER TABLE session
  ADD COLUMN "sensitiveData" text, ADD COLUMN pinned boolean NOT NULL DEFAULT false, ADD COLUMN level integer,
  ADD COLUMN "lastSeen" timestamptz, ADD COLUMN meta jsonb, ADD COLUMN theme text DEFAULT 'light';

CREATE TEMP TABLE up AS
SELECT auth_ext.sign_up_email('sess@example.com', 'password123', 'Sess', '{"session_fields": {"sensitiveData": "s3", "pinned": true, "level": 3, "lastSeen": "2001-02-03T04:05:06.789Z",
           "meta": {"device": "phone"}}}') AS j;
SELECT is((SELECT (j->'session') - 'id' - 'token' - 'createdAt' - 'updatedAt' - 'expiresAt' - 'userId' FROM up),
          '{"ipAddress": "", "userAgent": "", "sensitiveData": "s3", "pinned": true, "level": 3,
            "lastSeen": "2001-02-03T04:05:06.789Z", "meta": {"device": "phone"}, "theme": "light"}'::jsonb,
          'sign-up: the returned session has every column, the extra ones typed as Better Auth returns them');
SELECT row_eq($$SELECT "sensitiveData", pinned, level, "lastSeen", meta, theme FROM session
                  WHERE token = (SELECT j->>'token' FROM up)$$,
              ROW('s3'::text, true, 3, '2001-02-03 04:05:06.789+00'::timestamptz, '{"device": "phone"}'::jsonb, 'light'::text),
              'sign-up: the row holds the values in their column types; absent columns get their defaults');

CREATE TEMP TABLE inn AS
SELECT auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": {"sensitiveData": "in", "level": 7}}') AS j;
SELECT row_eq($$SELECT "sensitiveData", pinned, level, theme FROM session WHERE token = (SELECT j->>'token' FROM inn)$$,
              ROW('in'::text, false, 7, 'light'::text), 'sign-in writes session_fields in the same INSERT');
SELECT is((SELECT j->'session'->>'sensitiveData' FROM inn), 'in', 'sign-in returns the extra session columns');
SELECT is((auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": {}}'))->'session'->>'theme', 'light',
          'an empty object writes no extra column');
SELECT is((auth_ext.sign_in_email('sess@example.com', 'password123', '{"remember_me": true, "session_expires_in": null, "session_fields": null}'))->'session'->>'pinned',
          'false', 'SQL NULL session_fields, positionally: as before');
SELECT is((auth_ext.sign_in_email('sess@example.com', 'password123', jsonb_build_object('session_fields', CAST('{"sensitiveData": "x''); DROP TABLE session; --"}' AS jsonb))))
            ->'session'->>'sensitiveData', 'x''); DROP TABLE session; --', 'values are parameters, never SQL');

-- refusals, from both functions
SELECT throws_ok($$SELECT auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": {"nope": 1}}')$$,
                 '22023', 'VALIDATION_ERROR: session_fields: "nope" is not a writable column of the session table',
                 'sign-in: an unknown column');
SELECT throws_ok(pg_catalog.format($$SELECT auth_ext.sign_in_email('sess@example.com', 'password123', jsonb_build_object('session_fields', CAST(%L AS jsonb)))$$,
                                   jsonb_build_object(c, 'x')),
                 '22023', pg_catalog.format('VALIDATION_ERROR: session_fields: "%s" is a core column of the session table, which auth_ext writes itself', c),
                 pg_catalog.format('sign-in: the core column %s', c))
  FROM unnest(ARRAY['id', 'expiresAt', 'token', 'createdAt', 'updatedAt', 'ipAddress', 'userAgent', 'userId']) c;
SELECT throws_ok($$SELECT auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": {"level": "3"}}')$$,
                 '22023', 'VALIDATION_ERROR: session_fields: "level" must be a JSON number (column type integer), not a JSON string',
                 'sign-in: a string for a number');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": {"pinned": null}}')$$,
                 '22023', 'VALIDATION_ERROR: session_fields: "pinned" is required', 'sign-in: null for a NOT NULL column');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('sess@example.com', 'password123', '{"session_fields": "x"}')$$,
                 '22023', 'VALIDATION_ERROR: option "session_fields" of sign_in_email must be a JSON object, not a string',
                 'sign-in: not an object');
SELECT throws_ok($$SELECT auth_ext.sign_in_email('sess@example.com', 'wrong-password', '{"session_fields": {"nope": 1}}')$$,
                 '28P01', 'INVALID_EMAIL_OR_PASSWORD: Invalid email or password',
                 'sign-in: a wrong password answers as ever, whatever session_fields holds');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('s2@example.com', 'password123', 'S', '{"session_fields": {"lastSeen": "soon"}}')$$,
                 '22023', 'VALIDATION_ERROR: session_fields: invalid value for "lastSeen" (column type timestamp with time zone): invalid input syntax for type timestamp with time zone: "soon"',
                 'sign-up: a string that is no date');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 's2@example.com'), 0,
          'a refused session_fields writes no user: sign-up stays one statement');
SELECT is((SELECT count(*)::int FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'sess@example.com'), 5,
          'no refused sign-in wrote a session');

-- account_fields: the credential account's extra columns (Better Auth's account.additionalFields),
-- through the same helper.
ALTER TABLE account ADD COLUMN origin text, ADD COLUMN tier integer NOT NULL DEFAULT 1;
CREATE TEMP TABLE acct AS
SELECT auth_ext.sign_up_email('acct@example.com', 'password123', 'Acct', '{"account_fields": {"origin": "signup", "tier": 2}}') AS j;
SELECT row_eq($$SELECT origin, tier, "providerId" FROM account WHERE "userId" = (SELECT j->'user'->>'id' FROM acct)$$,
              ROW('signup'::text, 2, 'credential'::text), 'sign-up writes account_fields into the credential account');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('acct2@example.com', 'password123', 'A', '{"account_fields": {"password": "x"}}')$$,
                 '22023', 'VALIDATION_ERROR: account_fields: "password" is a core column of the account table, which sign_up_email writes itself',
                 'account_fields: a core column');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('acct2@example.com', 'password123', 'A', '{"account_fields": {"tier": "two"}}')$$,
                 '22023', 'VALIDATION_ERROR: account_fields: "tier" must be a JSON number (column type integer), not a JSON string',
                 'account_fields: a wrong JSON kind');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('acct2@example.com', 'password123', 'A', '{"account_fields": {"nope": 1}}')$$,
                 '22023', 'VALIDATION_ERROR: account_fields: "nope" is not a writable column of the account table',
                 'account_fields: an unknown column');
SELECT is((SELECT count(*)::int FROM "user" WHERE email = 'acct2@example.com'), 0, 'a refused account_fields writes no user');

SELECT * FROM finish();
ROLLBACK;
