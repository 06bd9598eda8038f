// Compiled with `tsc --noEmit` by `npm test` (never run): an application's view of the package.
// It fails to compile if the plugin's types stop fitting Better Auth's, or if auth.api loses the
// typed sign-up/sign-in endpoints the plugin replaces.
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { neon, Pool as NeonPool } from "@neondatabase/serverless";
import pg from "pg";
import { authExt, authExtPassword, type AuthExtQuery } from "../../src/index.js";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });

// Neon's HTTP driver (no interactive transactions): `sql.query` resolves to the bare rows.
const sql = neon(process.env.DATABASE_URL ?? "");
const query: AuthExtQuery = (text, params) => sql.query(text, params);

export const auth = betterAuth({
  database: pool,
  emailAndPassword: { enabled: true, password: authExtPassword({ query }) },
  plugins: [jwt(), bearer(), authExt({ query })],
});

// Neon's WebSocket Pool and a pg Pool fit `{ pool }` as they are.
export const withNeonPool = authExt({ pool: new NeonPool({ connectionString: process.env.DATABASE_URL }) });
export const withPgPool = authExtPassword({ pool });

export async function signUp(): Promise<string> {
  const result = await auth.api.signUpEmail({
    body: { email: "ada@example.com", password: "correct horse battery staple", name: "Ada" },
  });
  const token: string | null = result.token;
  const email: string = result.user.email;
  return `${token ?? ""}${email}`;
}

export async function signIn(): Promise<boolean> {
  const result = await auth.api.signInEmail({ body: { email: "ada@example.com", password: "correct horse battery staple" } });
  return result.redirect;
}
