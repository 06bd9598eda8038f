// Better Auth on the Next.js server: email/password through the auth_ext plugin (sign-up and
// sign-in are one SQL statement each, passwords hashed in the database), JWTs for the FastAPI
// todo API (jwt plugin: EdDSA keys in the jwks table, which the API verifies inside Postgres),
// and the bearer plugin.
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { bearer, jwt } from "better-auth/plugins";
import { authExt, authExtPassword, withSessionId } from "better-auth-auth-ext";
import { Pool } from "pg";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./rules";

// The better_auth role: Better Auth's tables and auth_ext.grant_app_role, not the owner.
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
// An idle connection that breaks (the server restarts) is dropped from the pool; without this
// listener node-postgres's error event would end the Next.js process.
pool.on("error", (error) => console.warn(`database connection lost: ${error.message}`));

export const auth = betterAuth({
  database: pool,
  baseURL: process.env.BETTER_AUTH_URL, // its origin is the JWT's iss and aud
  secret: process.env.BETTER_AUTH_SECRET,
  emailAndPassword: {
    enabled: true,
    minPasswordLength: PASSWORD_MIN_LENGTH,
    maxPasswordLength: PASSWORD_MAX_LENGTH,
    password: authExtPassword({ pool }),
  },
  plugins: [
    jwt({
      jwt: {
        expirationTime: process.env.JWT_EXPIRATION_TIME ?? "15m",
        // The default payload (the user) plus the session's id as `sid`: with the database setting
        // jwt_require_live_session on (db/settings.sql), the API refuses the JWT once the session ends.
        definePayload: withSessionId(),
      },
    }),
    bearer(),
    authExt({ pool }),
  ],
  // A name is required (Better Auth accepts an empty one).
  hooks: {
    before: createAuthMiddleware(async (ctx) => {
      if (ctx.path === "/sign-up/email" && !String(ctx.body?.name ?? "").trim()) {
        throw new APIError("BAD_REQUEST", { code: "NAME_REQUIRED", message: "Name is required" });
      }
    }),
  },
  // Counters in Better Auth's rateLimit table, shared with the FastAPI /auth routes.
  rateLimit: { storage: "database" },
  // Errors that are not Better Auth's own (a database that cannot be reached) are thrown to the
  // route handler, app/api/auth/[...all]/route.ts, which answers an outage with 503.
  onAPIError: { throw: true },
});
