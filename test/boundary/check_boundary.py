#!/usr/bin/env python3
"""The boundary rule of the Postgres glue, checked.

A Postgres error (ereport, or any Postgres call that raises one) unwinds with longjmp: C++
destructors in the frames it crosses never run. So a frame that can raise a Postgres error must own
no C++ object with a non-trivial destructor (std::string, std::vector, std::unique_ptr, core::Result,
...), and C++ exceptions stay inside CallCore (src/pg/core_call.hpp), whose lambda runs the core in a
try block and hands back plain palloc'd data.

Checked frames, in every .cpp and .hpp below the given folders:
  - every entry point, AUTH_EXT_SQL_FUNCTION(name) { ... };
  - every function that calls RaiseCoreError or OutcomeToText (documented as "only from a frame
    that owns no C++ objects").
In those bodies, with the arguments of CallCore(...) left out (they run inside its try block), it is
an error to:
  - name a standard-library type other than the trivially destructible ones listed in STD_ALLOWED;
  - name a type of src/core that owns resources (a class or struct with a destructor or a member
    from std::, or an alias of a std:: type), or core::Result / core::Status / core::Error;
  - declare a variable with a bare `auto` (the type must be visible to this check; `auto&` and
    `auto*` are fine);
  - use try, catch or throw.

Usage: check_boundary.py [--core DIR] PATH...   exit 0 when clean, 1 with one line per finding.
"""
import argparse
import pathlib
import re
import sys

# std:: names that are trivially destructible (or functions): allowed in a Postgres frame.
STD_ALLOWED = {
    "string_view", "size_t", "ptrdiff_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "min", "max", "memcpy", "memcmp", "memset",
    "strlen", "numeric_limits", "clamp", "abs", "nullptr_t",
}
# Result types of the core: they own strings or values.
CORE_OWNING = {"Result", "Status", "Error"}

IDENT = r"[A-Za-z_]\w*"


def strip_comments_and_strings(text):
    """Blanks comments and the insides of string and character literals, keeping every newline and
    every offset, so positions still map to lines."""
    out = list(text)
    i, n = 0, len(text)

    def blank(a, b):
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == 'R' and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            end = n if end < 0 else end + len(m.group(1)) + 2
            blank(i + 2, end - 1)
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            blank(i + 1, min(j, n))
            i = j + 1
        else:
            i += 1
    return "".join(out)


def matching(text, open_pos, open_ch, close_ch):
    depth = 0
    for k in range(open_pos, len(text)):
        if text[k] == open_ch:
            depth += 1
        elif text[k] == close_ch:
            depth -= 1
            if depth == 0:
                return k
    return len(text) - 1


FUNCTION_HEAD = re.compile(r"\)\s*(const\s*)?(noexcept\s*)?(override\s*)?(->\s*[\w:<>,\s*&]+)?$")
TRANSPARENT_HEAD = re.compile(r'(^|\s)(namespace(\s+[\w:]+)?|extern\s+"\s*")\s*$')


def functions(code):
    """Yields (head, body_start, body_end) for every function body at namespace level."""
    i, n = 0, len(code)
    head_start = 0
    while i < n:
        c = code[i]
        if c in ";}":
            head_start = i + 1
        elif c == "{":
            head = code[head_start:i].strip()
            if TRANSPARENT_HEAD.search(head):
                head_start = i + 1  # namespace or extern "C": its contents are at namespace level
            else:
                end = matching(code, i, "{", "}")
                if FUNCTION_HEAD.search(head):
                    yield head, i + 1, end
                i = end
                head_start = end + 1
        i += 1


def without_callcore_arguments(body):
    """The body with the argument list of every CallCore(...) blanked (it runs inside a try block)."""
    out = list(body)
    for m in re.finditer(r"\bCallCore\s*(<[^;{}()]*>)?\s*\(", body):
        start = m.end() - 1
        end = matching(body, start, "(", ")")
        for k in range(start + 1, end):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def owning_core_types(core_dir):
    """Names of src/core types that own resources: aliases of std:: types other than string_view,
    and classes or structs with a destructor or a std:: member."""
    names = set(CORE_OWNING)
    for path in sorted(pathlib.Path(core_dir).rglob("*.hpp")):
        code = strip_comments_and_strings(path.read_text())
        for m in re.finditer(r"\busing\s+(" + IDENT + r")\s*=\s*std::(\w+)", code):
            if m.group(2) not in STD_ALLOWED:
                names.add(m.group(1))
        for m in re.finditer(r"\b(class|struct)\s+(\[\[[^\]]*\]\]\s*)?(" + IDENT + r")\s*(final\s*)?(:[^{;]*)?\{", code):
            name = m.group(3)
            body = code[m.end() - 1:matching(code, m.end() - 1, "{", "}")]
            members = [s for s in re.findall(r"std::(\w+)", body) if s not in STD_ALLOWED]
            if re.search(r"~\s*" + re.escape(name) + r"\s*\(", body) or members:
                names.add(name)
    return names


def check_file(path, owning):
    raw = path.read_text()
    code = strip_comments_and_strings(raw)
    findings = []
    for head, start, end in functions(code):
        body = code[start:end]
        entry = "AUTH_EXT_SQL_FUNCTION" in head
        if not entry and not re.search(r"\b(RaiseCoreError|OutcomeToText)\s*\(", body):
            continue
        name = re.findall(IDENT + r"(?=\s*\()", head)
        what = (name[-1] if name else "?") if not entry else re.search(r"AUTH_EXT_SQL_FUNCTION\s*\(\s*(\w+)", head).group(1)
        checked = without_callcore_arguments(body)

        def report(offset, message):
            line = code.count("\n", 0, start + offset) + 1
            findings.append(f"{path}:{line}: {what}: {message}")

        for m in re.finditer(r"\bstd::(\w+)", checked):
            if m.group(1) not in STD_ALLOWED:
                report(m.start(), f"std::{m.group(1)} in a Postgres frame (a longjmp would skip its destructor); "
                                  "move it into a CallCore lambda")
        for m in re.finditer(r"(?<![\w:])(?:\w+::)*(" + IDENT + r")\b", checked):
            if m.group(1) in owning:
                report(m.start(), f"{m.group(0)} owns resources; in a Postgres frame a longjmp would skip its "
                                  "destructor: move it into a CallCore lambda")
        for m in re.finditer(r"\bauto\s+(" + IDENT + r"|\[)", checked):
            report(m.start(), "a variable declared with bare auto: spell the type (or auto& / auto*) so the "
                              "boundary check can see it owns nothing")
        for m in re.finditer(r"\b(try|catch|throw)\b", checked):
            report(m.start(), f"'{m.group(1)}' outside CallCore: exceptions are caught only by CallCore")
    return findings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--core", default=str(pathlib.Path(__file__).resolve().parents[2] / "src" / "core"),
                        help="the pure C++ core, whose resource-owning types are looked up")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    owning = owning_core_types(args.core)
    files = []
    for p in map(pathlib.Path, args.paths):
        files += sorted(p.rglob("*.[ch]pp")) if p.is_dir() else [p]
    findings = [f for path in files for f in check_file(path, owning)]
    for f in findings:
        print(f)
    if findings:
        print(f"boundary check: {len(findings)} finding(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"boundary check: {len(files)} file(s) clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
