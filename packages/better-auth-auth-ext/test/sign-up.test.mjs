// /sign-up/email through the auth_ext plugin, against the real Better Auth 1.7.25: rows written,
// the cookie and what it unlocks (get-session, /token, sign-out), Better Auth's error responses
// (compared with Better Auth without the plugin), hooks, and 50 concurrent sign-ups of one email.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, countRows, createAuth, createTestDatabase, signToken, uniqueEmail } from "./support.mjs";

describe("sign-up through the auth_ext plugin", () => {
  let db;
  let withPlugin;
  let plain;

  before(async () => {
    db = await createTestDatabase("plugin_sign_up");
    withPlugin = createAuth({ pool: db.pool, plugin: true });
    plain = createAuth({ pool: db.pool });
  });
  after(async () => {
    await db?.drop();
  });

  test("writes exactly one user, credential account and session, and answers as Better Auth does", async () => {
    const email = uniqueEmail("Mixed.Case");
    const res = await withPlugin.request("POST", "/sign-up/email", {
      body: { email: email.toUpperCase(), password: PASSWORD, name: "Plugin User" },
      headers: { "user-agent": "plugin-test-agent", "x-forwarded-for": "203.0.113.7" },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });

    const { token, user } = res.json;
    assert.deepEqual(Object.keys(res.json).sort(), ["token", "user"]);
    assert.deepEqual(Object.keys(user).sort(), ["createdAt", "email", "emailVerified", "id", "image", "name", "updatedAt"]);
    assert.equal(user.email, email.toLowerCase());
    assert.equal(user.name, "Plugin User");
    assert.equal(user.emailVerified, false);
    assert.equal(user.image, null);
    assert.match(user.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.match(token, /^[A-Za-z0-9]{32}$/);

    const { rows: [row] } = await db.pool.query(
      `SELECT s.token, s."ipAddress", s."userAgent", s."userId", a."providerId", a."accountId", a.password,
              extract(epoch FROM s."expiresAt" - s."createdAt")::int AS lifetime
         FROM session s JOIN account a ON a."userId" = s."userId" WHERE s."userId" = $1`, [user.id]);
    assert.equal(row.token, token);
    assert.equal(row.ipAddress, "203.0.113.7");
    assert.equal(row.userAgent, "plugin-test-agent");
    assert.equal(row.providerId, "credential");
    assert.equal(row.accountId, user.id);
    assert.match(row.password, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    assert.equal(row.lifetime, 604800);

    // The cookie is Better Auth's: token.signature, signed with the secret, URL-encoded.
    assert.equal(res.sessionCookie, `better-auth.session_token=${encodeURIComponent(`${token}.${signToken(token)}`)}`);
    const attributes = res.setCookies.find((c) => c.startsWith("better-auth.session_token="));
    assert.match(attributes, /Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax/);
    // The bearer plugin's after hook ran on the replaced endpoint.
    assert.equal(res.headers.get("set-auth-token"), `${token}.${signToken(token)}`);
  });

  test("the cookie it sets works for /get-session, /token (verified by auth_ext.verify_jwt) and /sign-out", async () => {
    const email = uniqueEmail("cookie");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Cookie" } });
    assert.equal(signUp.status, 200, signUp.text);
    const cookie = signUp.sessionCookie;
    const userId = signUp.json.user.id;

    for (const auth of [withPlugin, plain]) {
      const session = await auth.request("GET", "/get-session", { cookie });
      assert.equal(session.status, 200);
      assert.equal(session.json?.user?.id, userId);
      assert.equal(session.json?.session?.token, signUp.json.token);
    }

    const jwt = await withPlugin.request("GET", "/token", { cookie });
    assert.equal(jwt.status, 200, jwt.text);
    const { rows: [{ claims }] } = await db.pool.query("SELECT auth_ext.verify_jwt($1) AS claims", [jwt.json.token]);
    assert.equal(claims.sub, userId);
    assert.equal(claims.email, email);

    const bearer = await withPlugin.request("GET", "/get-session", { headers: { authorization: `Bearer ${signUp.json.token}` } });
    assert.equal(bearer.json?.user?.id, userId);

    const signOut = await withPlugin.request("POST", "/sign-out", { cookie });
    assert.equal(signOut.status, 200, signOut.text);
    assert.deepEqual(signOut.json, { success: true });
    assert.equal((await countRows(db.pool, email)).sessions, 0);
    const gone = await withPlugin.request("GET", "/get-session", { cookie });
    assert.equal(gone.status, 200);
    assert.equal(gone.json, null);
    const noToken = await withPlugin.request("GET", "/token", { cookie });
    assert.equal(noToken.status, 401);
  });

  test("rememberMe: false gives a one-day session and Better Auth's dont_remember cookie", async () => {
    const email = uniqueEmail("forget");
    const res = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "F", rememberMe: false } });
    assert.equal(res.status, 200, res.text);
    const session = res.setCookies.find((c) => c.startsWith("better-auth.session_token="));
    assert.doesNotMatch(session, /Max-Age/);
    assert.ok(res.setCookies.some((c) => c.startsWith(`better-auth.dont_remember=${encodeURIComponent(`true.${signToken("true")}`)}`)));
    const { rows: [{ lifetime }] } = await db.pool.query(
      `SELECT extract(epoch FROM "expiresAt" - "createdAt")::int AS lifetime FROM session WHERE token = $1`, [res.json.token]);
    assert.equal(lifetime, 86400);
  });

  test("errors carry Better Auth's statuses, codes and messages, identical to Better Auth without the plugin", async () => {
    const taken = uniqueEmail("taken");
    assert.equal((await plain.request("POST", "/sign-up/email", { body: { email: taken, password: PASSWORD, name: "T" } })).status, 200);
    const cases = [
      { body: { email: taken.toUpperCase(), password: PASSWORD, name: "T" }, status: 422, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", message: "User already exists. Use another email." },
      { body: { email: "not-an-email", password: PASSWORD, name: "T" }, status: 400, code: "VALIDATION_ERROR", message: "[body.email] Invalid email address" },
      { body: { email: " spaced@example.com", password: PASSWORD, name: "T" }, status: 400, code: "VALIDATION_ERROR" },
      { body: { email: uniqueEmail("short"), password: "1234567", name: "T" }, status: 400, code: "PASSWORD_TOO_SHORT", message: "Password too short" },
      { body: { email: uniqueEmail("long"), password: "x".repeat(129), name: "T" }, status: 400, code: "PASSWORD_TOO_LONG", message: "Password too long" },
      { body: { email: uniqueEmail("empty"), password: "", name: "T" }, status: 400, code: "VALIDATION_ERROR" },
      { body: { email: uniqueEmail("noname"), password: PASSWORD }, status: 400, code: "VALIDATION_ERROR" },
    ];
    for (const { body, status, code, message } of cases) {
      const ours = await withPlugin.request("POST", "/sign-up/email", { body });
      const theirs = await plain.request("POST", "/sign-up/email", { body });
      assert.equal(ours.status, status, `${code}: ${ours.text}`);
      assert.equal(ours.json.code, code);
      if (message) assert.equal(ours.json.message, message);
      assert.deepEqual({ status: ours.status, json: ours.json }, { status: theirs.status, json: theirs.json });
      assert.equal(ours.sessionCookie, undefined);
    }
    assert.deepEqual(await countRows(db.pool, taken), { users: 1, accounts: 1, sessions: 1 });
    const { rows: [{ n }] } = await db.pool.query(`SELECT count(*)::int AS n FROM "user" WHERE email LIKE 'short.%' OR email LIKE 'long.%'`);
    assert.equal(n, 0);
  });

  test("emailVerification.sendOnSignUp sends Better Auth's verification link, and the link verifies the user", async () => {
    const sent = [];
    const verifying = createAuth({
      pool: db.pool,
      plugin: true,
      options: { emailVerification: { sendOnSignUp: true, sendVerificationEmail: async (data) => { sent.push(data); } } },
    });
    const email = uniqueEmail("verify");
    const res = await verifying.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "V", callbackURL: "/welcome" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].user.id, res.json.user.id);
    const url = new URL(sent[0].url);
    assert.equal(url.pathname, "/api/auth/verify-email");
    assert.equal(url.searchParams.get("callbackURL"), "/welcome");
    const verified = await verifying.request("GET", `/verify-email?token=${url.searchParams.get("token")}`);
    assert.equal(verified.status, 200, verified.text);
    const { rows: [row] } = await db.pool.query(`SELECT "emailVerified" FROM "user" WHERE id = $1`, [res.json.user.id]);
    assert.equal(row.emailVerified, true);
  });

  test("50 concurrent sign-ups with one email: one user, the rest 422, no 500", { timeout: 60_000 }, async () => {
    const email = uniqueEmail("race");
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: `Racer ${i}` } })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 422).length, 49, statuses.join(","));
    for (const r of results.filter((x) => x.status === 422)) assert.equal(r.json.code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });
  });

  test("request hooks and database after hooks still run; unsupported options are refused at startup", async () => {
    const seen = { before: [], users: [], sessions: [] };
    const hooked = createAuth({
      pool: db.pool,
      plugin: true,
      options: {
        hooks: {
          before: async (ctx) => {
            seen.before.push(ctx.path);
          },
        },
        databaseHooks: {
          user: { create: { after: async (user) => { seen.users.push(user); } } },
          session: { create: { after: async (session) => { seen.sessions.push(session); } } },
        },
      },
    });
    const email = uniqueEmail("hooks");
    const res = await hooked.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "H" } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(seen.before, ["/sign-up/email"]);
    assert.equal(seen.users.length, 1);
    assert.equal(seen.users[0].id, res.json.user.id);
    assert.ok(seen.users[0].createdAt instanceof Date);
    assert.equal(seen.sessions.length, 1);
    assert.equal(seen.sessions[0].token, res.json.token);
    assert.ok(seen.sessions[0].expiresAt instanceof Date);

    // Table names auth_ext is not configured with are refused at startup, with the statement that
    // configures them (custom names: table-names.test.mjs).
    const refused = createAuth({ pool: db.pool, plugin: true, options: { user: { modelName: "users" } } });
    await assert.rejects(refused.auth.$context, /SELECT auth_ext\.configure\('better_auth_names', '\{"user":\{"modelName":"users"\}\}'\)/);
  });
});
