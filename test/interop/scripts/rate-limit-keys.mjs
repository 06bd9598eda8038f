// Better Auth's rate-limit key for each request: the reference the FastAPI package's keys are
// compared with. It is what Better Auth 1.7.25's rate limiter computes (resolveRateLimitConfig in
// better-auth/dist/api/rate-limiter): createRateLimitKey(getIP(request, options) ?? "no-trusted-ip", path).
// Usage: node scripts/rate-limit-keys.mjs   (run with NODE_ENV=production: no localhost fallback)
//   stdin: [{"headers": [["x-forwarded-for", "..."], ...], "ipAddress": {advanced.ipAddress options}, "path": "/sign-in/email"}]
//   stdout: ["<ip>|/sign-in/email", ...]
import { createRateLimitKey, getIP } from "@better-auth/core/utils/ip";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const keys = JSON.parse(input).map(({ headers, ipAddress, path }) => {
  const request = new Request("http://localhost:3000/api/auth" + path, { headers: new Headers(headers) });
  return createRateLimitKey(getIP(request, { advanced: { ipAddress } }) ?? "no-trusted-ip", path);
});
process.stdout.write(JSON.stringify(keys));
