// The plugin under a steady bounded load while the primary restarts (pg_ctl restart -m fast, then
// -m immediate): sign-up and sign-in in flight answer 503 DATABASE_UNAVAILABLE (never a 500, never
// a hang: every request is bounded), the pool recovers by itself once the server is back (the
// process survives its idle clients' errors: the plugin listens when the application does not),
// and no sign-up leaves a partial user.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { PASSWORD, createAuth, createTestDatabase, uniqueEmail } from "../support.mjs";
import { bounded, restartPrimary } from "./env.mjs";

const DATABASE = "plugin_topology_restart";
const WORKERS = 4;
const REQUEST_TIMEOUT = 20_000;
const WARM_UP = 2500;
const SETTLE = 1000;
const AFTER = 2000;
const MAX_REQUESTS = 4000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe("through restarts of the primary", () => {
  let db;
  let pool;
  let ba;

  before(async () => {
    db = await createTestDatabase(DATABASE);
    db.pool.on("error", () => {}); // the test's own pool (checks after the restarts)
    // The application's pool: no error listener of its own, as in Better Auth's examples.
    pool = new pg.Pool({ ...db.config, max: 4 });
    ba = createAuth({ pool, plugin: true });
    assert.equal(pool.listenerCount("error"), 1, "the plugin listens for idle-client errors");
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
  });

  test("in-flight calls answer 503, then everything succeeds again; no partial user", { timeout: 180_000 }, async () => {
    const outcomes = [];
    const attempted = [];
    const signedUp = [];
    const restarts = [];
    const inFlight = [];
    let stop = false;

    const request = async (kind, path, body) => {
      const started = performance.now();
      const result = await bounded(ba.request("POST", path, { body }).catch((error) => ({ status: `threw ${error.message}` })), REQUEST_TIMEOUT);
      const ended = performance.now();
      if (result === "timeout") {
        outcomes.push({ kind, started, ended, status: "timeout" });
        return undefined;
      }
      outcomes.push({ kind, started, ended, status: result.status, code: result.json?.code, retryAfter: result.headers?.get("retry-after") });
      if (result.status === 503) await sleep(100); // a client backs off a little
      return result;
    };
    const signUp = async (label) => {
      const email = uniqueEmail(label);
      attempted.push(email);
      const up = await request("sign-up", "/sign-up/email", { email, password: PASSWORD, name: label });
      if (up?.status === 200) signedUp.push(email);
      return up?.status === 200 ? email : undefined;
    };
    const worker = async () => {
      while (!stop && outcomes.length < MAX_REQUESTS) {
        const email = await signUp("restart");
        if (email) await request("sign-in", "/sign-in/email", { email, password: PASSWORD });
      }
    };
    const restart = async (mode) => {
      await sleep(WARM_UP);
      for (let i = 0; i < WORKERS; i++) inFlight.push(signUp("burst")); // scrypt-long calls in flight
      await sleep(50);
      const began = performance.now();
      await restartPrimary(mode);
      restarts.push({ mode, began, ended: performance.now() });
    };

    const workers = Array.from({ length: WORKERS }, worker);
    const scenario = (async () => {
      await restart("fast");
      await restart("immediate");
      await sleep(AFTER);
      stop = true;
    })();
    assert.notEqual(await bounded(scenario, 120_000), "timeout");
    assert.notEqual(await bounded(Promise.all([...workers, ...inFlight]), REQUEST_TIMEOUT * 3), "timeout");

    const summary = {};
    for (const o of outcomes) summary[o.status] = (summary[o.status] ?? 0) + 1;
    const t0 = outcomes[0]?.started ?? 0;
    const at = (ms) => Math.round(ms - t0) / 1000;
    console.log(`plugin restart load: ${outcomes.length} requests ${JSON.stringify(summary)}; restarts ` +
      JSON.stringify(restarts.map((r) => [r.mode, at(r.began), at(r.ended)])));
    assert.deepEqual(outcomes.filter((o) => typeof o.status !== "number"), [], "no hang, no thrown error");
    const unavailable = outcomes.filter((o) => o.status === 503);
    assert.ok(unavailable.length > 0, "no call was in flight during the restarts");
    for (const o of unavailable) {
      assert.equal(o.code, "DATABASE_UNAVAILABLE");
      assert.equal(o.retryAfter, "1");
    }
    assert.deepEqual(outcomes.filter((o) => o.status !== 200 && o.status !== 503), [], "only 200 and 503");
    // recovery: calls made from SETTLE ms after a restart returned, and done before the next one began
    restarts.forEach(({ ended }, i) => {
      const from = ended + SETTLE;
      const to = restarts[i + 1]?.began ?? Infinity;
      const window = outcomes.filter((o) => o.started >= from && o.ended < to);
      assert.ok(window.length >= WORKERS, `too little load after a restart: ${window.length}`);
      assert.deepEqual(window.filter((o) => o.status !== 200), [], "every call succeeds once the server is back");
    });

    const { rows } = await db.pool.query(
      `SELECT u.email,
              (SELECT count(*) FROM account a WHERE a."userId" = u.id AND a."providerId" = 'credential')::int AS accounts,
              (SELECT count(*) FROM session s WHERE s."userId" = u.id)::int AS sessions
         FROM "user" u`,
    );
    const byEmail = new Map(rows.map((r) => [r.email, r]));
    for (const email of signedUp) assert.ok(byEmail.has(email.toLowerCase()), `${email} answered 200 but is missing`);
    for (const row of rows) {
      assert.equal(row.accounts, 1, `${row.email}: a user without exactly one credential account`);
      assert.ok(row.sessions >= 1, `${row.email}: a user without a session`);
    }
    assert.ok(rows.length <= attempted.length);
  });
});
