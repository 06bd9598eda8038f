// Test support: fresh databases with auth_ext on the test cluster (PG* or DATABASE_URL, as
// scripts/lib/cluster.sh exports them), and the real Better Auth (1.7.25; 1.6.34 when
// test/better-auth-1.6/run.mjs runs them), with or without the auth_ext plugin, driven through its
// HTTP handler.
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { bearer, jwt } from "better-auth/plugins";
import { authExt, authExtPassword } from "../dist/index.js";

/** The version of the better-auth these tests import (1.7 from the package, 1.6 from test/better-auth-1.6). */
export const BETTER_AUTH_VERSION = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.resolve("better-auth")), "utf8"),
).version;
/** Its minor version: 7 for 1.7.25. */
export const BETTER_AUTH_MINOR = Number(BETTER_AUTH_VERSION.split(".")[1]);

export const BASE_URL = "http://localhost:3000";
export const SECRET = "plugin-test-secret-3c9e1f7a5b2d4e608a1b2c3d4e5f6071";

export function connectionConfig(database = "postgres") {
  if (process.env.PGHOST || process.env.PGPORT) {
    return { host: process.env.PGHOST, port: Number(process.env.PGPORT ?? 5432), user: process.env.PGUSER ?? "postgres", database };
  }
  const url = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
  url.pathname = `/${database}`;
  return { connectionString: url.toString() };
}

/**
 * Creates (or re-creates) database `name` with auth_ext and Better Auth's tables; returns a pool, its
 * config and drop(). AUTH_EXT_TEST_DB_SUFFIX is appended to the name, so that two runs (Better Auth
 * 1.6 and 1.7, test/run.mjs) share the cluster without sharing a database.
 */
export async function createTestDatabase(base) {
  const name = `${base}${process.env.AUTH_EXT_TEST_DB_SUFFIX ?? ""}`;
  const admin = new pg.Client(connectionConfig());
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const config = connectionConfig(name);
  const pool = new pg.Pool({ ...config, max: 10 });
  // DROP DATABASE ... WITH (FORCE) at the end terminates whatever is still connected; an idle
  // client's error then goes to this listener, not to the test runner as an uncaught exception.
  pool.on("error", () => {});
  await pool.query("CREATE EXTENSION auth_ext");
  const migrations = await getMigrations(baseOptions(pool));
  await migrations.runMigrations();
  return {
    pool,
    config,
    async drop() {
      await pool.end();
      const c = new pg.Client(connectionConfig());
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

function baseOptions(pool, jwtOptions) {
  return {
    database: pool,
    secret: SECRET,
    baseURL: BASE_URL,
    emailAndPassword: { enabled: true },
    plugins: [jwt(jwtOptions), bearer()],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
}

/**
 * Better Auth on `pool` with jwt (given `jwtOptions`) and bearer. With `plugin`, the auth_ext plugin
 * (on `query`, or on the pool; with `replica`, its replica option) and authExtPassword are added;
 * `options` are merged over the rest.
 */
export function createAuth({ pool, plugin = false, query, replica, jwtOptions, options = {} }) {
  const connection = query ? { query } : { pool };
  const base = baseOptions(pool, jwtOptions);
  const auth = betterAuth({
    ...base,
    ...options,
    emailAndPassword: {
      ...base.emailAndPassword,
      ...(plugin ? { password: authExtPassword(connection) } : {}),
      ...options.emailAndPassword,
    },
    plugins: [...base.plugins, ...(plugin ? [authExt(replica ? { ...connection, replica } : connection)] : []), ...(options.plugins ?? [])],
  });

  /** One request through auth.handler: status, headers, JSON body, Set-Cookie pairs, session cookie. */
  async function request(method, path, { body, headers = {}, cookie } = {}) {
    const h = new Headers(headers);
    if (body !== undefined) h.set("content-type", "application/json");
    if (cookie) h.set("cookie", cookie);
    h.set("origin", BASE_URL);
    const res = await auth.handler(new Request(`${BASE_URL}/api/auth${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    }));
    const text = await res.text();
    const setCookies = res.headers.getSetCookie();
    const sessionCookie = setCookies.map((c) => c.split(";")[0]).find((c) => c.startsWith("better-auth.session_token="));
    return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : null, setCookies, sessionCookie };
  }

  return { auth, request };
}

/** Row counts for one email: users, credential accounts and sessions. */
export async function countRows(pool, email) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM "user" WHERE email = lower($1))::int AS users,
            (SELECT count(*) FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = lower($1))::int AS accounts,
            (SELECT count(*) FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = lower($1))::int AS sessions`,
    [email],
  );
  return rows[0];
}

/** Better Auth's cookie signature for a token (docs/better-auth-compatibility.md §3): standard padded base64 HMAC-SHA256. */
export function signToken(token, secret = SECRET) {
  return createHmac("sha256", secret).update(token).digest("base64");
}

let counter = 0;
/** A fresh email address per call. */
export function uniqueEmail(label = "user") {
  counter += 1;
  return `${label}.${process.pid}.${counter}@example.com`;
}

export const PASSWORD = "correct horse battery staple";
