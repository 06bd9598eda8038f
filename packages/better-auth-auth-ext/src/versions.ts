// What differs between the Better Auth minor versions the plugin supports (1.6 and 1.7, the peer
// range), in one place: a function renamed, a check one version makes and the other does not.
import type { AuthContext } from "better-auth";
import * as betterAuthApi from "better-auth/api";

/**
 * Better Auth's client-IP function: `getIP` since 1.7, `getIp` in 1.6 (the same function, renamed).
 * Looked up by name at run time: a bundler (Next.js's Turbopack) refuses a static reference to an
 * export the installed version does not have.
 */
const betterAuthExports: Record<string, unknown> = { ...betterAuthApi };
export const getIP = ["getIP", "getIp"]
  .map((name) => betterAuthExports[name])
  .find((candidate) => typeof candidate === "function") as typeof betterAuthApi.getIP;

/** The running Better Auth's minor version (7 for 1.7.25), from its context. */
function minorVersion(context: AuthContext): number {
  const [major, minor] = String((context as { version?: unknown }).version ?? "").split(".").map(Number);
  return major === 1 && Number.isInteger(minor) ? minor : Number.POSITIVE_INFINITY;
}

/**
 * Whether Better Auth's sign-in refuses a password over `maxPasswordLength` with 400
 * PASSWORD_TOO_LONG before any lookup (1.7 and later); 1.6 checks no length at sign-in, so such a
 * password is a wrong one (401 INVALID_EMAIL_OR_PASSWORD).
 */
export function signInChecksPasswordLength(context: AuthContext): boolean {
  return minorVersion(context) >= 7;
}
