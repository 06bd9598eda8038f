// Account operations against the real Better Auth 1.7.25 on the same database, both directions:
// users made by auth_ext.sign_up_email sign in through Better Auth and their sessions are its
// sessions; users and cookies made by Better Auth work with auth_ext. And Better Auth's migrator
// finds nothing to change after auth_ext.create_better_auth_schema().
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { createTestDatabase } from "../lib/db.mjs";
import { createBetterAuth, SECRET } from "../lib/better-auth.mjs";

let db;
let ba;
before(async () => {
  db = await createTestDatabase("auth_ext_interop_accounts");
  await db.pool.query("SELECT auth_ext.create_better_auth_schema()");
  await db.pool.query("SELECT auth_ext.configure('better_auth_secret', $1)", [SECRET]);
  ba = createBetterAuth({ pool: db.pool });
});
after(async () => { await db.drop(); });

const sql = async (text, params) => (await db.pool.query(text, params)).rows[0];
const signedCookie = (token) =>
  `better-auth.session_token=${encodeURIComponent(`${token}.${createHmac("sha256", SECRET).update(token).digest("base64")}`)}`;

test("Better Auth's migrator finds nothing to do after create_better_auth_schema()", async () => {
  const m = await ba.migrate({ run: false });
  assert.deepEqual(m, { toBeCreated: [], toBeAdded: [], toBeAddedIndexes: [] });
});

test("a user signed up by auth_ext signs in through Better Auth, and its session is Better Auth's", async () => {
  const { r } = await sql("SELECT auth_ext.sign_up_email($1, $2, $3) AS r", ["SQL.Made@Example.com", "sql-made-password", "SQL Made"]);
  assert.equal(r.user.email, "sql.made@example.com");
  assert.match(r.token, /^[A-Za-z0-9]{32}$/);

  const signIn = await ba.request("POST", "/sign-in/email", { body: { email: "sql.made@example.com", password: "sql-made-password" } });
  assert.equal(signIn.status, 200);
  assert.equal(signIn.json.user.id, r.user.id);

  const viaBearer = await ba.request("GET", "/get-session", { headers: { authorization: `Bearer ${r.token}` } });
  assert.equal(viaBearer.status, 200);
  assert.equal(viaBearer.json?.user?.id, r.user.id, "the bare token from sign_up_email is a Better Auth bearer credential");
  const viaCookie = await ba.request("GET", "/get-session", { cookie: signedCookie(r.token) });
  assert.equal(viaCookie.json?.session?.token, r.token, "the session signed as a cookie is accepted");
  assert.equal(viaCookie.json.user.email, "sql.made@example.com");
});

test("a user signed up by Better Auth signs in through auth_ext, and Better Auth's cookie works with get_session", async () => {
  const up = await ba.request("POST", "/sign-up/email", { body: { email: "BA.Made@Example.com", password: "ba-made-password", name: "BA Made" } });
  assert.equal(up.status, 200);
  const { r } = await sql("SELECT auth_ext.sign_in_email($1, $2) AS r", ["ba.made@example.com", "ba-made-password"]);
  assert.equal(r.user.id, up.json.user.id);
  await assert.rejects(sql("SELECT auth_ext.sign_in_email($1, $2)", ["ba.made@example.com", "wrong-password"]),
    (e) => e.code === "28P01" && e.message.startsWith("INVALID_EMAIL_OR_PASSWORD"));

  const cookieValue = up.sessionCookie.slice("better-auth.session_token=".length);
  assert.match(decodeURIComponent(cookieValue), /^[A-Za-z0-9]{32}\.[A-Za-z0-9+/]{43}=$/);
  const { s } = await sql("SELECT auth_ext.get_session($1) AS s", [cookieValue]);
  assert.equal(s.user.id, up.json.user.id);
  assert.equal(s.session.token, up.json.token);
  const tampered = cookieValue.replace(/^./, (c) => (c === "A" ? "B" : "A"));
  assert.equal((await sql("SELECT auth_ext.get_session($1) AS s", [tampered])).s, null, "a forged cookie finds no session");

  assert.equal((await sql("SELECT auth_ext.sign_out($1) AS ok", [up.sessionCookie])).ok, true);
  const after = await ba.request("GET", "/get-session", { cookie: up.sessionCookie });
  assert.equal(after.json, null, "signed out in SQL, gone for Better Auth at once");
});

// The session lifetime is compared in whole seconds: Better Auth stamps createdAt and expiresAt
// from two separate Date() calls, so its own rows can be 1-2 ms short of 7 days.
test("rows written by auth_ext look exactly like rows Better Auth writes", async () => {
  await ba.request("POST", "/sign-up/email", { body: { email: "shape.ba@example.com", password: "shape-password", name: "Shape" } });
  await sql("SELECT auth_ext.sign_up_email('shape.sql@example.com', 'shape-password', 'Shape')");
  const shape = async (email) => sql(
    `SELECT (SELECT jsonb_object_agg(k, jsonb_typeof(v)) FROM jsonb_each(to_jsonb(u)) e(k, v)) AS u,
            (SELECT jsonb_object_agg(k, CASE WHEN k IN ('id','accountId','userId','password') THEN to_jsonb(jsonb_typeof(v)) ELSE v END)
               FROM jsonb_each(to_jsonb(a) - 'createdAt' - 'updatedAt') e(k, v)) AS a,
            (SELECT jsonb_object_agg(k, CASE WHEN k IN ('ipAddress','userAgent') THEN v ELSE to_jsonb(jsonb_typeof(v)) END)
               FROM jsonb_each(to_jsonb(s)) e(k, v)) AS s,
            round(extract(epoch FROM s."expiresAt" - s."createdAt")) AS lifetime_seconds, a."accountId" = u.id AS account_id_is_user_id,
            length(s.token) AS token_length, u.id ~ '^[A-Za-z0-9]{32}$' AS id_alphabet,
            date_trunc('milliseconds', u."createdAt") = u."createdAt" AS millisecond_precision
     FROM "user" u JOIN account a ON a."userId" = u.id JOIN session s ON s."userId" = u.id WHERE u.email = $1`, [email]);
  const fromBetterAuth = await shape("shape.ba@example.com");
  const fromSql = await shape("shape.sql@example.com");
  fromBetterAuth.a.accountId = fromSql.a.accountId = "string";
  assert.deepEqual(fromSql, fromBetterAuth);
});

test("Better Auth's error codes for the same bad sign-ups", async () => {
  const cases = [
    ["ba.made@example.com", "long-enough-password", "Dup", "23505", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", 422],
    ["BA.MADE@EXAMPLE.COM", "long-enough-password", "Dup", "23505", "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", 422],
    ["short.pw@example.com", "1234567", "Short", "22023", "PASSWORD_TOO_SHORT", 400],
    ["long.pw@example.com", "x".repeat(129), "Long", "22023", "PASSWORD_TOO_LONG", 400],
  ];
  for (const [email, password, name, sqlstate, code, status] of cases) {
    const res = await ba.request("POST", "/sign-up/email", { body: { email, password, name } });
    assert.deepEqual([res.status, res.json.code], [status, code], `Better Auth: ${email}`);
    await assert.rejects(sql("SELECT auth_ext.sign_up_email($1, $2, $3)", [email, password, name]),
      (e) => e.code === sqlstate && e.message.startsWith(`${code}: `), `auth_ext: ${email}`);
  }
});

test("requireEmailVerification both ways: auth_ext's sign-up without a session, EMAIL_NOT_VERIFIED after the password, the generic answer", async () => {
  const verifying = createBetterAuth({ pool: db.pool, emailAndPassword: { requireEmailVerification: true } });
  // A user signed up by auth_ext without a session is refused by Better Auth's sign-in as unverified ...
  const { r } = await sql("SELECT auth_ext.sign_up_email($1, $2, $3, jsonb_build_object('auto_sign_in', false)) AS r", ["Unverified.SQL@Example.com", "sql-unverified-1", "U"]);
  assert.equal(r.token, null);
  assert.equal(r.session, null);
  assert.equal(r.existing_email, false);
  const { n } = await sql(`SELECT count(*)::int AS n FROM session WHERE "userId" = $1`, [r.user.id]);
  assert.equal(n, 0);
  const refused = await verifying.request("POST", "/sign-in/email", { body: { email: "unverified.sql@example.com", password: "sql-unverified-1" } });
  assert.deepEqual([refused.status, refused.json], [403, { code: "EMAIL_NOT_VERIFIED", message: "Email not verified" }]);
  // ... and a user signed up by Better Auth (requireEmailVerification) is refused by auth_ext the same way.
  const up = await verifying.request("POST", "/sign-up/email", { body: { email: "unverified.ba@example.com", password: "ba-unverified-1", name: "V" } });
  assert.deepEqual([up.status, up.json.token], [200, null]);
  await assert.rejects(sql("SELECT auth_ext.sign_in_email($1, $2, jsonb_build_object('require_email_verification', true))", ["unverified.ba@example.com", "ba-unverified-1"]),
    (e) => e.code === "28000" && e.constraint === "EMAIL_NOT_VERIFIED" && e.message === "EMAIL_NOT_VERIFIED: Email not verified");
  await assert.rejects(sql("SELECT auth_ext.sign_in_email($1, $2, jsonb_build_object('require_email_verification', true))", ["unverified.ba@example.com", "wrong-password-1"]),
    (e) => e.code === "28P01", "a wrong password is still INVALID_EMAIL_OR_PASSWORD, as in Better Auth");
  // The generic answer for a taken email: Better Auth's synthetic user and auth_ext's have the same fields.
  const theirs = await verifying.request("POST", "/sign-up/email", { body: { email: "Unverified.SQL@Example.com", password: "another-pass-1", name: "Again" } });
  assert.deepEqual([theirs.status, theirs.json.token], [200, null]);
  const { d } = await sql("SELECT auth_ext.sign_up_email($1, $2, $3, jsonb_build_object('auto_sign_in', false)) AS d", ["Unverified.BA@Example.com", "another-pass-1", "Again"]);
  assert.equal(d.existing_email, true);
  assert.equal(d.token, null);
  assert.deepEqual(Object.keys(d.user).sort(), Object.keys(theirs.json.user).sort());
  for (const [synthetic, existing] of [[d.user, up.json.user], [theirs.json.user, r.user]]) {
    assert.notEqual(synthetic.id, existing.id);
    assert.equal(synthetic.name, "Again");
    assert.equal(synthetic.emailVerified, false);
    assert.equal(synthetic.createdAt, synthetic.updatedAt);
  }
  const { users } = await sql(`SELECT count(*)::int AS users FROM "user" WHERE email IN ('unverified.sql@example.com', 'unverified.ba@example.com')`);
  assert.equal(users, 2, "no second user either way");
});
