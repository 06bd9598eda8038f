// Every code block of the package's README is checked by a test: TypeScript blocks are tested files
// (readme-snippets.test.mjs), the SQL block is run by grants.test.mjs, and the shell block (the
// install) is run here as a new user would: in a clean copy of the package, then in a new
// application, which then imports the package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { grantsBlock, readmeBlocks } from "./readme.mjs";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");
/** What checks each language's blocks. */
const CHECKED = { ts: "readme-snippets.test.mjs", tsx: "readme-snippets.test.mjs", sql: "grants.test.mjs", sh: "this test" };

test("README.md: every block is of a language a test checks, and its one SQL block is the one grants.test.mjs runs", () => {
  const blocks = readmeBlocks();
  assert.ok(blocks.length > 0);
  for (const { lang, body } of blocks) {
    assert.ok(CHECKED[lang], `README.md: a \`\`\`${lang} block no test checks:\n${body.slice(0, 200)}`);
  }
  assert.equal(blocks.filter((b) => b.lang === "sql")[0]?.body, grantsBlock());
});

test("README.md: the install block, run in a clean copy of the package and a new application, installs a package that loads", () => {
  const blocks = readmeBlocks().filter((b) => b.lang === "sh");
  assert.equal(blocks.length, 1, "one install block");
  const lines = blocks[0].body.split("\n").map((line) => line.replace(/\s+#.*$/, "")).filter(Boolean);
  assert.equal(lines.length, 2, blocks[0].body);
  const [build, install] = lines;

  const scratch = mkdtempSync(join(tmpdir(), "auth-ext-readme-"));
  try {
    // The repository as cloned: the package's tracked sources, no node_modules, no dist.
    const copy = join(scratch, "repo", "packages", "better-auth-auth-ext");
    mkdirSync(copy, { recursive: true });
    for (const name of ["package.json", "package-lock.json", "tsconfig.json", "README.md", "src"]) {
      cpSync(join(PACKAGE, name), join(copy, name), { recursive: true });
    }
    const env = { ...process.env, npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_loglevel: "error" };
    const sh = (cwd, command) => execFileSync("bash", ["-euo", "pipefail", "-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    sh(join(scratch, "repo"), build);
    const tarballs = readdirSync(copy).filter((name) => name.endsWith(".tgz"));
    assert.equal(tarballs.length, 1, `npm pack wrote ${tarballs.join(", ")}`);
    assert.ok(install.includes(`/path/to/${tarballs[0]}`), `the install line names ${tarballs[0]}: ${install}`);

    const app = join(scratch, "app");
    mkdirSync(app);
    sh(app, install.replace("/path/to/", `${copy}/`));
    const loaded = execFileSync(process.execPath, ["--input-type=module", "-e",
      `const m = await import("better-auth-auth-ext"); console.log(["authExt", "authExtPassword", "withSessionId"].map((n) => typeof m[n]).join())`,
    ], { cwd: app, env }).toString().trim();
    assert.equal(loaded, "function,function,function");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
