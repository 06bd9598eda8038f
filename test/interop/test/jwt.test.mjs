// JWT verification against real tokens: Better Auth's jwt plugin for every algorithm it can issue
// (keys in its jwks table, verify_jwt(token) with keys => NULL), and tokens from the independent
// jose library, valid and attacked, which must get the same verdicts as jose's own jwtVerify.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import * as jose from "jose";
import { createTestDatabase } from "../lib/db.mjs";
import { BASE_URL, createBetterAuth } from "../lib/better-auth.mjs";

let db;
before(async () => {
  db = await createTestDatabase("auth_ext_interop_jwt");
  await createBetterAuth({ pool: db.pool }).migrate();
  await db.pool.query("SELECT auth_ext.configure('jwt_issuer', $1), auth_ext.configure('jwt_audience', $1)", [BASE_URL]);
});
after(async () => { await db.drop(); });

/** The verdict of auth_ext.verify_jwt: {ok, claims} or {ok:false, code, message}. */
async function verdict(token, keys = null) {
  try {
    const { rows } = await db.pool.query("SELECT auth_ext.verify_jwt($1, $2) AS c", [token, keys]);
    return { ok: true, claims: rows[0].c };
  } catch (e) {
    return { ok: false, code: e.code, message: e.message };
  }
}

/** A fresh Better Auth user's JWT from GET /api/auth/token (the plugin's own key in jwks). */
async function betterAuthToken(ba, email) {
  const up = await ba.request("POST", "/sign-up/email", { body: { email, password: "interop-password-1", name: "JWT User" } });
  assert.equal(up.status, 200);
  const res = await ba.request("GET", "/token", { cookie: up.sessionCookie });
  assert.equal(res.status, 200);
  return { token: res.json.token, userId: up.json.user.id };
}

const tamper = (token) => {
  const [h, p, s] = token.split(".");
  const claims = JSON.parse(Buffer.from(p, "base64url"));
  claims.sub = "someone-else";
  return [h, Buffer.from(JSON.stringify(claims)).toString("base64url"), s].join(".");
};

const configs = [
  ["EdDSA", {}],
  ["ES256", { jwks: { keyPairConfig: { alg: "ES256" } } }],
  ["ES512", { jwks: { keyPairConfig: { alg: "ES512" } } }],
  ["RS256", { jwks: { keyPairConfig: { alg: "RS256" } } }],
  ["PS256", { jwks: { keyPairConfig: { alg: "PS256" } } }],
];

for (const [alg, jwtOptions] of configs) {
  test(`Better Auth ${alg} tokens verify with keys from its jwks table; tampered and deleted-key tokens do not`, async () => {
    await db.pool.query("DELETE FROM jwks");  // Better Auth keeps using an existing key of another alg
    const ba = createBetterAuth({ pool: db.pool, jwt: jwtOptions });
    const { token, userId } = await betterAuthToken(ba, `jwt.${alg.toLowerCase()}@example.com`);
    const header = jose.decodeProtectedHeader(token);
    assert.equal(header.alg, alg);
    const { rows } = await db.pool.query("SELECT alg FROM jwks WHERE id = $1", [header.kid]);
    assert.equal(rows[0].alg, alg, "the key row is the one Better Auth made");

    const good = await verdict(token);
    assert.equal(good.ok, true, good.message);
    assert.equal(good.claims.sub, userId);
    assert.equal(good.claims.aud, BASE_URL);

    const bad = await verdict(tamper(token));
    assert.deepEqual([bad.ok, bad.code, bad.message], [false, "28000", "token signature is invalid"]);

    await db.pool.query("DELETE FROM jwks WHERE id = $1", [header.kid]);
    const gone = await verdict(token);
    assert.deepEqual([gone.ok, gone.code, gone.message], [false, "28000", "no key matches the token's kid"]);
  });
}

test("an expired Better Auth token is refused", async () => {
  await db.pool.query("DELETE FROM jwks");
  // 4 s: signing up, issuing and the first check must fit before expiry even on a loaded machine.
  const ba = createBetterAuth({ pool: db.pool, jwt: { jwt: { expirationTime: "4s" } } });
  const { token } = await betterAuthToken(ba, "jwt.expiring@example.com");
  assert.equal((await verdict(token)).ok, true);
  await sleep(5100);
  const v = await verdict(token);
  assert.deepEqual([v.ok, v.code, v.message], [false, "28000", "token has expired"]);
});

test("a Better Auth session becomes an RLS identity through authenticate()", async () => {
  await db.pool.query("DELETE FROM jwks");
  const ba = createBetterAuth({ pool: db.pool });
  const { token, userId } = await betterAuthToken(ba, "jwt.identity@example.com");
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT auth_ext.authenticate($1)", [token]);
    assert.equal((await client.query("SELECT auth_ext.user_id() AS u")).rows[0].u, userId);
    await client.query("COMMIT");
    assert.equal((await client.query("SELECT auth_ext.user_id() AS u")).rows[0].u, null);
  } finally {
    client.release();
  }
});

// ---- tokens from jose: the same verdicts as jose's own jwtVerify ----
const joseAlgs = [["EdDSA", { crv: "Ed25519" }], ["ES256", {}], ["ES512", {}], ["RS256", {}], ["PS256", {}]];

for (const [alg, opts] of joseAlgs) {
  test(`jose ${alg}: valid and attacked tokens get jose's verdicts`, async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { ...opts, extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: `jose-${alg}`, alg };
    const sign = (claims, header = {}) => new jose.SignJWT(claims)
      .setProtectedHeader({ alg, kid: jwk.kid, ...header }).sign(privateKey);
    const now = Math.floor(Date.now() / 1000);
    const base = { sub: "jose-user", iss: BASE_URL, aud: BASE_URL, iat: now };
    const [h, p] = (await sign({ ...base, exp: now + 600 })).split(".");
    const cases = {
      valid: await sign({ ...base, exp: now + 600 }),
      expired: await sign({ ...base, exp: now - 60 }),
      "wrong audience": await sign({ ...base, aud: "https://elsewhere.example", exp: now + 600 }),
      "wrong issuer": await sign({ ...base, iss: "https://evil.example", exp: now + 600 }),
      "not yet valid": await sign({ ...base, nbf: now + 600, exp: now + 1200 }),
      tampered: tamper(await sign({ ...base, exp: now + 600 })),
      "alg none": `${Buffer.from(JSON.stringify({ alg: "none", kid: jwk.kid })).toString("base64url")}.${p}.`,
      "crit header": await sign({ ...base, exp: now + 600 }, { crit: ["x-custom"], "x-custom": 1 }).catch(() => null),
      "signature cut": `${h}.${p}.AAAA`,
    };
    for (const [name, token] of Object.entries(cases)) {
      if (token === null) continue;  // jose refuses to sign an unknown crit; covered by the core tests
      const joseOk = await jose.jwtVerify(token, await jose.importJWK(jwk, alg), { issuer: BASE_URL, audience: BASE_URL })
        .then(() => true, () => false);
      const ours = await verdict(token, JSON.stringify({ keys: [jwk] }));
      assert.equal(ours.ok, joseOk, `${alg} ${name}: auth_ext ${ours.ok ? "accepted" : `refused (${ours.message})`}, jose ${joseOk ? "accepted" : "refused"}`);
      if (!ours.ok) assert.equal(ours.code, "28000", `${alg} ${name}`);
    }
  });
}

test("jose HS256 with the shared secret, and HS256 signed with a public key is refused", async () => {
  const secret = "interop-shared-secret-0123456789abcdef";
  await db.pool.query("SELECT auth_ext.configure('jwt_shared_secret', $1)", [secret]);
  const now = Math.floor(Date.now() / 1000);
  const token = await new jose.SignJWT({ sub: "hs-user", iss: BASE_URL, aud: BASE_URL, exp: now + 600 })
    .setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
  const v = await verdict(token);
  assert.equal(v.ok, true, v.message);
  assert.equal(v.claims.sub, "hs-user");

  // Algorithm confusion: HS256 keyed with the text of an RSA public JWK, verified against that JWK.
  const { publicKey } = await jose.generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), alg: "RS256" };
  const forged = await new jose.SignJWT({ sub: "admin", iss: BASE_URL, aud: BASE_URL, exp: now + 600 })
    .setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(JSON.stringify(jwk)));
  const attack = await verdict(forged, JSON.stringify(jwk));
  assert.deepEqual([attack.ok, attack.code], [false, "28000"]);
  await db.pool.query("SELECT auth_ext.configure('jwt_shared_secret', NULL)");
});
