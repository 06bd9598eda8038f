// How sign-up runs Better Auth's own createUser, linkAccount and createSession, with every database
// hook, without letting them write: the rows they would create are captured for the one auth_ext
// statement, and their after hooks queued until it has written them.
import type { GenericEndpointContext } from "better-auth";
import { getCurrentDBAdapterAsyncLocalStorage } from "@better-auth/core/context";
import type { Row } from "./rows.js";

type Model = "user" | "account" | "session";

/**
 * Runs Better Auth's own internalAdapter.createUser / linkAccount / createSession (and so every
 * database hook of the application and of plugins, in Better Auth's order) without writing:
 * inside `fn`, the adapter Better Auth's internal adapter writes through (its AsyncLocalStorage
 * store, as inside Better Auth's runWithTransaction) is a proxy of the real one whose `create` of
 * the model `expect` names records the data, after every before hook, and returns it as the row.
 * Reads go to the database, except a read of the captured user by id, answered with the captured
 * user (inside Better Auth's transaction that user would already be written). After hooks are
 * queued, as in a transaction, and run by `runAfterHooks` once the auth_ext statement has written
 * the rows and they were copied into the captured objects (which the queued hooks hold).
 */
export async function captureWrites<T>(ctx: GenericEndpointContext, fn: (capture: Capture) => Promise<T>) {
  const als = await getCurrentDBAdapterAsyncLocalStorage();
  const real = ctx.context.adapter;
  const capture: Capture = { expect: undefined, rows: {}, pendingHooks: [] };
  const proxy = new Proxy(real, {
    get(target, property, receiver) {
      if (property === "create") {
        return async (args: { model: string; data: Row }) => {
          if (capture.expect && args.model === capture.expect && !capture.rows[capture.expect]) {
            const row: Row = { ...args.data };
            if (capture.expect === "user" && row.id === undefined) {
              // The id Better Auth's adapter would give it (advanced.database.generateId); none
              // for "serial" or false, and auth_ext's id_format applies.
              const id = ctx.context.generateId({ model: "user" });
              if (typeof id === "string") row.id = id;
            }
            capture.rows[capture.expect] = row;
            return row;
          }
          return target.create(args as never);
        };
      }
      if (property === "findOne") {
        return async (args: { model: string; where?: { field: string; value: unknown; operator?: string }[] }) => {
          const user = capture.rows.user;
          const where = args.where ?? [];
          if (user && args.model === "user" && where.length === 1 && where[0].field === "id"
            && (where[0].operator ?? "eq") === "eq" && where[0].value === user.id) {
            return { ...user };
          }
          return target.findOne(args as never);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  const result = await als.run({ adapter: proxy, pendingHooks: capture.pendingHooks, isTransactionActive: true }, () => fn(capture));
  return { result, capture };
}

export interface Capture {
  expect: Model | undefined;
  rows: Partial<Record<Model, Row>>;
  pendingHooks: (() => Promise<void>)[];
}

/** The queued after hooks, in order, as Better Auth runs them once its transaction commits. */
export async function runAfterHooks(capture: Capture): Promise<void> {
  for (const hook of capture.pendingHooks) await hook();
}
