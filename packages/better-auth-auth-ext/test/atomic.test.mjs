// Atomicity over a statement-level driver: a `query` that opens a fresh pg.Client per call in
// autocommit (as Neon's HTTP driver behaves) still gives an all-or-nothing sign-up, in one statement.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PASSWORD, countRows, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

/**
 * One fresh connection per statement, no transaction, and the bare array of rows as the result
 * (the shape of Neon's HTTP `sql.query`); records every statement it runs.
 */
function statementLevelQuery(config, statements) {
  return async (text, params) => {
    statements.push(text);
    const client = new pg.Client(config);
    client.on("error", () => {}); // a connection the database drop terminates: the query reports it
    await client.connect();
    try {
      return (await client.query(text, params)).rows;
    } finally {
      await client.end();
    }
  };
}

describe("sign-up over a statement-level driver", () => {
  let db;
  let statements;
  let auth;

  before(async () => {
    db = await createTestDatabase("plugin_atomic");
    statements = [];
    auth = createAuth({ pool: db.pool, plugin: true, query: statementLevelQuery(db.config, statements) });
  });
  after(async () => {
    await db?.drop();
  });

  test("sign-up and sign-in are one auth_ext statement each", async () => {
    const email = uniqueEmail("statement");
    await auth.auth.$context; // Better Auth's initialisation: the plugin's one-time grant check runs there
    statements.length = 0;
    const signUp = await auth.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "S" } });
    assert.equal(signUp.status, 200, signUp.text);
    assert.equal(statements.length, 1, statements.join("\n"));
    assert.match(statements[0], /^SELECT auth_ext\.sign_up_email\(\$1, \$2, \$3, pg_catalog\.jsonb_build_object\(.*\), \$15\) AS result$/);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });

    statements.length = 0;
    const signIn = await auth.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } });
    assert.equal(signIn.status, 200, signIn.text);
    assert.equal(statements.length, 1, statements.join("\n"));
    assert.match(statements[0], /^SELECT auth_ext\.sign_in_email\(\$1, \$2, pg_catalog\.jsonb_build_object\(.*\), \$10\) AS result$/);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 2 });
  });

  test("a failure after the user row is written leaves no user and no account behind", async () => {
    const email = uniqueEmail("atomic");
    await db.pool.query(`ALTER TABLE session ADD CONSTRAINT refuse_new_sessions CHECK (false) NOT VALID`);
    try {
      const failed = await auth.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "A" } });
      assert.equal(failed.status, 500, failed.text);
      assert.equal(failed.sessionCookie, undefined);
      assert.deepEqual(await countRows(db.pool, email), { users: 0, accounts: 0, sessions: 0 });
    } finally {
      await db.pool.query(`ALTER TABLE session DROP CONSTRAINT refuse_new_sessions`);
    }
    const retried = await auth.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "A" } });
    assert.equal(retried.status, 200, retried.text);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });
  });

  test("concurrent sign-ups with one email over separate connections: one user, no 500", { timeout: 60_000 }, async () => {
    const email = uniqueEmail("statement-race");
    const results = await Promise.all(Array.from({ length: 20 }, () =>
      auth.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "R" } })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, ...Array(19).fill(422)]);
    assert.deepEqual(await countRows(db.pool, email), { users: 1, accounts: 1, sessions: 1 });
  });
});
