// `/sign-up/email`: Better Auth's sign-up (its checks, its database hooks, its responses, cookies
// and emails), with the user, its credential account and its session written by ONE
// auth_ext.sign_up_email statement, so sign-up is atomic over any driver.
import { APIError, BASE_ERROR_CODES, generateId, type GenericEndpointContext, type Session, type User } from "better-auth";
import { createAuthEndpoint, signUpEmail } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { buildSyntheticUserOutput, parseUserInput, parseUserOutput } from "better-auth/db";
import { captureWrites, runAfterHooks } from "./capture.js";
import { apiErrorCode, throughAdapter } from "./errors.js";
import { assertPasswordLength, clientInfo, safeCloneRequest, sendVerificationEmail } from "./request.js";
import { extraFieldValues, extraOf, sessionDates, userDates, type Row } from "./rows.js";
import type { PluginState } from "./state.js";
import { signUpStatement, type SignResult, type SignUpParams } from "./statements.js";
import { requireTableNames } from "./tableNames.js";

/** An error for what a database hook did that one auth_ext statement cannot write (a 500, logged). */
function hookRefusal(ctx: GenericEndpointContext, what: string): APIError {
  const message = `auth_ext cannot write what a databaseHooks create.before hook returned: ${what}`;
  ctx.context.logger.error(message);
  return APIError.from("INTERNAL_SERVER_ERROR", { code: "UNSUPPORTED_HOOK_RESULT", message });
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

/**
 * Refuses what the create.before hooks returned that the one statement cannot write as Better Auth
 * would: the user, its credential account and, when one is made, the session (which must last
 * `sessionSeconds`).
 */
function checkCapturedRows(
  ctx: GenericEndpointContext, user: Row, account: Row, session: Row | undefined, sessionSeconds: number,
): asserts user is Row & { email: string; name: string; image?: string | null; id?: string } {
  if (user.emailVerified !== false) throw hookRefusal(ctx, "emailVerified set on the user (auth_ext writes false)");
  if (typeof user.email !== "string" || typeof user.name !== "string") throw hookRefusal(ctx, "a user without an email or name");
  if (user.image !== undefined && user.image !== null && typeof user.image !== "string") throw hookRefusal(ctx, "a user image that is not a string");
  if (user.id !== undefined && typeof user.id !== "string") throw hookRefusal(ctx, "a user id that is not a string");
  if (account.providerId !== "credential" || account.accountId !== user.id || account.userId !== user.id || account.password !== undefined) {
    throw hookRefusal(ctx, "a credential account with other fields than Better Auth's");
  }
  if (!session) return;
  const expected = Date.now() + sessionSeconds * 1000;
  if (session.userId !== user.id) throw hookRefusal(ctx, "a session for another user");
  if (typeof session.token !== "string") throw hookRefusal(ctx, "a session token that is not a string");
  if (!(session.expiresAt instanceof Date) || Math.abs(session.expiresAt.getTime() - expected) > 60_000) {
    throw hookRefusal(ctx, "a session expiresAt other than Better Auth's (session.expiresIn)");
  }
  for (const field of ["ipAddress", "userAgent"] as const) {
    const value = session[field];
    if (value !== undefined && value !== null && typeof value !== "string") throw hookRefusal(ctx, `a session ${field} that is not a string`);
  }
}

/** auth_ext.sign_up_email; USER_ALREADY_EXISTS logged as Better Auth logs it. */
async function callSignUp(state: PluginState, ctx: GenericEndpointContext, email: string, params: SignUpParams): Promise<SignResult> {
  try {
    return await signUpStatement(state, params, (message) => ctx.context.logger.warn(message));
  } catch (error) {
    if (apiErrorCode(error) === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") {
      ctx.context.logger.info(`Sign-up attempt for existing email: ${email}`);
    }
    throw error;
  }
}

/** The plugin's `/sign-up/email`, registered over Better Auth's with its options (body schema, middleware, metadata). */
export function signUpEndpoint(state: PluginState) {
  return createAuthEndpoint("/sign-up/email", signUpEmail().options, async (ctx) => {
    await requireTableNames(state, ctx);
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
      if (!generic && !state.sessionsElsewhere) {
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
    const session = capture.rows.session;
    checkCapturedRows(ctx, user, account, session, rememberMe === false ? 86400 : expiresIn);
    // The session's IP address and user agent as its hooks left them.
    const sessionIp = session ? (session.ipAddress as string | null | undefined) ?? "" : ipAddress;
    const sessionAgent = session ? (session.userAgent as string | null | undefined) ?? "" : userAgent;
    const userFields = await extraFieldValues(ctx, "user", extraOf("user", user));
    // A session's extra fields: what its hooks set, then its adapter's defaults.
    const sessionFields = session ? await extraFieldValues(ctx, "session", extraOf("session", session)) : {};
    const result = await callSignUp(state, ctx, email, {
      email: user.email, password, name: user.name, image: user.image ?? null,
      ipAddress: sessionIp, userAgent: sessionAgent, rememberMe: rememberMe !== false, expiresIn, userFields, sessionFields,
      autoSignIn: !generic && !state.sessionsElsewhere, userId: user.id ?? null,
      sessionToken: (session?.token as string | undefined) ?? null,
      accountFields: await extraFieldValues(ctx, "account", extraOf("account", account)),
    });
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
    } else if (state.sessionsElsewhere && !generic) {
      // Better Auth's own createSession, its hooks first, once the user is written.
      const created = await throughAdapter(() => internalAdapter.createSession(createdUser.id, rememberMe === false));
      if (!created) throw APIError.from("BAD_REQUEST", BASE_ERROR_CODES.FAILED_TO_CREATE_SESSION);
      await setSessionCookie(ctx, { session: created, user: createdUser }, rememberMe === false);
      token = created.token;
    }
    const response = ctx.json({ token, user: parseUserOutput(options, written) });
    await throughAdapter(() => runAfterHooks(capture));
    return response;
  });
}
