// Better Auth's sign-up / sign-in options that change the flow, through the auth_ext plugin and
// compared with the real Better Auth 1.7.25 without it, on the same database and the same
// configuration: emailAndPassword.requireEmailVerification and autoSignIn: false (no session, the
// generic answer for a taken email, the verification email), the application's database create
// before hooks, and the admin and username plugins, whose init registers database hooks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { APIError } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { admin, username } from "better-auth/plugins";
import { BETTER_AUTH_MINOR, PASSWORD, SECRET, countRows, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

/** A response's user without what differs between two sign-ups (id, email, timestamps). */
function comparable(json) {
  if (!json?.user) return json;
  const { id: _id, email: _email, createdAt: _c, updatedAt: _u, ...user } = json.user;
  return { ...json, token: json.token === null ? null : typeof json.token, user };
}

/** Both auth instances of one configuration: with the plugin and without it. */
function pair(db, options) {
  return { ours: createAuth({ pool: db.pool, plugin: true, options }), theirs: createAuth({ pool: db.pool, options }) };
}

/** The same sign-up through both (an email of its own each); checks they answer alike. */
async function signUpBoth(auths, body, label = "flow") {
  const emails = { ours: uniqueEmail(`${label}.ours`), theirs: uniqueEmail(`${label}.theirs`) };
  const ours = await auths.ours.request("POST", "/sign-up/email", { body: { ...body, email: emails.ours } });
  const theirs = await auths.theirs.request("POST", "/sign-up/email", { body: { ...body, email: emails.theirs } });
  assert.equal(ours.status, theirs.status, `${ours.text} vs ${theirs.text}`);
  assert.deepEqual(comparable(ours.json), comparable(theirs.json));
  return { ours, theirs, emails };
}

/** The same request through both; checks status and body are identical. */
async function sameAnswer(auths, method, path, options) {
  const ours = await auths.ours.request(method, path, options);
  const theirs = await auths.theirs.request(method, path, options);
  assert.deepEqual({ status: ours.status, json: ours.json }, { status: theirs.status, json: theirs.json }, `${ours.text} vs ${theirs.text}`);
  return { ours, theirs };
}

describe("sign-up and sign-in flow options through the auth_ext plugin", () => {
  let db;

  before(async () => {
    db = await createTestDatabase("plugin_sign_flow");
    const migrations = await getMigrations({
      database: db.pool, secret: SECRET, emailAndPassword: { enabled: true }, plugins: [admin(), username()],
    });
    await migrations.runMigrations();
  });
  after(async () => {
    await db?.drop();
  });

  test("requireEmailVerification: no session, the verification email, EMAIL_NOT_VERIFIED until verified", async () => {
    const sent = { ours: [], theirs: [] };
    const auths = {
      ours: createAuth({ pool: db.pool, plugin: true, options: {
        emailAndPassword: { requireEmailVerification: true },
        emailVerification: { sendOnSignIn: true, sendVerificationEmail: async (data) => { sent.ours.push(data); } },
      } }),
      theirs: createAuth({ pool: db.pool, options: {
        emailAndPassword: { enabled: true, requireEmailVerification: true },
        emailVerification: { sendOnSignIn: true, sendVerificationEmail: async (data) => { sent.theirs.push(data); } },
      } }),
    };
    const { ours, emails } = await signUpBoth(auths, { password: PASSWORD, name: "Verify", callbackURL: "/welcome" }, "verify");
    assert.equal(ours.json.token, null);
    assert.equal(ours.sessionCookie, undefined, "no session cookie");
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 1, accounts: 1, sessions: 0 });
    // The verification email on sign-up (sendOnSignUp defaults to requireEmailVerification).
    assert.equal(sent.ours.length, 1);
    assert.equal(sent.theirs.length, 1);
    assert.equal(sent.ours[0].user.id, ours.json.user.id);
    const url = new URL(sent.ours[0].url);
    assert.equal(url.pathname, "/api/auth/verify-email");
    assert.equal(url.searchParams.get("callbackURL"), "/welcome");

    // Sign-in before verifying: a wrong password is still 401; the right one 403, and the email again.
    for (const email of [emails.ours, emails.theirs]) {
      const wrong = await sameAnswer(auths, "POST", "/sign-in/email", { body: { email, password: "wrong-password" } });
      assert.equal(wrong.ours.status, 401);
      const refused = await sameAnswer(auths, "POST", "/sign-in/email", { body: { email, password: PASSWORD } });
      assert.equal(refused.ours.status, 403);
      assert.deepEqual(refused.ours.json, { code: "EMAIL_NOT_VERIFIED", message: "Email not verified" });
    }
    assert.equal(sent.ours.length, 3, "sendOnSignIn: one email per refused sign-in through the plugin");
    assert.equal(sent.theirs.length, 3);
    assert.equal(sent.ours[1].user.email, emails.ours);
    assert.equal((await countRows(db.pool, emails.ours)).sessions, 0);

    // The link from the plugin's sign-up verifies through Better Auth; then sign-in works.
    const verified = await auths.ours.request("GET", `/verify-email?token=${url.searchParams.get("token")}`);
    assert.equal(verified.status, 200, verified.text);
    const signedIn = await auths.ours.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(signedIn.status, 200, signedIn.text);
    assert.equal(signedIn.json.user.emailVerified, true);
    assert.ok(signedIn.sessionCookie);
    assert.equal((await countRows(db.pool, emails.ours)).sessions, 1);
  });

  test("requireEmailVerification without sendVerificationEmail: 403 and no email, as Better Auth", async () => {
    const auths = pair(db, { emailAndPassword: { enabled: true, requireEmailVerification: true } });
    const { emails } = await signUpBoth(auths, { password: PASSWORD, name: "NoMail" }, "nomail");
    const refused = await sameAnswer(auths, "POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(refused.ours.status, 403);
  });

  test("autoSignIn: false: the user and account, no session, token null", async () => {
    const auths = pair(db, { emailAndPassword: { enabled: true, autoSignIn: false } });
    const { ours, emails } = await signUpBoth(auths, { password: PASSWORD, name: "NoAuto", image: "https://example.com/a.png" }, "noauto");
    assert.equal(ours.json.token, null);
    assert.equal(ours.sessionCookie, undefined);
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 1, accounts: 1, sessions: 0 });
    const signedIn = await auths.ours.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(signedIn.status, 200, "an unverified user signs in without requireEmailVerification");
  });

  for (const [label, emailAndPassword] of [
    ["requireEmailVerification", { enabled: true, requireEmailVerification: true }],
    ["autoSignIn: false", { enabled: true, autoSignIn: false }],
  ]) {
    test(`${label}: a taken email gets Better Auth's generic 200, no second user, onExistingUserSignUp`, async () => {
      const existing = { ours: [], theirs: [] };
      const auths = {
        ours: createAuth({ pool: db.pool, plugin: true, options: {
          emailAndPassword: { ...emailAndPassword, onExistingUserSignUp: async ({ user }) => { existing.ours.push(user); } },
        } }),
        theirs: createAuth({ pool: db.pool, options: {
          emailAndPassword: { ...emailAndPassword, onExistingUserSignUp: async ({ user }) => { existing.theirs.push(user); } },
        } }),
      };
      const email = uniqueEmail("taken");
      const first = await auths.theirs.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "First" } });
      assert.equal(first.status, 200, first.text);
      const body = { email: email.toUpperCase(), password: "another-password-1", name: "Second", image: "https://example.com/s.png" };
      const ours = await auths.ours.request("POST", "/sign-up/email", { body });
      const theirs = await auths.theirs.request("POST", "/sign-up/email", { body });
      assert.equal(ours.status, 200, ours.text);
      assert.equal(theirs.status, 200, theirs.text);
      assert.deepEqual(comparable(ours.json), comparable(theirs.json));
      assert.deepEqual(Object.keys(ours.json.user).sort(), Object.keys(theirs.json.user).sort());
      assert.equal(ours.json.token, null);
      assert.equal(ours.json.user.email, email.toLowerCase());
      assert.notEqual(ours.json.user.id, first.json.user.id, "a fresh id, not the existing user's");
      assert.equal(ours.json.existing_email, undefined, "nothing tells the client");
      assert.equal(ours.sessionCookie, undefined);
      assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 0 });
      assert.equal(existing.ours.length, 1);
      assert.equal(existing.ours[0].id, first.json.user.id);
      assert.equal(existing.theirs.length, 1);
    });
  }

  test("the application's user and session create.before hooks change the data, as in Better Auth", async () => {
    const hooks = {
      user: { create: { before: async (user) => ({ data: { ...user, name: `${user.name} (hooked)`, image: "https://example.com/hooked.png" } }) } },
      session: { create: { before: async (session) => ({ data: { ...session, userAgent: "hooked-agent", ipAddress: "192.0.2.1" } }) } },
    };
    const auths = pair(db, { databaseHooks: hooks });
    const { ours, emails } = await signUpBoth(auths, { password: PASSWORD, name: "Hook" }, "hookdata");
    assert.equal(ours.json.user.name, "Hook (hooked)");
    const { rows: [row] } = await db.pool.query(
      `SELECT u.name, u.image, s."userAgent", s."ipAddress", s.token FROM "user" u JOIN session s ON s."userId" = u.id WHERE u.email = $1`,
      [emails.ours],
    );
    assert.deepEqual(row, { name: "Hook (hooked)", image: "https://example.com/hooked.png", userAgent: "hooked-agent", ipAddress: "192.0.2.1", token: ours.json.token });
    // Sign-in: the session hook runs through Better Auth's createSession after auth_ext's password check.
    const signedIn = await auths.ours.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(signedIn.status, 200, signedIn.text);
    const { rows: [session] } = await db.pool.query(`SELECT "userAgent" FROM session WHERE token = $1`, [signedIn.json.token]);
    assert.equal(session.userAgent, "hooked-agent");
  });

  test("a hook may choose the user id and the session token", async () => {
    const auths = pair(db, { databaseHooks: {
      user: { create: { before: async (user) => ({ data: { ...user, id: `chosen-${user.email}` } }) } },
      session: { create: { before: async (session) => ({ data: { ...session, token: `chosen-token-${session.userId}` } }) } },
    } });
    const { ours, emails } = await signUpBoth(auths, { password: PASSWORD, name: "Chosen" }, "chosen");
    assert.equal(ours.json.user.id, `chosen-${emails.ours}`);
    assert.equal(ours.json.token, `chosen-token-chosen-${emails.ours}`);
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 1, accounts: 1, sessions: 1 });
  });

  test("a create.before hook that returns false or throws: Better Auth's status and code, nothing written", async () => {
    const refusing = pair(db, { databaseHooks: { user: { create: { before: async () => false } } } });
    const { ours, emails } = await signUpBoth(refusing, { password: PASSWORD, name: "No" }, "nouser");
    assert.equal(ours.status, 400);
    assert.equal(ours.json.code, "FAILED_TO_CREATE_USER");
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 0, accounts: 0, sessions: 0 });

    const throwing = pair(db, { databaseHooks: { user: { create: { before: async () => {
      throw APIError.from("BAD_REQUEST", { code: "NOT_TODAY", message: "Not today" });
    } } } } });
    const thrown = await signUpBoth(throwing, { password: PASSWORD, name: "No" }, "throw");
    assert.deepEqual(thrown.ours.json, { code: "NOT_TODAY", message: "Not today" });
    assert.deepEqual(await countRows(db.pool, thrown.emails.ours), { users: 0, accounts: 0, sessions: 0 });

    const noSession = pair(db, { databaseHooks: { session: { create: { before: async () => false } } } });
    const signUp = await signUpBoth(noSession, { password: PASSWORD, name: "NoSession" }, "nosession");
    assert.equal(signUp.ours.status, 400);
    assert.equal(signUp.ours.json.code, "FAILED_TO_CREATE_SESSION");
    assert.deepEqual(await countRows(db.pool, signUp.emails.ours), { users: 0, accounts: 0, sessions: 0 },
      "the whole sign-up is refused, as Better Auth's transaction rolls back");
    // Sign-in of an existing user: 401 FAILED_TO_CREATE_SESSION for the right password, 401
    // INVALID_EMAIL_OR_PASSWORD for a wrong one, in both.
    const email = uniqueEmail("nosession.signin");
    await createAuth({ pool: db.pool }).request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "S" } });
    const right = await sameAnswer(noSession, "POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(right.ours.status, 401);
    assert.equal(right.ours.json.code, "FAILED_TO_CREATE_SESSION");
    const wrong = await sameAnswer(noSession, "POST", "/sign-in/email", { body: { email, password: "wrong-password" } });
    assert.equal(wrong.ours.json.code, "INVALID_EMAIL_OR_PASSWORD");
  });

  test("after hooks see the written rows", async () => {
    const seen = [];
    const auths = pair(db, { databaseHooks: {
      user: { create: { before: async (user) => ({ data: { ...user, name: "Before" } }), after: async (user) => { seen.push(user); } } },
    } });
    const { ours } = await signUpBoth(auths, { password: PASSWORD, name: "After" }, "after");
    const mine = seen.find((u) => u.id === ours.json.user.id);
    assert.ok(mine, "the after hook got the written user");
    assert.equal(mine.name, "Before");
    assert.ok(mine.createdAt instanceof Date);
  });

  test("an account create after hook sees the written credential account, its hash included, as in Better Auth", async () => {
    const seen = [];
    const auths = pair(db, { databaseHooks: { account: { create: { after: async (account) => { seen.push(account); } } } } });
    const { ours, theirs } = await signUpBoth(auths, { password: PASSWORD, name: "Acct" }, "acct-after");
    const mine = seen.find((a) => a.userId === ours.json.user.id);
    const reference = seen.find((a) => a.userId === theirs.json.user.id);
    assert.ok(mine && reference, "both after hooks ran");
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(reference).sort());
    assert.equal(mine.providerId, "credential");
    assert.equal(mine.accountId, ours.json.user.id);
    assert.match(mine.password, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    assert.ok(mine.createdAt instanceof Date);
    const { rows: [row] } = await db.pool.query(`SELECT id FROM account WHERE "userId" = $1`, [ours.json.user.id]);
    assert.equal(mine.id, row.id);
  });

  test("the admin plugin: the default role is written; a banned user cannot sign in; an expired ban is lifted", async () => {
    const auths = pair(db, { plugins: [admin()] });
    const { ours, theirs, emails } = await signUpBoth(auths, { password: PASSWORD, name: "Admin" }, "admin");
    assert.equal(ours.json.user.role, "user");
    const { rows } = await db.pool.query(`SELECT email, role, banned FROM "user" WHERE email = ANY($1) ORDER BY email`, [[emails.ours, emails.theirs]]);
    assert.deepEqual(rows.map((r) => [r.role, r.banned]), [["user", false], ["user", false]]);
    assert.equal(theirs.json.user.role, "user");

    await db.pool.query(`UPDATE "user" SET banned = true, "banReason" = 'spam' WHERE email = $1`, [emails.ours]);
    const banned = await sameAnswer(auths, "POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(banned.ours.status, 403);
    assert.equal(banned.ours.json.code, "BANNED_USER");
    assert.match(banned.ours.json.message, /^You have been banned from this application/);
    const wrong = await sameAnswer(auths, "POST", "/sign-in/email", { body: { email: emails.ours, password: "wrong-password" } });
    assert.equal(wrong.ours.json.code, "INVALID_EMAIL_OR_PASSWORD", "the password is checked first");
    assert.equal((await countRows(db.pool, emails.ours)).sessions, 1, "only the sign-up's session");

    await db.pool.query(`UPDATE "user" SET "banExpires" = now() - interval '1 minute' WHERE email = $1`, [emails.ours]);
    const lifted = await auths.ours.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    assert.equal(lifted.status, 200, lifted.text);
    const { rows: [after] } = await db.pool.query(`SELECT banned, "banReason" FROM "user" WHERE email = $1`, [emails.ours]);
    assert.deepEqual(after, { banned: false, banReason: null });
  });

  test("the username plugin: the username normalised, displayUsername kept, taken usernames refused alike", async () => {
    const auths = pair(db, { plugins: [username()] });
    const ours = await auths.ours.request("POST", "/sign-up/email", {
      body: { email: uniqueEmail("uname.ours"), password: PASSWORD, name: "U", username: "Mixed.Case_Ours" },
    });
    const theirs = await auths.theirs.request("POST", "/sign-up/email", {
      body: { email: uniqueEmail("uname.theirs"), password: PASSWORD, name: "U", username: "Mixed.Case_Theirs" },
    });
    assert.equal(ours.status, 200, ours.text);
    assert.equal(theirs.status, 200, theirs.text);
    assert.equal(ours.json.user.username, "mixed.case_ours");
    assert.equal(ours.json.user.displayUsername, "Mixed.Case_Ours");
    assert.equal(theirs.json.user.username, "mixed.case_theirs");
    assert.equal(theirs.json.user.displayUsername, "Mixed.Case_Theirs");
    const { rows: [row] } = await db.pool.query(`SELECT username, "displayUsername" FROM "user" WHERE id = $1`, [ours.json.user.id]);
    assert.deepEqual(row, { username: "mixed.case_ours", displayUsername: "Mixed.Case_Ours" });
    // The username signs in through the username plugin's own route.
    const byName = await auths.ours.request("POST", "/sign-in/username", { body: { username: "MIXED.case_ours", password: PASSWORD } });
    assert.equal(byName.status, 200, byName.text);
    const taken = await sameAnswer(auths, "POST", "/sign-up/email", {
      body: { email: uniqueEmail("uname.taken"), password: PASSWORD, name: "U", username: "mixed.case_ours" },
    });
    assert.equal(taken.ours.json.code, "USERNAME_IS_ALREADY_TAKEN");
  });

  test("user.validateUserInfo: allowed, refused with Better Auth's 403, hidden behind the generic answer", {
    skip: BETTER_AUTH_MINOR < 7 && "user.validateUserInfo is new in Better Auth 1.7",
  }, async () => {
    const seen = [];
    const validateUserInfo = async ({ user, source }) => {
      seen.push(source);
      if (user.email.startsWith("blocked")) return { error: "BLOCKED_DOMAIN", errorDescription: "Sign-ups from here are closed" };
      return undefined;
    };
    const auths = pair(db, { user: { validateUserInfo } });
    const allowed = await signUpBoth(auths, { password: PASSWORD, name: "V" }, "validate");
    assert.equal(allowed.ours.status, 200, allowed.ours.text);
    assert.deepEqual(seen.map((s) => s.method), ["email-password", "email-password"]);
    const blocked = await sameAnswer(auths, "POST", "/sign-up/email", {
      body: { email: `blocked.${uniqueEmail("v")}`, password: PASSWORD, name: "B" },
    });
    assert.equal(blocked.ours.status, 403);
    assert.deepEqual(blocked.ours.json, { code: "BLOCKED_DOMAIN", message: "Sign-ups from here are closed" });
    // With requireEmailVerification, a refusal looks like any sign-up (Better Auth's generic answer).
    const quiet = pair(db, { user: { validateUserInfo }, emailAndPassword: { enabled: true, requireEmailVerification: true } });
    const hiddenEmail = `blocked.${uniqueEmail("q")}`;
    const ours = await quiet.ours.request("POST", "/sign-up/email", { body: { email: hiddenEmail, password: PASSWORD, name: "Q" } });
    const theirs = await quiet.theirs.request("POST", "/sign-up/email", { body: { email: hiddenEmail, password: PASSWORD, name: "Q" } });
    assert.equal(ours.status, 200, ours.text);
    assert.deepEqual(comparable(ours.json), comparable(theirs.json));
    assert.deepEqual(await countRows(db.pool, hiddenEmail), { users: 0, accounts: 0, sessions: 0 });
  });

  test("a response's user has Better Auth's keys in Better Auth's order, real or synthetic", async () => {
    const options = { emailAndPassword: { enabled: true, requireEmailVerification: true } };
    const auths = pair(db, options);
    const { ours, theirs, emails } = await signUpBoth(auths, { password: PASSWORD, name: "Order" }, "order");
    assert.deepEqual(Object.keys(ours.json.user), Object.keys(theirs.json.user));
    const again = await auths.ours.request("POST", "/sign-up/email", { body: { email: emails.ours, password: PASSWORD, name: "Again" } });
    assert.deepEqual(Object.keys(again.json.user), Object.keys(ours.json.user), "the synthetic user of a taken email");
  });

  test("a Better Auth on another database than PostgreSQL is refused at startup, by name", async () => {
    const { memoryAdapter } = await import("better-auth/adapters/memory");
    const refused = createAuth({ pool: db.pool, plugin: true, options: {
      database: memoryAdapter({ user: [], session: [], account: [], verification: [] }),
    } });
    await assert.rejects(refused.auth.$context, /the database adapter "memory" \(auth_ext reads and writes Better Auth's tables in PostgreSQL/);
  });
});
