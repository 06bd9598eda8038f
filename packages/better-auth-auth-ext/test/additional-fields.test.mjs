// user.additionalFields through the auth_ext plugin, against the real Better Auth 1.7.25: the
// columns its migrations add, and the same requests through Better Auth with and without the
// plugin on the same database give the same answers and the same rows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { getMigrations } from "better-auth/db/migration";
import { username } from "better-auth/plugins";
import { PASSWORD, SECRET, countRows, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

const additionalFields = {
  nickname: { type: "string", required: true },
  role: { type: "string", input: false, defaultValue: "member" },
  plan: { type: "string", required: false, defaultValue: () => "free" },
  newsletter: { type: "boolean", required: false },
  age: { type: "number", required: false },
  birthday: { type: "date", required: false },
};
/** A plugin that adds a user field and has no init (so no database hooks of its own). */
const tierPlugin = { id: "tier", schema: { user: { fields: { tier: { type: "string", required: false, defaultValue: "basic" } } } } };
const options = { user: { additionalFields }, plugins: [tierPlugin] };

/** A user's row without what differs between two sign-ups (id, email, timestamps). */
async function userRow(pool, email) {
  const { rows: [row] } = await pool.query(`SELECT * FROM "user" WHERE email = lower($1)`, [email]);
  if (!row) return row;
  const { id: _id, email: _email, createdAt: _c, updatedAt: _u, ...rest } = row;
  return rest;
}

/** A response's user without what differs between two sign-ups. */
function comparable(json) {
  if (!json?.user) return json;
  const { id: _id, email: _email, createdAt: _c, updatedAt: _u, ...user } = json.user;
  return { ...json, token: typeof json.token, user };
}

describe("user.additionalFields through the auth_ext plugin", () => {
  let db;
  let withPlugin;
  let plain;

  before(async () => {
    db = await createTestDatabase("plugin_additional_fields");
    const migrations = await getMigrations({ database: db.pool, secret: SECRET, emailAndPassword: { enabled: true }, ...options });
    await migrations.runMigrations();
    withPlugin = createAuth({ pool: db.pool, plugin: true, options });
    plain = createAuth({ pool: db.pool, options });
  });
  after(async () => {
    await db?.drop();
  });

  /** The same body through both; returns both responses after checking they agree. */
  async function both(path, body) {
    const tag = path === "/sign-up/email" ? { ours: uniqueEmail("ours"), theirs: uniqueEmail("theirs") } : null;
    const ours = await withPlugin.request("POST", path, { body: tag ? { ...body, email: tag.ours } : body });
    const theirs = await plain.request("POST", path, { body: tag ? { ...body, email: tag.theirs } : body });
    assert.equal(ours.status, theirs.status, `${ours.text} vs ${theirs.text}`);
    assert.deepEqual(comparable(ours.json), comparable(theirs.json));
    return { ours, theirs, emails: tag };
  }

  test("the plugin starts with extra user fields (startup no longer refuses them)", async () => {
    await withPlugin.auth.$context;
  });

  test("sign-up writes and answers the extra fields as Better Auth does", async () => {
    const { ours, emails } = await both("/sign-up/email", {
      password: PASSWORD, name: "Extra", nickname: "nick", newsletter: true, age: 42, birthday: "2000-01-02T03:04:05.678Z",
    });
    assert.equal(ours.status, 200, ours.text);
    assert.deepEqual(
      comparable(ours.json).user,
      { name: "Extra", emailVerified: false, image: null, nickname: "nick", role: "member", plan: "free", newsletter: true, age: 42,
        birthday: "2000-01-02T03:04:05.678Z", tier: "basic" },
    );
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 1, accounts: 1, sessions: 1 });
    assert.deepEqual(await userRow(db.pool, emails.ours), await userRow(db.pool, emails.theirs));

    // Better Auth's own get-session and sign-in (through the plugin too) return them.
    const session = await plain.request("GET", "/get-session", { cookie: ours.sessionCookie });
    assert.equal(session.json?.user?.nickname, "nick");
    assert.equal(session.json?.user?.birthday, "2000-01-02T03:04:05.678Z");
    const signInOurs = await withPlugin.request("POST", "/sign-in/email", { body: { email: emails.ours, password: PASSWORD } });
    const signInTheirs = await plain.request("POST", "/sign-in/email", { body: { email: emails.theirs, password: PASSWORD } });
    assert.equal(signInOurs.status, 200, signInOurs.text);
    assert.deepEqual(comparable(signInOurs.json), comparable(signInTheirs.json));
  });

  test("only the required field: defaults and nulls as Better Auth writes them", async () => {
    const { ours, emails } = await both("/sign-up/email", { password: PASSWORD, name: "Minimal", nickname: "min" });
    assert.equal(ours.status, 200, ours.text);
    assert.deepEqual(await userRow(db.pool, emails.ours), await userRow(db.pool, emails.theirs));
    assert.equal(ours.json.user.newsletter, null);
  });

  test("an input: false field in the body gets its default, as in Better Auth", async () => {
    const { ours, emails } = await both("/sign-up/email", { password: PASSWORD, name: "Sneaky", nickname: "s", role: "admin" });
    assert.equal(ours.status, 200, ours.text);
    assert.equal(ours.json.user.role, "member");
    assert.deepEqual(await userRow(db.pool, emails.ours), await userRow(db.pool, emails.theirs));
  });

  test("a missing required field: Better Auth's error, and nothing written", async () => {
    const { ours, emails } = await both("/sign-up/email", { password: PASSWORD, name: "NoNick" });
    assert.equal(ours.status, 400);
    assert.equal(ours.json.code, "MISSING_FIELD");
    assert.deepEqual(await countRows(db.pool, emails.ours), { users: 0, accounts: 0, sessions: 0 });
  });

  test("a value of the wrong type: 400 VALIDATION_ERROR naming the field, and nothing written", async () => {
    // Better Auth itself lets the database refuse it (422 FAILED_TO_CREATE_USER); auth_ext checks it.
    const email = uniqueEmail("wrong-type");
    const res = await withPlugin.request("POST", "/sign-up/email", {
      body: { email, password: PASSWORD, name: "Wrong", nickname: "w", newsletter: "yes" },
    });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.code, "VALIDATION_ERROR");
    assert.match(res.json.message, /"newsletter" must be a JSON boolean/);
    assert.deepEqual(await countRows(db.pool, email), { users: 0, accounts: 0, sessions: 0 });
  });

  test("a plugin with user fields and an init (database hooks of its own) starts (sign-flow.test.mjs drives username and admin)", async () => {
    const started = createAuth({ pool: db.pool, plugin: true, options: { ...options, plugins: [tierPlugin, username()] } });
    await started.auth.$context;
  });
});
