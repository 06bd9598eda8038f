// How the plugin reaches PostgreSQL: a function that runs ONE parameterised SQL statement and
// resolves to its rows. A pg Pool, a pg Client, or Neon's serverless HTTP driver all fit, because
// every auth_ext call is a single statement and needs no client-side transaction.

/** One row of a statement's result, keyed by column name. */
export type AuthExtRow = Record<string, unknown>;

/**
 * The rows of one statement: `{ rows }` as pg and Neon's `Pool` return them, or the bare array of
 * rows that Neon's HTTP `sql.query(text, params)` returns.
 */
export type AuthExtQueryResult = { rows: AuthExtRow[] } | AuthExtRow[];

/** Runs one SQL statement with `$1…$n` parameters. */
export type AuthExtQuery = (text: string, params: unknown[]) => Promise<AuthExtQueryResult>;

/** Anything with a pg-style `query(text, params)`: `pg.Pool`, `pg.Client`, Neon's `Pool`. */
export interface AuthExtPoolLike {
  query(text: string, params: unknown[]): Promise<AuthExtQueryResult>;
}

/** Where auth_ext calls go: a query function, or a pool whose `query` is used. */
export type AuthExtConnection = { query: AuthExtQuery } | { pool: AuthExtPoolLike };

/** Pools given an idle-client error listener here (see {@link guardIdleErrors}). */
const guarded = new WeakSet<object>();

/**
 * A pg (or Neon) Pool emits `error` when an idle client's connection dies (a server restart or
 * failover). Without a listener Node throws it and the process exits; the pool has already dropped
 * the client and opens a new one on the next query. A pool with no `error` listener gets one that
 * lets the pool recover; one of the application's own is left alone. A client that is checked out
 * when its connection dies (between a caller's queries, or before its release) emits `error` on
 * itself, where the pool does not listen: such a pool's clients get the same listener as they
 * connect (the caller's next query on that client fails, and the pool discards it on release).
 */
function guardIdleErrors(pool: AuthExtPoolLike): void {
  type Emitter = Partial<{ on(event: string, listener: (value: unknown) => void): unknown; listenerCount(event: string): number }>;
  const emitter = pool as Emitter;
  if (typeof emitter.on !== "function" || typeof emitter.listenerCount !== "function" || guarded.has(pool)) return;
  guarded.add(pool);
  if (emitter.listenerCount("error") === 0) {
    emitter.on("error", () => {});
    emitter.on("connect", (client) => {
      const connected = client as Emitter | undefined;
      if (typeof connected?.on === "function") connected.on("error", () => {});
    });
  }
}

/** The query function for a connection option, checked once at configuration time. */
export function resolveQuery(connection: AuthExtConnection): AuthExtQuery {
  if ("query" in connection && typeof connection.query === "function") {
    return connection.query;
  }
  if ("pool" in connection && connection.pool && typeof connection.pool.query === "function") {
    const pool = connection.pool;
    guardIdleErrors(pool);
    return (text, params) => pool.query(text, params);
  }
  throw new TypeError("auth_ext: pass { query: (text, params) => Promise<{ rows }> } or { pool }");
}

/** The first row of a statement's result, whichever of the two result shapes the driver gives. */
export async function firstRow(query: AuthExtQuery, text: string, params: unknown[]): Promise<AuthExtRow | undefined> {
  const result = await query(text, params);
  return Array.isArray(result) ? result[0] : result.rows[0];
}

/** The single jsonb column `result` a function call returns; drivers that hand back JSON text are parsed. */
export async function queryJson<T>(query: AuthExtQuery, text: string, params: unknown[]): Promise<T> {
  const value = (await firstRow(query, text, params))?.result;
  if (value === undefined || value === null) {
    throw new Error("auth_ext: the function call returned no result");
  }
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
