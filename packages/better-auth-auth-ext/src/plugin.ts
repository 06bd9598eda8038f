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
  BASE_ERROR_CODES,
  BetterAuthError,
  generateId,
  type AuthContext,
  type BetterAuthOptions,
  type BetterAuthPlugin,
  type GenericEndpointContext,
  type Session,
  type User,
} from "better-auth";
import { createAuthEndpoint, createEmailVerificationToken, getIP, signInEmail, signUpEmail } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { buildSyntheticUserOutput, parseUserInput, parseUserOutput } from "better-auth/db";
import { getCurrentDBAdapterAsyncLocalStorage } from "@better-auth/core/context";
import { getAuthTables } from "@better-auth/core/db";
import { errorCodeOf, grantAdvice, isMissingGrant, missingGrantError, toAPIError, unavailableError, withoutRowDetail } from "./errors.js";
import { isAuthExtPasswordFunction } from "./password.js";
import { firstRow, queryJson, resolveQuery, type AuthExtConnection, type AuthExtQuery } from "./query.js";

/**
 * What auth_ext.sign_up_email / sign_in_email return; timestamps are ISO strings. token and
 * session are null when no session was created (autoSignIn: false, requireEmailVerification);
 * existing_email (sign-up without a session only) tells that the user is a synthetic one for an
 * email that is taken; it never goes to the client.
 */
interface SignResult {
  token: string | null;
  user: Omit<User, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };
  session: Omit<Session, "createdAt" | "updatedAt" | "expiresAt"> & {
    createdAt: string;
    updatedAt: string;
    expiresAt: string;
  } | null;
  existing_email?: boolean;
}

type Row = Record<string, unknown>;

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

/** The models whose table and column names auth_ext follows (its better_auth_names setting). */
const NAMED_MODELS = ["user", "session", "account", "verification", "jwks", "rateLimit"] as const;

type TableNames = Record<string, { modelName?: string; fields?: Record<string, string> }>;

/**
 * Better Auth's table and column names where this configuration renames them (modelName, fields,
 * additionalFields' fieldName, plugins' schema options), in the shape of auth_ext's
 * better_auth_names setting; {} when it keeps every default.
 */
function configuredTableNames(context: Pick<AuthContext, "tables">): TableNames {
  const names: TableNames = {};
  for (const model of NAMED_MODELS) {
    const table = context.tables[model];
    if (!table) continue;
    const entry: { modelName?: string; fields?: Record<string, string> } = {};
    if (table.modelName && table.modelName !== model) entry.modelName = table.modelName;
    for (const [field, attribute] of Object.entries(table.fields)) {
      if (attribute.fieldName && attribute.fieldName !== field) (entry.fields ??= {})[field] = attribute.fieldName;
    }
    if (entry.modelName || entry.fields) names[model] = entry;
  }
  return names;
}

/**
 * auth_ext's better_auth_names setting for a Better Auth configuration (its tables' and columns'
 * names, plugins' included), as JSON text: what the database owner passes to
 * `SELECT auth_ext.configure('better_auth_names', $1)`, e.g. in a deployment script. "{}" when
 * every name is Better Auth's default.
 */
export function authExtTableNames(options: BetterAuthOptions): string {
  return JSON.stringify(configuredTableNames({ tables: getAuthTables(options) }));
}

/** A names object without the entries that keep a default, with its keys sorted (for comparing). */
function canonicalNames(names: unknown, models: readonly string[]): string {
  const out: Record<string, { modelName?: string; fields?: Record<string, string> }> = {};
  const source = (names && typeof names === "object" ? names : {}) as TableNames;
  for (const model of [...models].sort()) {
    const entry = source[model];
    if (!entry || typeof entry !== "object") continue;
    const kept: { modelName?: string; fields?: Record<string, string> } = {};
    if (typeof entry.modelName === "string" && entry.modelName !== model) kept.modelName = entry.modelName;
    for (const field of Object.keys(entry.fields ?? {}).sort()) {
      const column = entry.fields?.[field];
      if (typeof column === "string" && column !== field) (kept.fields ??= {})[field] = column;
    }
    if (kept.modelName || kept.fields) out[model] = kept;
  }
  return JSON.stringify(out);
}

/**
 * Why the database's better_auth_names differs from Better Auth's configured names (compared for
 * the models this Better Auth has tables for), with the statement that makes them agree; undefined
 * when they agree, null when the database cannot be asked now (or the role may not ask).
 */
async function tableNamesMismatch(query: AuthExtQuery, context: Pick<AuthContext, "tables">): Promise<string | null | undefined> {
  let row;
  try {
    row = await firstRow(query, "SELECT auth_ext.table_names() AS names", []);
  } catch (error) {
    if (isMissingGrant(error)) return null;  // checkGrants names what is missing
    if (unavailableError(error)) return null;
    throw error;
  }
  const expected = configuredTableNames(context);
  const models = NAMED_MODELS.filter((model) => context.tables[model]);
  if (canonicalNames(row?.names, models) === canonicalNames(expected, models)) return undefined;
  const setting = JSON.stringify(expected).replace(/'/g, "''");
  return `Better Auth's table and column names (${canonicalNames(expected, models)}) are not the ones auth_ext is ` +
    `configured with (${canonicalNames(row?.names, models)}); as the extension owner, run ` +
    `SELECT auth_ext.configure('better_auth_names', '${setting}')`;
}

/**
 * The extra fields of a new user or session row (user.additionalFields / session.additionalFields
 * and plugins' fields) from the data Better Auth's createUser / createSession hands its adapter,
 * after its database hooks: for the user, the sign-up body through Better Auth's own
 * parseUserInput (input: false fields refused with FIELD_NOT_ALLOWED or replaced by their default,
 * validators, transforms, defaults, required fields refused with MISSING_FIELD) and what the hooks
 * set; for a session, what the hooks set (it takes nothing from the body). Here, what its adapter
 * does on create: date strings to dates, defaults for what is still missing, transform.input;
 * fields outside the schema are dropped. Keyed by column (custom column names are refused at
 * startup), for auth_ext's user_fields / session_fields.
 */
async function extraFieldValues(ctx: GenericEndpointContext, model: "user" | "session" | "account", input: Row): Promise<Row> {
  const values: Row = {};
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

/** A JSON object for auth_ext's user_fields / session_fields, or NULL when there is nothing to write. */
function fieldsParam(values: Row): string | null {
  return Object.keys(values).length > 0 ? JSON.stringify(values) : null;
}

/** The fields of a row that are not the model's core columns (what hooks or the body added). */
function extraOf(model: "user" | "session" | "account", row: Row): Row {
  const extra: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (key !== "id" && !CORE_FIELDS[model].includes(key)) extra[key] = value;
  }
  return extra;
}

/**
 * The user as Better Auth's adapter returns it: the fields of its schema only (the table may have
 * columns of plugins this configuration does not use), dates (createdAt, updatedAt and extra
 * ones) as Dates.
 */
function userDates(ctx: GenericEndpointContext, user: SignResult["user"]): User {
  const source: Record<string, unknown> = user;
  // In the adapter's order: the schema's fields, then the id (its transformOutput), so the keys of a
  // response come in the order Better Auth's do (and its synthetic users' do).
  const row: Record<string, unknown> = {};
  for (const [field, attribute] of Object.entries(ctx.context.tables.user?.fields ?? {})) {
    if (!(field in source)) continue;
    const value = source[field];
    row[field] = (attribute.type === "date" || field === "createdAt" || field === "updatedAt") && typeof value === "string"
      ? new Date(value) : value;
  }
  row.id = user.id;
  return row as unknown as User;
}

/** The session as Better Auth's adapter returns it: its dates (core and extra date fields) as Dates. */
function sessionDates(ctx: GenericEndpointContext, session: NonNullable<SignResult["session"]>): Session {
  const row: Row = { ...session };
  for (const [field, attribute] of Object.entries(ctx.context.tables.session?.fields ?? {})) {
    if ((attribute.type === "date" || field === "expiresAt") && typeof row[field] === "string") row[field] = new Date(row[field] as string);
  }
  for (const field of ["createdAt", "updatedAt"]) {
    if (typeof row[field] === "string") row[field] = new Date(row[field] as string);
  }
  return row as unknown as Session;
}


/**
 * Better Auth's own database calls the plugin makes (adapter reads, its hooks, its createSession):
 * a server that is going away or refusing connections answers 503 DATABASE_UNAVAILABLE, as the
 * auth_ext statements do, never a 500.
 */
async function throughAdapter<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof APIError) throw error;
    throw unavailableError(error) ?? error;
  }
}

/** An error for what a database hook did that one auth_ext statement cannot write (a 500, logged). */
function hookRefusal(ctx: GenericEndpointContext, what: string): APIError {
  const message = `auth_ext cannot write what a databaseHooks create.before hook returned: ${what}`;
  ctx.context.logger.error(message);
  return APIError.from("INTERNAL_SERVER_ERROR", { code: "UNSUPPORTED_HOOK_RESULT", message });
}

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
async function captureWrites<T>(ctx: GenericEndpointContext, fn: (capture: Capture) => Promise<T>) {
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

interface Capture {
  expect: Model | undefined;
  rows: Partial<Record<Model, Row>>;
  pendingHooks: (() => Promise<void>)[];
}

/** The queued after hooks, in order, as Better Auth runs them once its transaction commits. */
async function runAfterHooks(capture: Capture): Promise<void> {
  for (const hook of capture.pendingHooks) await hook();
}

/**
 * Better Auth's answer to a sign-up for an email that is taken when sign-up must not tell
 * (requireEmailVerification, or autoSignIn: false): a user that was never written, from the
 * body (its sign-up's buildGenericDuplicateResponse, customSyntheticUser included).
 */
function syntheticResponse(
  ctx: GenericEndpointContext,
  input: { name: string; email: string; image?: string | null; additional: Row },
  id: string,
  now: Date,
) {
  const { options } = ctx.context;
  const coreFields = {
    name: input.name, email: input.email, emailVerified: false, image: input.image ?? null, createdAt: now, updatedAt: now,
  };
  const custom = options.emailAndPassword?.customSyntheticUser;
  let synthetic;
  if (custom) {
    const additionalFields: Row = {};
    for (const key of Object.keys(options.user?.additionalFields ?? {})) {
      if (key in input.additional) additionalFields[key] = input.additional[key];
    }
    synthetic = buildSyntheticUserOutput(options, custom({ coreFields, additionalFields, id }));
  } else {
    synthetic = buildSyntheticUserOutput(options, { ...coreFields, ...input.additional, id });
  }
  return ctx.json({ token: null, user: parseUserOutput(options, synthetic as User) });
}

/** Better Auth's safeCloneRequest: the request for a callback that runs after the response. */
function safeCloneRequest(request: Request | undefined): Request | undefined {
  if (!request) return undefined;
  try {
    return request.clone();
  } catch {
    return new Request(request.url, { headers: request.headers, method: request.method, signal: request.signal });
  }
}

/** emailAndPassword.onExistingUserSignUp, run after the response is decided, errors logged, as Better Auth does. */
async function notifyExistingUser(ctx: GenericEndpointContext, email: string, existing?: User): Promise<void> {
  const onExistingUserSignUp = ctx.context.options.emailAndPassword?.onExistingUserSignUp;
  if (!onExistingUserSignUp) return;
  try {
    const user = existing ?? (await ctx.context.internalAdapter.findUserByEmail(email))?.user;
    if (!user) return;
    await ctx.context.runInBackgroundOrAwait(onExistingUserSignUp({ user }, safeCloneRequest(ctx.request)));
  } catch (error) {
    ctx.context.logger.error("Failed to run onExistingUserSignUp after sign-up", error);
  }
}

/** Better Auth's verification email (its sign-up's and sign-in's): a token, the /verify-email link, sendVerificationEmail. */
async function sendVerificationEmail(ctx: GenericEndpointContext, user: User, callbackURL: string | undefined): Promise<void> {
  const emailVerification = ctx.context.options.emailVerification;
  if (!emailVerification?.sendVerificationEmail) return;
  const token = await createEmailVerificationToken(
    ctx.context.secret, user.email, undefined, emailVerification.expiresIn, { userId: user.id },
  );
  const url = `${ctx.context.baseURL}/verify-email?token=${token}&callbackURL=${encodeURIComponent(callbackURL ?? "/")}`;
  await ctx.context.runInBackgroundOrAwait(emailVerification.sendVerificationEmail({ user, url, token }, safeCloneRequest(ctx.request)));
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
  "auth_ext.sign_up_email(text,text,text,jsonb)",
  "auth_ext.sign_in_email(text,text,jsonb)",
  "auth_ext.hash_password(text)",
  "auth_ext.verify_password(text,text)",
  "auth_ext.table_names()",
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
 * Plugins of Better Auth 1.7.25 whose init registers no session database hook (jwt's returns only
 * a context; username's hooks are on user only).
 */
const PLUGINS_WITHOUT_SESSION_HOOKS = new Set(["auth-ext", "jwt", "username"]);

/**
 * `{ query }`: runs one SQL statement, `(text, params) => Promise<{ rows }>` (pg, or Neon's
 * `sql.query(text, params, { fullResults: true })`); or `{ pool }`: a pg-style pool or client.
 */
export type AuthExtPluginOptions = AuthExtConnection;

/**
 * Checks once, at Better Auth's initialisation, that auth_ext may use Better Auth's tables: a table
 * another role owns (one Better Auth's migrator made as another role, or one planted) is refused by
 * every account function (UNTRUSTED_OBJECT). Returns that refusal's message, which names the table,
 * its owner and the fix. get_session with a token no session has runs the check and nothing else.
 * A database that cannot be reached now, or any other error, is left for the calls to report.
 */
async function untrustedTables(query: AuthExtQuery): Promise<string | undefined> {
  try {
    await firstRow(query, "SELECT auth_ext.get_session($1) AS result", ["auth-ext-start-up-check"]);
  } catch (error) {
    if (errorCodeOf(error)?.row.code === "UNTRUSTED_OBJECT") return (error as Error).message;
  }
  return undefined;
}

/**
 * Better Auth plugin that makes `/sign-up/email` and `/sign-in/email` one auth_ext SQL call each.
 * Pair it with `emailAndPassword.password: authExtPassword(...)` so the other password routes
 * hash in the database too.
 */
export function authExt(pluginOptions: AuthExtPluginOptions) {
  const query = resolveQuery(pluginOptions);
  let role: string | undefined;
  let sessionHooksPossible = false;
  let sessionsElsewhere = false;
  // Whether Better Auth's table names were compared with auth_ext's (at init, else before the
  // first statement: a database that was unreachable at startup).
  let namesChecked = false;
  const roleName = () => role;

  /**
   * The names check, once, before a request's first database call when init could not make it: a
   * mismatch is a configuration error, a 500 whose details (the statement to run) go to the log.
   */
  async function requireTableNames(ctx: GenericEndpointContext): Promise<void> {
    if (namesChecked) return;
    const problem = await tableNamesMismatch(query, ctx.context);
    if (problem) {
      ctx.context.logger.error(`auth_ext: ${problem}`);
      throw APIError.from("INTERNAL_SERVER_ERROR", {
        code: "AUTH_EXT_TABLE_NAMES_MISMATCH",
        message: "auth_ext is configured with other table names than Better Auth's (the server log has the fix)",
      });
    }
    namesChecked = problem === undefined;
  }

  const coreSignUp = signUpEmail();
  const coreSignIn = signInEmail();

  /** auth_ext.sign_up_email; USER_ALREADY_EXISTS logged as Better Auth logs it. */
  async function callSignUp(ctx: GenericEndpointContext, email: string, params: unknown[]): Promise<SignResult> {
    try {
      return await callAccountFunction(
        query, "SELECT auth_ext.sign_up_email($1, $2, $3, pg_catalog.jsonb_build_object('image', $4::text, 'ip_address', $5::text, "
        + "'user_agent', $6::text, 'remember_me', $7::boolean, 'session_expires_in', $8::integer, 'user_fields', $9::jsonb, "
        + "'session_fields', $10::jsonb, 'auto_sign_in', $11::boolean, 'user_id', $12::text, 'session_token', $13::text, "
        + "'account_fields', $14::jsonb)) AS result", params, roleName,
      );
    } catch (error) {
      if (errorCode(error) === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") {
        ctx.context.logger.info(`Sign-up attempt for existing email: ${email}`);
      }
      throw error;
    }
  }

  return {
    id: "auth-ext",
    async init(context) {
      const problems = unsupportedOptions(context);
      if (problems.length > 0) {
        throw new BetterAuthError(`The auth_ext plugin cannot honour these Better Auth options: ${problems.join("; ")}`);
      }
      // Sign-in writes its session in the auth_ext statement unless a database hook may have to
      // see it first: the application's session create hooks, or a plugin's init (which may
      // register hooks Better Auth keeps out of sight) other than those known to register none.
      const session = context.options.databaseHooks?.session?.create;
      sessionHooksPossible = !!(session?.before || session?.after) ||
        (context.options.plugins ?? []).some((p) => p.init && !PLUGINS_WITHOUT_SESSION_HOOKS.has(p.id));
      // With secondaryStorage, sessions are Better Auth's to write (to that storage, and to the
      // database only with session.storeSessionInDatabase): the statements write the user and the
      // credential account, and Better Auth's own createSession the session.
      sessionsElsewhere = !!context.options.secondaryStorage;
      role = await checkGrants(query, context.logger);
      const names = await tableNamesMismatch(query, context);
      if (names) throw new BetterAuthError(`The auth_ext plugin cannot start: ${names}`);
      const untrusted = await untrustedTables(query);
      if (untrusted) {
        throw new BetterAuthError(`The auth_ext plugin cannot start: ${untrusted}. Run Better Auth's migrator as the ` +
          "database owner (the auth_ext extension's owner), or hand its tables over with ALTER TABLE ... OWNER TO; " +
          "SELECT * FROM auth_ext.check_schema() as that owner lists what is wrong.");
      }
      namesChecked = names === undefined;
    },
    endpoints: {
      signUpEmail: createAuthEndpoint("/sign-up/email", coreSignUp.options, async (ctx) => {
        await requireTableNames(ctx);
        const { options, internalAdapter } = ctx.context;
        const emailAndPassword = options.emailAndPassword;
        if (!emailAndPassword?.enabled || emailAndPassword.disableSignUp) {
          throw APIError.from("BAD_REQUEST", {
            code: "EMAIL_PASSWORD_SIGN_UP_DISABLED",
            message: "Email and password sign up is not enabled",
          });
        }
        const { name, email, password, image, callbackURL, rememberMe, ...rest } = ctx.body;
        assertPasswordLength(ctx, password, true);
        // Better Auth's sign-up, in its order: the generic duplicate response when sign-up must
        // not tell that an email is taken, the body's user fields, then the email looked up
        // before any database hook runs.
        const generic = !!emailAndPassword.requireEmailVerification || emailAndPassword.autoSignIn === false;
        const additional: Row = parseUserInput(options, rest, "create");
        const normalizedEmail = email.toLowerCase();
        const existing = await throughAdapter(() => internalAdapter.findUserByEmail(normalizedEmail));
        if (existing?.user) {
          ctx.context.logger.info(`Sign-up attempt for existing email: ${email}`);
          if (!generic) throw APIError.from("UNPROCESSABLE_ENTITY", BASE_ERROR_CODES.USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL);
          await throughAdapter(() => ctx.context.password.hash(password));
          const response = syntheticResponse(
            ctx, { name, email: normalizedEmail, image, additional }, ctx.context.generateId({ model: "user" }) || generateId(), new Date(),
          );
          await notifyExistingUser(ctx, normalizedEmail, existing.user);
          return response;
        }
        const { ipAddress, userAgent } = clientInfo(ctx);
        const sendOnSignUp = options.emailVerification?.sendOnSignUp ?? emailAndPassword.requireEmailVerification;
        const expiresIn = ctx.context.sessionConfig.expiresIn;
        // Better Auth's createUser, linkAccount and createSession with their database hooks, the
        // writes captured; then the one auth_ext statement writes what the hooks left; then the
        // after hooks, as after Better Auth's transaction.
        const { result: outcome, capture } = await throughAdapter(() => captureWrites(ctx, async (capture) => {
          let createdUser: User | null;
          try {
            capture.expect = "user";
            createdUser = await internalAdapter.createUser(
              { email: normalizedEmail, name, image, ...additional, emailVerified: false }, { method: "email-password" },
            );
            if (!createdUser) throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.FAILED_TO_CREATE_USER);
          } catch (error) {
            if (error instanceof APIError) {
              if (error.statusCode === 403 && generic) return { synthetic: true as const };
              throw error;
            }
            ctx.context.logger.error("Failed to create user", error);
            throw APIError.from("UNPROCESSABLE_ENTITY", BASE_ERROR_CODES.FAILED_TO_CREATE_USER);
          }
          capture.expect = "account";
          // The hooks see the credential account without its hash (auth_ext hashes inside the statement).
          const account = await internalAdapter.linkAccount({ userId: createdUser.id, providerId: "credential", accountId: createdUser.id });
          if (!account) throw hookRefusal(ctx, "a credential account hook returned false (Better Auth would create the user without one)");
          const user = createdUser;
          if (sendOnSignUp && options.emailVerification?.sendVerificationEmail) {
            capture.pendingHooks.push(async () => {
              try {
                await sendVerificationEmail(ctx, user, callbackURL);
              } catch (error) {
                ctx.context.logger.error("Failed to send the sign-up verification email", error);
              }
            });
          }
          let session: Session | null = null;
          if (!generic && !sessionsElsewhere) {
            capture.expect = "session";
            session = await internalAdapter.createSession(user.id, rememberMe === false);
            if (!session) throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.FAILED_TO_CREATE_SESSION);
          }
          capture.expect = undefined;
          return { synthetic: false as const, user, account, session };
        }));
        if (outcome.synthetic) {
          // A hook refused with a 403 while sign-up must not tell: Better Auth's generic answer.
          return syntheticResponse(ctx, { name, email: normalizedEmail, image, additional }, ctx.context.generateId({ model: "user" }) || generateId(), new Date());
        }
        const user = capture.rows.user as Row;
        const account = capture.rows.account as Row;
        if (user.emailVerified !== false) throw hookRefusal(ctx, "emailVerified set on the user (auth_ext writes false)");
        if (typeof user.email !== "string" || typeof user.name !== "string") throw hookRefusal(ctx, "a user without an email or name");
        if (user.image !== undefined && user.image !== null && typeof user.image !== "string") throw hookRefusal(ctx, "a user image that is not a string");
        if (user.id !== undefined && typeof user.id !== "string") throw hookRefusal(ctx, "a user id that is not a string");
        if (account.providerId !== "credential" || account.accountId !== user.id || account.userId !== user.id || account.password !== undefined) {
          throw hookRefusal(ctx, "a credential account with other fields than Better Auth's");
        }
        const session = capture.rows.session;
        let sessionIp = ipAddress;
        let sessionAgent = userAgent;
        if (session) {
          const expected = Date.now() + (rememberMe === false ? 86400 : expiresIn) * 1000;
          if (session.userId !== user.id) throw hookRefusal(ctx, "a session for another user");
          if (typeof session.token !== "string") throw hookRefusal(ctx, "a session token that is not a string");
          if (!(session.expiresAt instanceof Date) || Math.abs(session.expiresAt.getTime() - expected) > 60_000) {
            throw hookRefusal(ctx, "a session expiresAt other than Better Auth's (session.expiresIn)");
          }
          for (const field of ["ipAddress", "userAgent"] as const) {
            const value = session[field];
            if (value !== undefined && value !== null && typeof value !== "string") throw hookRefusal(ctx, `a session ${field} that is not a string`);
          }
          sessionIp = (session.ipAddress as string | null | undefined) ?? "";
          sessionAgent = (session.userAgent as string | null | undefined) ?? "";
        }
        const userFields = await extraFieldValues(ctx, "user", extraOf("user", user));
        // A session's extra fields: what its hooks set, then its adapter's defaults.
        const sessionFields = session ? await extraFieldValues(ctx, "session", extraOf("session", session)) : {};
        const result = await callSignUp(ctx, email, [
          user.email, password, user.name, user.image ?? null, sessionIp, sessionAgent, rememberMe !== false, expiresIn,
          fieldsParam(userFields), fieldsParam(sessionFields), !generic && !sessionsElsewhere, user.id ?? null, session?.token ?? null,
          fieldsParam(await extraFieldValues(ctx, "account", extraOf("account", account))),
        ]);
        if (result.existing_email && !generic) {
          // Without a session in the statement (secondaryStorage), a taken email is not an error
          // there: the email was taken between the look-up and the statement; Better Auth's 422.
          ctx.context.logger.info(`Sign-up attempt for existing email: ${email}`);
          throw APIError.from("UNPROCESSABLE_ENTITY", BASE_ERROR_CODES.USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL);
        }
        if (result.existing_email) {
          // The email was taken between the look-up and the statement: Better Auth's generic answer.
          await notifyExistingUser(ctx, normalizedEmail);
          return syntheticResponse(ctx, { name, email: normalizedEmail, image, additional }, result.user.id, new Date(result.user.createdAt));
        }
        // The written rows, into the objects the hooks saw and the after hooks hold.
        const written = userDates(ctx, result.user);
        const createdUser = Object.assign(outcome.user, written);
        Object.assign(user, createdUser);
        if (capture.pendingHooks.length > 0) {
          // The after hooks see the rows as written; the credential account (with its hash, which
          // the statement never returns) is read back through Better Auth's own adapter.
          const credential = await throughAdapter(() => ctx.context.adapter.findOne<Row>({
            model: "account",
            where: [{ field: "userId", value: createdUser.id }, { field: "providerId", value: "credential" }],
          }));
          if (credential) Object.assign(account, credential);
        }
        let token: string | null = null;
        if (result.session && outcome.session) {
          const createdSession = Object.assign(outcome.session, sessionDates(ctx, result.session));
          if (session) Object.assign(session, createdSession);
          await setSessionCookie(ctx, { session: createdSession, user: createdUser }, rememberMe === false);
          token = outcome.session.token;
        } else if (sessionsElsewhere && !generic) {
          // Better Auth's own createSession, its hooks first, once the user is written.
          const created = await throughAdapter(() => internalAdapter.createSession(createdUser.id, rememberMe === false));
          if (!created) throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.FAILED_TO_CREATE_SESSION);
          await setSessionCookie(ctx, { session: created, user: createdUser }, rememberMe === false);
          token = created.token;
        }
        const response = ctx.json({ token, user: parseUserOutput(options, written) });
        await throughAdapter(() => runAfterHooks(capture));
        return response;
      }),

      signInEmail: createAuthEndpoint("/sign-in/email", coreSignIn.options, async (ctx) => {
        await requireTableNames(ctx);
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
        const requireEmailVerification = !!options.emailAndPassword.requireEmailVerification;
        // With database hooks that may see the session (admin's ban check), or sessions kept in
        // secondaryStorage, auth_ext checks the password (and the verification) only, and Better
        // Auth's own createSession writes the session, its hooks first: Better Auth's order, so a
        // wrong password is still INVALID_EMAIL_OR_PASSWORD and a banned user's right password
        // BANNED_USER.
        let result: SignResult;
        try {
          result = await callAccountFunction(
            query,
            "SELECT auth_ext.sign_in_email($1, $2, pg_catalog.jsonb_build_object('ip_address', $3::text, 'user_agent', $4::text, "
            + "'remember_me', $5::boolean, 'session_expires_in', $6::integer, 'session_fields', $7::jsonb, "
            + "'require_email_verification', $8::boolean, 'create_session', $9::boolean)) AS result",
            [email, password, ipAddress, userAgent, rememberMe !== false, ctx.context.sessionConfig.expiresIn,
              sessionHooksPossible || sessionsElsewhere ? null : fieldsParam(await extraFieldValues(ctx, "session", {})),
              requireEmailVerification, !(sessionHooksPossible || sessionsElsewhere)],
            roleName,
          );
        } catch (error) {
          const code = errorCode(error);
          if (code === "INVALID_EMAIL_OR_PASSWORD") await logSignInRefusal(ctx, email);
          if (code === "EMAIL_NOT_VERIFIED" && options.emailVerification?.sendVerificationEmail && options.emailVerification.sendOnSignIn) {
            const record = await throughAdapter(() => ctx.context.internalAdapter.findUserByEmail(email.toLowerCase()));
            if (record) await sendVerificationEmail(ctx, record.user, callbackURL);
          }
          throw error;
        }
        const user = userDates(ctx, result.user);
        let session: Session;
        if (result.session) {
          session = sessionDates(ctx, result.session);
          await setSessionCookie(ctx, { session, user }, rememberMe === false);
          await options.databaseHooks?.session?.create?.after?.(session, ctx);
        } else {
          const created = await throughAdapter(() => ctx.context.internalAdapter.createSession(user.id, rememberMe === false));
          if (!created) {
            ctx.context.logger.error("Failed to create session");
            throw APIError.from("UNAUTHORIZED", BASE_ERROR_CODES.FAILED_TO_CREATE_SESSION);
          }
          session = created;
          await setSessionCookie(ctx, { session, user }, rememberMe === false);
        }
        if (callbackURL) ctx.setHeader("Location", callbackURL);
        return ctx.json({
          redirect: !!callbackURL,
          token: session.token,
          url: callbackURL,
          user: parseUserOutput(options, user),
        });
      }),
    },
  } satisfies BetterAuthPlugin;
}
