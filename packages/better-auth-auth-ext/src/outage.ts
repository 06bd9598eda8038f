// A database outage is a 503 on every route, never a 500. The plugin gives Better Auth an adapter
// whose calls turn a connection that broke or was refused into 503 DATABASE_UNAVAILABLE with
// Retry-After (unavailableError), which Better Auth's router answers as it is. Better Auth's rate
// limiter reads the database before any endpoint runs, where a thrown error is no answer at all
// (the handler rejects, and frameworks answer 500): for its model the adapter marks the request and
// lets the limiter pass, and the plugin's onRequest, which runs right after the limiter, answers
// the marked request with the same 503.
import { getCurrentDBAdapterAsyncLocalStorage } from "@better-auth/core/context";
import type { AuthContext } from "better-auth";
import { databaseUnavailableError, unavailableError } from "./errors.js";

type Adapter = AuthContext["adapter"];
type Call = { model?: unknown; data?: unknown } | undefined;

/** The adapter's calls that reach the database (each returns a promise). */
const DATABASE_CALLS = new Set([
  "create", "findOne", "findMany", "count", "update", "updateMany", "delete", "deleteMany", "incrementOne", "transaction",
]);

/** Better Auth's logical name of the rate limiter's table (its database storage). */
const RATE_LIMIT_MODEL = "rateLimit";

/** What a rate-limit call answers while the database is unavailable: no row, nothing changed, so the limiter lets the request on. */
const NEUTRAL_RESULTS: Readonly<Partial<Record<string, (call: Call) => unknown>>> = {
  findMany: () => [],
  findOne: () => null,
  count: () => 0,
  create: (call) => call?.data,
  update: () => null,
  updateMany: () => 0,
  incrementOne: () => null,
  delete: () => undefined,
  deleteMany: () => 0,
};

/** The requests (Better Auth's per-request adapter store) whose rate-limit check met an unavailable database. */
const unavailableRequests = new WeakSet<object>();

/** This request's adapter store (Better Auth runs each request in one), or undefined outside a request. */
async function requestStore(): Promise<object | undefined> {
  try {
    return (await getCurrentDBAdapterAsyncLocalStorage()).getStore() ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Better Auth's adapter, whose database calls answer an unavailable database with the 503 APIError
 * (unavailableError; any other error is passed on as it is). A rate-limit call inside a request
 * instead marks the request and returns the neutral result, for {@link unavailableResponse}.
 */
export function outageAwareAdapter(adapter: Adapter): Adapter {
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string" || !DATABASE_CALLS.has(property)) return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          const unavailable = unavailableError(error);
          if (!unavailable) throw error;
          const call = args[0] as Call;
          const neutral = NEUTRAL_RESULTS[property];
          const store = call?.model === RATE_LIMIT_MODEL && neutral ? await requestStore() : undefined;
          if (!store || !neutral) throw unavailable;
          unavailableRequests.add(store);
          return neutral(call);
        }
      };
    },
  });
}

/**
 * The plugin's onRequest: the 503 DATABASE_UNAVAILABLE, with Retry-After, for a request whose
 * rate-limit check met an unavailable database; undefined (the request goes on) otherwise.
 */
export async function unavailableResponse(): Promise<{ response: Response } | undefined> {
  const store = await requestStore();
  if (!store || !unavailableRequests.has(store)) return undefined;
  const error = databaseUnavailableError();
  const headers = new Headers(error.headers);
  headers.set("content-type", "application/json");
  return { response: new Response(JSON.stringify(error.body), { status: error.statusCode, headers }) };
}
