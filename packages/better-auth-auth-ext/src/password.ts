// Better Auth's password hashing delegated to auth_ext (same scrypt format), for
// `emailAndPassword.password` so every route that hashes or checks a password uses the database.
import { isMissingGrant, missingGrantError, unavailableError, withoutRowDetail } from "./errors.js";
import { firstRow, resolveQuery, type AuthExtConnection, type AuthExtQuery } from "./query.js";

async function oneRow(query: AuthExtQuery, text: string, params: unknown[]) {
  try {
    return await firstRow(query, text, params);
  } catch (error) {
    if (isMissingGrant(error)) throw missingGrantError(undefined);
    throw unavailableError(error) ?? withoutRowDetail(error);
  }
}

/**
 * Marks the functions authExtPassword returns, so the plugin can tell them from an application's
 * own `emailAndPassword.password` (a registry symbol: it survives two copies of this package).
 */
export const AUTH_EXT_PASSWORD = Symbol.for("better-auth-auth-ext.password");

/** Whether `fn` is a function authExtPassword returned. */
export function isAuthExtPasswordFunction(fn: unknown): boolean {
  return typeof fn === "function" && (fn as unknown as Record<symbol, unknown>)[AUTH_EXT_PASSWORD] === true;
}

function marked<T extends object>(fn: T): T {
  Object.defineProperty(fn, AUTH_EXT_PASSWORD, { value: true });
  return fn;
}

export interface AuthExtPasswordFunctions {
  hash(password: string): Promise<string>;
  verify(data: { hash: string; password: string }): Promise<boolean>;
}

/**
 * `{ hash, verify }` backed by auth_ext.hash_password / auth_ext.verify_password. As with Better
 * Auth's own verify, a malformed stored hash is an error (SQLSTATE 22P02), not a mismatch.
 */
export function authExtPassword(connection: AuthExtConnection): AuthExtPasswordFunctions {
  const query = resolveQuery(connection);
  return {
    hash: marked(async (password: string) => {
      const hash = (await oneRow(query, "SELECT auth_ext.hash_password($1) AS hash", [password]))?.hash;
      if (typeof hash !== "string") throw new Error("auth_ext: hash_password returned no hash");
      return hash;
    }),
    verify: marked(async ({ hash, password }: { hash: string; password: string }) => {
      return (await oneRow(query, "SELECT auth_ext.verify_password($1, $2) AS valid", [password, hash]))?.valid === true;
    }),
  };
}
