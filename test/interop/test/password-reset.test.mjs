// Password reset both ways between auth_ext and the real Better Auth 1.7.25 (no plugin) on the same
// database: a token auth_ext.request_password_reset issued works with Better Auth's
// POST /reset-password, a token Better Auth's /request-password-reset issued (captured in
// sendResetPassword) works with auth_ext.reset_password, each exactly once, and expired or used
// tokens are INVALID_TOKEN on both sides (docs/better-auth-compatibility.md, password reset).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase } from "../lib/db.mjs";
import { createBetterAuth } from "../lib/better-auth.mjs";

const PASSWORD = "password123";
const MESSAGE = "If this email exists in our system, check your email for the reset link";

let db;
let ba;          // revokeSessionsOnPasswordReset: false (Better Auth's default)
let revoking;    // revokeSessionsOnPasswordReset: true
const mailed = [];  // what sendResetPassword received

before(async () => {
  db = await createTestDatabase("auth_ext_interop_password_reset");
  const sendResetPassword = async ({ user, url, token }) => { mailed.push({ user, url, token }); };
  ba = createBetterAuth({ pool: db.pool, jwt: false, emailAndPassword: { sendResetPassword } });
  revoking = createBetterAuth({ pool: db.pool, jwt: false,
    emailAndPassword: { sendResetPassword, revokeSessionsOnPasswordReset: true } });
  await ba.migrate();
});
after(async () => { await db.drop(); });

const sql = async (text, values) => (await db.pool.query(text, values)).rows;
const sqlError = async (text, values) => db.pool.query(text, values).then(() => null, (e) => e);

async function signUp(email) {
  const r = await ba.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Reset" } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r;
}

async function requestByBetterAuth(auth, email) {
  const before = mailed.length;
  const r = await auth.request("POST", "/request-password-reset", { body: { email } });
  assert.deepEqual([r.status, r.json], [200, { status: true, message: MESSAGE }]);
  return mailed.length > before ? mailed.at(-1).token : null;
}

test("a token from auth_ext.request_password_reset works with Better Auth's /reset-password, once", async () => {
  const email = "sql.to.ba@example.com";
  const { json: { user } } = await signUp(email);
  const [{ r }] = await sql("SELECT auth_ext.request_password_reset($1) AS r", [email]);
  assert.match(r.token, /^[A-Za-z0-9]{24}$/);
  assert.equal(r.user.id, user.id);

  // Better Auth's redirect endpoint recognises it too.
  const callback = await ba.request("GET", `/reset-password/${r.token}?callbackURL=/reset`);
  assert.equal(callback.status, 302);
  assert.match(callback.headers.get("location"), new RegExp(`/reset\\?token=${r.token}$`));

  const reset = await ba.request("POST", "/reset-password", { body: { newPassword: "new-password-1", token: r.token } });
  assert.deepEqual([reset.status, reset.json], [200, { status: true }]);
  const signIn = await ba.request("POST", "/sign-in/email", { body: { email, password: "new-password-1" } });
  assert.equal(signIn.status, 200, "Better Auth signs in with the new password");

  const again = await ba.request("POST", "/reset-password", { body: { newPassword: "new-password-2", token: r.token } });
  assert.deepEqual([again.status, again.json?.code], [400, "INVALID_TOKEN"], "Better Auth: a used token");
  const sqlAgain = await sqlError("SELECT auth_ext.reset_password($1, 'new-password-2')", [r.token]);
  assert.deepEqual([sqlAgain?.code, sqlAgain?.constraint], ["28000", "INVALID_TOKEN"], "auth_ext: a used token");
});

test("a token Better Auth's /request-password-reset mailed works with auth_ext.reset_password, once", async () => {
  const email = "ba.to.sql@example.com";
  const signedUp = await signUp(email);
  const token = await requestByBetterAuth(revoking, email);
  assert.match(token, /^[A-Za-z0-9]{24}$/);
  assert.match(mailed.at(-1).url, new RegExp(`/api/auth/reset-password/${token}\\?callbackURL=$`));
  // Better Auth stored it as auth_ext does: plain identifier, value = user id.
  const [row] = await sql(`SELECT value, round(extract(epoch FROM "expiresAt" - "createdAt"))::int AS lifetime FROM verification WHERE identifier = $1`,
    [`reset-password:${token}`]);
  assert.equal(row.value, signedUp.json.user.id);
  assert.equal(row.lifetime, 3600); // Better Auth takes createdAt and expiresAt a few ms apart

  const [{ r }] = await sql("SELECT auth_ext.reset_password($1, 'new-password-1', jsonb_build_object('revoke_sessions', true)) AS r", [token]);
  assert.equal(r.status, true);
  assert.equal(r.user.email, email);

  const signIn = await ba.request("POST", "/sign-in/email", { body: { email, password: "new-password-1" } });
  assert.equal(signIn.status, 200, "Better Auth signs in with the password auth_ext set");
  const old = await ba.request("GET", "/get-session", { cookie: signedUp.sessionCookie });
  assert.equal(old.json, null, "the session from before the reset is revoked (revokeSessionsOnPasswordReset)");

  const again = await sqlError("SELECT auth_ext.reset_password($1, 'new-password-2')", [token]);
  assert.deepEqual([again?.code, again?.constraint], ["28000", "INVALID_TOKEN"], "auth_ext: a used token");
  const baAgain = await ba.request("POST", "/reset-password", { body: { newPassword: "new-password-2", token } });
  assert.deepEqual([baAgain.status, baAgain.json?.code], [400, "INVALID_TOKEN"], "Better Auth: a used token");
});

test("Better Auth's revokeSessionsOnPasswordReset and auth_ext's revoke_sessions do the same", async () => {
  const email = "revoke.both@example.com";
  const signedUp = await signUp(email);
  // Better Auth with revokeSessionsOnPasswordReset redeeming an auth_ext token: the sessions go.
  const [{ r }] = await sql("SELECT auth_ext.request_password_reset($1) AS r", [email]);
  assert.equal((await revoking.request("POST", "/reset-password", { body: { newPassword: "new-password-1", token: r.token } })).status, 200);
  assert.equal((await ba.request("GET", "/get-session", { cookie: signedUp.sessionCookie })).json, null);
  // Neither revokes by default.
  const signIn = await ba.request("POST", "/sign-in/email", { body: { email, password: "new-password-1" } });
  const token = await requestByBetterAuth(ba, email);
  await sql("SELECT auth_ext.reset_password($1, 'new-password-2')", [token]);
  assert.notEqual((await ba.request("GET", "/get-session", { cookie: signIn.sessionCookie })).json, null,
    "revoke_sessions false: the session stays");
  const [{ r: r2 }] = await sql("SELECT auth_ext.request_password_reset($1) AS r", [email]);
  assert.equal((await ba.request("POST", "/reset-password", { body: { newPassword: "new-password-3", token: r2.token } })).status, 200);
  assert.notEqual((await ba.request("GET", "/get-session", { cookie: signIn.sessionCookie })).json, null,
    "Better Auth's default: the session stays");
});

test("expired tokens are INVALID_TOKEN on both sides, whoever issued them", async () => {
  const email = "expired@example.com";
  await signUp(email);
  const [{ r }] = await sql("SELECT auth_ext.request_password_reset($1, jsonb_build_object('expires_in', 1)) AS r", [email]);
  const baToken = await requestByBetterAuth(ba, email);
  await sql(`UPDATE verification SET "expiresAt" = now() - interval '1 second' WHERE identifier = ANY($1)`,
    [[`reset-password:${r.token}`, `reset-password:${baToken}`]]);
  for (const token of [r.token, baToken]) {
    const viaBa = await ba.request("POST", "/reset-password", { body: { newPassword: "new-password-1", token } });
    assert.deepEqual([viaBa.status, viaBa.json?.code, viaBa.json?.message], [400, "INVALID_TOKEN", "Invalid token"]);
    const viaSql = await sqlError("SELECT auth_ext.reset_password($1, 'new-password-1')", [token]);
    assert.deepEqual([viaSql?.code, viaSql?.constraint, viaSql?.message], ["28000", "INVALID_TOKEN", "INVALID_TOKEN: Invalid token"]);
  }
  const signIn = await ba.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
  assert.equal(signIn.status, 200, "the password is unchanged");
});

test("the same refusals in the same order: missing token, password length, unknown token, user gone", async () => {
  const cases = [
    [{ newPassword: "new-password-1" }, "SELECT auth_ext.reset_password(NULL, 'new-password-1')", "INVALID_TOKEN"],
    [{ newPassword: "short", token: "no-such-token" }, "SELECT auth_ext.reset_password('no-such-token', 'short')", "PASSWORD_TOO_SHORT"],
    [{ newPassword: "", token: "no-such-token" }, "SELECT auth_ext.reset_password('no-such-token', '')", "PASSWORD_TOO_SHORT"],
    [{ newPassword: "x".repeat(129), token: "no-such-token" }, `SELECT auth_ext.reset_password('no-such-token', repeat('x', 129))`, "PASSWORD_TOO_LONG"],
    [{ newPassword: "new-password-1", token: "no-such-token" }, "SELECT auth_ext.reset_password('no-such-token', 'new-password-1')", "INVALID_TOKEN"],
    [{ newPassword: "new-password-1", token: "orphan-token" }, "SELECT auth_ext.reset_password('orphan-token', 'new-password-1')", "USER_NOT_FOUND"],
  ];
  await sql(`INSERT INTO verification (id, identifier, value, "expiresAt", "createdAt", "updatedAt")
             VALUES ('orphan', 'reset-password:orphan-token', 'no-such-user', now() + interval '1 hour', now(), now())`);
  for (const [body, statement, code] of cases) {
    const viaBa = await ba.request("POST", "/reset-password", { body });
    assert.deepEqual([viaBa.status, viaBa.json?.code], [400, code], JSON.stringify(body));
    const [{ message, http_status: status }] = await sql("SELECT message, http_status FROM auth_ext.error_codes() WHERE code = $1", [code]);
    assert.deepEqual([viaBa.json.message, status], [message, 400]);
    const viaSql = await sqlError(statement);
    assert.equal(viaSql?.constraint, code, statement);
  }
  assert.equal((await sql("SELECT count(*)::int AS n FROM verification WHERE id = 'orphan'"))[0].n, 1,
    "neither consumes the token of a deleted user");
});

test("an unknown email: the same answer, and no row, on both sides", async () => {
  const [{ n: before }] = await sql("SELECT count(*)::int AS n FROM verification");
  const token = await requestByBetterAuth(ba, "nobody@example.com");
  assert.equal(token, null, "Better Auth mails nothing");
  const [{ r }] = await sql("SELECT auth_ext.request_password_reset('nobody@example.com') AS r");
  assert.equal(r, null);
  const [{ n: afterwards }] = await sql("SELECT count(*)::int AS n FROM verification");
  assert.equal(afterwards, before);
});

test("the rows both write have the same shape", async () => {
  const email = "shape@example.com";
  await signUp(email);
  const baToken = await requestByBetterAuth(ba, email);
  const [{ r }] = await sql("SELECT auth_ext.request_password_reset($1) AS r", [email]);
  const rows = await sql(`SELECT identifier, value, length(id) AS id_length, "createdAt" = "updatedAt" AS same,
                                 extract(epoch FROM "expiresAt" - "createdAt")::int AS lifetime,
                                 extract(milliseconds FROM "createdAt") = round(extract(milliseconds FROM "createdAt")) AS whole_ms
                            FROM verification WHERE identifier = ANY($1) ORDER BY identifier = $2`,
    [[`reset-password:${baToken}`, `reset-password:${r.token}`], `reset-password:${r.token}`]);
  assert.equal(rows.length, 2);
  const shape = ({ identifier, ...rest }) => ({ ...rest, prefix: identifier.slice(0, 15), tokenLength: identifier.length - 15 });
  assert.deepEqual(shape(rows[1]), shape(rows[0]));
  assert.deepEqual(shape(rows[0]).prefix, "reset-password:");
  assert.equal(rows[0].lifetime, 3600);
});
