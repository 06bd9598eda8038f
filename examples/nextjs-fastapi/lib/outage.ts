// Whether an error means the database cannot be reached (refused, reset, shutting down, too many
// connections): the auth_ext plugin's unavailableError, applied to the error and to the errors it
// wraps (`cause`, an AggregateError's `errors`), since Better Auth and node-postgres may wrap them.
import { unavailableError } from "better-auth-auth-ext";

/** Seconds a client is asked to wait before trying again. */
export const RETRY_AFTER_SECONDS = 1;

export function isDatabaseOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  if (unavailableError(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseOutage(inner, depth + 1))) return true;
  return isDatabaseOutage(cause, depth + 1);
}
