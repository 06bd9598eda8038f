// authExtPassword: auth_ext's hash and verify are interchangeable with Better Auth's own, and
// Better Auth routes that hash (change-password) work through them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { authExtPassword } from "../dist/index.js";
import { PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "./support.mjs";

describe("authExtPassword", () => {
  let db;
  let password;

  before(async () => {
    db = await createTestDatabase("plugin_password");
    password = authExtPassword({ pool: db.pool });
  });
  after(async () => {
    await db?.drop();
  });

  test("hashes that Better Auth verifies, and verifies Better Auth's hashes", async () => {
    const ours = await password.hash("fifl Pass 123");
    assert.match(ours, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    assert.equal(await verifyPassword({ hash: ours, password: "\u{FB01}\u{FB02} \u{FF30}\u{FF41}\u{FF53}\u{FF53} \u{2460}\u{2461}\u{2462}" }), true);
    assert.equal(await verifyPassword({ hash: ours, password: "fifl Pass 124" }), false);

    const theirs = await hashPassword(PASSWORD);
    assert.equal(await password.verify({ hash: theirs, password: PASSWORD }), true);
    assert.equal(await password.verify({ hash: theirs, password: `${PASSWORD} ` }), false);
  });

  test("a malformed hash is an error, not a mismatch", async () => {
    await assert.rejects(password.verify({ hash: "garbage", password: PASSWORD }), (error) => error.code === "22P02");
  });

  test("change-password through Better Auth with the plugin; the new password works without it", async () => {
    const withPlugin = createAuth({ pool: db.pool, plugin: true });
    const plain = createAuth({ pool: db.pool });
    const email = uniqueEmail("change");
    const signUp = await withPlugin.request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "C" } });
    const changed = await withPlugin.request("POST", "/change-password", {
      cookie: signUp.sessionCookie,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    assert.equal(changed.status, 200, changed.text);
    const wrongCurrent = await withPlugin.request("POST", "/change-password", {
      cookie: signUp.sessionCookie,
      body: { currentPassword: "not the password", newPassword: "another passphrase" },
    });
    assert.equal(wrongCurrent.status, 400);
    assert.equal(wrongCurrent.json.code, "INVALID_PASSWORD");
    assert.equal((await plain.request("POST", "/sign-in/email", { body: { email, password: "a brand new passphrase" } })).status, 200);
    assert.equal((await plain.request("POST", "/sign-in/email", { body: { email, password: PASSWORD } })).status, 401);
  });
});
