// What one authExt(...) plugin knows: the query function it was given, and what its init learns
// (from Better Auth's options and the database), read by the endpoints on every request.
import type { AuthExtQuery } from "./query.js";

export interface PluginState {
  /** Runs one statement (resolveQuery of the plugin's options). */
  readonly query: AuthExtQuery;
  /** Runs one statement on the read replica (the `replica` option), where sign-in and sign-up do their password work. */
  readonly replicaQuery: AuthExtQuery | undefined;
  /** The role the plugin connects as (named in the missing-grant error), when the probe could ask. */
  role: string | undefined;
  /** A database hook may have to see a new session first: sign-in leaves it to Better Auth's createSession. */
  sessionHooksPossible: boolean;
  /** secondaryStorage: Better Auth writes the sessions, the statements the user and the credential account. */
  sessionsElsewhere: boolean;
  /**
   * Whether Better Auth's table names were compared with auth_ext's (at init, else before the
   * first statement: a database that was unreachable at startup).
   */
  namesChecked: boolean;
}

/** A plugin's state before its init. */
export function newPluginState(query: AuthExtQuery, replicaQuery?: AuthExtQuery): PluginState {
  return { query, replicaQuery, role: undefined, sessionHooksPossible: false, sessionsElsewhere: false, namesChecked: false };
}
