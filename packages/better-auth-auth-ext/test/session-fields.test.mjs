// session.additionalFields (and a plugin's session fields) through the auth_ext plugin, against the
// real Better Auth 1.7.25: sign-up and sign-in write the same session rows as Better Auth without
// the plugin on the same database, and Better Auth's own get-session reads them back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getMigrations } from "better-auth/db/migration";
import { PASSWORD, SECRET, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

const additionalFields = {
  theme: { type: "string", required: false, defaultValue: () => "dark" },
  level: { type: "number", required: false, defaultValue: 1 },
  sensitiveData: { type: "string", required: false, defaultValue: "none", returned: false },
  note: { type: "string", required: false },
  seenAt: { type: "date", required: false },
  shout: { type: "string", required: false, defaultValue: "quiet", transform: { input: (v) => String(v).toUpperCase() } },
};
/** A plugin that adds a session field and has no init (so no database hooks of its own). */
const devicePlugin = { id: "device", schema: { session: { fields: { device: { type: "string", required: false, defaultValue: "web" } } } } };
const options = { session: { additionalFields }, plugins: [devicePlugin] };

/** The newest session row of a user, without what differs between two sign-ins. */
async function sessionRow(pool, email) {
  const { rows: [row] } = await pool.query(
    `SELECT s.* FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = lower($1) ORDER BY s."createdAt" DESC LIMIT 1`,
    [email],
  );
  if (!row) return row;
  const { id: _id, token: _t, userId: _u, createdAt: _c, updatedAt: _up, expiresAt: _e, ...rest } = row;
  return rest;
}

/** A get-session answer's session without what differs between two sessions. */
function comparableSession(json) {
  const { id: _id, token: _t, userId: _u, createdAt: _c, updatedAt: _up, expiresAt: _e, ...rest } = json.session;
  return rest;
}

describe("session.additionalFields through the auth_ext plugin", () => {
  let db;
  let withPlugin;
  let plain;

  before(async () => {
    db = await createTestDatabase("plugin_session_fields");
    const migrations = await getMigrations({ database: db.pool, secret: SECRET, emailAndPassword: { enabled: true }, ...options });
    await migrations.runMigrations();
    withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    plain = createAuth({ pool: db.pool, options });
  });
  after(async () => {
    await db?.drop();
  });

  test("sign-up and sign-in write the extra session columns as Better Auth does", async () => {
    const ours = uniqueEmail("ours");
    const theirs = uniqueEmail("theirs");
    const upOurs = await withPlugin.request("POST", "/sign-up/email", { body: { email: ours, password: PASSWORD, name: "S" } });
    const upTheirs = await plain.request("POST", "/sign-up/email", { body: { email: theirs, password: PASSWORD, name: "S" } });
    assert.equal(upOurs.status, 200, upOurs.text);
    assert.equal(upTheirs.status, 200, upTheirs.text);
    const row = await sessionRow(db.pool, ours);
    assert.deepEqual(row, await sessionRow(db.pool, theirs));
    assert.deepEqual(
      { theme: row.theme, level: row.level, sensitiveData: row.sensitiveData, note: row.note, seenAt: row.seenAt, shout: row.shout, device: row.device },
      { theme: "dark", level: 1, sensitiveData: "none", note: null, seenAt: null, shout: "QUIET", device: "web" },
    );

    const inOurs = await withPlugin.request("POST", "/sign-in/email", { body: { email: ours, password: PASSWORD } });
    const inTheirs = await plain.request("POST", "/sign-in/email", { body: { email: theirs, password: PASSWORD } });
    assert.equal(inOurs.status, 200, inOurs.text);
    assert.deepEqual(await sessionRow(db.pool, ours), await sessionRow(db.pool, theirs));

    // Better Auth's own get-session reads them (returned: false fields stay out) the same way.
    const got = await plain.request("GET", "/get-session", { cookie: inOurs.sessionCookie });
    const gotTheirs = await plain.request("GET", "/get-session", { cookie: inTheirs.sessionCookie });
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(comparableSession(got.json), comparableSession(gotTheirs.json));
    assert.equal(got.json.session.theme, "dark");
    assert.equal("sensitiveData" in got.json.session, false);
  });

  test("the session after hook sees the extra fields with dates as Dates", async () => {
    const seen = [];
    const hooked = createAuth({
      pool: db.pool,
      plugin: true,
      options: {
        ...options,
        session: { additionalFields: { ...additionalFields, seenAt: { type: "date", required: false, defaultValue: () => new Date("2020-01-02T03:04:05.678Z") } } },
        databaseHooks: { session: { create: { after: async (session) => { seen.push(session); } } } },
      },
    });
    const res = await hooked.request("POST", "/sign-up/email", { body: { email: uniqueEmail("hook"), password: PASSWORD, name: "H" } });
    assert.equal(res.status, 200, res.text);
    assert.equal(seen.length, 1);
    assert.ok(seen[0].seenAt instanceof Date);
    assert.equal(seen[0].seenAt.toISOString(), "2020-01-02T03:04:05.678Z");
    assert.equal(seen[0].theme, "dark");
  });
});

describe("account.additionalFields through the auth_ext plugin", () => {
  let db;
  const accountFields = {
    origin: { type: "string", required: false, defaultValue: "signup" },
    tier: { type: "number", required: false, defaultValue: () => 2 },
    note: { type: "string", required: false },
  };
  const options = { account: { additionalFields: accountFields } };

  before(async () => {
    db = await createTestDatabase("plugin_account_fields");
    const migrations = await getMigrations({ database: db.pool, secret: SECRET, emailAndPassword: { enabled: true }, ...options });
    await migrations.runMigrations();
  });
  after(async () => {
    await db?.drop();
  });

  /** The credential account of a user, without what differs between two sign-ups. */
  async function accountRow(email) {
    const { rows: [row] } = await db.pool.query(
      `SELECT a.* FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = lower($1)`, [email]);
    const { id: _id, accountId: _a, userId: _u, password: _p, createdAt: _c, updatedAt: _up, ...rest } = row;
    return rest;
  }

  test("sign-up writes the credential account's extra columns as Better Auth does, a hook's values too", async () => {
    const ours = uniqueEmail("acct.ours");
    const theirs = uniqueEmail("acct.theirs");
    const withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    const plain = createAuth({ pool: db.pool, options });
    assert.equal((await withPlugin.request("POST", "/sign-up/email", { body: { email: ours, password: PASSWORD, name: "A" } })).status, 200);
    assert.equal((await plain.request("POST", "/sign-up/email", { body: { email: theirs, password: PASSWORD, name: "A" } })).status, 200);
    assert.deepEqual(await accountRow(ours), await accountRow(theirs));
    assert.deepEqual(await accountRow(ours), { providerId: "credential", accessToken: null, refreshToken: null, idToken: null,
      accessTokenExpiresAt: null, refreshTokenExpiresAt: null, scope: null, origin: "signup", tier: 2, note: null });

    const hooks = { databaseHooks: { account: { create: { before: async (account) => ({ data: { ...account, note: "from a hook" } }) } } } };
    const hookedOurs = uniqueEmail("acct.hook.ours");
    const hookedTheirs = uniqueEmail("acct.hook.theirs");
    const withHook = createAuth({ pool: db.pool, plugin: true, options: { ...options, ...hooks } });
    const plainHook = createAuth({ pool: db.pool, options: { ...options, ...hooks } });
    assert.equal((await withHook.request("POST", "/sign-up/email", { body: { email: hookedOurs, password: PASSWORD, name: "H" } })).status, 200);
    assert.equal((await plainHook.request("POST", "/sign-up/email", { body: { email: hookedTheirs, password: PASSWORD, name: "H" } })).status, 200);
    assert.deepEqual(await accountRow(hookedOurs), await accountRow(hookedTheirs));
    assert.equal((await accountRow(hookedOurs)).note, "from a hook");
  });
});
