// What both endpoints take from the request as Better Auth's own sign-up and sign-in do: the
// client's IP and user agent, the password length rule, the request handed to a callback that
// runs after the response, and the verification email.
import { APIError, type GenericEndpointContext, type User } from "better-auth";
import { createEmailVerificationToken } from "better-auth/api";
import { getIP } from "./versions.js";

/** Better Auth's safeCloneRequest: the request for a callback that runs after the response. */
export function safeCloneRequest(request: Request | undefined): Request | undefined {
  if (!request) return undefined;
  try {
    return request.clone();
  } catch {
    return new Request(request.url, { headers: request.headers, method: request.method, signal: request.signal });
  }
}

/** Better Auth's verification email (its sign-up's and sign-in's): a token, the /verify-email link, sendVerificationEmail. */
export async function sendVerificationEmail(ctx: GenericEndpointContext, user: User, callbackURL: string | undefined): Promise<void> {
  const emailVerification = ctx.context.options.emailVerification;
  if (!emailVerification?.sendVerificationEmail) return;
  const token = await createEmailVerificationToken(
    ctx.context.secret, user.email, undefined, emailVerification.expiresIn, { userId: user.id },
  );
  const url = `${ctx.context.baseURL}/verify-email?token=${token}&callbackURL=${encodeURIComponent(callbackURL ?? "/")}`;
  await ctx.context.runInBackgroundOrAwait(emailVerification.sendVerificationEmail({ user, url, token }, safeCloneRequest(ctx.request)));
}

/** The client IP and user agent exactly as Better Auth's createSession derives them. */
export function clientInfo(ctx: GenericEndpointContext): { ipAddress: string; userAgent: string } {
  const headers = ctx.headers ?? ctx.request?.headers;
  if (!headers) return { ipAddress: "", userAgent: "" };
  return { ipAddress: getIP(headers, ctx.context.options) || "", userAgent: headers.get("user-agent") || "" };
}

/**
 * Better Auth's length rule for its configured limits (UTF-16 code units, as JavaScript counts),
 * with its log lines.
 */
export function assertPasswordLength(ctx: GenericEndpointContext, password: string, checkMinimum: boolean): void {
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
