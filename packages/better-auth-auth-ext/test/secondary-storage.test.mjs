// Better Auth's secondaryStorage (sessions in a key-value store such as Redis) with the auth_ext
// plugin, against the real Better Auth 1.7.25 without it on the same database: sign-up writes the
// user and the credential account in one auth_ext statement and Better Auth's own createSession the
// session (to the store, and to the database only with session.storeSessionInDatabase); sign-in
// checks the password in SQL, then Better Auth writes the session the same way.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, countRows, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

/** countRows, with no sessions where there is no session table. */
async function rowsOf(db, email) {
  const { rows: [{ table }] } = await db.pool.query("SELECT to_regclass('session') IS NOT NULL AS table");
  if (table) return countRows(db.pool, email);
  const { rows: [row] } = await db.pool.query(
    `SELECT (SELECT count(*) FROM "user" WHERE email = lower($1))::int AS users,
            (SELECT count(*) FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = lower($1))::int AS accounts`,
    [email],
  );
  return { ...row, sessions: 0 };
}

/** A secondaryStorage over a Map, as Better Auth's own tests make one. */
function mapStorage() {
  const store = new Map();
  return {
    store,
    storage: {
      get: (key) => store.get(key) ?? null,
      set: (key, value) => { store.set(key, value); },
      delete: (key) => { store.delete(key); },
    },
  };
}

describe("secondaryStorage through the auth_ext plugin", () => {
  const dbs = {};

  before(async () => {
    dbs.true = await createTestDatabase("plugin_secondary_storage");
    // Better Auth's migrations make no session table when sessions live in secondaryStorage only.
    dbs.false = await createTestDatabase("plugin_secondary_storage_only");
    await dbs.false.pool.query("DROP TABLE session");
  });
  after(async () => {
    await dbs.true?.drop();
    await dbs.false?.drop();
  });

  for (const storeSessionInDatabase of [false, true]) {
    test(`sessions in the store${storeSessionInDatabase ? " and the database" : " (no session table)"}, as without the plugin`, async () => {
      const db = dbs[storeSessionInDatabase];
      const ours = mapStorage();
      const theirs = mapStorage();
      const session = { storeSessionInDatabase };
      const withPlugin = createAuth({ pool: db.pool, plugin: true, options: { secondaryStorage: ours.storage, session } });
      const plain = createAuth({ pool: db.pool, options: { secondaryStorage: theirs.storage, session } });
      const emails = { ours: uniqueEmail("ss.ours"), theirs: uniqueEmail("ss.theirs") };
      const upOurs = await withPlugin.request("POST", "/sign-up/email", { body: { email: emails.ours, password: PASSWORD, name: "S" } });
      const upTheirs = await plain.request("POST", "/sign-up/email", { body: { email: emails.theirs, password: PASSWORD, name: "S" } });
      assert.equal(upOurs.status, 200, upOurs.text);
      assert.equal(upTheirs.status, 200, upTheirs.text);
      const sessionsInDb = storeSessionInDatabase ? 1 : 0;
      assert.deepEqual(await rowsOf(db, emails.ours), { users: 1, accounts: 1, sessions: sessionsInDb });
      assert.deepEqual(await rowsOf(db, emails.theirs), { users: 1, accounts: 1, sessions: sessionsInDb });
      // The session is in the store, under its token, with the user, as Better Auth writes it.
      const stored = JSON.parse(ours.store.get(upOurs.json.token));
      assert.equal(stored.user.email, emails.ours);
      assert.equal(stored.session.token, upOurs.json.token);
      assert.deepEqual(Object.keys(stored.session).sort(), Object.keys(JSON.parse(theirs.store.get(upTheirs.json.token)).session).sort());
      // Better Auth's get-session reads it back, through either instance's store.
      const got = await withPlugin.request("GET", "/get-session", { cookie: upOurs.sessionCookie });
      assert.equal(got.status, 200, got.text);
      assert.equal(got.json?.user?.email, emails.ours);

      const inOurs = await withPlugin.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
      const inTheirs = await plain.request("POST", "/sign-in/email", { body: { email: emails.theirs, password: PASSWORD } });
      assert.equal(inOurs.status, 200, inOurs.text);
      assert.equal(inTheirs.status, 200, inTheirs.text);
      assert.ok(ours.store.has(inOurs.json.token), "the sign-in's session is in the store");
      assert.deepEqual(await rowsOf(db, emails.ours), { users: 1, accounts: 1, sessions: 2 * sessionsInDb });
      const listed = await withPlugin.request("GET", "/list-sessions", { cookie: inOurs.sessionCookie });
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.json.length, 2);

      // Refusals answer as ever: a wrong password, a taken email.
      const wrong = await withPlugin.request("POST", "/sign-in/email", { body: { email: emails.ours, password: "wrong password!" } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.code, "INVALID_EMAIL_OR_PASSWORD");
      const taken = await withPlugin.request("POST", "/sign-up/email", { body: { email: emails.ours, password: PASSWORD, name: "T" } });
      assert.equal(taken.status, 422);
      assert.equal(taken.json.code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
    });
  }
});
