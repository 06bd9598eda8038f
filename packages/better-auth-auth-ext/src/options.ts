// The options check: Better Auth options that one auth_ext statement cannot honour are refused at
// start-up, by name, and the options that decide who writes the sign-in's session are read.
import { BetterAuthError, type AuthContext, type BetterAuthOptions } from "better-auth";
import { isAuthExtPasswordFunction } from "./password.js";

/** The session lifetimes (seconds) auth_ext.sign_up_email / sign_in_email accept. */
const MAX_SESSION_EXPIRES_IN = 315360000;

/**
 * The adapter of a Better Auth configured on another database than PostgreSQL, named, or
 * undefined: the memory and MongoDB adapters, Kysely, Drizzle or Prisma on another dialect. An
 * adapter it does not know is taken to be on the same PostgreSQL.
 */
function otherDatabase(context: AuthContext): string | undefined {
  const adapter = context.adapter as { id?: unknown; options?: { type?: unknown; provider?: unknown } } | undefined;
  const id = typeof adapter?.id === "string" ? adapter.id : undefined;
  const { type, provider } = adapter?.options ?? {};
  if (id === "memory" || id === "mongodb-adapter") return `"${id}"`;
  if (id === "kysely" && type !== undefined && type !== "postgres") return `"kysely" (${String(type)})`;
  if (id === "drizzle" && provider !== undefined && provider !== "pg") return `"drizzle" (${String(provider)})`;
  if (id === "prisma" && provider !== undefined && provider !== "postgresql" && provider !== "cockroachdb") {
    return `"prisma" (${String(provider)})`;
  }
  return undefined;
}

/**
 * Options Better Auth applies inside its own sign-up/sign-in writes that one auth_ext statement
 * cannot honour. Refusing them at startup beats silently diverging from Better Auth.
 */
function unsupportedOptions(context: AuthContext): string[] {
  const options: BetterAuthOptions = context.options;
  const problems: string[] = [];
  const password = options.emailAndPassword?.password;
  const custom = (["hash", "verify"] as const).filter((f) => password?.[f] && !isAuthExtPasswordFunction(password[f]));
  if (custom.length > 0) {
    problems.push(
      `emailAndPassword.password.${custom.join(" and ")} (a custom password hasher: auth_ext's sign-in checks the stored ` +
        "hash inside its one SQL statement and cannot call JavaScript; use authExtPassword(...) or leave the option unset)",
    );
  }
  const { expiresIn } = context.sessionConfig;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_SESSION_EXPIRES_IN) {
    problems.push(`session.expiresIn ${String(expiresIn)} (auth_ext takes whole seconds from 1 to ${MAX_SESSION_EXPIRES_IN})`);
  }
  const database = otherDatabase(context);
  if (database) {
    problems.push(
      `the database adapter ${database} (auth_ext reads and writes Better Auth's tables in PostgreSQL, so Better Auth ` +
        "must use that same PostgreSQL database)",
    );
  }
  return problems;
}

/** Refuses, at start-up, a configuration that unsupportedOptions finds problems in. */
export function assertSupportedOptions(context: AuthContext): void {
  const problems = unsupportedOptions(context);
  if (problems.length > 0) {
    throw new BetterAuthError(`The auth_ext plugin cannot honour these Better Auth options: ${problems.join("; ")}`);
  }
}

/**
 * Plugins of Better Auth 1.6.34 and 1.7.25 whose init registers no session database hook (jwt's returns only
 * a context; username's hooks are on user only).
 */
const PLUGINS_WITHOUT_SESSION_HOOKS = new Set(["auth-ext", "jwt", "username"]);

/** Who writes the sessions, as this configuration decides it (read at start-up). */
export function sessionWriting(options: BetterAuthOptions): { sessionHooksPossible: boolean; sessionsElsewhere: boolean } {
  // Sign-in writes its session in the auth_ext statement unless a database hook may have to
  // see it first: the application's session create hooks, or a plugin's init (which may
  // register hooks Better Auth keeps out of sight) other than those known to register none.
  const session = options.databaseHooks?.session?.create;
  const sessionHooksPossible = !!(session?.before || session?.after) ||
    (options.plugins ?? []).some((p) => p.init && !PLUGINS_WITHOUT_SESSION_HOOKS.has(p.id));
  // With secondaryStorage, sessions are Better Auth's to write (to that storage, and to the
  // database only with session.storeSessionInDatabase): the statements write the user and the
  // credential account, and Better Auth's own createSession the session.
  const sessionsElsewhere = !!options.secondaryStorage;
  return { sessionHooksPossible, sessionsElsewhere };
}
