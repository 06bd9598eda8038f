// The session's id in Better Auth's JWTs: `withSessionId` is the `jwt` plugin's `definePayload`
// that adds it as `sid`, which auth_ext's `jwt_require_live_session` checks, so a sign-out ends the
// session's JWTs at once; the start-up check warns when the jwt plugin is configured with no
// definePayload at all (its payload is then the user, without sid).
import type { AuthContext, Session, User } from "better-auth";

/** What Better Auth's `jwt` plugin passes its `definePayload` option: the session and its user. */
export interface JwtPayloadSource {
  user: User & Record<string, unknown>;
  session: Session & Record<string, unknown>;
}

/** A `definePayload` of Better Auth's `jwt` plugin (`jwt({ jwt: { definePayload } })`). */
export type DefinePayload = (source: JwtPayloadSource) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

/**
 * Better Auth's `jwt` plugin's `definePayload` with the session's id as `sid`: the claims of
 * `definePayload` when given (else the user, as the jwt plugin's default payload), then `sid`.
 * Use it as `jwt({ jwt: { definePayload: withSessionId() } })` or
 * `withSessionId(({ user }) => ({ email: user.email, role: user.role }))`.
 */
export function withSessionId(definePayload?: DefinePayload): DefinePayload {
  return async (source) => {
    const claims = definePayload ? await definePayload(source) : source.user;
    return { ...claims, sid: source.session.id };
  };
}

/**
 * At start-up: a `jwt` plugin with no `definePayload` signs the user as the payload, without
 * `sid`; that is logged as a warning naming the fix, since `jwt_require_live_session` refuses
 * such tokens. A definePayload of the application's own is taken to set `sid` itself.
 */
export function warnWithoutSessionId(context: AuthContext): void {
  const jwtPlugin = (context.options.plugins ?? []).find((plugin) => plugin.id === "jwt") as
    { options?: { jwt?: { definePayload?: unknown } } } | undefined;
  if (!jwtPlugin) return;
  if (typeof jwtPlugin.options?.jwt?.definePayload === "function") return;
  context.logger.warn(
    "auth_ext: the jwt plugin's tokens carry no sid claim, so auth_ext.authenticate() cannot end them at sign-out " +
      "(and refuses them with jwt_require_live_session on); configure jwt({ jwt: { definePayload: withSessionId(...) } }) " +
      "with withSessionId from better-auth-auth-ext",
  );
}
