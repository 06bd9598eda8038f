// The plugin pointed at a hot standby: sign-up and sign-in answer 503 READ_ONLY (the coded 25006),
// never a 500, and authExtPassword's verify works there.
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
});
