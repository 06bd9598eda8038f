// auth.ts whose JWTs end at sign-out: the jwt plugin's tokens carry the session's id as `sid`
// (withSessionId), which auth_ext.authenticate() checks with the setting jwt_require_live_session.
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { authExt, authExtPassword, withSessionId } from "better-auth-auth-ext";
import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export const auth = betterAuth({
  database: pool,
  emailAndPassword: { enabled: true, password: authExtPassword({ pool }) },
  plugins: [
    // The application's claims, then sid; withSessionId() alone keeps the jwt plugin's default (the user).
    jwt({ jwt: { definePayload: withSessionId(({ user }) => ({ email: user.email, name: user.name })) } }),
    bearer(),
    authExt({ pool }),
  ],
});
