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
    async hash(password) {
      const hash = (await oneRow(query, "SELECT auth_ext.hash_password($1) AS hash", [password]))?.hash;
      if (typeof hash !== "string") throw new Error("auth_ext: hash_password returned no hash");
      return hash;
    },
    async verify({ hash, password }) {
      return (await oneRow(query, "SELECT auth_ext.verify_password($1, $2) AS valid", [password, hash]))?.valid === true;
    },
  };
}
