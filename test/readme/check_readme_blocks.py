#!/usr/bin/env python3
"""Every fenced code block of the given READMEs is accounted for, or this check fails.

A block is one of:

* a copy of a tracked file: its first line is a comment naming the file (``// path``, ``# path``
  or ``-- path``, relative to the repository root) and the rest of the block is that file, byte
  for byte;
* marked on the line just above its opening fence with an HTML comment, ``<!-- block: KIND -->``:

  - ``<!-- block: diagram -->``   a drawing, with no language on its fence;
  - ``<!-- block: run -->``       an ``sh`` block run here with bash from the repository root
                                   (``--run``; it must exit 0), or a ``sql`` block run with psql
                                   against the server in PG* (a database made for it);
  - ``<!-- block: not-run: REASON -->``  not run here, for the reason given, which names in
                                   backquotes the tracked files that run or test the same
                                   commands (each must exist).

A block with neither (an unknown block) fails the check; so does a copy that differs from its
file, a reason that names a missing file, and a ``run`` block that fails.

Usage: check_readme_blocks.py [--run] README.md ...    (from the repository root)
       check_readme_blocks.py --self-test
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(```|~~~)\s*([\w+-]*)\s*$")
MARKER = re.compile(r"^<!--\s*block:\s*(diagram|run|not-run)\s*(?::\s*(.*?))?\s*-->$")
COPY_HEADER = re.compile(r"^(?://|#|--)\s+(\S+)$")
NAMED_PATH = re.compile(r"`([\w.-]+(?:/[\w.\-\[\]]+)+)`")


@dataclass
class Block:
    readme: str
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    marker: str | None  # the line above the fence


def blocks(path: str, source: str) -> list[Block]:
    found: list[Block] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, lang = opening.groups()
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != fence:
            end += 1
        if end == len(lines):
            raise SystemExit(f"{path}:{i + 1}: a code block that is never closed")
        above = lines[i - 1].strip() if i > 0 else ""
        found.append(Block(path, i + 1, lang, "\n".join(lines[i + 1 : end]) + "\n", above or None))
        i = end + 1
    return found


def check(block: Block, root: Path, run: bool) -> tuple[bool, str]:
    """(passed, what was checked) for one block."""
    marker = MARKER.match(block.marker or "")
    if marker is None:
        first, _, rest = block.text.partition("\n")
        header = COPY_HEADER.match(first)
        if header and (root / header.group(1)).is_file():
            name = header.group(1)
            same = (root / name).read_text(encoding="utf-8") == rest
            return same, f"copy of {name}" + ("" if same else ": differs from the file (copy the file into it)")
        return False, "unknown block: neither a copy of a file (first line `// path`) nor marked <!-- block: ... -->"
    kind, reason = marker.group(1), (marker.group(2) or "").strip()
    if kind == "diagram":
        return block.lang in ("", "text"), "diagram" + ("" if block.lang in ("", "text") else f": has language {block.lang!r}")
    if kind == "not-run":
        named = NAMED_PATH.findall(reason)
        missing = [p for p in named if not (root / p).exists()]
        if not named:
            return False, "not run, with no reason naming (in backquotes) the file that runs or tests it"
        if missing:
            return False, f"not run: the reason names missing files: {', '.join(missing)}"
        return True, f"not run: {reason}"
    if block.lang not in ("sh", "bash", "sql"):
        return False, f"marked run, but a {block.lang or 'plain'} block cannot be run"
    if not run:
        return True, "run block (run with --run)"
    return run_block(block, root)


def run_block(block: Block, root: Path) -> tuple[bool, str]:
    with tempfile.NamedTemporaryFile("w", suffix=f".{block.lang}", delete=False) as script:
        script.write(block.text)
    try:
        if block.lang == "sql":
            db = f"readme_block_{os.getpid()}_{block.line}"
            psql = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"]
            subprocess.run([*psql, "-d", "postgres", "-c", f'CREATE DATABASE "{db}"'], check=True)
            try:
                result = subprocess.run([*psql, "-d", db, "-f", script.name], capture_output=True, text=True)
            finally:
                subprocess.run([*psql, "-d", "postgres", "-c", f'DROP DATABASE "{db}" WITH (FORCE)'], check=True)
        else:
            result = subprocess.run(["bash", "-euo", "pipefail", script.name], cwd=root, capture_output=True, text=True)
    finally:
        os.unlink(script.name)
    if result.returncode != 0:
        return False, f"ran, exit {result.returncode}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return True, "ran: exit 0"


def main(argv: list[str]) -> int:
    run = "--run" in argv
    paths = [a for a in argv if not a.startswith("--")]
    root = Path.cwd()
    failures = 0
    for path in paths:
        for block in blocks(path, Path(path).read_text(encoding="utf-8")):
            passed, what = check(block, root, run)
            print(f"{'ok  ' if passed else 'FAIL'} {block.readme}:{block.line} ({block.lang or 'plain'}): {what}")
            failures += not passed
    print(f"readme blocks: {failures} failed")
    return 1 if failures else 0


SELF_TEST_FILE = "const x = 1;\n"
SELF_TEST_README = """# t
```ts
// lib/x.ts
const x = 1;
```
```ts
// lib/x.ts
const x = 2;
```
<!-- block: diagram -->
```
 a --> b
```
<!-- block: diagram -->
```sh
echo hidden code
```
```sh
echo unknown
```
<!-- block: not-run: `lib/x.ts` runs it -->
```sh
echo not run
```
<!-- block: not-run: `lib/missing.ts` runs it -->
```sh
echo not run
```
<!-- block: not-run: no file named -->
```sh
echo not run
```
<!-- block: run -->
```sh
test -f lib/x.ts
```
<!-- block: run -->
```sh
false
```
"""
SELF_TEST_EXPECTED = [True, False, True, False, False, True, False, False, True, False]


def self_test() -> int:
    """The check fails what it should: an unknown block, a stale copy, a bad reason, a failing run."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "lib").mkdir()
        (root / "lib/x.ts").write_text(SELF_TEST_FILE)
        got = [check(b, root, True)[0] for b in blocks("README.md", SELF_TEST_README)]
    if got != SELF_TEST_EXPECTED:
        print(f"check_readme_blocks self-test: expected {SELF_TEST_EXPECTED}, got {got}")
        return 1
    print(f"check_readme_blocks self-test: {len(got)} cases as expected")
    return 0


if __name__ == "__main__":
    sys.exit(self_test() if sys.argv[1:] == ["--self-test"] else main(sys.argv[1:]))
