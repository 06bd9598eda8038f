// Email verification against the real Better Auth 1.7.25 on the same database, both directions:
// a token made by auth_ext.create_email_verification_token verifies the email through Better Auth's
// GET /verify-email, and a token Better Auth mailed (sign-up with sendOnSignUp, or POST
// /send-verification-email) verifies it through auth_ext.verify_email; expired, tampered and
// mismatched tokens fail with the same codes on both sides; and in the same second both make the
// very same token.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase } from "../lib/db.mjs";
import { createBetterAuth, SECRET } from "../lib/better-auth.mjs";

let db;
let ba;        // sends a verification email on sign-up; the mails land in `mails`
let baPast;    // the same, with emailVerification.expiresIn -10: every token it makes is expired
let baAuto;    // autoSignInAfterVerification
const mails = [];
before(async () => {
  db = await createTestDatabase("auth_ext_interop_email_verification");
  await db.pool.query("SELECT auth_ext.create_better_auth_schema()");
  await db.pool.query("SELECT auth_ext.configure('better_auth_secret', $1)", [SECRET]);
  const sendVerificationEmail = async ({ user, url, token }) => { mails.push({ email: user.email, userId: user.id, url, token }); };
  ba = createBetterAuth({ pool: db.pool, emailVerification: { sendOnSignUp: true, sendVerificationEmail } });
  baPast = createBetterAuth({ pool: db.pool, emailVerification: { sendVerificationEmail, expiresIn: -10 } });
  baAuto = createBetterAuth({ pool: db.pool, emailVerification: { sendVerificationEmail, autoSignInAfterVerification: true } });
});
after(async () => { await db.drop(); });

const sql = async (text, params) => (await db.pool.query(text, params)).rows[0];
const sqlError = (text, params) => sql(text, params).then(() => null, (e) => ({ code: e.code, message: e.message }));
const verified = async (email) => (await sql('SELECT "emailVerified" AS v FROM "user" WHERE email = $1', [email])).v;
const decode = (segment) => Buffer.from(segment, "base64url").toString("utf8");
const lastMailTo = (email) => mails.filter((m) => m.email === email).at(-1);
const signUpSql = async (email) => (await sql("SELECT auth_ext.sign_up_email($1, 'password-1234', 'N') AS r", [email])).r.user;
const sqlToken = async (email, expiresIn = 3600) =>
  (await sql("SELECT auth_ext.create_email_verification_token($1, jsonb_build_object('expires_in', CAST($2 AS integer))) AS r", [email, expiresIn])).r.token;
const baVerify = (token, callbackURL) =>
  ba.request("GET", `/verify-email?token=${encodeURIComponent(token)}${callbackURL ? `&callbackURL=${encodeURIComponent(callbackURL)}` : ""}`);
const tamper = (token) => {
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(decode(p));
  payload.email = "mallory@example.com";
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
};

test("a token made by auth_ext verifies the email through Better Auth's GET /verify-email", async () => {
  const user = await signUpSql("Sql.Token@Example.com");
  await sql(`UPDATE "user" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE id = $1`, [user.id]);
  const token = await sqlToken("sql.token@example.com");
  const res = await baVerify(token);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { status: true, user: null });
  const row = await sql('SELECT "emailVerified", "updatedAt" > now() - interval \'1 minute\' AS touched FROM "user" WHERE id = $1', [user.id]);
  assert.equal(row.emailVerified, true);
  assert.equal(row.touched, true, "Better Auth's updateUserByEmail sets updatedAt, as verify_email does");
  // Again: already verified, on both sides the same answer.
  assert.deepEqual((await baVerify(token)).json, { status: true, user: null });
  assert.deepEqual((await sql("SELECT auth_ext.verify_email($1) AS r", [token])).r, { status: true, user: null });
});

test("a token Better Auth mailed on sign-up verifies the email through auth_ext.verify_email", async () => {
  const up = await ba.request("POST", "/sign-up/email", { body: { email: "BA.Mailed@Example.com", password: "password-1234", name: "B" } });
  assert.equal(up.status, 200);
  const mail = lastMailTo("ba.mailed@example.com");
  assert.ok(mail, "Better Auth sent the mail");
  assert.equal(mail.url, `http://localhost:3000/api/auth/verify-email?token=${mail.token}&callbackURL=%2F`);
  const { r } = await sql("SELECT auth_ext.verify_email($1) AS r", [mail.token]);
  assert.equal(r.status, true);
  assert.equal(r.user.id, up.json.user.id);
  assert.equal(r.user.emailVerified, true);
  assert.equal(await verified("ba.mailed@example.com"), true);
  const session = await ba.request("POST", "/sign-in/email", { body: { email: "ba.mailed@example.com", password: "password-1234" } });
  assert.equal(session.json.user.emailVerified, true, "Better Auth sees the user verified");
});

test("a token from POST /send-verification-email (no session) verifies through auth_ext, with a session when asked", async () => {
  await signUpSql("resend@example.com");
  const res = await ba.request("POST", "/send-verification-email", { body: { email: "resend@example.com" } });
  assert.deepEqual(res.json, { status: true });
  const mail = lastMailTo("resend@example.com");
  const { r } = await sql("SELECT auth_ext.verify_email($1, jsonb_build_object('create_session', true, 'ip_address', '203.0.113.7', 'user_agent', 'interop')) AS r", [mail.token]);
  assert.equal(r.user.emailVerified, true);
  assert.equal(r.token, r.session.token);
  const s = await ba.request("GET", "/get-session", { headers: { authorization: `Bearer ${r.token}` } });
  assert.equal(s.json.user.email, "resend@example.com", "the session verify_email created is Better Auth's");
  assert.equal(s.json.user.emailVerified, true);
});

test("in the same second, Better Auth and auth_ext make the very same token", async () => {
  const user = await signUpSql("same.token@example.com");
  for (let attempt = 0; attempt < 5; attempt++) {
    await ba.request("POST", "/send-verification-email", { body: { email: "same.token@example.com" } });
    const theirs = lastMailTo("same.token@example.com").token;
    const ours = await sqlToken("same.token@example.com");
    const [, payload] = theirs.split(".");
    const claims = JSON.parse(decode(payload));
    assert.deepEqual(Object.keys(claims), ["email", "userId", "iat", "exp"]);
    assert.equal(claims.userId, user.id);
    assert.equal(decode(theirs.split(".")[0]), '{"alg":"HS256"}');
    if (claims.iat === JSON.parse(decode(ours.split(".")[1])).iat) {
      assert.equal(ours, theirs, "byte for byte");
      return;
    }
  }
  assert.fail("no two tokens in the same second in five attempts");
});

test("expired tokens: TOKEN_EXPIRED on both sides, whoever made them", async () => {
  const user = await signUpSql("expired@example.com");
  const ours = (await sql("SELECT auth_ext._sign_email_verification_token('expired@example.com', $1, -10) AS t", [user.id])).t;
  const res = await baVerify(ours);
  assert.equal(res.status, 401);
  assert.equal(res.json.code, "TOKEN_EXPIRED");
  assert.equal(res.json.message, "Token expired");
  const redirect = await baVerify(ours, "/after");
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.get("location"), "/after?error=TOKEN_EXPIRED");

  await baPast.request("POST", "/send-verification-email", { body: { email: "expired@example.com" } });
  const theirs = lastMailTo("expired@example.com").token;
  assert.ok(JSON.parse(decode(theirs.split(".")[1])).exp < Date.now() / 1000);
  assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [theirs]), { code: "28000", message: "TOKEN_EXPIRED: Token expired" });
  assert.equal((await baVerify(theirs)).json.code, "TOKEN_EXPIRED", "Better Auth agrees about its own token");
  assert.equal(await verified("expired@example.com"), false);
});

test("tampered tokens and tokens signed with another secret: INVALID_TOKEN on both sides", async () => {
  await signUpSql("tamper@example.com");
  await signUpSql("mallory@example.com");
  await ba.request("POST", "/send-verification-email", { body: { email: "tamper@example.com" } });
  const theirs = lastMailTo("tamper@example.com").token;
  const ours = await sqlToken("tamper@example.com");
  // A changed signature: its first character (the last one may carry only padding bits, which a
  // decoder ignores, so changing it can leave the signature as it was).
  const [oursHeader, oursPayload, oursSignature] = ours.split(".");
  const resigned = `${oursHeader}.${oursPayload}.${oursSignature[0] === "A" ? "B" : "A"}${oursSignature.slice(1)}`;
  for (const token of [tamper(theirs), tamper(ours), resigned, "not-a-token"]) {
    const res = await baVerify(token);
    assert.equal(res.status, 401);
    assert.equal(res.json.code, "INVALID_TOKEN");
    assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [token]), { code: "28000", message: "INVALID_TOKEN: Invalid token" });
  }
  const other = createBetterAuth({ pool: db.pool, secret: "another-secret-entirely-0123456789abcdef",
                                   emailVerification: { sendVerificationEmail: async ({ user, token }) => { mails.push({ email: user.email, token }); } } });
  await other.request("POST", "/send-verification-email", { body: { email: "tamper@example.com" } });
  assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [lastMailTo("tamper@example.com").token]),
                   { code: "28000", message: "INVALID_TOKEN: Invalid token" });
  const redirect = await baVerify(tamper(ours), "/after?x=1");
  assert.equal(redirect.headers.get("location"), "/after?x=1&error=INVALID_TOKEN");
  assert.equal(await verified("tamper@example.com"), false);
  assert.equal(await verified("mallory@example.com"), false);
});

test("a userId that is not the user's: INVALID_TOKEN; an unknown email: USER_NOT_FOUND, on both sides", async () => {
  await signUpSql("bound@example.com");
  const mismatched = (await sql("SELECT auth_ext._sign_email_verification_token('bound@example.com', 'someone-else', 60) AS t")).t;
  const res = await baVerify(mismatched);
  assert.equal(res.status, 401);
  assert.equal(res.json.code, "INVALID_TOKEN");
  assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [mismatched]), { code: "28000", message: "INVALID_TOKEN: Invalid token" });

  const user = await signUpSql("gone@example.com");
  await ba.request("POST", "/send-verification-email", { body: { email: "gone@example.com" } });
  const theirs = lastMailTo("gone@example.com").token;
  const ours = await sqlToken("gone@example.com");
  await sql("SELECT auth_ext.delete_user($1)", [user.id]);
  for (const token of [theirs, ours]) {
    const gone = await baVerify(token);
    assert.equal(gone.status, 401, "Better Auth answers USER_NOT_FOUND with 401 on this route");
    assert.equal(gone.json.code, "USER_NOT_FOUND");
    assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [token]), { code: "P0002", message: "USER_NOT_FOUND: User not found" });
  }
});

test("autoSignInAfterVerification: Better Auth signs in with an auth_ext token as verify_email(create_session) does", async () => {
  await signUpSql("auto@example.com");
  const res = await baAuto.request("GET", `/verify-email?token=${await sqlToken("auto@example.com")}`);
  assert.equal(res.status, 200);
  assert.ok(res.sessionCookie, "Better Auth set a session cookie");
  const { s } = await sql("SELECT auth_ext.get_session($1) AS s", [res.sessionCookie.slice("better-auth.session_token=".length)]);
  assert.equal(s.user.email, "auto@example.com");
  assert.equal(s.user.emailVerified, true);
});

test("send-verification-email refuses an already verified user with a session; auth_ext says EMAIL_ALREADY_VERIFIED", async () => {
  await ba.request("POST", "/sign-up/email", { body: { email: "done@example.com", password: "password-1234", name: "D" } });
  await sql("SELECT auth_ext.verify_email($1)", [lastMailTo("done@example.com").token]);
  const signIn = await ba.request("POST", "/sign-in/email", { body: { email: "done@example.com", password: "password-1234" } });
  const res = await ba.request("POST", "/send-verification-email", { body: { email: "done@example.com" }, cookie: signIn.sessionCookie });
  assert.equal(res.status, 400);
  assert.equal(res.json.code, "EMAIL_ALREADY_VERIFIED");
  const count = mails.length;
  const silent = await ba.request("POST", "/send-verification-email", { body: { email: "done@example.com" } });
  assert.deepEqual(silent.json, { status: true }, "without a session Better Auth says nothing");
  assert.equal(mails.length, count, "and sends nothing");
  assert.deepEqual(await sqlError("SELECT auth_ext.create_email_verification_token('done@example.com')"),
                   { code: "P0001", message: "EMAIL_ALREADY_VERIFIED: Email is already verified" });
});

// ---- change-email tokens (updateTo), as Better Auth's POST /change-email mails them ----

const confirmations = [];
const changeEmailAuth = () => createBetterAuth({
  pool: db.pool,
  emailVerification: { sendVerificationEmail: async ({ user, url, token }) => { mails.push({ email: user.email, userId: user.id, url, token }); } },
  user: { changeEmail: { enabled: true,
                         sendChangeEmailConfirmation: async ({ user, newEmail, token }) => { confirmations.push({ email: user.email, newEmail, token }); } } },
});
const claimsOf = (token) => JSON.parse(decode(token.split(".")[1]));
const userRow = (id) => sql('SELECT email, "emailVerified" FROM "user" WHERE id = $1', [id]);

test("change-email: Better Auth's change-email-verification token changes the email through auth_ext.verify_email", async () => {
  const auth = changeEmailAuth();
  const user = await signUpSql("change.me@example.com");  // unverified: Better Auth mails the new address directly
  const signIn = await auth.request("POST", "/sign-in/email", { body: { email: "change.me@example.com", password: "password-1234" } });
  const res = await auth.request("POST", "/change-email", { body: { newEmail: "Changed.Me@Example.com" }, cookie: signIn.sessionCookie });
  assert.equal(res.status, 200);
  const mail = lastMailTo("changed.me@example.com");
  assert.deepEqual(Object.keys(claimsOf(mail.token)), ["email", "updateTo", "requestType", "userId", "iat", "exp"]);
  assert.equal(claimsOf(mail.token).requestType, "change-email-verification");
  const { r } = await sql("SELECT auth_ext.verify_email($1) AS r", [mail.token]);
  assert.equal(r.user.email, "changed.me@example.com");
  assert.deepEqual(await userRow(user.id), { email: "changed.me@example.com", emailVerified: false });
});

test("change-email: a verified user's confirmation (Better Auth's token) gives auth_ext's verification token, which Better Auth accepts", async () => {
  const auth = changeEmailAuth();
  const user = await signUpSql("confirm.me@example.com");
  await sql("SELECT auth_ext.verify_email($1)", [await sqlToken("confirm.me@example.com")]);
  const signIn = await auth.request("POST", "/sign-in/email", { body: { email: "confirm.me@example.com", password: "password-1234" } });
  await auth.request("POST", "/change-email", { body: { newEmail: "confirmed.new@example.com" }, cookie: signIn.sessionCookie });
  const confirmation = confirmations.at(-1);
  assert.equal(claimsOf(confirmation.token).requestType, "change-email-confirmation");
  const { r } = await sql("SELECT auth_ext.verify_email($1) AS r", [confirmation.token]);
  assert.equal(r.user, null);
  assert.equal(r.verification.user.email, "confirmed.new@example.com");
  assert.deepEqual(await userRow(user.id), { email: "confirm.me@example.com", emailVerified: true }, "nothing changed yet");
  // What Better Auth itself would have mailed (it mails the same claims from the same confirmation).
  await auth.request("GET", `/verify-email?token=${confirmation.token}`);
  const theirs = lastMailTo("confirmed.new@example.com").token;
  const strip = ({ iat, exp, ...rest }) => rest;
  assert.deepEqual(strip(claimsOf(r.verification.token)), strip(claimsOf(theirs)));
  assert.deepEqual(Object.keys(claimsOf(r.verification.token)), Object.keys(claimsOf(theirs)));
  const res = await auth.request("GET", `/verify-email?token=${r.verification.token}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.user.email, "confirmed.new@example.com");
  assert.deepEqual(await userRow(user.id), { email: "confirmed.new@example.com", emailVerified: true }, "Better Auth keeps emailVerified");
});

test("change-email, legacy token (no requestType): made by auth_ext, Better Auth changes the email; its new token verifies through auth_ext", async () => {
  const auth = changeEmailAuth();
  const user = await signUpSql("legacy.old@example.com");
  const token = (await sql("SELECT auth_ext._sign_email_verification_token('legacy.old@example.com', $1, 60, 'legacy.new@example.com') AS t",
                           [user.id])).t;
  const res = await auth.request("GET", `/verify-email?token=${token}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.user.email, "legacy.new@example.com");
  assert.deepEqual(await userRow(user.id), { email: "legacy.new@example.com", emailVerified: false });
  const mail = lastMailTo("legacy.new@example.com");
  assert.deepEqual(Object.keys(claimsOf(mail.token)), ["email", "userId", "iat", "exp"]);
  const { r } = await sql("SELECT auth_ext.verify_email($1) AS r", [mail.token]);
  assert.equal(r.user.emailVerified, true);
  // The same legacy token through auth_ext on another user: the same change, and the token to mail.
  const other = await signUpSql("legacy2.old@example.com");
  const ours = (await sql("SELECT auth_ext.verify_email(auth_ext._sign_email_verification_token('legacy2.old@example.com', $1, 60, 'legacy2.new@example.com')) AS r",
                          [other.id])).r;
  assert.deepEqual([ours.user.email, ours.user.emailVerified], ["legacy2.new@example.com", false]);
  assert.deepEqual(strip2(claimsOf(ours.verification.token)), { email: "legacy2.new@example.com", userId: other.id });
  // A change-email token whose email is no longer the user's: INVALID_TOKEN on both sides.
  assert.equal((await auth.request("GET", `/verify-email?token=${token}`)).json.code, "INVALID_TOKEN");
  assert.deepEqual(await sqlError("SELECT auth_ext.verify_email($1)", [token]), { code: "28000", message: "INVALID_TOKEN: Invalid token" });
});
const strip2 = ({ iat, exp, ...rest }) => rest;
