// Never a 500 for a database outage: with PostgreSQL unreachable (Better Auth and the plugin on a
// pool whose port nobody listens on), sign-in and sign-up answer 503 DATABASE_UNAVAILABLE with
// Retry-After whatever the rate limiter's storage (the database storage reads the database before
// any endpoint runs; Better Auth alone then rejects the request, which frameworks answer with 500),
// and so do Better Auth's own routes. With the database up, the database rate limit still counts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import pg from "pg";
import { getMigrations } from "better-auth/db/migration";
import { PASSWORD, createAuth, createTestDatabase, signToken, uniqueEmail } from "./support.mjs";

/** A local port nobody listens on: one the system gave a server that is closed again. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const RATE_LIMITS = {
  "rateLimit storage database": { enabled: true, storage: "database" },
  "rateLimit storage memory": { enabled: true, storage: "memory" },
  "rateLimit off": { enabled: false },
};

function assertUnavailable(res, what) {
  assert.equal(res.status, 503, `${what}: ${res.status} ${res.text}`);
  assert.equal(res.headers.get("retry-after"), "1", what);
  assert.equal(res.json?.code, "DATABASE_UNAVAILABLE", what);
}

describe("a database outage answers 503 with Retry-After, never 500", () => {
  let down;

  before(async () => {
    down = new pg.Pool({ host: "127.0.0.1", port: await closedPort(), user: "postgres", database: "postgres", connectionTimeoutMillis: 2000 });
  });
  after(async () => {
    await down?.end();
  });

  for (const [name, rateLimit] of Object.entries(RATE_LIMITS)) {
    test(`${name}: sign-in, sign-up and get-session`, async () => {
      const { request } = createAuth({ pool: down, plugin: true, options: { rateLimit } });
      const email = uniqueEmail("outage");
      assertUnavailable(await request("POST", "/sign-in/email", { body: { email, password: PASSWORD } }), "sign-in");
      assertUnavailable(await request("POST", "/sign-up/email", { body: { email, password: PASSWORD, name: "Down" } }), "sign-up");
      const token = "a".repeat(32);
      const cookie = `better-auth.session_token=${encodeURIComponent(`${token}.${signToken(token)}`)}`;
      assertUnavailable(await request("GET", "/get-session", { cookie }), "get-session");
    });
  }

  test("Better Auth alone, with the database storage, rejects the request (no answer: a framework's 500)", async () => {
    const { request } = createAuth({ pool: down, options: { rateLimit: RATE_LIMITS["rateLimit storage database"] } });
    await assert.rejects(request("POST", "/sign-in/email", { body: { email: uniqueEmail("plain"), password: PASSWORD } }));
  });
});

describe("the database rate limit with the plugin, the database up", () => {
  let db;

  before(async () => {
    db = await createTestDatabase("plugin_outage_rate_limit");
    // Better Auth's rateLimit table, which its migrator adds for the database storage.
    await (await getMigrations({ database: db.pool, rateLimit: { enabled: true, storage: "database" } })).runMigrations();
  });
  after(async () => {
    await db?.drop();
  });

  test("Better Auth's sign-in rule (3 per 10 s) still refuses the 4th attempt, counted in the rateLimit table", async () => {
    const { request } = createAuth({ pool: db.pool, plugin: true, options: { rateLimit: { enabled: true, storage: "database" } } });
    const email = uniqueEmail("limited");
    const headers = { "x-forwarded-for": "198.51.100.9" };
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await request("POST", "/sign-in/email", { body: { email, password: PASSWORD }, headers })).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
    const { rows: [{ count }] } = await db.pool.query(`SELECT count FROM "rateLimit" WHERE key LIKE '%198.51.100.9%'`);
    assert.equal(Number(count), 3);
  });
});
