#!/usr/bin/env python3
"""Checks the relative links of the repository's Markdown files (suite packaging).

Every inline link `[text](target)` and reference definition `[name]: target` whose target is not
a URL (http:, https:, mailto:) must name a file or folder that exists, relative to the Markdown
file; a `#anchor` on a Markdown target (or alone, for the same file) must be one of its headings,
slugged as GitHub slugs them. Code blocks and inline code are skipped.
Usage: check_links.py FILE.md...   (exit 1 and one line per broken link when any is broken)
"""
import os
import re
import sys

LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+(\S+)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")


def strip_code(text):
    """The lines outside fenced code blocks, inline code spans blanked."""
    lines, fenced = [], False
    for line in text.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else re.sub(r"`[^`]*`", "``", line))
    return lines


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation but - and _ dropped, spaces to -."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        seen, found = {}, set()
        fenced = False
        with open(path, encoding="utf-8") as f:
            for line in f:
                if re.match(r"^\s*(```|~~~)", line):
                    fenced = not fenced
                    continue
                m = None if fenced else HEADING.match(line)
                if m:
                    s = slug(m.group(1))
                    n = seen.get(s, 0)
                    seen[s] = n + 1
                    found.add(s if n == 0 else f"{s}-{n}")
        cache[path] = found
    return cache[path]


def check(md):
    problems = []
    with open(md, encoding="utf-8") as f:
        lines = strip_code(f.read())
    for number, line in enumerate(lines, 1):
        targets = [m.group(1) for m in LINK.finditer(line)]
        d = DEFINITION.match(line)
        if d:
            targets.append(d.group(1))
        for target in targets:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # a URL
            path, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
            if not os.path.exists(resolved):
                problems.append(f"{md}:{number}: {target}: no such file")
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                problems.append(f"{md}:{number}: {target}: no heading #{anchor} in {resolved}")
    return problems


def main(files):
    problems = [p for md in files for p in check(md)]
    for p in problems:
        print(p)
    if not problems:
        print(f"links: {len(files)} Markdown files, every relative link resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
