// The password work on a read replica: with the plugin's `replica` option, sign-in and sign-up run
// their scrypt there (auth_ext.password_proof / password_hash_proof) and the primary takes the
// proof instead of the password (no scrypt there). A replica that is down or cannot make the proof
// sends the operation to the primary whole, as without a replica; the user sees no difference.
import { apiErrorCode, errorCodeOf, toAPIError } from "./errors.js";
import { firstRow } from "./query.js";
import type { PluginState } from "./state.js";

/** How long the proof may take to come from the replica before the primary does the work. */
export const PROOF_TIMEOUT_MS = 2000;
/** How long a sign-in waits for a lagging replica to replay the primary's latest writes. */
export const REPLAY_WAIT_MS = 1000;

/** The replica's part of one operation. */
export interface ProofStep {
  /** The statement making the proof, its one column named `proof`. */
  sql: string;
  params: unknown[];
  /**
   * The error codes whose answer from the replica is the answer: sign-in's verdicts on the input,
   * which password_proof gives exactly as sign_in_email does, so a wrong password never costs the
   * primary a scrypt. Sign-up has none (the primary checks the email and name before the password).
   */
  final: ReadonlySet<string>;
}

export const SIGN_IN_VERDICTS: ReadonlySet<string> = new Set([
  "INVALID_EMAIL_OR_PASSWORD", "INVALID_EMAIL", "PASSWORD_TOO_LONG", "VALIDATION_ERROR",
]);

type Warn = (message: string) => void;

/** A short, secret-free description of an error for the log. */
function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return `${typeof code === "string" ? code : "error"}: ${typeof message === "string" ? message.split("\n")[0] : "no message"}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`auth_ext: no answer from the replica within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A replica's refusal that the primary would also give: its APIError; undefined otherwise. */
function finalVerdict(step: ProofStep, error: unknown): Error | undefined {
  const code = errorCodeOf(error)?.row.code;
  return code !== undefined && step.final.has(code) ? toAPIError(error) : undefined;
}

/**
 * The replica's proof, or undefined when the primary must do the password work. An "invalid email
 * or password" from a replica that has not replayed the primary's latest writes yet (a sign-up or
 * password change of a moment ago) is asked again once it has, within REPLAY_WAIT_MS.
 */
async function replicaProof(state: PluginState, step: ProofStep, warn: Warn): Promise<string | undefined> {
  const replica = state.replicaQuery;
  if (!replica) return undefined;
  const ask = async () => {
    const proof = (await withTimeout(firstRow(replica, step.sql, step.params), PROOF_TIMEOUT_MS))?.proof;
    return typeof proof === "string" ? proof : undefined;
  };
  try {
    return await ask();
  } catch (error) {
    const verdict = finalVerdict(step, error);
    if (!verdict) {
      warn(`auth_ext: password work on the replica failed (${describe(error)}); doing it on the primary`);
      return undefined;
    }
    if (errorCodeOf(error)?.row.code !== "INVALID_EMAIL_OR_PASSWORD") throw verdict;
    let lsn: unknown;
    try {
      lsn = (await firstRow(state.query, "SELECT pg_catalog.pg_current_wal_lsn()::text AS lsn", []))?.lsn;
    } catch {
      throw verdict;  // no primary to compare with: the replica's answer stands
    }
    try {
      const deadline = Date.now() + REPLAY_WAIT_MS;
      for (;;) {
        const row = await firstRow(replica,
          "SELECT COALESCE(pg_catalog.pg_last_wal_replay_lsn() >= $1::pg_catalog.pg_lsn, true) AS replayed", [lsn]);
        if (row?.replayed === true) break;
        if (Date.now() > deadline) {
          warn("auth_ext: the replica lags; checking the password on the primary");
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return await ask();
    } catch (again) {
      const stands = finalVerdict(step, again);
      if (stands) throw stands;
      warn(`auth_ext: password work on the replica failed (${describe(again)}); doing it on the primary`);
      return undefined;
    }
  }
}

/**
 * Runs an operation with its password work on the replica when there is one: `withProof` on the
 * primary with the replica's proof, else (no replica, replica down, proof refused by the primary:
 * INVALID_PASSWORD_PROOF) `withoutProof`, the one-statement path.
 */
export async function withPasswordProof<T>(
  state: PluginState, step: ProofStep, warn: Warn,
  withProof: (proof: string) => Promise<T>, withoutProof: () => Promise<T>,
): Promise<T> {
  const proof = await replicaProof(state, step, warn);
  if (proof === undefined) return withoutProof();
  try {
    return await withProof(proof);
  } catch (error) {
    if (apiErrorCode(error) !== "INVALID_PASSWORD_PROOF") throw error;
    warn("auth_ext: the primary refused a password proof; checking the password on the primary");
    return withoutProof();
  }
}
