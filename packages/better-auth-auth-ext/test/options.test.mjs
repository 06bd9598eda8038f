// Better Auth's options followed by the plugin's SQL: session.expiresIn (and the one-day
// "don't remember me" session), Better Auth's log lines for expected failures, and what the
// plugin refuses at startup (an application's own password hasher, a lifetime it cannot pass on).
import { after, before, describe, mock, test } from "node:test";
import assert from "node:assert/strict";
import { BETTER_AUTH_MINOR, PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

/** Seconds between a session row's creation and its expiry. */
async function lifetime(pool, token) {
  const { rows: [row] } = await pool.query(
    `SELECT extract(epoch FROM "expiresAt" - "createdAt")::int AS seconds FROM session WHERE token = $1`, [token]);
  return row?.seconds;
}

describe("the plugin follows Better Auth's options", () => {
  let db;

  before(async () => {
    db = await createTestDatabase("plugin_options");
  });
  after(async () => {
    await db?.drop();
  });

  test("session.expiresIn 120: sessions from sign-up and sign-in last 120 s, and get-session drops them after", async () => {
    const options = { session: { expiresIn: 120 } };
    const withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    const plain = createAuth({ pool: db.pool, options });
    const email = uniqueEmail("expires-in");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "E" } });
    assert.equal(signUp.status, 200, signUp.text);
    assert.equal(await lifetime(db.pool, signUp.json.token), 120);
    const signIn = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(await lifetime(db.pool, signIn.json.token), 120);
    const theirs = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(await lifetime(db.pool, theirs.json.token), 120, "Better Auth without the plugin: the same lifetime");
    assert.match(signIn.setCookies.find((c) => c.startsWith("better-auth.session_token=")), /Max-Age=120/i);

    const live = await plain.request("GET", "/get-session", { cookie: signIn.sessionCookie });
    assert.equal(live.json?.user?.id, signUp.json.user.id);
    mock.timers.enable({ apis: ["Date"], now: Date.now() + 121_000 });
    let expired;
    try {
      expired = await plain.request("GET", "/get-session", { cookie: signIn.sessionCookie });
    } finally {
      mock.timers.reset();
    }
    assert.equal(expired.status, 200);
    assert.equal(expired.json, null, "Better Auth's get-session: an expired session is gone");
    assert.equal(await lifetime(db.pool, signIn.json.token), undefined, "and its row deleted");
  });

  test("rememberMe: false is one day whatever session.expiresIn is, as in Better Auth", async () => {
    const options = { session: { expiresIn: 120 } };
    const withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    const plain = createAuth({ pool: db.pool, options });
    const email = uniqueEmail("forget-me");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "F", rememberMe: false } });
    assert.equal(signUp.status, 200, signUp.text);
    assert.equal(await lifetime(db.pool, signUp.json.token), 86400);
    const ours = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD, rememberMe: false } });
    const theirs = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD, rememberMe: false } });
    assert.equal(await lifetime(db.pool, ours.json.token), 86400);
    assert.equal(await lifetime(db.pool, theirs.json.token), 86400);
  });

  test("the default session.expiresIn is Better Auth's 7 days", async () => {
    const withPlugin = createAuth({ pool: db.pool, plugin: true });
    const email = uniqueEmail("default-lifetime");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "D" } });
    assert.equal(await lifetime(db.pool, signUp.json.token), 604800);
  });

  test("expected failures are logged as Better Auth logs them: same levels, same messages, no error", async () => {
    const logs = { ours: [], theirs: [] };
    const logger = (into) => ({ level: "info", log: (level, message) => into.push([level, message]) });
    const withPlugin = createAuth({ pool: db.pool, plugin: true, options: { logger: logger(logs.ours) } });
    const plain = createAuth({ pool: db.pool, options: { logger: logger(logs.theirs) } });
    await withPlugin.auth.$context;
    await plain.auth.$context;
    const email = uniqueEmail("logged");
    assert.equal((await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "L" } })).status, 200);
    const cases = [
      ["/sign-in/email", { email, password: `${PASSWORD}!` }, [["warn", "Invalid password"]]],
      ["/sign-in/email", { email: uniqueEmail("missing"), password: PASSWORD }, [["warn", "User not found"]]],
      // Better Auth 1.6 checks no length at sign-in: a password over the maximum is a wrong one.
      ["/sign-in/email", { email, password: "x".repeat(129) }, [["warn", BETTER_AUTH_MINOR >= 7 ? "Password is too long" : "Invalid password"]]],
      ["/sign-up/email", { email: uniqueEmail("short"), password: "short", name: "S" }, [["warn", "Password is too short"]]],
      ["/sign-up/email", { email: uniqueEmail("long"), password: "x".repeat(129), name: "S" }, [["warn", "Password is too long"]]],
      ["/sign-up/email", { email, password: PASSWORD, name: "Again" }, [["info", `Sign-up attempt for existing email: ${email}`]]],
    ];
    for (const [path, body, expected] of cases) {
      logs.ours.length = 0;
      logs.theirs.length = 0;
      const ours = await withPlugin.request("POST", path, { body });
      const theirs = await plain.request("POST", path, { body });
      assert.deepEqual({ status: ours.status, json: ours.json }, { status: theirs.status, json: theirs.json });
      assert.deepEqual(logs.theirs, expected, `Better Auth itself, ${path} ${JSON.stringify(body).slice(0, 60)}`);
      assert.deepEqual(logs.ours, expected, `the plugin, ${path} ${JSON.stringify(body).slice(0, 60)}`);
    }

    // A credential account without a password (Better Auth: "Password not found").
    const noPassword = uniqueEmail("no-password");
    const made = await plain.request("POST", "/sign-up/email", { body: { email: noPassword, password: PASSWORD, name: "N" } });
    await db.pool.query(`UPDATE account SET password = NULL WHERE "userId" = $1`, [made.json.user.id]);
    logs.ours.length = 0;
    assert.equal((await withPlugin.request("POST", "/sign-in/email", { body: { email: noPassword, password: PASSWORD } })).status, 401);
    assert.deepEqual(logs.ours, [["warn", "Password not found"]]);

    // A stored hash that is not Better Auth's format: a warning that says so, not an error.
    await db.pool.query(`UPDATE account SET password = 'garbage' WHERE "userId" = $1`, [made.json.user.id]);
    logs.ours.length = 0;
    assert.equal((await withPlugin.request("POST", "/sign-in/email", { body: { email: noPassword, password: PASSWORD } })).status, 401);
    assert.equal(logs.ours.length, 1);
    assert.equal(logs.ours[0][0], "warn");
    assert.match(logs.ours[0][1], /^Invalid password \(the stored hash is not Better Auth's scrypt format/);
  });

  test("an application's own emailAndPassword.password is refused at startup, by name", async () => {
    const custom = createAuth({
      pool: db.pool,
      plugin: true,
      options: { emailAndPassword: { password: { hash: async (p) => `custom:${p}`, verify: async () => true } } },
    });
    await assert.rejects(custom.auth.$context, /emailAndPassword\.password\.hash and verify \(a custom password hasher/);
    const customVerify = createAuth({
      pool: db.pool,
      plugin: true,
      options: { emailAndPassword: { password: { verify: async () => true } } },
    });
    await assert.rejects(customVerify.auth.$context, /emailAndPassword\.password\.verify \(a custom password hasher/);
    // authExtPassword (support.mjs adds it) and no password option at all are fine.
    await createAuth({ pool: db.pool, plugin: true }).auth.$context;
    await createAuth({ pool: db.pool, plugin: true, options: { emailAndPassword: { password: undefined } } }).auth.$context;
  });

  test("a session.expiresIn the database cannot take is refused at startup", async () => {
    for (const expiresIn of [1.5, 315360001]) {
      const refused = createAuth({ pool: db.pool, plugin: true, options: { session: { expiresIn } } });
      await assert.rejects(refused.auth.$context, /session\.expiresIn/);
    }
  });
});
