// /sign-in/email through the auth_ext plugin: users created either way sign in either way, the
// response and errors match Better Auth without the plugin, and the session works everywhere.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { BETTER_AUTH_MINOR, PASSWORD, countRows, createAuth, createTestDatabase, signToken, uniqueEmail } from "./support.mjs";

describe("sign-in through the auth_ext plugin", () => {
  let db;
  let withPlugin;
  let plain;

  before(async () => {
    db = await createTestDatabase("plugin_sign_in");
    withPlugin = createAuth({ pool: db.pool, plugin: true });
    plain = createAuth({ pool: db.pool });
  });
  after(async () => {
    await db?.drop();
  });

  test("a user signed up through the plugin signs in through plain Better Auth", async () => {
    const email = uniqueEmail("plugin-made");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "P" } });
    assert.equal(signUp.status, 200, signUp.text);
    const signIn = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(signIn.json.user.id, signUp.json.user.id);
    const wrong = await plain.request("POST", "/sign-in/email", { body: { email, password: `${PASSWORD}!` } });
    assert.equal(wrong.status, 401);
  });

  test("a user signed up through plain Better Auth signs in through the plugin, with Better Auth's response", async () => {
    const email = uniqueEmail("plain-made");
    const signUp = await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Q" } });
    assert.equal(signUp.status, 200, signUp.text);
    const ours = await withPlugin.request("POST", "/sign-in/email", {
      body: { email: email.toUpperCase(), password: PASSWORD },
      headers: { "user-agent": "sign-in-agent" },
    });
    const theirs = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(ours.status, 200, ours.text);
    assert.deepEqual(Object.keys(ours.json).sort(), Object.keys(theirs.json).sort());
    assert.equal(ours.json.redirect, false);
    assert.deepEqual(ours.json.user, theirs.json.user);
    assert.notEqual(ours.json.token, theirs.json.token);
    assert.equal(ours.sessionCookie, `better-auth.session_token=${encodeURIComponent(`${ours.json.token}.${signToken(ours.json.token)}`)}`);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 3 });
    const { rows: [row] } = await db.pool.query(`SELECT "userAgent", "ipAddress" FROM session WHERE token = $1`, [ours.json.token]);
    assert.deepEqual(row, { userAgent: "sign-in-agent", ipAddress: "" });

    const session = await plain.request("GET", "/get-session", { cookie: ours.sessionCookie });
    assert.equal(session.json?.user?.id, signUp.json.user.id);
  });

  test("callbackURL gives Better Auth's redirect fields and Location header", async () => {
    const email = uniqueEmail("callback");
    await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "C" } });
    const res = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD, callbackURL: "/dashboard" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.redirect, true);
    assert.equal(res.json.url, "/dashboard");
    assert.equal(res.headers.get("location"), "/dashboard");
  });

  test("errors match Better Auth without the plugin and create no session", async () => {
    const email = uniqueEmail("errors");
    await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "E" } });
    const cases = [
      { body: { email, password: "wrong password" }, status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
      { body: { email, password: "x" }, status: 401, code: "INVALID_EMAIL_OR_PASSWORD" },
      { body: { email: uniqueEmail("nobody"), password: PASSWORD }, status: 401, code: "INVALID_EMAIL_OR_PASSWORD" },
      { body: { email: "not-an-email", password: PASSWORD }, status: 400, code: "INVALID_EMAIL", message: "Invalid email" },
      // Better Auth 1.7 refuses a password over the maximum before any lookup; 1.6 takes it for a wrong one.
      BETTER_AUTH_MINOR >= 7
        ? { body: { email, password: "x".repeat(129) }, status: 400, code: "PASSWORD_TOO_LONG", message: "Password too long" }
        : { body: { email, password: "x".repeat(129) }, status: 401, code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" },
    ];
    for (const { body, status, code, message } of cases) {
      const ours = await withPlugin.request("POST", "/sign-in/email", { body });
      const theirs = await plain.request("POST", "/sign-in/email", { body });
      assert.equal(ours.status, status, `${code}: ${ours.text}`);
      assert.equal(ours.json.code, code);
      if (message) assert.equal(ours.json.message, message);
      assert.deepEqual({ status: ours.status, json: ours.json }, { status: theirs.status, json: theirs.json });
      assert.equal(ours.sessionCookie, undefined);
    }
    assert.equal((await countRows(db.pool, email)).sessions, 1);
  });

  test("a stored hash that is not Better Auth's format is a wrong password, never a 500", async () => {
    const email = uniqueEmail("garbage");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "G" } });
    const wrong = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: `${PASSWORD}!` } });
    assert.equal(wrong.status, 401, wrong.text);
    // No ':' (another library's format, bcrypt's "$2b$..."): Better Auth's verify throws, a 500.
    await db.pool.query(`UPDATE account SET password = 'garbage' WHERE "userId" = $1`, [signUp.json.user.id]);
    const ours = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    const theirs = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.deepEqual({ status: ours.status, json: ours.json }, { status: wrong.status, json: wrong.json });
    assert.equal(theirs.status, 500);
    assert.equal(ours.sessionCookie, undefined);
    // "<salt>:<key>" with a key that is not 128 hex digits: Better Auth answers a wrong password too.
    await db.pool.query(`UPDATE account SET password = 'abcd:zz' WHERE "userId" = $1`, [signUp.json.user.id]);
    const ours2 = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    const theirs2 = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.deepEqual({ status: ours2.status, json: ours2.json }, { status: theirs2.status, json: theirs2.json });
    assert.deepEqual({ status: ours2.status, json: ours2.json }, { status: wrong.status, json: wrong.json });
    assert.equal((await countRows(db.pool, email)).sessions, 1);
  });
});
