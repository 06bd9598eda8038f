// auth_ext raises '<CODE>: <message>' with a SQLSTATE and the bare code in the error's CONSTRAINT
// field; this turns those into the APIErrors Better Auth itself throws for the same condition (same
// HTTP status, code and message). Codes, SQLSTATEs and statuses come from the extension's one table,
// auth_ext.error_codes(), generated into errorCodes.ts (scripts/gen-error-codes.sh).
// The plugin's other errors are here too: a role without the grant, a database that cannot serve
// the call now (for Better Auth's own adapter calls as well), a driver error without its row.
import { APIError } from "better-auth";
import { ERROR_CODES, type ErrorCode } from "./errorCodes.js";

type Status =
  | "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "UNPROCESSABLE_ENTITY" | "TOO_MANY_REQUESTS" | "INTERNAL_SERVER_ERROR"
  | "SERVICE_UNAVAILABLE";

/** Better Auth's status name for each HTTP status the table uses. */
export const STATUS_NAMES: Readonly<Record<number, Status>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  422: "UNPROCESSABLE_ENTITY",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  503: "SERVICE_UNAVAILABLE",
};

/** Each code auth_ext raises (rows with a five-character SQLSTATE). */
const BY_CODE: ReadonlyMap<string, ErrorCode> = new Map(
  ERROR_CODES.filter((row) => row.sqlstate.length === 5).map((row) => [row.code, row]),
);
/** The SQLSTATE classes of the table (DATABASE_UNAVAILABLE), which auth_ext never raises. */
const CLASS_ROWS: readonly ErrorCode[] = ERROR_CODES.filter((row) => row.sqlstate.length === 2);

/** auth_ext 0.1.0 sets no CONSTRAINT field: its code is read from the message then. */
const MESSAGE_PATTERN = /^([A-Z][A-Z0-9_]*): (.*)$/s;

/**
 * The table's row for an auth_ext error: its code from the CONSTRAINT field (node-postgres:
 * `constraint`), or from the message's `CODE:` prefix for an older server, and only with the code's
 * own SQLSTATE, so an application's constraint or message that looks like a code is not taken for
 * one. `detail` is the message after `CODE: `.
 */
export function errorCodeOf(error: unknown): { row: ErrorCode; detail: string | undefined } | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code: sqlstate, message, constraint } = error as { code?: unknown; message?: unknown; constraint?: unknown };
  if (typeof sqlstate !== "string" || typeof message !== "string") return undefined;
  const match = MESSAGE_PATTERN.exec(message);
  const code = typeof constraint === "string" ? constraint : match?.[1];
  const row = code === undefined ? undefined : BY_CODE.get(code);
  if (!row || row.sqlstate !== sqlstate) return undefined;
  return { row, detail: match && match[1] === code ? match[2] : undefined };
}

function apiError(row: ErrorCode, message: string): APIError {
  const status = STATUS_NAMES[row.httpStatus];
  if (!status) throw new Error(`auth_ext: no status name for HTTP ${row.httpStatus} (${row.code})`);
  return row.code === "DATABASE_UNAVAILABLE"
    ? new APIError(status, { code: row.code, message }, { "Retry-After": RETRY_AFTER_SECONDS })
    : new APIError(status, { code: row.code, message });
}

/**
 * The Better Auth APIError for an auth_ext error, or undefined when the error is anything else
 * (connection failure, missing tables…), which the caller should pass on (unavailableError, rethrow).
 */
export function toAPIError(error: unknown): APIError | undefined {
  const found = errorCodeOf(error);
  if (!found) return undefined;
  // Better Auth words VALIDATION_ERROR per failing field, so auth_ext's own detail is kept for it;
  // every other code answers with the table's message, Better Auth's.
  const message = found.row.code === "VALIDATION_ERROR" && found.detail ? found.detail : found.row.message;
  return apiError(found.row, message);
}

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
 * refused (a restart, a failover, too many connections: the SQLSTATE classes of
 * auth_ext.error_codes(), 08, 53 and 57, and Node's socket errors) — code `DATABASE_UNAVAILABLE`,
 * with `Retry-After` — or auth_ext refused a write on a read-only server (its 25006 `READ_ONLY`).
 * Such a 503 itself (the plugin's adapter already answered the outage) is returned as it is.
 * Undefined for anything else.
 */
export function unavailableError(error: unknown): APIError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  if (error instanceof APIError && error.statusCode === 503) return error;
  const coded = errorCodeOf(error);
  if (coded?.row.code === "READ_ONLY") return apiError(coded.row, coded.row.message);
  const { code, message } = error as { code?: unknown; message?: unknown };
  const classRow = typeof code === "string" ? CLASS_ROWS.find((row) => code.startsWith(row.sqlstate)) : undefined;
  const unavailable =
    classRow !== undefined ||
    (typeof code === "string" && UNAVAILABLE_SOCKET_CODES.has(code)) ||
    (typeof message === "string" && (code === undefined || code === null) && UNAVAILABLE_MESSAGE.test(message));
  if (!unavailable) return undefined;
  return classRow ? apiError(classRow, classRow.message) : databaseUnavailableError();
}

/** The 503 `DATABASE_UNAVAILABLE` APIError, with `Retry-After`. */
export function databaseUnavailableError(): APIError {
  const row = CLASS_ROWS.find((r) => r.code === "DATABASE_UNAVAILABLE");
  if (!row) throw new Error("auth_ext: DATABASE_UNAVAILABLE is missing from errorCodes.ts");
  return apiError(row, row.message);
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
  if (typeof error !== "object" || error === null || errorCodeOf(error) !== undefined) return false;  // a coded 42501 (UNTRUSTED_OBJECT) is not a grant
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

/**
 * Better Auth's own database calls the plugin makes (adapter reads, its hooks, its createSession):
 * a server that is going away or refusing connections answers 503 DATABASE_UNAVAILABLE, as the
 * auth_ext statements do, never a 500.
 */
export async function throughAdapter<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof APIError) throw error;
    throw unavailableError(error) ?? error;
  }
}

/** The code of an APIError (Better Auth's error body), if it is one. */
export function apiErrorCode(error: unknown): string | undefined {
  if (!(error instanceof APIError)) return undefined;
  const code = (error.body as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
