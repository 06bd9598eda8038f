// Sends requests through the real Better Auth (1.7.25, email/password + jwt + bearer) on a
// database and prints each answer: the reference the FastAPI package's answers are compared with.
// Usage: node scripts/better-auth-requests.mjs <database-url> [mode]   (requests on stdin)
//   stdin: [{"path": "/sign-in/email", "body": "<raw body>", "contentType": "...", "ip": "...", "method": "POST"}]
//   stdout: [{"status": 400, "body": {...}, "retryAfter": "3" | null}]
// mode "rate-limit" turns Better Auth's rate limiter on with storage "database" (its rateLimit
// table); "require-email-verification" and "no-auto-sign-in" set emailAndPassword's
// requireEmailVerification: true and autoSignIn: false.
// Email verification is on with a sender that sends nothing (sign-up sends no mail: sendOnSignUp is off).
import pg from "pg";
import { betterAuth } from "better-auth";
import { bearer, jwt } from "better-auth/plugins";
import { BASE_URL, SECRET } from "../lib/better-auth.mjs";

const [databaseUrl, mode] = process.argv.slice(2);
let input = "";
for await (const chunk of process.stdin) input += chunk;
const requests = JSON.parse(input);

const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const auth = betterAuth({
  database: pool,
  secret: SECRET,
  baseURL: BASE_URL,
  emailAndPassword: {
    enabled: true,
    ...(mode === "require-email-verification" ? { requireEmailVerification: true } : {}),
    ...(mode === "no-auto-sign-in" ? { autoSignIn: false } : {}),
  },
  plugins: [jwt(), bearer()],
  rateLimit: mode === "rate-limit" ? { enabled: true, storage: "database" } : { enabled: false },
  telemetry: { enabled: false },
  logger: { disabled: true },
  emailVerification: { sendVerificationEmail: async () => {} },
});

const answers = [];
for (const { path, body, contentType = "application/json", ip, method = "POST" } of requests) {
  const headers = new Headers({ origin: BASE_URL });
  if (method === "POST") headers.set("content-type", contentType);
  if (ip) headers.set("x-forwarded-for", ip);
  const res = await auth.handler(new Request(`${BASE_URL}/api/auth${path}`, { method, headers, body: method === "POST" ? body : undefined }));
  const text = await res.text();
  answers.push({ status: res.status, body: text ? JSON.parse(text) : null, retryAfter: res.headers.get("x-retry-after"),
                 location: res.headers.get("location") });
}
await pool.end();
process.stdout.write(JSON.stringify(answers));
