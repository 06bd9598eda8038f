// The READMEs' TypeScript snippets are the tested files: each ```ts / ```tsx block starts with a
// `// <path from the repository root>` line and the rest of the block is that file, byte for byte.
// The files are type-checked here (examples/*.ts) or run by the browser suite (examples/nextjs-fastapi).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const READMES = [
  "README.md",
  "packages/better-auth-auth-ext/README.md",
  "examples/fastapi-todo/README.md",
  "examples/nextjs-fastapi/README.md",
];

for (const readme of READMES) {
  test(`${readme}: every TypeScript snippet is a tested file`, () => {
    const text = readFileSync(join(ROOT, readme), "utf8");
    const blocks = [...text.matchAll(/^```tsx?\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    for (const block of blocks) {
      const [first, ...rest] = block.split("\n");
      const path = /^\/\/ ((?:examples|packages)\/\S+\.tsx?)$/.exec(first)?.[1];
      assert.ok(path, `${readme}: a snippet without its file (first line "// <path>"):\n${block.slice(0, 200)}`);
      assert.equal(rest.join("\n"), readFileSync(join(ROOT, path), "utf8"), `${readme}: the snippet of ${path} differs from the file`);
    }
  });
}
