// The two account statements the endpoints run, auth_ext.sign_up_email and auth_ext.sign_in_email:
// their SQL, their parameters by name, what they return, and their errors as Better Auth's.
import type { Session, User } from "better-auth";
import { isMissingGrant, missingGrantError, toAPIError, unavailableError, withoutRowDetail } from "./errors.js";
import { queryJson } from "./query.js";
import { SIGN_IN_VERDICTS, withPasswordProof } from "./replica.js";
import type { Row } from "./rows.js";
import type { PluginState } from "./state.js";

/**
 * What auth_ext.sign_up_email / sign_in_email return; timestamps are ISO strings. token and
 * session are null when no session was created (autoSignIn: false, requireEmailVerification);
 * existing_email (sign-up without a session only) tells that the user is a synthetic one for an
 * email that is taken; it never goes to the client.
 */
export interface SignResult {
  token: string | null;
  user: Omit<User, "createdAt" | "updatedAt"> & { createdAt: string; updatedAt: string };
  session: Omit<Session, "createdAt" | "updatedAt" | "expiresAt"> & {
    createdAt: string;
    updatedAt: string;
    expiresAt: string;
  } | null;
  existing_email?: boolean;
}

/** A JSON object for auth_ext's user_fields / session_fields, or NULL when there is nothing to write. */
function fieldsParam(values: Row): string | null {
  return Object.keys(values).length > 0 ? JSON.stringify(values) : null;
}

/** One account statement's result; its errors as Better Auth's APIErrors (or the grant to run, or a 503). */
async function callAccountFunction(state: PluginState, text: string, params: unknown[]): Promise<SignResult> {
  try {
    return await queryJson<SignResult>(state.query, text, params);
  } catch (error) {
    if (isMissingGrant(error)) throw missingGrantError(state.role);
    throw toAPIError(error) ?? unavailableError(error) ?? withoutRowDetail(error);
  }
}

/** auth_ext.sign_up_email's inputs; the fields are extra columns of the new rows (none: {}). */
export interface SignUpParams {
  email: string;
  password: string;
  name: string;
  image: string | null;
  ipAddress: string;
  userAgent: string;
  rememberMe: boolean;
  expiresIn: number;
  userFields: Row;
  sessionFields: Row;
  autoSignIn: boolean;
  userId: string | null;
  sessionToken: string | null;
  accountFields: Row;
}

/**
 * auth_ext.sign_up_email: the user, its credential account and (autoSignIn) its session, in one
 * statement; with a replica, the new password is hashed there (password_hash_proof) and the
 * primary stores the proof's hash ($2 NULL, $15 the proof).
 */
export function signUpStatement(state: PluginState, p: SignUpParams, warn: (message: string) => void): Promise<SignResult> {
  const run = (password: string | null, proof: string | null) => callAccountFunction(
    state, "SELECT auth_ext.sign_up_email($1, $2, $3, pg_catalog.jsonb_build_object('image', $4::text, 'ip_address', $5::text, "
    + "'user_agent', $6::text, 'remember_me', $7::boolean, 'session_expires_in', $8::integer, 'user_fields', $9::jsonb, "
    + "'session_fields', $10::jsonb, 'auto_sign_in', $11::boolean, 'user_id', $12::text, 'session_token', $13::text, "
    + "'account_fields', $14::jsonb), $15) AS result",
    [p.email, password, p.name, p.image, p.ipAddress, p.userAgent, p.rememberMe, p.expiresIn, fieldsParam(p.userFields),
      fieldsParam(p.sessionFields), p.autoSignIn, p.userId, p.sessionToken, fieldsParam(p.accountFields), proof],
  );
  return withPasswordProof(state,
    { sql: "SELECT auth_ext.password_hash_proof($1) AS proof", params: [p.password], final: new Set() }, warn,
    (proof) => run(null, proof), () => run(p.password, null));
}

/** auth_ext.sign_in_email's inputs; sessionFields are extra columns of the new session (none: {}). */
export interface SignInParams {
  email: string;
  password: string;
  ipAddress: string;
  userAgent: string;
  rememberMe: boolean;
  expiresIn: number;
  sessionFields: Row;
  requireEmailVerification: boolean;
  createSession: boolean;
}

/**
 * auth_ext.sign_in_email: the password (and verification) check and, with createSession, the
 * session, in one statement; with a replica, the password is checked there (password_proof) and
 * the primary takes the proof ($2 NULL, $10 the proof).
 */
export function signInStatement(state: PluginState, p: SignInParams, warn: (message: string) => void): Promise<SignResult> {
  const run = (password: string | null, proof: string | null) => callAccountFunction(
    state,
    "SELECT auth_ext.sign_in_email($1, $2, pg_catalog.jsonb_build_object('ip_address', $3::text, 'user_agent', $4::text, "
    + "'remember_me', $5::boolean, 'session_expires_in', $6::integer, 'session_fields', $7::jsonb, "
    + "'require_email_verification', $8::boolean, 'create_session', $9::boolean), $10) AS result",
    [p.email, password, p.ipAddress, p.userAgent, p.rememberMe, p.expiresIn, fieldsParam(p.sessionFields),
      p.requireEmailVerification, p.createSession, proof],
  );
  return withPasswordProof(state,
    { sql: "SELECT auth_ext.password_proof($1, $2) AS proof", params: [p.email, p.password], final: SIGN_IN_VERDICTS }, warn,
    (proof) => run(null, proof), () => run(p.password, null));
}
