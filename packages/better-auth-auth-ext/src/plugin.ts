// The Better Auth server plugin: `/sign-up/email` and `/sign-in/email` keep their paths, request
// and response shapes, cookies and hook pipeline, but write through ONE auth_ext SQL call each
// (auth_ext.sign_up_email / auth_ext.sign_in_email), so sign-up is atomic over any driver,
// including drivers without transactions such as Neon's HTTP driver.
//
// Mechanism: Better Auth merges plugin endpoints over its core endpoints by key, so the endpoints
// below, registered as `signUpEmail` and `signInEmail`, replace the core ones for the router and
// for `auth.api.*`. They reuse the core endpoints' options (body schema, CSRF middleware,
// metadata), so body validation errors are Better Auth's own, and they run through the full
// before/after hook pipeline (bearer's set-auth-token, user hooks, …).
import {
  APIError,
  BetterAuthError,
  type AuthContext,
  type BetterAuthOptions,
  type BetterAuthPlugin,
  type GenericEndpointContext,
  type Session,
  type User,
} from "better-auth";
import { createAuthEndpoint, createEmailVerificationToken, getIP, signInEmail, signUpEmail } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { parseUserInput, parseUserOutput } from "better-auth/db";
import { grantAdvice, isMissingGrant, missingGrantError, toAPIError, unavailableError, withoutRowDetail } from "./errors.js";
import { isAuthExtPasswordFunction } from "./password.js";
import { firstRow, queryJson, resolveQuery, type AuthExtConnection, type AuthExtQuery } from "./query.js";

/** What auth_ext.sign_up_email / sign_in_email return; timestamps are ISO strings. */
interface SignResult {
  token: string;
  user: Omit<User, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };
  session: Omit<Session, "createdAt" | "updatedAt" | "expiresAt"> & {
    createdAt: string;
    updatedAt: string;
    expiresAt: string;
  };
}

/** The columns auth_ext writes; any other field Better Auth would have to fill is unsupported. */
const CORE_FIELDS: Record<"user" | "session" | "account", readonly string[]> = {
  user: ["name", "email", "emailVerified", "image", "createdAt", "updatedAt"],
  session: ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"],
  account: [
    "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt",
    "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt",
  ],
};

/** The session lifetimes (seconds) auth_ext.sign_up_email / sign_in_email accept. */
const MAX_SESSION_EXPIRES_IN = 315360000;

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
  if (options.emailAndPassword?.requireEmailVerification) {
    problems.push("emailAndPassword.requireEmailVerification (auth_ext signs the new user in within the same statement)");
  }
  if (options.emailAndPassword?.autoSignIn === false) {
    problems.push("emailAndPassword.autoSignIn: false (auth_ext always creates the session)");
  }
  if (options.secondaryStorage) {
    problems.push("secondaryStorage (auth_ext writes sessions to the database only)");
  }
  if (options.user?.validateUserInfo) {
    problems.push("user.validateUserInfo");
  }
  for (const model of ["user", "account", "session"] as const) {
    if (options.databaseHooks?.[model]?.create?.before) {
      problems.push(`databaseHooks.${model}.create.before (it cannot run inside the auth_ext statement)`);
    }
    const table = context.tables[model];
    if (!table) continue;
    if (table.modelName !== model) problems.push(`a custom table name for ${model} ("${table.modelName}")`);
    for (const [field, attribute] of Object.entries(table.fields)) {
      if (attribute.fieldName && attribute.fieldName !== field) {
        problems.push(`a custom column name for ${model}.${field}`);
      } else if (!CORE_FIELDS[model].includes(field) && model === "account") {
        // Extra user and session fields go to auth_ext's user_fields / session_fields; the
        // credential account it writes has Better Auth's core columns only.
        problems.push(`the extra ${model} field "${field}" (auth_ext writes extra columns on user and session only)`);
      }
    }
  }
  // A plugin's init may register databaseHooks (username's and admin's user.create.before fill
  // their user fields there); Better Auth keeps those out of sight and auth_ext's statement could
  // not run them, so user fields from a plugin are taken only from plugins without an init.
  for (const plugin of options.plugins ?? []) {
    for (const model of ["user", "session"] as const) {
      const fields = Object.keys(plugin.schema?.[model]?.fields ?? {});
      if (plugin.init && plugin.id !== "auth-ext" && fields.length > 0) {
        problems.push(
          `the plugin "${plugin.id}" (its ${model} fields ${fields.map((f) => `"${f}"`).join(", ")} may be set by its own ` +
            `databaseHooks.${model}.create.before, which cannot run inside the auth_ext statement)`,
        );
      }
    }
  }
  if (options.databaseHooks?.account?.create?.after) {
    problems.push("databaseHooks.account.create.after (auth_ext does not return the account row)");
  }
  return problems;
}

/** A JSON object for auth_ext's user_fields / session_fields, or NULL when there is nothing to write. */
function fieldsParam(values: Record<string, unknown>): string | null {
  return Object.keys(values).length > 0 ? JSON.stringify(values) : null;
}

/**
 * The extra fields of a new user or session row (user.additionalFields / session.additionalFields
 * and plugins' fields), as Better Auth computes them for its create: `input` is what the request
 * supplies — for a sign-up's user, Better Auth's own parseUserInput of the body (input: false
 * fields refused with FIELD_NOT_ALLOWED or replaced by their default, validators, transforms,
 * defaults, required fields refused with MISSING_FIELD); a session takes no input — then what its
 * adapter does on create (date strings to dates, defaults for what is still missing,
 * transform.input). Keyed by column (custom column names are refused at startup), for
 * auth_ext's user_fields / session_fields.
 */
async function extraFieldValues(
  ctx: GenericEndpointContext, model: "user" | "session", input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const [field, attribute] of Object.entries(ctx.context.tables[model]?.fields ?? {})) {
    if (field === "id" || CORE_FIELDS[model].includes(field)) continue;
    let value = input[field];
    if (value === undefined && attribute.defaultValue === undefined && !attribute.transform?.input) continue;
    if (attribute.type === "date" && typeof value === "string") value = new Date(value);
    if ((value === undefined || (attribute.required === true && value === null)) && attribute.defaultValue !== undefined) {
      value = typeof attribute.defaultValue === "function" ? attribute.defaultValue() : attribute.defaultValue;
    }
    if (attribute.transform?.input) value = await attribute.transform.input(value as never);
    if (value !== undefined) values[field] = value;
  }
  return values;
}

/**
 * A row's date fields (createdAt, updatedAt, expiresAt and extra date fields) as Dates, as Better
 * Auth's adapter returns them; auth_ext returns them as ISO strings.
 */
function rowDates(ctx: GenericEndpointContext, model: "user" | "session", row: Record<string, unknown>): Record<string, unknown> {
  const dated: Record<string, unknown> = { ...row };
  for (const field of ["createdAt", "updatedAt", "expiresAt"]) {
    if (typeof dated[field] === "string") dated[field] = new Date(dated[field] as string);
  }
  for (const [field, attribute] of Object.entries(ctx.context.tables[model]?.fields ?? {})) {
    if (attribute.type === "date" && typeof dated[field] === "string") dated[field] = new Date(dated[field] as string);
  }
  return dated;
}

function toRows(ctx: GenericEndpointContext, result: SignResult): { user: User; session: Session } {
  return {
    user: rowDates(ctx, "user", result.user) as unknown as User,
    session: rowDates(ctx, "session", result.session) as unknown as Session,
  };
}

/** The client IP and user agent exactly as Better Auth's createSession derives them. */
function clientInfo(ctx: GenericEndpointContext): { ipAddress: string; userAgent: string } {
  const headers = ctx.headers ?? ctx.request?.headers;
  if (!headers) return { ipAddress: "", userAgent: "" };
  return { ipAddress: getIP(headers, ctx.context.options) || "", userAgent: headers.get("user-agent") || "" };
}

/**
 * Better Auth's length rule for its configured limits (UTF-16 code units, as JavaScript counts),
 * with its log lines.
 */
function assertPasswordLength(ctx: GenericEndpointContext, password: string, checkMinimum: boolean): void {
  const { minPasswordLength, maxPasswordLength } = ctx.context.password.config;
  if (checkMinimum && password.length < minPasswordLength) {
    ctx.context.logger.warn("Password is too short");
    throw APIError.from("BAD_REQUEST", { code: "PASSWORD_TOO_SHORT", message: "Password too short" });
  }
  if (password.length > maxPasswordLength) {
    ctx.context.logger.warn("Password is too long");
    throw APIError.from("BAD_REQUEST", { code: "PASSWORD_TOO_LONG", message: "Password too long" });
  }
}

/** The code of an APIError (Better Auth's error body), if it is one. */
function errorCode(error: unknown): string | undefined {
  if (!(error instanceof APIError)) return undefined;
  const code = (error.body as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Better Auth's stored scrypt format, "<salt>:<128 lowercase hex>", as auth_ext parses it. */
const SCRYPT_HASH = /^[^:]+:[0-9a-f]{128}(:|$)/;

/**
 * What Better Auth's own sign-in logs (warn) for a refusal the database answers identically for
 * every cause: "User not found", "Password not found" or "Invalid password". The reason is looked
 * up afterwards through Better Auth's adapter, as its sign-in does, so the SQL error stays one
 * and the same; a stored hash that is not Better Auth's format is named too (Better Auth would
 * answer it with a 500, auth_ext as a wrong password).
 */
async function logSignInRefusal(ctx: GenericEndpointContext, email: string): Promise<void> {
  const { logger, internalAdapter } = ctx.context;
  let reason: string;
  try {
    const record = await internalAdapter.findUserByEmail(email.toLowerCase(), { includeAccounts: true });
    const account = record?.accounts.find((a) => a.providerId === "credential" && a.accountId === record.user.id);
    if (!record || !account) reason = "User not found";
    else if (!account.password) reason = "Password not found";
    else if (!SCRYPT_HASH.test(account.password)) {
      reason = "Invalid password (the stored hash is not Better Auth's scrypt format; auth_ext.set_password rewrites it)";
    } else reason = "Invalid password";
  } catch {
    reason = "Invalid email or password";
  }
  logger.warn(reason);
}

/** The role and what it lacks of grant_app_role: USAGE on the schema, EXECUTE on the functions it calls. */
const PRIVILEGES_SQL = `SELECT current_user AS role, has_schema_privilege('auth_ext', 'USAGE') AS usage,
  CASE WHEN has_schema_privilege('auth_ext', 'USAGE') THEN
    ARRAY(SELECT f FROM unnest($1::text[]) f WHERE NOT has_function_privilege(f, 'EXECUTE')) END AS missing`;
const REQUIRED_FUNCTIONS = [
  "auth_ext.sign_up_email(text,text,text,text,text,text,boolean,integer,jsonb,jsonb)",
  "auth_ext.sign_in_email(text,text,text,text,boolean,integer,jsonb)",
  "auth_ext.hash_password(text)",
  "auth_ext.verify_password(text,text)",
];

/**
 * Checks once, at Better Auth's initialisation, that the role may call auth_ext; logs an error
 * naming the missing grant and the fix (the first sign-up would otherwise be the first to know).
 * Returns the role's name. A database that cannot be reached now is left for the calls to report.
 */
async function checkGrants(query: AuthExtQuery, logger: AuthContext["logger"]): Promise<string | undefined> {
  let row;
  try {
    row = await firstRow(query, PRIVILEGES_SQL, [REQUIRED_FUNCTIONS]);
  } catch {
    return undefined;
  }
  const role = typeof row?.role === "string" ? row.role : undefined;
  if (row && row.usage !== true) {
    logger.error(`auth_ext: role "${role}" has no USAGE on schema auth_ext; ${grantAdvice(role)}`);
  } else if (Array.isArray(row?.missing) && row.missing.length > 0) {
    logger.error(`auth_ext: role "${role}" may not EXECUTE ${row.missing.join(", ")}; ${grantAdvice(role)}`);
  }
  return role;
}

async function callAccountFunction(query: AuthExtQuery, text: string, params: unknown[], role: () => string | undefined): Promise<SignResult> {
  try {
    return await queryJson<SignResult>(query, text, params);
  } catch (error) {
    if (isMissingGrant(error)) throw missingGrantError(role());
    throw toAPIError(error) ?? unavailableError(error) ?? withoutRowDetail(error);
  }
}

/**
 * `{ query }`: runs one SQL statement, `(text, params) => Promise<{ rows }>` (pg, or Neon's
 * `sql.query(text, params, { fullResults: true })`); or `{ pool }`: a pg-style pool or client.
 */
export type AuthExtPluginOptions = AuthExtConnection;

/**
 * Better Auth plugin that makes `/sign-up/email` and `/sign-in/email` one auth_ext SQL call each.
 * Pair it with `emailAndPassword.password: authExtPassword(...)` so the other password routes
 * hash in the database too.
 */
export function authExt(pluginOptions: AuthExtPluginOptions) {
  const query = resolveQuery(pluginOptions);
  let role: string | undefined;
  const roleName = () => role;

  /** The cookie and the session after hook. */
  async function startSession(ctx: GenericEndpointContext, rows: { user: User; session: Session }, rememberMe?: boolean) {
    const { options } = ctx.context;
    await setSessionCookie(ctx, rows, rememberMe === false);
    await options.databaseHooks?.session?.create?.after?.(rows.session, ctx);
  }

  const coreSignUp = signUpEmail();
  const coreSignIn = signInEmail();

  return {
    id: "auth-ext",
    async init(context) {
      const problems = unsupportedOptions(context);
      if (problems.length > 0) {
        throw new BetterAuthError(`The auth_ext plugin cannot honour these Better Auth options: ${problems.join("; ")}`);
      }
      role = await checkGrants(query, context.logger);
    },
    endpoints: {
      signUpEmail: createAuthEndpoint("/sign-up/email", coreSignUp.options, async (ctx) => {
        const { options } = ctx.context;
        if (!options.emailAndPassword?.enabled || options.emailAndPassword.disableSignUp) {
          throw APIError.from("BAD_REQUEST", {
            code: "EMAIL_PASSWORD_SIGN_UP_DISABLED",
            message: "Email and password sign up is not enabled",
          });
        }
        const { name, email, password, image, callbackURL, rememberMe, ...rest } = ctx.body;
        assertPasswordLength(ctx, password, true);
        const userFields = await extraFieldValues(ctx, "user", parseUserInput(options, rest, "create"));
        const sessionFields = await extraFieldValues(ctx, "session", {});
        const { ipAddress, userAgent } = clientInfo(ctx);
        let result: SignResult;
        try {
          // The session lasts Better Auth's session.expiresIn (one day for rememberMe: false).
          result = await callAccountFunction(
            query,
            "SELECT auth_ext.sign_up_email($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS result",
            [
              email, password, name, image ?? null, ipAddress, userAgent, rememberMe !== false, ctx.context.sessionConfig.expiresIn,
              fieldsParam(userFields), fieldsParam(sessionFields),
            ],
            roleName,
          );
        } catch (error) {
          if (errorCode(error) === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") {
            ctx.context.logger.info(`Sign-up attempt for existing email: ${email}`);
          }
          throw error;
        }
        const rows = toRows(ctx, result);
        await options.databaseHooks?.user?.create?.after?.(rows.user, ctx);
        const emailVerification = options.emailVerification;
        if (emailVerification?.sendOnSignUp && emailVerification.sendVerificationEmail) {
          try {
            const token = await createEmailVerificationToken(
              ctx.context.secret, rows.user.email, undefined, emailVerification.expiresIn, { userId: rows.user.id },
            );
            const url = `${ctx.context.baseURL}/verify-email?token=${token}&callbackURL=${encodeURIComponent(callbackURL ?? "/")}`;
            await ctx.context.runInBackgroundOrAwait(
              emailVerification.sendVerificationEmail({ user: rows.user, url, token }, ctx.request),
            );
          } catch (error) {
            ctx.context.logger.error("Failed to send the sign-up verification email", error);
          }
        }
        await startSession(ctx, rows, rememberMe);
        return ctx.json({ token: rows.session.token, user: parseUserOutput(options, rows.user) });
      }),

      signInEmail: createAuthEndpoint("/sign-in/email", coreSignIn.options, async (ctx) => {
        const { options } = ctx.context;
        if (!options.emailAndPassword?.enabled) {
          ctx.context.logger.error(
            "Email and password is not enabled. Make sure to enable it in the options on you `auth.ts` file. Check `https://better-auth.com/docs/authentication/email-password` for more!",
          );
          throw APIError.from("BAD_REQUEST", {
            code: "EMAIL_PASSWORD_DISABLED",
            message: "Email and password is not enabled",
          });
        }
        const { email, password, callbackURL, rememberMe } = ctx.body;
        assertPasswordLength(ctx, password, false);
        const { ipAddress, userAgent } = clientInfo(ctx);
        let result: SignResult;
        try {
          result = await callAccountFunction(
            query,
            "SELECT auth_ext.sign_in_email($1, $2, $3, $4, $5, $6, $7) AS result",
            [
              email, password, ipAddress, userAgent, rememberMe !== false, ctx.context.sessionConfig.expiresIn,
              fieldsParam(await extraFieldValues(ctx, "session", {})),
            ],
            roleName,
          );
        } catch (error) {
          if (errorCode(error) === "INVALID_EMAIL_OR_PASSWORD") await logSignInRefusal(ctx, email);
          throw error;
        }
        const rows = toRows(ctx, result);
        await startSession(ctx, rows, rememberMe);
        if (callbackURL) ctx.setHeader("Location", callbackURL);
        return ctx.json({
          redirect: !!callbackURL,
          token: rows.session.token,
          url: callbackURL,
          user: parseUserOutput(options, rows.user),
        });
      }),
    },
  } satisfies BetterAuthPlugin;
}
