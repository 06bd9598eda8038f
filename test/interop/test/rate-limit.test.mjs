// The rate limit shared with the real Better Auth 1.7.25 (rateLimit: { enabled: true, storage:
// "database" }): requests Better Auth counts and requests auth_ext.rate_limit_hit counts for the
// same key ('<ip>|<path>') hit one limit, whichever side and whichever of two Better Auth instances
// on the database answers (docs/better-auth-compatibility.md, rate limit).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestDatabase } from "../lib/db.mjs";
import { createBetterAuth } from "../lib/better-auth.mjs";

const MESSAGE = "Too many requests. Please try again later.";
let db;
let first;
let second;

before(async () => {
  db = await createTestDatabase("auth_ext_interop_rate_limit");
  const rateLimit = { enabled: true, storage: "database" };
  first = createBetterAuth({ pool: db.pool, jwt: false, rateLimit,
    emailAndPassword: { sendResetPassword: async () => {} } });
  second = createBetterAuth({ pool: db.pool, jwt: false, rateLimit,
    emailAndPassword: { sendResetPassword: async () => {} } });
  const plan = await first.migrate();
  assert.ok(plan.toBeCreated.includes("rateLimit"), "Better Auth's migrator creates its rateLimit table");
});
after(async () => { await db.drop(); });

const signIn = (auth, ip) => auth.request("POST", "/sign-in/email", {
  body: { email: "nobody@example.com", password: "wrong password!" }, headers: { "x-forwarded-for": ip } });
const hit = (key, window, max) => db.pool.query("SELECT auth_ext.rate_limit_hit($1, $2, $3) AS n", [key, window, max])
  .then((r) => ({ count: r.rows[0].n }), (e) => ({ error: e }));

function assertLimitedSql(result, window) {
  assert.deepEqual([result.error?.code, result.error?.constraint, result.error?.message],
    ["54000", "RATE_LIMITED", `RATE_LIMITED: ${MESSAGE}`]);
  const seconds = Number(/^Retry after (\d+) seconds\.$/.exec(result.error.hint)?.[1]);
  assert.ok(seconds >= 1 && seconds <= window, result.error.hint);
}

function assertLimitedBa(response, window) {
  assert.deepEqual([response.status, response.json], [429, { message: MESSAGE }]);
  const seconds = Number(response.headers.get("x-retry-after"));
  assert.ok(seconds >= 1 && seconds <= window, response.headers.get("x-retry-after"));
}

test("2 sign-ins through two Better Auth instances + 1 through SQL: the next is refused on every side", async () => {
  const ip = "203.0.113.10";
  assert.equal((await signIn(first, ip)).status, 401);
  assert.equal((await signIn(second, ip)).status, 401);
  assert.deepEqual(await hit(`${ip}|/sign-in/email`, 10, 3), { count: 3 }, "SQL counts on Better Auth's row");
  assertLimitedBa(await signIn(first, ip), 10);
  assertLimitedBa(await signIn(second, ip), 10);
  assertLimitedSql(await hit(`${ip}|/sign-in/email`, 10, 3), 10);
  const { rows } = await db.pool.query(`SELECT count, length(id) AS id_length FROM "rateLimit" WHERE key = $1`, [`${ip}|/sign-in/email`]);
  assert.deepEqual(rows, [{ count: 3, id_length: 32 }], "one row, refusals write nothing");
  assert.equal((await signIn(first, "203.0.113.11")).status, 401, "another client has its own count");
});

test("3 through SQL: Better Auth refuses the fourth; and SQL refuses after Better Auth's three", async () => {
  const ip = "203.0.113.12";
  for (let n = 1; n <= 3; n++) assert.deepEqual(await hit(`${ip}|/sign-in/email`, 10, 3), { count: n });
  assertLimitedBa(await signIn(second, ip), 10);
  const other = "203.0.113.13";
  for (let n = 0; n < 3; n++) assert.equal((await signIn(n % 2 ? first : second, other)).status, 401);
  assertLimitedSql(await hit(`${other}|/sign-in/email`, 10, 3), 10);
});

test("a window after the last counted request, both sides start again (Better Auth's rule)", async () => {
  const ip = "203.0.113.14";
  for (let n = 0; n < 3; n++) await signIn(first, ip);
  assertLimitedBa(await signIn(first, ip), 10);
  await db.pool.query(`UPDATE "rateLimit" SET "lastRequest" = "lastRequest" - 10000 WHERE key = $1`, [`${ip}|/sign-in/email`]);
  assert.deepEqual(await hit(`${ip}|/sign-in/email`, 10, 3), { count: 1 }, "SQL starts a new window");
  assert.equal((await signIn(second, ip)).status, 401, "Better Auth counts on in it (2)");
  assert.equal((await signIn(first, ip)).status, 401, "(3)");
  assertLimitedSql(await hit(`${ip}|/sign-in/email`, 10, 3), 10);
});

test("/request-password-reset: Better Auth's 60 s / 3 rule, shared", async () => {
  const ip = "203.0.113.15";
  const request = (auth) => auth.request("POST", "/request-password-reset", {
    body: { email: "nobody@example.com" }, headers: { "x-forwarded-for": ip } });
  assert.equal((await request(first)).status, 200);
  assert.equal((await request(second)).status, 200);
  assert.deepEqual(await hit(`${ip}|/request-password-reset`, 60, 3), { count: 3 });
  const refused = await request(first);
  assertLimitedBa(refused, 60);
  assert.ok(Number(refused.headers.get("x-retry-after")) > 10, "the 60 s window, not the 10 s one");
});
