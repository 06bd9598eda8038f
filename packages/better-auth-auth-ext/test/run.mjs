// npm test's two runs side by side: node's test runner over test/*.test.mjs against better-auth 1.7
// (the package's own), and test/better-auth-1.6/run.mjs against 1.6 (npm run test:better-auth-1.6;
// its own databases, support.mjs). The 1.6 run's output is shown once the 1.7 run is done. Exits
// non-zero when either fails.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a command in the package; resolves to its exit code. */
function run(command, args, stdio) {
  const child = spawn(command, args, { cwd: PACKAGE, stdio });
  return { child, done: new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1))) };
}

const older = run("npm", ["run", "--silent", "test:better-auth-1.6"], ["ignore", "pipe", "pipe"]);
const olderOutput = [];
older.child.stdout.on("data", (chunk) => olderOutput.push(chunk));
older.child.stderr.on("data", (chunk) => olderOutput.push(chunk));

const tests = readdirSync(join(PACKAGE, "test")).filter((name) => name.endsWith(".test.mjs")).sort().map((name) => join("test", name));
const current = run(process.execPath, ["--test", "--test-concurrency=1", ...tests], "inherit");
const currentCode = await current.done;
const olderCode = await older.done;
process.stdout.write(Buffer.concat(olderOutput));
const verdict = (code) => (code === 0 ? "passed" : "FAILED");
console.log(`# better-auth 1.7: ${verdict(currentCode)}; better-auth 1.6: ${verdict(olderCode)}`);
process.exit(currentCode === 0 && olderCode === 0 ? 0 : 1);
