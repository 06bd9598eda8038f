// Public entry point of better-auth-auth-ext: the Better Auth plugin, the password functions and
// the SQL-error mapping, all backed by the auth_ext PostgreSQL extension.
export { authExt, type AuthExtPluginOptions } from "./plugin.js";
export { authExtTableNames } from "./tableNames.js";
export { authExtPassword, type AuthExtPasswordFunctions } from "./password.js";
export { withSessionId, type DefinePayload, type JwtPayloadSource } from "./sessionId.js";
export { toAPIError, unavailableError } from "./errors.js";
export type { AuthExtConnection, AuthExtPoolLike, AuthExtQuery, AuthExtQueryResult, AuthExtRow } from "./query.js";
