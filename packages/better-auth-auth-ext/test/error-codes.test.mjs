// One error table (auth_ext.error_codes()): src/errorCodes.ts is what the installed extension
// returns; the plugin answers every code of it with the table's status, from real errors the
// database raises; and the real Better Auth 1.7.25 without the plugin, on the same database,
// answers every code it has a route for with the same status, code and message. The FastAPI
// package checks its side against the same table (python/tests/test_error_codes.py).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BASE_ERROR_CODES } from "better-auth";
import { ERROR_CODES } from "../dist/errorCodes.js";
import { toAPIError, unavailableError } from "../dist/index.js";
import { BETTER_AUTH_MINOR, PASSWORD, SECRET, createAuth, createTestDatabase, signToken, uniqueEmail } from "./support.mjs";

/**
 * Codes Better Auth has no route for: auth_ext's answers for a database it cannot use (Better Auth: 500), for
 * a table it will not touch (UNTRUSTED_OBJECT: another role's; Better Auth would use it), and for a password
 * proof of a read replica the primary refuses (INVALID_PASSWORD_PROOF: the plugin then signs in with the password).
 */
const NOT_BETTER_AUTH_CODES = new Set(["READ_ONLY", "DATABASE_UNAVAILABLE", "UNTRUSTED_OBJECT", "INVALID_PASSWORD_PROOF"]);
/** Better Auth answers its rate limit with 429 and the table's message but no code (test/interop/test/rate-limit.test.mjs). */
const MESSAGE_ONLY_CODES = new Set(["RATE_LIMITED"]);

describe("one error table", () => {
  let db;
  let plain;

  before(async () => {
    db = await createTestDatabase("plugin_error_codes");
    plain = createAuth({ pool: db.pool });
  });
  after(async () => {
    await db?.drop();
  });

  test("src/errorCodes.ts is what auth_ext.error_codes() returns (scripts/gen-error-codes.sh writes it)", async () => {
    const { rows } = await db.pool.query(
      `SELECT code, sqlstate, http_status AS "httpStatus", message FROM auth_ext.error_codes() WITH ORDINALITY ORDER BY ordinality`,
    );
    assert.deepEqual(ERROR_CODES.map((row) => ({ ...row })), rows);
  });

  test("the plugin answers every code of the table with its status, code and message", async () => {
    for (const row of ERROR_CODES) {
      // auth_ext's own error for a code; a SQLSTATE of the class for a class row.
      const statement = row.sqlstate.length === 5
        ? { text: "SELECT auth_ext._raise($1)", values: [row.code] }
        : { text: `DO $$ BEGIN RAISE EXCEPTION 'the server is going away' USING ERRCODE = '${row.sqlstate}000'; END $$` };
      const error = await db.pool.query(statement).then(() => undefined, (e) => e);
      assert.ok(error, row.code);
      if (row.sqlstate.length === 5) assert.equal(error.constraint, row.code, "the code is in the CONSTRAINT field");
      const mapped = toAPIError(error) ?? unavailableError(error);
      assert.ok(mapped, `${row.code} (${row.sqlstate}) is not mapped`);
      assert.deepEqual([mapped.statusCode, mapped.body.code, mapped.body.message], [row.httpStatus, row.code, row.message], row.code);
    }
  });

  test("Better Auth without the plugin answers each code it has a route for with the table's status, code and message", async () => {
    const email = uniqueEmail("codes");
    const signedUp = await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Codes" } });
    assert.equal(signedUp.status, 200, signedUp.text);
    // A user with no credential account (an OAuth-only user), signed in with a session of its own.
    const oauthToken = `oauthonlysession${process.pid}`.padEnd(32, "x").slice(0, 32);
    await db.pool.query(
      `INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
       VALUES ('oauth-only-user', 'O', $1, true, now(), now())`,
      [uniqueEmail("oauth")],
    );
    await db.pool.query(
      `INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "userId")
       VALUES ('oauth-only-session', now() + interval '1 day', $1, now(), now(), 'oauth-only-user')`,
      [oauthToken],
    );
    const oauthCookie = `better-auth.session_token=${encodeURIComponent(`${oauthToken}.${signToken(oauthToken)}`)}`;
    // A password-reset token whose user is gone.
    await db.pool.query(
      `INSERT INTO verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
       VALUES ('reset-for-nobody', 'reset-password:reset-token-for-nobody', 'no-such-user', now() + interval '1 hour', now(), now())`,
    );

    const verifying = createAuth({ pool: db.pool, options: { emailAndPassword: { enabled: true, requireEmailVerification: true } } });
    // Email verification: an expired token (auth_ext signs Better Auth's tokens with the same
    // secret), and a verified user asking for another mail with its session.
    await db.pool.query("SELECT auth_ext.configure('better_auth_secret', $1)", [SECRET]);
    const { rows: [{ expired }] } = await db.pool.query(
      "SELECT auth_ext._sign_email_verification_token($1, $2, -10) AS expired", [email, signedUp.json.user.id]);
    const mailing = createAuth({ pool: db.pool, options: { emailVerification: { sendVerificationEmail: async () => {} } } });
    const verifiedEmail = uniqueEmail("verified");
    const verifiedUser = await mailing.request("POST", "/sign-up/email", { body: { email: verifiedEmail, password: PASSWORD, name: "V" } });
    await db.pool.query(`UPDATE "user" SET "emailVerified" = true WHERE id = $1`, [verifiedUser.json.user.id]);

    const cases = {
      USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: ["POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Again" } }],
      INVALID_EMAIL: ["POST", "/sign-in/email", { body: { email: "not-an-email", password: PASSWORD } }],
      PASSWORD_TOO_SHORT: ["POST", "/sign-up/email", { body: { email: uniqueEmail("short"), password: "short", name: "S" } }],
      PASSWORD_TOO_LONG: ["POST", "/sign-up/email", { body: { email: uniqueEmail("long"), password: "x".repeat(129), name: "L" } }],
      VALIDATION_ERROR: ["POST", "/sign-in/email", { body: { email } }],  // no password: the body schema
      INVALID_EMAIL_OR_PASSWORD: ["POST", "/sign-in/email", { body: { email, password: "wrong-password" } }],
      INVALID_PASSWORD: ["POST", "/change-password",
        { body: { currentPassword: "wrong-password", newPassword: "new-password-1" }, cookie: signedUp.sessionCookie }],
      CREDENTIAL_ACCOUNT_NOT_FOUND: ["POST", "/change-password",
        { body: { currentPassword: PASSWORD, newPassword: "new-password-1" }, cookie: oauthCookie }],
      USER_NOT_FOUND: ["POST", "/reset-password", { body: { newPassword: "new-password-1", token: "reset-token-for-nobody" } }],
      // 401 on /verify-email; INVALID_TOKEN is 400 (/reset-password), and /verify-email answers every
      // refusal with 401 (the FastAPI route does the same).
      TOKEN_EXPIRED: ["GET", `/verify-email?token=${expired}`, {}],
      INVALID_TOKEN: ["POST", "/reset-password", { body: { newPassword: "new-password-1", token: "no-such-reset-token" } }],
      EMAIL_ALREADY_VERIFIED: ["POST", "/send-verification-email",
        { body: { email: verifiedEmail }, cookie: verifiedUser.sessionCookie }, mailing],
      // The right password of a user whose email is not verified, with requireEmailVerification.
      EMAIL_NOT_VERIFIED: ["POST", "/sign-in/email", { body: { email, password: PASSWORD } }, verifying],
    };
    const betterAuthCodes = [...new Set(ERROR_CODES.map((row) => row.code))]
      .filter((code) => !NOT_BETTER_AUTH_CODES.has(code) && !MESSAGE_ONLY_CODES.has(code));
    assert.deepEqual(Object.keys(cases).sort(), betterAuthCodes.sort(),
      "every code of the table has a Better Auth case here, or is one Better Auth has no route for");
    for (const [code, [method, path, options, auth = plain]] of Object.entries(cases)) {
      // Better Auth 1.6 answers a reset token of a user that is gone with a 500 (1.7: 400 USER_NOT_FOUND).
      if (code === "USER_NOT_FOUND" && BETTER_AUTH_MINOR < 7) continue;
      const row = ERROR_CODES.find((r) => r.code === code);
      const res = await auth.request(method, path, options);
      assert.deepEqual([res.status, res.json?.code], [row.httpStatus, code], `${code}: ${res.text}`);
      // Better Auth words VALIDATION_ERROR per field; every other message is BASE_ERROR_CODES'.
      if (code !== "VALIDATION_ERROR") {
        assert.equal(res.json.message, row.message, code);
        assert.equal(BASE_ERROR_CODES[code]?.message, row.message, code);
      }
    }
  });
});
