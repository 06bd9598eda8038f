// The plugin pointed at a hot standby: sign-up and sign-in answer 503 READ_ONLY (the coded 25006),
// never a 500, and authExtPassword's verify works there. With the standby as its replica option,
// sign-up and sign-in do their password work there and the primary counts no scrypt.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "../support.mjs";
import { STANDBY_PORT, waitForReplay } from "./env.mjs";
import { authExtPassword } from "../../dist/index.js";

const DATABASE = "plugin_topology_standby";

describe("on a hot standby", () => {
  let db;
  let standby;

  before(async () => {
    db = await createTestDatabase(DATABASE);
    standby = new pg.Pool({ host: "127.0.0.1", port: STANDBY_PORT, user: "postgres", database: DATABASE, max: 2 });
  });
  after(async () => {
    await standby?.end();
    await db?.drop();
  });

  test("sign-up and sign-in are 503 READ_ONLY; password checks work", { timeout: 60_000 }, async () => {
    const email = uniqueEmail("standby");
    const onPrimary = createAuth({ pool: db.pool, plugin: true });
    const up = await onPrimary.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "S" } });
    assert.equal(up.status, 200, up.text);
    await waitForReplay(db.pool, standby);

    const onStandby = createAuth({ pool: standby, plugin: true });
    for (const [path, body] of [
      ["/sign-up/email", { email: uniqueEmail("standby-new"), password: PASSWORD, name: "N" }],
      ["/sign-in/email", { email, password: PASSWORD }],
    ]) {
      const r = await onStandby.request("POST", path, { body });
      assert.equal(r.status, 503, `${path}: ${r.text}`);
      assert.equal(r.json.code, "READ_ONLY");
    }
    const { rows } = await standby.query(
      `SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = $1`, [email]);
    const password = authExtPassword({ pool: standby });
    assert.equal(await password.verify({ hash: rows[0].password, password: PASSWORD }), true);
    assert.equal(await password.verify({ hash: rows[0].password, password: "not the password" }), false);
  });

  test("with the standby as the replica option, the primary runs no scrypt", { timeout: 60_000 }, async () => {
    const admin = new pg.Client({ ...db.config });
    await admin.connect();
    const scrypts = async () => Number((await admin.query(
      `SELECT COALESCE(sum(calls), 0) AS calls FROM pg_stat_user_functions
        WHERE schemaname = 'auth_ext' AND funcname IN ('hash_password', 'verify_password')`)).rows[0].calls);
    // A pool of its own (its backends report their function counts when they exit, at pool.end()).
    const primary = new pg.Pool({ ...db.config, max: 2, application_name: "plugin_proof_test" });
    primary.on("error", () => {});
    const exited = async () => {
      for (let i = 0; i < 300; i++) {
        const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'plugin_proof_test'");
        if (rows[0].n === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error("the pool's backends did not exit");
    };
    try {
      await admin.query(`ALTER DATABASE "${DATABASE}" SET track_functions = 'all'`);
      await admin.query("SELECT auth_ext.configure('better_auth_secret', 'plugin-topology-secret-0123456789abcdef01')");
      await waitForReplay(db.pool, standby);
      const before = await scrypts();
      const { request } = createAuth({ pool: primary, plugin: true, replica: { pool: standby } });
      const email = uniqueEmail("through-standby");
      const up = await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "T" } });
      assert.equal(up.status, 200, up.text);
      for (let i = 0; i < 3; i++) {  // the first a moment after sign-up: the standby waits to replay it
        const inn = await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
        assert.equal(inn.status, 200, inn.text);
      }
      const wrong = await request("POST", "/sign-in/email", { body: { email, password: "not the password" } });
      assert.equal(wrong.status, 401, wrong.text);
      await primary.end();
      await exited();
      assert.equal(await scrypts(), before, "no scrypt on the primary: a sign-up, 3 sign-ins and a wrong password");
      // The control: without the replica option the primary counts the sign-in's scrypt.
      const control = new pg.Pool({ ...db.config, max: 1, application_name: "plugin_proof_test" });
      control.on("error", () => {});
      const direct = await createAuth({ pool: control, plugin: true }).request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
      assert.equal(direct.status, 200, direct.text);
      await control.end();
      await exited();
      assert.equal(await scrypts(), before + 1, "the one-statement sign-in's scrypt is counted");
    } finally {
      await admin.query(`ALTER DATABASE "${DATABASE}" RESET track_functions`);
      await admin.end();
    }
  });
});
