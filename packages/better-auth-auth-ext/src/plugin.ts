// The Better Auth server plugin: `/sign-up/email` and `/sign-in/email` keep their paths, request
// and response shapes, cookies and hook pipeline, but write through ONE auth_ext SQL call each
// (auth_ext.sign_up_email / auth_ext.sign_in_email), so sign-up is atomic over any driver,
// including drivers without transactions such as Neon's HTTP driver.
//
// Mechanism: Better Auth merges plugin endpoints over its core endpoints by key, so the endpoints
// below, registered as `signUpEmail` and `signInEmail`, replace the core ones for the router and
// for `auth.api.*`. They reuse the core endpoints' options (body schema, CSRF middleware,
// metadata), so body validation errors are Better Auth's own, and they run through the full
// before/after hook pipeline (bearer's set-auth-token, user hooks, …).
//
// authExt only composes: each job is a module named for it (the README's "Source layout").
import type { BetterAuthPlugin } from "better-auth";
import { assertSupportedOptions, sessionWriting } from "./options.js";
import { outageAwareAdapter, unavailableResponse } from "./outage.js";
import { resolveQuery, type AuthExtConnection } from "./query.js";
import { signInEndpoint } from "./signIn.js";
import { warnWithoutSessionId } from "./sessionId.js";
import { signUpEndpoint } from "./signUp.js";
import { probeDatabase } from "./startUp.js";
import { newPluginState } from "./state.js";

/**
 * `{ query }`: runs one SQL statement, `(text, params) => Promise<{ rows }>` (pg, or Neon's
 * `sql.query(text, params, { fullResults: true })`); or `{ pool }`: a pg-style pool or client.
 * `replica`: the same for a read replica (a hot standby): sign-in and sign-up then do their
 * password work (scrypt) there and the primary only checks a proof (src/replica.ts).
 */
export type AuthExtPluginOptions = AuthExtConnection & { replica?: AuthExtConnection };

/**
 * Better Auth plugin that makes `/sign-up/email` and `/sign-in/email` one auth_ext SQL call each.
 * Pair it with `emailAndPassword.password: authExtPassword(...)` so the other password routes
 * hash in the database too.
 */
export function authExt(pluginOptions: AuthExtPluginOptions) {
  const state = newPluginState(resolveQuery(pluginOptions),
    pluginOptions.replica ? resolveQuery(pluginOptions.replica) : undefined);
  return {
    id: "auth-ext",
    async init(context) {
      assertSupportedOptions(context);
      Object.assign(state, sessionWriting(context.options));
      warnWithoutSessionId(context);
      await probeDatabase(state, context);
      return { context: { adapter: outageAwareAdapter(context.adapter) } };
    },
    onRequest: () => unavailableResponse(),
    endpoints: {
      signUpEmail: signUpEndpoint(state),
      signInEmail: signInEndpoint(state),
    },
  } satisfies BetterAuthPlugin;
}
