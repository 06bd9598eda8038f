// The topology suite's environment (test/topology/run.sh starts PgBouncer and sets these).
import { execFile } from "node:child_process";

export const POOLER_PORT = Number(process.env.TOPO_POOLER_PORT);
export const POOL_SIZE = Number(process.env.TOPO_POOL_SIZE);
export const POOLER_PREPARED = process.env.TOPO_POOLER_PREPARED === "1";
const RESTART = process.env.TOPO_RESTART;

if (!POOLER_PORT || !POOL_SIZE || !RESTART) {
  throw new Error("run these tests with test/topology/run.sh (it starts PgBouncer and sets TOPO_*)");
}

/** node-postgres settings for `database` through PgBouncer. */
export function poolerConfig(database) {
  return { host: "127.0.0.1", port: POOLER_PORT, user: "postgres", database };
}

/** Restarts the primary (pg_ctl restart -m fast|immediate); resolves when it accepts connections again. */
export function restartPrimary(mode) {
  return new Promise((resolve, reject) => {
    execFile("bash", [RESTART, mode], { timeout: 90_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`restart -m ${mode} failed: ${stderr}`)) : resolve());
  });
}

/** `promise`, or "timeout" after `ms`: every request of the suite is bounded. */
export function bounded(promise, ms) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((resolve) => { timer = setTimeout(() => resolve("timeout"), ms); }),
  ]);
}

export const STANDBY_PORT = Number(process.env.TOPO_STANDBY_PORT);

/** Waits (bounded) until the standby has replayed everything `primary` (a pg pool) has written. */
export async function waitForReplay(primary, standby, ms = 15_000) {
  const { rows } = await primary.query("SELECT pg_current_wal_lsn()::text AS lsn");
  const deadline = Date.now() + ms;
  for (;;) {
    const done = await standby.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [rows[0].lsn]);
    if (done.rows[0].done) return;
    if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${rows[0].lsn}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
