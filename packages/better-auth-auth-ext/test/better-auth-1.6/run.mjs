// The plugin's tests against Better Auth 1.6: the built dist/ and the tests are copied into
// suite/ under this folder, whose node_modules hold better-auth 1.6.34 (package.json here), so
// their imports of better-auth resolve to 1.6 while the package's own node_modules hold 1.7. The
// tests that read the repository's files rather than Better Auth (the README checks) run once, with
// the package's tests. Exits with node's test runner's status.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, "..", "..");
const SUITE = join(HERE, "suite");
/** Tests of the repository's files, not of Better Auth: run once, against 1.7. */
const VERSION_INDEPENDENT = new Set(["readme-snippets.test.mjs", "readme-blocks.test.mjs"]);

const expected = JSON.parse(readFileSync(join(HERE, "package.json"), "utf8")).dependencies["better-auth"];
const installed = JSON.parse(readFileSync(join(HERE, "node_modules", "better-auth", "package.json"), "utf8")).version;
if (installed !== expected) {
  console.error(`better-auth ${installed} is installed in ${HERE}, not ${expected}: run npm ci there`);
  process.exit(1);
}

rmSync(SUITE, { recursive: true, force: true });
cpSync(join(PACKAGE, "dist"), join(SUITE, "dist"), { recursive: true });
cpSync(join(PACKAGE, "README.md"), join(SUITE, "README.md"));  // grants.test.mjs runs its SQL block
const tests = [];
for (const name of readdirSync(join(PACKAGE, "test"))) {
  if (!name.endsWith(".mjs") || VERSION_INDEPENDENT.has(name)) continue;
  cpSync(join(PACKAGE, "test", name), join(SUITE, "test", name));
  if (name.endsWith(".test.mjs")) tests.push(join(SUITE, "test", name));
}
console.log(`# the plugin's tests against better-auth ${installed}`);
// Its own databases (support.mjs), so that it may run beside the 1.7 run (test/run.mjs).
const env = { ...process.env, AUTH_EXT_TEST_DB_SUFFIX: "_ba16" };
const run = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...tests.sort()], { stdio: "inherit", env });
process.exit(run.status ?? 1);
