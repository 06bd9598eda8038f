// The start-up probe: at Better Auth's initialisation, the plugin asks the database once whether
// its role may call auth_ext, whether auth_ext knows Better Auth's table names, and whether it may
// use Better Auth's tables, so a misconfiguration shows at start-up rather than at the first sign-up.
import { BetterAuthError, type AuthContext } from "better-auth";
import { errorCodeOf, grantAdvice } from "./errors.js";
import { firstRow, type AuthExtQuery } from "./query.js";
import type { PluginState } from "./state.js";
import { tableNamesMismatch } from "./tableNames.js";

/** The role and what it lacks of grant_app_role: USAGE on the schema, EXECUTE on the functions it calls. */
const PRIVILEGES_SQL = `SELECT current_user AS role, has_schema_privilege('auth_ext', 'USAGE') AS usage,
  CASE WHEN has_schema_privilege('auth_ext', 'USAGE') THEN
    ARRAY(SELECT f FROM unnest($1::text[]) f WHERE NOT has_function_privilege(f, 'EXECUTE')) END AS missing`;
const REQUIRED_FUNCTIONS = [
  "auth_ext.sign_up_email(text,text,text,jsonb,text)",
  "auth_ext.sign_in_email(text,text,jsonb,text)",
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
 * The probe, in its order: the grants (logged; the role is kept for the missing-grant error), the
 * table names (a mismatch refuses to start), the tables' owner (another owner refuses to start).
 */
export async function probeDatabase(state: PluginState, context: AuthContext): Promise<void> {
  state.role = await checkGrants(state.query, context.logger);
  const names = await tableNamesMismatch(state.query, context);
  if (names) throw new BetterAuthError(`The auth_ext plugin cannot start: ${names}`);
  const untrusted = await untrustedTables(state.query);
  if (untrusted) {
    throw new BetterAuthError(`The auth_ext plugin cannot start: ${untrusted}. Run Better Auth's migrator as the ` +
      "database owner (the auth_ext extension's owner), or hand its tables over with ALTER TABLE ... OWNER TO; " +
      "SELECT * FROM auth_ext.check_schema() as that owner lists what is wrong.");
  }
  state.namesChecked = names === undefined;
}
