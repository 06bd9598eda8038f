// Passwords both ways between auth_ext and the real Better Auth 1.7.25: the library's own
// hashPassword/verifyPassword, and sign-in/sign-up through its HTTP handler on the same rows.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { createTestDatabase } from "../lib/db.mjs";
import { createBetterAuth } from "../lib/better-auth.mjs";

// docs/better-auth-compatibility.md §1, vector 2: compatibility characters that NFKC rewrites to "fifl Pass 123".
const COMPAT = "\u{FB01}\u{FB02} \u{FF30}\u{FF41}\u{FF53}\u{FF53} \u{2460}\u{2461}\u{2462}";
// docs/better-auth-compatibility.md §1, vector 3: a decomposed é, CJK and a code point outside the BMP.
const DECOMPOSED = "Cafe\u{301}-\u{65E5}\u{672C}-\u{1F511}";

let db;
before(async () => { db = await createTestDatabase("auth_ext_interop_passwords"); });
after(async () => { await db.drop(); });

const sqlHash = async (pw) => (await db.pool.query("SELECT auth_ext.hash_password($1) AS h", [pw])).rows[0].h;
const sqlVerify = async (pw, h) => (await db.pool.query("SELECT auth_ext.verify_password($1, $2) AS ok", [pw, h])).rows[0].ok;

test("a hash made by auth_ext verifies with Better Auth's verifyPassword", async () => {
  for (const pw of ["password123", COMPAT, DECOMPOSED]) {
    const hash = await sqlHash(pw);
    assert.match(hash, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
    assert.equal(await verifyPassword({ hash, password: pw }), true, "right password");
    assert.equal(await verifyPassword({ hash, password: pw + "x" }), false, "wrong password");
  }
  const hash = await sqlHash(COMPAT);
  assert.equal(await verifyPassword({ hash, password: "fifl Pass 123" }), true, "the NFKC form verifies too");
});

test("a hash made by Better Auth's hashPassword verifies with auth_ext.verify_password", async () => {
  for (const pw of ["password123", COMPAT, DECOMPOSED]) {
    const hash = await hashPassword(pw);
    assert.equal(await sqlVerify(pw, hash), true, "right password");
    assert.equal(await sqlVerify(pw + "x", hash), false, "wrong password");
  }
  assert.equal(await sqlVerify("fifl Pass 123", await hashPassword(COMPAT)), true, "the NFKC form verifies too");
  assert.equal(await sqlVerify("Caf\u{E9}-\u{65E5}\u{672C}-\u{1F511}", await hashPassword(DECOMPOSED)), true);
});

test("the stored vectors verify in both", async () => {
  const vectors = [
    ["password123", "18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c"],
    [COMPAT, "87c5583c90d313fa3089b3e6cf025539:d2d9a0eaf2ac9c03a6d1422d62849727c6a248649a81d5fd4b75a46d2759c5cc3e462236487b1f4a5a467a495073dad04ce1cf2c3c6be87f3f872d15615ff259"],
    [DECOMPOSED, "b35d2b4bf5ec8ecce4412c8d7ce2e83c:35994ebf4759064825b6c2b329a2892bb6df1535c3b1d31cce73e5b506e1647648ec5cef8cf66e4920efe555fe73a93bf7cc939312b412de3ddbe9af7f514684"],
  ];
  for (const [pw, hash] of vectors) {
    assert.equal(await verifyPassword({ hash, password: pw }), true);
    assert.equal(await sqlVerify(pw, hash), true);
  }
});

test("through the HTTP handler: a SQL-made user signs in with Better Auth, and the other way round", async () => {
  const ba = createBetterAuth({ pool: db.pool, jwt: false });
  await ba.migrate();
  const userId = "sqlUser0000000000000000000000001";
  await db.pool.query(
    `INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
     VALUES ($1, 'SQL User', 'sql.user@example.com', false, now(), now())`, [userId]);
  await db.pool.query(
    `INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
     VALUES ('sqlAccount00000000000000000000001', $1, 'credential', $1, auth_ext.hash_password($2), now(), now())`,
    [userId, COMPAT]);

  const ok = await ba.request("POST", "/sign-in/email", { body: { email: "sql.user@example.com", password: COMPAT } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.user.id, userId);
  assert.match(ok.json.token, /^[A-Za-z0-9]{32}$/);
  const nfkc = await ba.request("POST", "/sign-in/email", { body: { email: "sql.user@example.com", password: "fifl Pass 123" } });
  assert.equal(nfkc.status, 200, "the NFKC form signs in too");
  const wrong = await ba.request("POST", "/sign-in/email", { body: { email: "sql.user@example.com", password: "fifl Pass 124" } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.json.code, "INVALID_EMAIL_OR_PASSWORD");

  const up = await ba.request("POST", "/sign-up/email", { body: { email: "Made.By@BetterAuth.example", password: DECOMPOSED, name: "BA" } });
  assert.equal(up.status, 200);
  const { rows } = await db.pool.query(
    `SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'made.by@betterauth.example'`);
  assert.equal(rows.length, 1);
  assert.equal(await sqlVerify(DECOMPOSED, rows[0].password), true);
  assert.equal(await sqlVerify("Caf\u{E9}-\u{65E5}\u{672C}-\u{1F511}", rows[0].password), true);
  assert.equal(await sqlVerify("password123", rows[0].password), false);
});
