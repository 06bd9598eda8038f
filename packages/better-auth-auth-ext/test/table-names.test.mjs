// Custom table and column names (Better Auth's modelName / fields, additionalFields' fieldName),
// against the real Better Auth 1.7.25 on the same database: its migrator makes the renamed tables,
// auth_ext's better_auth_names names them, and then the plugin's one-statement sign-up and sign-in,
// Better Auth without the plugin, and auth_ext's SQL functions all work on the same rows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getMigrations } from "better-auth/db/migration";
import { jwt, bearer } from "better-auth/plugins";
import { authExtTableNames } from "../dist/index.js";
import { PASSWORD, SECRET, createAuth, createTestDatabase, signToken, uniqueEmail } from "./support.mjs";

const options = {
  user: {
    modelName: "users",
    fields: { emailVerified: "email_verified", createdAt: "created_at", updatedAt: "updated_at" },
    additionalFields: { nickname: { type: "string", required: false, fieldName: "nick_name" } },
  },
  session: { modelName: "sessions", fields: { userId: "user_id", expiresAt: "expires_at", ipAddress: "ip_address" } },
  account: { modelName: "accounts", fields: { userId: "user_id", providerId: "provider_id", accountId: "account_id", password: "password_hash" } },
  verification: { modelName: "verifications", fields: { expiresAt: "expires_at" } },
};
// The same names in auth_ext's setting (the statement the plugin's refusal names, checked below).
const NAMES = {
  user: { modelName: "users", fields: { emailVerified: "email_verified", createdAt: "created_at", updatedAt: "updated_at", nickname: "nick_name" } },
  session: { modelName: "sessions", fields: { userId: "user_id", expiresAt: "expires_at", ipAddress: "ip_address" } },
  account: { modelName: "accounts", fields: { userId: "user_id", providerId: "provider_id", accountId: "account_id", password: "password_hash" } },
  verification: { modelName: "verifications", fields: { expiresAt: "expires_at" } },
};

describe("custom table and column names", () => {
  let db;
  let withPlugin;
  let plain;
  const one = async (text, params) => (await db.pool.query(text, params)).rows[0];

  before(async () => {
    db = await createTestDatabase("plugin_table_names");
    // Only the renamed tables: nothing may fall back to Better Auth's default ones.
    await db.pool.query(`DROP TABLE "session", "account", "verification", "user"`);
    const migrations = await getMigrations({ database: db.pool, secret: SECRET, emailAndPassword: { enabled: true }, ...options });
    await migrations.runMigrations();
    await db.pool.query("SELECT auth_ext.configure('better_auth_secret', $1)", [SECRET]);
    plain = createAuth({ pool: db.pool, options });
  });
  after(async () => {
    await db?.drop();
  });

  test("until auth_ext has the names, the plugin refuses to start, naming the statement that configures them", async () => {
    const refused = createAuth({ pool: db.pool, plugin: true, options });
    const error = await refused.auth.$context.then(() => undefined, (e) => e);
    assert.ok(error, "the plugin started without the names");
    const statement = /SELECT auth_ext\.configure\('better_auth_names', '.*'\)/.exec(error.message)?.[0];
    assert.ok(statement, error.message);
    // The statement it names is the one that makes them agree (run as the owner).
    await db.pool.query(statement);
    assert.deepEqual((await one("SELECT auth_ext.table_names() AS n")).n, NAMES);
    assert.deepEqual(await db.pool.query("SELECT * FROM auth_ext.check_schema()").then((r) => r.rows), []); // 1.6 and 1.7 schemas alike
    withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    await withPlugin.auth.$context;
  });

  test("a sign-up through the plugin writes the renamed tables and signs in through Better Auth without it", async () => {
    const email = uniqueEmail("names-up");
    const up = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Names", nickname: "nick" } });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.json.user.nickname, "nick");
    assert.equal(up.json.user.emailVerified, false);
    const row = await one("SELECT u.nick_name, u.email_verified, a.provider_id, a.password_hash IS NOT NULL AS hashed FROM users u JOIN accounts a ON a.user_id = u.id JOIN sessions s ON s.user_id = u.id WHERE u.email = $1", [email]);
    assert.deepEqual(row, { nick_name: "nick", email_verified: false, provider_id: "credential", hashed: true });

    const signIn = await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(signIn.json.user.id, up.json.user.id);
    const session = await plain.request("GET", "/get-session", { cookie: up.sessionCookie });
    assert.equal(session.json?.user?.nickname, "nick", "Better Auth reads the session and user the plugin wrote");
  });

  test("a sign-up through Better Auth without the plugin signs in through it, and get_session reads its cookie", async () => {
    const email = uniqueEmail("names-ba");
    const up = await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "BA", nickname: "ba" } });
    assert.equal(up.status, 200, up.text);
    const signIn = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(signIn.json.user.id, up.json.user.id);
    assert.equal(signIn.json.user.nickname, "ba");
    const wrong = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: "not the password" } });
    assert.equal(wrong.status, 401);
    const { s } = await one("SELECT auth_ext.get_session($1) AS s", [`${up.json.token}.${signToken(up.json.token)}`]);
    assert.equal(s.user.id, up.json.user.id);
    assert.equal(s.user.nickname, "ba", "rows come back under Better Auth's field names");
    assert.equal(typeof s.session.expiresAt, "string");
  });

  test("the plugin and Better Auth answer a sign-up alike", async () => {
    const shape = (json) => Object.keys(json.user).sort();
    const a = await withPlugin.request("POST", "/sign-up/email", { body: { email: uniqueEmail("alike"), password: PASSWORD, name: "A" } });
    const b = await plain.request("POST", "/sign-up/email", { body: { email: uniqueEmail("alike"), password: PASSWORD, name: "B" } });
    assert.equal(a.status, 200);
    assert.deepEqual(shape(a.json), shape(b.json));
    const taken = await withPlugin.request("POST", "/sign-up/email", { body: { email: a.json.user.email, password: PASSWORD, name: "A" } });
    const takenPlain = await plain.request("POST", "/sign-up/email", { body: { email: a.json.user.email, password: PASSWORD, name: "A" } });
    assert.equal(taken.status, takenPlain.status);
    assert.equal(taken.json.code, takenPlain.json.code);
  });

  test("a password reset made in SQL is redeemed by Better Auth through the renamed verification table", async () => {
    const email = uniqueEmail("names-reset");
    await plain.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "R" } });
    const { r } = await one("SELECT auth_ext.request_password_reset($1) AS r", [email]);
    assert.equal((await one("SELECT count(*)::int AS n FROM verifications WHERE identifier = $1", [`reset-password:${r.token}`])).n, 1);
    const reset = await plain.request("POST", "/reset-password", { body: { token: r.token, newPassword: "a brand new password" } });
    assert.equal(reset.status, 200, reset.text);
    const signIn = await withPlugin.request("POST", "/sign-in/email", { body: { email, password: "a brand new password" } });
    assert.equal(signIn.status, 200, signIn.text);
  });

  test("authExtTableNames(options) gives the setting for a configuration, for deployment scripts", () => {
    assert.deepEqual(JSON.parse(authExtTableNames({ ...options, plugins: [jwt(), bearer()] })), NAMES);
    assert.equal(authExtTableNames({ plugins: [jwt()] }), "{}");
    assert.deepEqual(JSON.parse(authExtTableNames({ plugins: [jwt({ schema: { jwks: { modelName: "keys", fields: { publicKey: "public_key" } } } })] })),
      { jwks: { modelName: "keys", fields: { publicKey: "public_key" } } });
  });

  test("a database unreachable at startup is asked before the first request's database call: a difference is a 500, the fix logged", async () => {
    let down = true;
    const query = async (text, params) => {
      if (down) throw Object.assign(new Error("connection refused"), { code: "08006" });
      return db.pool.query(text, params);
    };
    // The column exists (Better Auth checks its own schema at startup when it logs); auth_ext is
    // not told of the rename.
    await db.pool.query("ALTER TABLE users ADD COLUMN IF NOT EXISTS avatar text");
    const logged = [];
    const drifted = createAuth({
      pool: db.pool, plugin: true, query,
      options: {
        ...options, user: { ...options.user, fields: { ...options.user.fields, image: "avatar" } },
        logger: { disabled: false, level: "error", log: (level, message) => logged.push(`${level} ${message}`) },
      },
    });
    await drifted.auth.$context;  // it could not ask, so it starts
    down = false;
    const res = await drifted.request("POST", "/sign-up/email", { body: { email: uniqueEmail("lazy"), password: PASSWORD, name: "L" } });
    assert.equal(res.status, 500);
    assert.equal(res.json.code, "AUTH_EXT_TABLE_NAMES_MISMATCH");
    assert.doesNotMatch(res.text, /auth_ext\.configure|better_auth_names/, "the statement goes to the log, not to the client");
    assert.ok(logged.some((line) => /SELECT auth_ext\.configure\('better_auth_names', '.*"image":"avatar"/.test(line)), logged.join("\n"));
    const signIn = await drifted.request("POST", "/sign-in/email", { body: { email: "nobody@example.com", password: PASSWORD } });
    assert.equal(signIn.json?.code, "AUTH_EXT_TABLE_NAMES_MISMATCH", "sign-in is refused alike");
  });

  test("names that differ again (a column renamed in Better Auth only) refuse the next start", async () => {
    const drifted = createAuth({ pool: db.pool, plugin: true, options: { ...options, user: { ...options.user, fields: { ...options.user.fields, image: "avatar" } } } });
    await assert.rejects(drifted.auth.$context, /"image":"avatar"/);
  });
});
