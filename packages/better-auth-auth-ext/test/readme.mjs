// The fenced code blocks of the package's README, for the tests that run them
// (readme-blocks.test.mjs, grants.test.mjs) and check them (readme-snippets.test.mjs).
import { readFileSync } from "node:fs";

export const README = new URL("../README.md", import.meta.url);

/** Every fenced block of the README: its language (the word after the fence) and its text. */
export function readmeBlocks() {
  const text = readFileSync(README, "utf8");
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, lang, body]) => ({ lang, body }));
}

/** The README's one block of SQL for Better Auth's server role (the "Role and grants" section), run by grants.test.mjs. */
export function grantsBlock() {
  const blocks = readmeBlocks().filter((block) => block.lang === "sql");
  if (blocks.length !== 1 || !blocks[0].body.startsWith("CREATE ROLE better_auth ")) {
    throw new Error("README.md: expected one sql block, the role and grants for better_auth");
  }
  return blocks[0].body;
}
