// The real Better Auth (pinned 1.7.25) on a test database, driven through its HTTP handler as
// docs/better-auth-compatibility.md §9 describes.
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { bearer, jwt } from "better-auth/plugins";

export const BASE_URL = "http://localhost:3000";
export const SECRET = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708";

/** Better Auth with email/password, jwt (options, or false) and bearer, on `pool`; rate limit off unless given; emailVerification and user as given. */
export function createBetterAuth({
  pool, secret = SECRET, jwt: jwtOptions = {}, emailAndPassword = {}, rateLimit = { enabled: false }, emailVerification, user,
}) {
  const options = {
    database: pool,
    secret,
    baseURL: BASE_URL,
    emailAndPassword: { enabled: true, ...emailAndPassword },
    ...(emailVerification ? { emailVerification } : {}),
    ...(user ? { user } : {}),
    plugins: [...(jwtOptions === false ? [] : [jwt(jwtOptions)]), bearer()],
    rateLimit,
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
  const auth = betterAuth(options);

  /** One request through auth.handler; returns status, headers, parsed JSON and the session cookie. */
  async function request(method, path, { body, headers = {}, cookie } = {}) {
    const h = new Headers(headers);
    if (body !== undefined) h.set("content-type", "application/json");
    if (cookie) h.set("cookie", cookie);
    h.set("origin", BASE_URL);
    const res = await auth.handler(new Request(`${BASE_URL}/api/auth${path}`, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    }));
    const text = await res.text();
    const setCookie = res.headers.getSetCookie?.() ?? [];
    const session = setCookie.map((c) => c.split(";")[0]).find((c) => c.startsWith("better-auth.session_token="));
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null, sessionCookie: session };
  }

  /** Runs Better Auth's own migrator; returns what it found to do before running. */
  async function migrate({ run = true } = {}) {
    const m = await getMigrations(options);
    const plan = {
      toBeCreated: m.toBeCreated.map((t) => t.table),
      toBeAdded: m.toBeAdded.map((t) => t.table),
      toBeAddedIndexes: m.toBeAddedIndexes.map((i) => i.name ?? i.table),
    };
    if (run) await m.runMigrations();
    return plan;
  }

  return { auth, request, migrate };
}
