// Times Better Auth's own hashPassword (better-auth/crypto, from test/interop's pinned install):
// prints {"median_ms": ..., "runs": N} for N sequential calls.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const runs = Number(process.argv[2] ?? 20);
const require = createRequire(new URL("../../test/interop/package.json", import.meta.url));
const { hashPassword } = await import(pathToFileURL(require.resolve("better-auth/crypto")).href);

await hashPassword("warm-up");
const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  await hashPassword("correct horse battery staple");
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median_ms: times[Math.floor(runs / 2)], runs }));
