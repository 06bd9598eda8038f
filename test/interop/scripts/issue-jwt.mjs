// Issues a real Better Auth JWT for tests of other languages (the FastAPI package and example):
// runs Better Auth's own migrator on the database, signs a new user up through Better Auth's
// handler, and calls GET /api/auth/token (jwt plugin defaults: EdDSA, key in the jwks table).
//
// Usage: node scripts/issue-jwt.mjs <postgres-url> <email> [password] [name]
// Prints one JSON line: {"token", "userId", "email", "sessionToken", "sessionCookie", "baseURL"}
// (sessionCookie is the signed `better-auth.session_token=...` pair Better Auth set).
import pg from "pg";
import { BASE_URL, createBetterAuth } from "../lib/better-auth.mjs";

const [url, email, password = "interop-password-1", name = "JWT User"] = process.argv.slice(2);
if (!url || !email) {
  console.error("usage: node scripts/issue-jwt.mjs <postgres-url> <email> [password] [name]");
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: url, max: 2 });
try {
  const ba = createBetterAuth({ pool });
  await ba.migrate();
  const up = await ba.request("POST", "/sign-up/email", { body: { email, password, name } });
  if (up.status !== 200) throw new Error(`sign-up answered ${up.status}: ${up.json?.code ?? ""}`);
  const res = await ba.request("GET", "/token", { cookie: up.sessionCookie });
  if (res.status !== 200) throw new Error(`/token answered ${res.status}: ${res.json?.code ?? ""}`);
  console.log(JSON.stringify({
    token: res.json.token, userId: up.json.user.id, email: up.json.user.email,
    sessionToken: up.json.token, sessionCookie: up.sessionCookie, baseURL: BASE_URL,
  }));
} catch (e) {
  console.error(`issue-jwt: ${e.message}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
