// The plugin's `replica` option: sign-in and sign-up do their password work (scrypt) on the replica
// (auth_ext.password_proof / password_hash_proof) and the primary only takes the proof. The
// "replica" here is a read-only pool on the test database; the primary's statements are recorded
// through the plugin's `query` option, so each test sees what the primary was asked. The topology
// suite runs the same against a real hot standby and counts the primary's scrypt calls.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

const READ_ONLY = "-c default_transaction_read_only=on";

/** A query function on pool that records each statement's text and parameters. */
function recording(pool) {
  const seen = [];
  const query = (text, params) => {
    seen.push({ text, params });
    return pool.query(text, params);
  };
  return { seen, query };
}

const signIns = (seen) => seen.filter((s) => s.text.includes("auth_ext.sign_in_email("));
const signUps = (seen) => seen.filter((s) => s.text.includes("auth_ext.sign_up_email("));

/** Better Auth's logger, keeping the messages. */
function capturingLogger() {
  const lines = [];
  return { lines, logger: { disabled: false, level: "warn", log: (level, message) => lines.push(`${level}: ${message}`) } };
}

describe("the replica option", () => {
  let db;
  let replica;
  let down;
  let other;

  before(async () => {
    db = await createTestDatabase("plugin_replica");
    await db.pool.query("SELECT auth_ext.configure('better_auth_secret', 'plugin-replica-secret-0123456789abcdef0123')");
    replica = new pg.Pool({ ...db.config, max: 2, options: READ_ONLY });
    replica.on("error", () => {});
    down = new pg.Pool({ host: "127.0.0.1", port: 9, user: "nobody", database: "none", max: 1, connectionTimeoutMillis: 500 });
    down.on("error", () => {});
  });
  after(async () => {
    await replica?.end();
    await down?.end();
    await other?.drop();
    await db?.drop();
  });

  test("sign-up and sign-in take the replica's proofs; the primary checks no password", async () => {
    const primary = recording(db.pool);
    const { request } = createAuth({ pool: db.pool, plugin: true, query: primary.query, replica: { pool: replica } });
    const email = uniqueEmail("replica");
    const up = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "R" } });
    assert.equal(up.status, 200, up.text);
    assert.equal(signUps(primary.seen).length, 1);
    assert.equal(signUps(primary.seen)[0].params[1], null, "no password reached the primary's sign-up");
    assert.match(signUps(primary.seen)[0].params[14], /^ap1\./, "but the replica's proof");
    const before = Number((await db.pool.query("SELECT count(*) FROM auth_ext.used_password_proof")).rows[0].count);
    const inn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(inn.status, 200, inn.text);
    assert.equal(inn.json.user.id, up.json.user.id);
    assert.deepEqual(signIns(primary.seen).map((s) => s.params[1]), [null], "the primary's sign-in had no password");
    const afterCount = Number((await db.pool.query("SELECT count(*) FROM auth_ext.used_password_proof")).rows[0].count);
    assert.equal(afterCount, before + 1, "the primary took the proof once");
    // The replica's hash is Better Auth's format: plain Better Auth signs the user in.
    const plain = createAuth({ pool: db.pool });
    assert.equal((await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } })).status, 200);
  });

  test("a wrong password and an unknown email are answered by the replica; the primary is not asked", async () => {
    const email = uniqueEmail("replica-wrong");
    await createAuth({ pool: db.pool, plugin: true }).request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "W" } });
    const primary = recording(db.pool);
    const { request } = createAuth({ pool: db.pool, plugin: true, query: primary.query, replica: { pool: replica } });
    for (const body of [{ email, password: `${PASSWORD}!` }, { email: uniqueEmail("nobody"), password: PASSWORD }]) {
      const r = await request("POST", "/sign-in/email", { body });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.code, "INVALID_EMAIL_OR_PASSWORD");
    }
    assert.equal(signIns(primary.seen).length, 0, "no sign-in statement on the primary, so no scrypt there");
  });

  test("a replica that is down: the primary does the password work, the user sees no difference", async () => {
    const primary = recording(db.pool);
    const { lines, logger } = capturingLogger();
    const { request } = createAuth({ pool: db.pool, plugin: true, query: primary.query, replica: { pool: down }, options: { logger } });
    const email = uniqueEmail("replica-down");
    const up = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "D" } });
    assert.equal(up.status, 200, up.text);
    const inn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(inn.status, 200, inn.text);
    assert.deepEqual(signIns(primary.seen).map((s) => s.params[1]), [PASSWORD], "the one-statement path");
    assert.ok(lines.some((l) => l.includes("password work on the replica failed")), lines.join("\n"));
    assert.ok(!lines.some((l) => l.includes(PASSWORD)), "the password is never logged");
  });

  test("a proof the primary refuses (INVALID_PASSWORD_PROOF) is retried with the password on the primary", async () => {
    const email = uniqueEmail("replica-refused");
    await createAuth({ pool: db.pool, plugin: true }).request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "F" } });
    // A "replica" sealing with another better_auth_secret: another database with the same user and hash.
    other = await createTestDatabase("plugin_replica_other_secret");
    await other.pool.query("SELECT auth_ext.configure('better_auth_secret', 'another-secret-0123456789abcdef0123456789')");
    const { rows } = await db.pool.query(
      `SELECT u.id, u.name, a.password FROM "user" u JOIN account a ON a."userId" = u.id WHERE u.email = $1`, [email]);
    await other.pool.query(`INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") VALUES ($1, $2, $3, false, now(), now())`,
      [rows[0].id, rows[0].name, email]);
    await other.pool.query(`INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
                            VALUES ($1, $2, 'credential', $2, $3, now(), now())`, [`acct-${rows[0].id}`, rows[0].id, rows[0].password]);
    await other.pool.query("SELECT auth_ext.get_session('none')");  // builds the views, as a primary's first call does
    const otherReplica = new pg.Pool({ ...other.config, max: 1, options: READ_ONLY });
    otherReplica.on("error", () => {});
    try {
      const primary = recording(db.pool);
      const { lines, logger } = capturingLogger();
      const { request } = createAuth({ pool: db.pool, plugin: true, query: primary.query, replica: { pool: otherReplica }, options: { logger } });
      const inn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
      assert.equal(inn.status, 200, inn.text);
      assert.deepEqual(signIns(primary.seen).map((s) => s.params[1]), [null, PASSWORD], "the proof, then the password");
      assert.ok(lines.some((l) => l.includes("refused a password proof")), lines.join("\n"));
    } finally {
      await otherReplica.end();
    }
  });
});
