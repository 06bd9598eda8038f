// auth_ext raises '<CODE>: <message>' with a SQLSTATE; this turns those into the APIErrors Better
// Auth itself throws for the same condition (same HTTP status, code and message).
import { APIError, BASE_ERROR_CODES } from "better-auth";

type Status = "BAD_REQUEST" | "UNAUTHORIZED" | "NOT_FOUND" | "UNPROCESSABLE_ENTITY";

/** Better Auth's status for each error code auth_ext raises, keyed by SQLSTATE then code. */
const STATUS_BY_SQLSTATE: Record<string, Record<string, Status>> = {
  "23505": { USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: "UNPROCESSABLE_ENTITY", USER_ALREADY_EXISTS: "UNPROCESSABLE_ENTITY" },
  "22023": {
    INVALID_EMAIL: "BAD_REQUEST",
    PASSWORD_TOO_SHORT: "BAD_REQUEST",
    PASSWORD_TOO_LONG: "BAD_REQUEST",
    VALIDATION_ERROR: "BAD_REQUEST",
  },
  "28P01": { INVALID_EMAIL_OR_PASSWORD: "UNAUTHORIZED", INVALID_PASSWORD: "BAD_REQUEST" },
  P0002: { USER_NOT_FOUND: "NOT_FOUND", CREDENTIAL_ACCOUNT_NOT_FOUND: "BAD_REQUEST" },
};

const MESSAGE_PATTERN = /^([A-Z][A-Z0-9_]*): (.*)$/s;

/**
 * The Better Auth APIError for an auth_ext error, or undefined when the error is anything else
 * (connection failure, missing tables, read-only replica…), which the caller should rethrow.
 */
export function toAPIError(error: unknown): APIError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code: sqlstate, message } = error as { code?: unknown; message?: unknown };
  if (typeof sqlstate !== "string" || typeof message !== "string") return undefined;
  const match = MESSAGE_PATTERN.exec(message);
  if (!match) return undefined;
  const [, code, detail] = match as unknown as [string, string, string];
  const status = STATUS_BY_SQLSTATE[sqlstate]?.[code];
  if (!status) return undefined;
  // Better Auth words VALIDATION_ERROR per failing field, so auth_ext's own detail is kept for it.
  const known = code === "VALIDATION_ERROR"
    ? undefined
    : (BASE_ERROR_CODES as Record<string, { code: string; message: string } | undefined>)[code];
  return APIError.from(status, { code, message: known?.message ?? detail });
}

/** SQLSTATE classes of a server that is going away, restarting or refusing connections. */
const UNAVAILABLE_SQLSTATE = /^(08|57|53)/;
/** Node's socket errors when the server cannot be reached (ENOENT: no Unix socket, the server is down). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  "ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND",
]);
/** node-postgres's own messages (no code) for a connection that broke or could not be had. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|is not queryable|Cannot use a pool after calling end/;

/** Seconds a client is asked to wait before retrying (Retry-After) when the database is unavailable. */
export const RETRY_AFTER_SECONDS = "1";

/**
 * A 503 APIError when the database cannot serve the call right now: the connection broke or was
 * refused (a restart, a failover, too many connections, SQLSTATE classes 08, 53 and 57) — code
 * `DATABASE_UNAVAILABLE`, with `Retry-After` — or the server is a read-only replica (25006,
 * `READ_ONLY`). Undefined for anything else.
 */
export function unavailableError(error: unknown): APIError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code === "25006") {
    return new APIError("SERVICE_UNAVAILABLE", {
      code: "READ_ONLY",
      message: "The database is read-only; account writes need the primary",
    });
  }
  const unavailable =
    (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) ||
    (typeof message === "string" && (code === undefined || code === null) && UNAVAILABLE_MESSAGE.test(message));
  if (!unavailable) return undefined;
  return new APIError(
    "SERVICE_UNAVAILABLE",
    { code: "DATABASE_UNAVAILABLE", message: "The database is unavailable; try again" },
    { "Retry-After": RETRY_AFTER_SECONDS },
  );
}

/**
 * Any other database error, reduced to its message and SQLSTATE. Driver errors carry a `detail`
 * such as "Failing row contains (…)", which can hold a session token or password hash, and
 * Better Auth logs unexpected errors whole, so the original is not passed on.
 */
export function withoutRowDetail(error: unknown): Error {
  if (typeof error !== "object" || error === null || !("message" in error)) return new Error(String(error));
  const { message, code } = error as { message: unknown; code?: unknown };
  const reduced = new Error(`auth_ext: ${String(message)}`) as Error & { code?: string };
  if (typeof code === "string") reduced.code = code;
  return reduced;
}

/** SQLSTATE 42501 on auth_ext's schema or functions: the role lacks auth_ext.grant_app_role. */
export function isMissingGrant(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === "42501" && typeof message === "string" && /auth_ext|sign_up_email|sign_in_email|hash_password|verify_password/.test(message);
}

/** What to run, naming the role when it is known. */
export function grantAdvice(role: string | undefined): string {
  const name = role ? role.replace(/'/g, "''") : "<the role Better Auth connects as>";
  return `run SELECT auth_ext.grant_app_role('${name}') as the database owner`;
}

/**
 * A 500 whose body says what is wrong and how to fix it, instead of an empty one: the database
 * role may not call auth_ext (no USAGE on schema auth_ext, or no EXECUTE on its functions).
 */
export function missingGrantError(role: string | undefined): APIError {
  return new APIError("INTERNAL_SERVER_ERROR", {
    code: "AUTH_EXT_NOT_GRANTED",
    message: `The database role${role ? ` "${role}"` : ""} may not call auth_ext: ${grantAdvice(role)}`,
  });
}
