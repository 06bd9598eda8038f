// The rows the account statements write and return, as Better Auth's adapter would: the extra
// fields of a new user, session or account (additionalFields, plugins' fields), and the returned
// user and session with Better Auth's types.
import type { GenericEndpointContext, Session, User } from "better-auth";
import type { SignResult } from "./statements.js";

export type Row = Record<string, unknown>;

/** The columns auth_ext writes; any other field Better Auth would have to fill is unsupported. */
const CORE_FIELDS: Record<"user" | "session" | "account", readonly string[]> = {
  user: ["name", "email", "emailVerified", "image", "createdAt", "updatedAt"],
  session: ["expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId"],
  account: [
    "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt",
    "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt",
  ],
};

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
export async function extraFieldValues(ctx: GenericEndpointContext, model: "user" | "session" | "account", input: Row): Promise<Row> {
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

/** The fields of a row that are not the model's core columns (what hooks or the body added). */
export function extraOf(model: "user" | "session" | "account", row: Row): Row {
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
export function userDates(ctx: GenericEndpointContext, user: SignResult["user"]): User {
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
export function sessionDates(ctx: GenericEndpointContext, session: NonNullable<SignResult["session"]>): Session {
  const row: Row = { ...session };
  for (const [field, attribute] of Object.entries(ctx.context.tables.session?.fields ?? {})) {
    if ((attribute.type === "date" || field === "expiresAt") && typeof row[field] === "string") row[field] = new Date(row[field] as string);
  }
  for (const field of ["createdAt", "updatedAt"]) {
    if (typeof row[field] === "string") row[field] = new Date(row[field] as string);
  }
  return row as unknown as Session;
}
