// auth.ts on Neon: Better Auth's own queries over Neon's WebSocket Pool (it needs interactive
// transactions), the plugin's single statements over Neon's HTTP driver.
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { Pool, neon } from "@neondatabase/serverless";
import { authExt, authExtPassword, type AuthExtQuery } from "better-auth-auth-ext";

const sql = neon(process.env.DATABASE_URL!);
const query: AuthExtQuery = (text, params) => sql.query(text, params); // HTTP, one statement

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true, password: authExtPassword({ query }) },
  plugins: [jwt(), bearer(), authExt({ query })],
});
