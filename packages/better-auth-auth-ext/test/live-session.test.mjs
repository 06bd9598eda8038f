// Sign-out ends JWTs at once: with the jwt plugin's definePayload from withSessionId, the real
// Better Auth's /token carries the session's id as `sid` (the application's own claims kept), and
// with auth_ext's jwt_require_live_session on, auth_ext.authenticate() takes the token while the
// session lives and refuses it (28000) right after sign-out. A jwt plugin without definePayload
// (no sid) is named by a warning at start-up.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { withSessionId } from "../dist/index.js";
import { PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

/** The claims of a JWT (its payload, not verified: auth_ext verifies it below). */
function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

/** auth_ext.authenticate(token) in its own transaction: its claims, or the error's SQLSTATE and message. */
async function authenticate(pool, token) {
  try {
    const { rows: [{ claims }] } = await pool.query("SELECT auth_ext.authenticate($1) AS claims", [token]);
    return { claims };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

describe("sid in the jwt plugin's tokens (withSessionId) and jwt_require_live_session", () => {
  let db;

  before(async () => {
    db = await createTestDatabase("plugin_live_session");
    await db.pool.query("SELECT auth_ext.configure('jwt_require_live_session', 'true')");
  });
  after(async () => {
    await db?.drop();
  });

  test("/token carries sid = the session's id and the application's claims; after sign-out authenticate() refuses it", async () => {
    const { request } = createAuth({
      pool: db.pool,
      plugin: true,
      jwtOptions: { jwt: { definePayload: withSessionId(({ user }) => ({ email: user.email, tier: "gold" })) } },
    });
    const email = uniqueEmail("sid");
    const signUp = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Sid" } });
    assert.equal(signUp.status, 200, signUp.text);
    const { rows: [session] } = await db.pool.query(`SELECT id, "userId" FROM session WHERE token = $1`, [signUp.json.token]);

    const token = (await request("GET", "/token", { cookie: signUp.sessionCookie })).json.token;
    const claims = claimsOf(token);
    assert.equal(claims.sid, session.id);
    assert.equal(claims.sub, session.userId);
    assert.equal(claims.email, email);
    assert.equal(claims.tier, "gold");
    assert.equal(claims.name, undefined, "the application's definePayload decides the claims, not the user object");

    const live = await authenticate(db.pool, token);
    assert.equal(live.claims?.sid, session.id, live.message);

    const signOut = await request("POST", "/sign-out", { cookie: signUp.sessionCookie });
    assert.equal(signOut.status, 200, signOut.text);
    const ended = await authenticate(db.pool, token);
    assert.equal(ended.code, "28000");
    assert.match(ended.message, /session has ended/);
  });

  test("withSessionId() alone keeps the jwt plugin's default payload (the user) and adds sid; a sign-in's session is its own sid", async () => {
    const { request } = createAuth({ pool: db.pool, plugin: true, jwtOptions: { jwt: { definePayload: withSessionId() } } });
    const email = uniqueEmail("sid-default");
    const signUp = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Default" } });
    assert.equal(signUp.status, 200, signUp.text);
    const signIn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    const { rows: [session] } = await db.pool.query("SELECT id FROM session WHERE token = $1", [signIn.json.token]);

    const token = (await request("GET", "/token", { cookie: signIn.sessionCookie })).json.token;
    const claims = claimsOf(token);
    assert.equal(claims.sid, session.id);
    assert.equal(claims.name, "Default");
    assert.equal(claims.email, email);
    assert.ok((await authenticate(db.pool, token)).claims);

    // Signing out of the sign-in's session ends its token, not the sign-up's session's.
    const other = (await request("GET", "/token", { cookie: signUp.sessionCookie })).json.token;
    await request("POST", "/sign-out", { cookie: signIn.sessionCookie });
    assert.equal((await authenticate(db.pool, token)).code, "28000");
    assert.ok((await authenticate(db.pool, other)).claims);
  });

  test("a jwt plugin without definePayload (tokens without sid) is named by a warning at start-up; with withSessionId none", async () => {
    const warningsWith = async (jwtOptions) => {
      const lines = [];
      const { auth } = createAuth({
        pool: db.pool,
        plugin: true,
        jwtOptions,
        options: { logger: { level: "warn", log: (level, message) => lines.push(`${level} ${message}`) } },
      });
      await auth.$context;
      return lines.filter((line) => line.includes("sid"));
    };
    const without = await warningsWith(undefined);
    assert.equal(without.length, 1);
    assert.match(without[0], /^warn .*no sid claim.*withSessionId/);
    assert.deepEqual(await warningsWith({ jwt: { definePayload: withSessionId() } }), []);
  });
});
