// The plugin (and Better Auth's own routes on the same pool) through PgBouncer in transaction mode,
// with a pool of POOL_SIZE server connections for 20 concurrent users. The plugin's statements are
// unnamed (pool.query(text, params)), so they need nothing from the pooler; named statements, by
// contrast, survive only a PgBouncer that keeps prepared statements (1.21+).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PASSWORD, countRows, createAuth, createTestDatabase, uniqueEmail } from "../support.mjs";
import { POOL_SIZE, POOLER_PREPARED, bounded, poolerConfig } from "./env.mjs";

const DATABASE = "plugin_topology_pooler";
const USERS = 20;

describe("through PgBouncer in transaction mode", () => {
  let db;
  let pooled;
  let ba;

  before(async () => {
    db = await createTestDatabase(DATABASE);
    pooled = new pg.Pool({ ...poolerConfig(DATABASE), max: 10 });
    ba = createAuth({ pool: pooled, plugin: true });
  });
  after(async () => {
    await pooled?.end();
    await db?.drop();
  });

  test(`${USERS} users sign up, sign in, read their session, get a JWT and sign out through a pool of ${POOL_SIZE}`, { timeout: 120_000 }, async () => {
    const flow = async (i) => {
      const email = uniqueEmail("pooled");
      const up = await ba.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: `P${i}` } });
      assert.equal(up.status, 200, up.text);
      const signedIn = await ba.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
      assert.equal(signedIn.status, 200, signedIn.text);
      assert.equal(signedIn.json.user.id, up.json.user.id);
      for (let j = 0; j < 6; j++) {
        const session = await ba.request("GET", "/get-session", { cookie: signedIn.sessionCookie });
        assert.equal(session.status, 200, session.text);
        assert.equal(session.json.user.email, email);
        assert.equal(session.json.session.token, signedIn.json.token);
      }
      const token = await ba.request("GET", "/token", { cookie: signedIn.sessionCookie });
      assert.equal(token.status, 200, token.text);
      const { rows } = await pooled.query("SELECT auth_ext.verify_jwt($1)->>'sub' AS sub", [token.json.token]);
      assert.equal(rows[0].sub, up.json.user.id);
      const out = await ba.request("POST", "/sign-out", { cookie: signedIn.sessionCookie });
      assert.equal(out.status, 200, out.text);
      const gone = await ba.request("GET", "/get-session", { cookie: signedIn.sessionCookie });
      assert.equal(gone.json, null);
      return email;
    };
    const emails = await bounded(Promise.all(Array.from({ length: USERS }, (_, i) => flow(i))), 100_000);
    assert.notEqual(emails, "timeout");
    for (const email of emails) {
      // the sign-up's session is left; the sign-in's was signed out
      assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "user"`);
    assert.equal(rows[0].n, USERS);
  });

  test("named statements need a pooler that keeps prepared statements; the plugin uses none", { timeout: 60_000 }, async () => {
    const named = { name: "topology_named", text: "SELECT pg_backend_pid() AS pid" };
    const client = new pg.Client(poolerConfig(DATABASE));
    await client.connect();
    const holders = [];
    try {
      const { pid } = (await client.query(named)).rows[0]; // parsed once, by name, on this server connection
      assert.equal((await client.query(named)).rows[0].pid, pid);
      for (let i = 0; i < POOL_SIZE - 1; i++) { // hold that server connection from another client
        const holder = new pg.Client(poolerConfig(DATABASE));
        await holder.connect();
        holders.push(holder);
        await holder.query("BEGIN");
        if ((await holder.query("SELECT pg_backend_pid() AS pid")).rows[0].pid === pid) break;
      }
      let outcome;
      try {
        const other = (await bounded(client.query(named), 30_000)).rows[0].pid;
        assert.notEqual(other, pid);
        outcome = "ok";
      } catch (error) {
        outcome = error.code ?? String(error);
      }
      assert.equal(outcome, POOLER_PREPARED ? "ok" : "26000");
      // the plugin's own calls meanwhile, on the other server connections: unnamed, so fine
      const email = uniqueEmail("unnamed");
      const up = await ba.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "U" } });
      assert.equal(up.status, 200, up.text);
    } finally {
      for (const holder of holders) await holder.end();
      await client.end();
    }
  });
});
