// Better Auth's table and column names: authExtTableNames (auth_ext's better_auth_names setting for
// a configuration), and the check that the database is configured with the names Better Auth uses.
import { APIError, type AuthContext, type BetterAuthOptions, type GenericEndpointContext } from "better-auth";
import { getAuthTables } from "@better-auth/core/db";
import { isMissingGrant, unavailableError } from "./errors.js";
import { firstRow, type AuthExtQuery } from "./query.js";
import type { PluginState } from "./state.js";

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
export async function tableNamesMismatch(query: AuthExtQuery, context: Pick<AuthContext, "tables">): Promise<string | null | undefined> {
  let row;
  try {
    row = await firstRow(query, "SELECT auth_ext.table_names() AS names", []);
  } catch (error) {
    if (isMissingGrant(error)) return null;  // the start-up probe (checkGrants) names what is missing
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
 * The names check, once, before a request's first database call when init could not make it: a
 * mismatch is a configuration error, a 500 whose details (the statement to run) go to the log.
 */
export async function requireTableNames(state: PluginState, ctx: GenericEndpointContext): Promise<void> {
  if (state.namesChecked) return;
  const problem = await tableNamesMismatch(state.query, ctx.context);
  if (problem) {
    ctx.context.logger.error(`auth_ext: ${problem}`);
    throw APIError.from("INTERNAL_SERVER_ERROR", {
      code: "AUTH_EXT_TABLE_NAMES_MISMATCH",
      message: "auth_ext is configured with other table names than Better Auth's (the server log has the fix)",
    });
  }
  state.namesChecked = problem === undefined;
}
