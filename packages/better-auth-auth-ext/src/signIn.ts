// `/sign-in/email`: Better Auth's sign-in (its checks, responses, cookies, logs and verification
// email), with the password checked and the session written by ONE auth_ext.sign_in_email statement.
import { APIError, BASE_ERROR_CODES, type GenericEndpointContext, type Session } from "better-auth";
import { createAuthEndpoint, signInEmail } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { parseUserOutput } from "better-auth/db";
import { apiErrorCode, throughAdapter } from "./errors.js";
import { assertPasswordLength, clientInfo, sendVerificationEmail } from "./request.js";
import { extraFieldValues, sessionDates, userDates } from "./rows.js";
import type { PluginState } from "./state.js";
import { signInStatement, type SignResult } from "./statements.js";
import { requireTableNames } from "./tableNames.js";
import { signInChecksPasswordLength } from "./versions.js";

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

/** The plugin's `/sign-in/email`, registered over Better Auth's with its options (body schema, middleware, metadata). */
export function signInEndpoint(state: PluginState) {
  return createAuthEndpoint("/sign-in/email", signInEmail().options, async (ctx) => {
    await requireTableNames(state, ctx);
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
    if (!signInChecksPasswordLength(ctx.context) && password.length > ctx.context.password.config.maxPasswordLength) {
      // Better Auth 1.6 verifies it: over the maximum (refused when a password is set), it is a wrong one.
      await logSignInRefusal(ctx, email);
      throw APIError.from("UNAUTHORIZED", BASE_ERROR_CODES.INVALID_EMAIL_OR_PASSWORD);
    }
    assertPasswordLength(ctx, password, false);
    const { ipAddress, userAgent } = clientInfo(ctx);
    const requireEmailVerification = !!options.emailAndPassword.requireEmailVerification;
    // With database hooks that may see the session (admin's ban check), or sessions kept in
    // secondaryStorage, auth_ext checks the password (and the verification) only, and Better
    // Auth's own createSession writes the session, its hooks first: Better Auth's order, so a
    // wrong password is still INVALID_EMAIL_OR_PASSWORD and a banned user's right password
    // BANNED_USER.
    const createSession = !(state.sessionHooksPossible || state.sessionsElsewhere);
    let result: SignResult;
    try {
      result = await signInStatement(state, {
        email, password, ipAddress, userAgent, rememberMe: rememberMe !== false, expiresIn: ctx.context.sessionConfig.expiresIn,
        sessionFields: createSession ? await extraFieldValues(ctx, "session", {}) : {}, requireEmailVerification, createSession,
      }, (message) => ctx.context.logger.warn(message));
    } catch (error) {
      const code = apiErrorCode(error);
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
  });
}
