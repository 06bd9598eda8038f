// The grants the README documents for Better Auth's server role are enough: its SQL block, run as
// it is (the role's name and password aside), gives a role that runs sign-up, sign-in, get-session,
// change-password and sign-out through the plugin, and is not the extension owner.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { grantsBlock } from "./readme.mjs";
import { PASSWORD, countRows, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

const ROLE = `auth_ext_plugin_server_${process.pid}`;

/** `config` with the role as the user, in either of pg's two config shapes. */
function asRole(config, role) {
  if (!config.connectionString) return { ...config, user: role };
  const url = new URL(config.connectionString);
  url.username = role;
  return { connectionString: url.toString() };
}

describe("the documented grants for Better Auth's server role", () => {
  let db;
  let rolePool;

  before(async () => {
    db = await createTestDatabase("plugin_grants");
    const role = pg.escapeIdentifier(ROLE);
    await db.pool.query(`DROP ROLE IF EXISTS ${role}`);
    // The README's block, with this test's role for better_auth (a role of the whole cluster).
    const sql = grantsBlock().replaceAll("better_auth", ROLE).replace("PASSWORD '...'", "PASSWORD 'grants-test-password'");
    await db.pool.query(sql);
    rolePool = new pg.Pool({ ...asRole(db.config, ROLE), max: 4 });
  });
  after(async () => {
    await rolePool?.end();
    await db?.pool.query(`DROP OWNED BY ${pg.escapeIdentifier(ROLE)}`);
    await db?.pool.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(ROLE)}`);
    await db?.drop();
  });

  test("the role is not the owner and cannot read auth_ext's settings", async () => {
    const { rows: [me] } = await rolePool.query("SELECT current_user AS name, rolsuper FROM pg_roles WHERE rolname = current_user");
    assert.deepEqual(me, { name: ROLE, rolsuper: false });
    await assert.rejects(rolePool.query("SELECT * FROM auth_ext.setting"), (error) => error.code === "42501");
  });

  test("sign-up, sign-in, get-session, change-password and sign-out work with those grants", async () => {
    const { request } = createAuth({ pool: rolePool, plugin: true });
    const email = uniqueEmail("granted");
    const signUp = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "G" } });
    assert.equal(signUp.status, 200, signUp.text);
    const signIn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    const session = await request("GET", "/get-session", { cookie: signIn.sessionCookie });
    assert.equal(session.json?.user?.id, signUp.json.user.id);
    const changed = await request("POST", "/change-password", {
      cookie: signIn.sessionCookie,
      body: { currentPassword: PASSWORD, newPassword: "granted new passphrase" },
    });
    assert.equal(changed.status, 200, changed.text);
    const signOut = await request("POST", "/sign-out", { cookie: signIn.sessionCookie });
    assert.equal(signOut.status, 200, signOut.text);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });
  });
});

describe("a role without auth_ext.grant_app_role", () => {
  const role = `auth_ext_plugin_ungranted_${process.pid}`;
  let db;
  let rolePool;

  before(async () => {
    db = await createTestDatabase("plugin_ungranted");
    const quoted = pg.escapeIdentifier(role);
    await db.pool.query(`DROP ROLE IF EXISTS ${quoted}`);
    await db.pool.query(`CREATE ROLE ${quoted} LOGIN`);
    await db.pool.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON "user", session, account, verification, jwks TO ${quoted}`);
    rolePool = new pg.Pool({ ...asRole(db.config, role), max: 2 });
  });
  after(async () => {
    await rolePool?.end();
    await db?.pool.query(`DROP OWNED BY ${pg.escapeIdentifier(role)}`);
    await db?.pool.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`);
    await db?.drop();
  });

  test("is named, with the fix, in the log at startup and in the body of sign-up and sign-in (never an empty 500)", async () => {
    const logged = [];
    const { request } = createAuth({
      pool: rolePool,
      plugin: true,
      options: { logger: { level: "error", log: (level, message) => logged.push(`${level}: ${message}`) } },
    });
    const fix = `SELECT auth_ext.grant_app_role('${role}')`;
    const email = uniqueEmail("ungranted");
    for (const [path, body] of [
      ["/sign-up/email", { email, password: PASSWORD, name: "U" }],
      ["/sign-in/email", { email, password: PASSWORD }],
    ]) {
      const r = await request("POST", path, { body });
      assert.equal(r.status, 500, r.text);
      assert.equal(r.json?.code, "AUTH_EXT_NOT_GRANTED", r.text);
      assert.ok(r.json.message.includes(fix), r.json.message);
    }
    assert.ok(logged.some((line) => line.includes(fix) && line.includes("USAGE on schema auth_ext")), logged.join("\n"));
  });
});

describe("Better Auth's tables owned by another role than auth_ext's owner", () => {
  let db;
  const OTHER = `auth_ext_plugin_migrator_${process.pid}`;

  before(async () => {
    db = await createTestDatabase("plugin_table_owner");
    await db.pool.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(OTHER)}`);
    await db.pool.query(`CREATE ROLE ${pg.escapeIdentifier(OTHER)}`);
    // As if Better Auth's migrator had run as another role: a table of its own.
    await db.pool.query(`CREATE TABLE "rateLimit" (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL, "lastRequest" bigint NOT NULL)`);
    await db.pool.query(`ALTER TABLE "rateLimit" OWNER TO ${pg.escapeIdentifier(OTHER)}`);
  });
  after(async () => {
    await db?.pool.query(`DROP TABLE IF EXISTS "rateLimit" CASCADE`);
    await db?.pool.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(OTHER)}`);
    await db?.drop();
  });

  test("the plugin refuses to start, naming the table, its owner and the fix", async () => {
    const { auth } = createAuth({ pool: db.pool, plugin: true });
    await assert.rejects(auth.$context, (error) => {
      assert.match(error.message, /UNTRUSTED_OBJECT: table (public\.)?"rateLimit" belongs to role auth_ext_plugin_migrator_\d+/);
      assert.match(error.message, /ALTER TABLE \.\.\. OWNER TO/);
      return true;
    });
  });

  test("handed over to the owner, it starts and signs up", async () => {
    await db.pool.query(`ALTER TABLE "rateLimit" OWNER TO CURRENT_USER`);
    const { request } = createAuth({ pool: db.pool, plugin: true });
    const res = await request("POST", "/sign-up/email", { body: { email: uniqueEmail("handed"), password: PASSWORD, name: "H" } });
    assert.equal(res.status, 200, res.text);
  });
});
