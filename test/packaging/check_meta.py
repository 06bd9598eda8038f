#!/usr/bin/env python3
"""Checks META.json for PGXN: valid against the PGXN Meta Spec 1.0 (pgxn-meta-spec-v1.schema.json,
beside this file) and consistent with the extension's control file.

  check_meta.py [--dist DIR] [--self-test] ROOT

ROOT holds META.json and <name>.control. The checks:
  - META.json is strict JSON (no duplicate member names) and valid against the spec's schema;
  - name, the key under provides, and the control file's name are the extension's name;
  - version and provides.<name>.version equal the control file's default_version;
  - with --dist DIR (an extracted distribution): every file and docfile under provides exists in
    DIR, and DIR has META.json and the control file at its root.
--self-test also makes sure the schema refuses broken copies of META.json (so the check can fail).
Needs the jsonschema module (Debian: python3-jsonschema). Exit status 1 on any failure.
"""
import argparse
import copy
import json
import os
import re
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_PATH = os.path.join(HERE, "pgxn-meta-spec-v1.schema.json")


def strict_object(pairs):
    """json object hook that refuses duplicate member names (the last one would silently win)."""
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate member name {key!r}")
        obj[key] = value
    return obj


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=strict_object)


def schema_errors(validator, meta):
    """Every violation of the spec's schema, as 'path: message' lines."""
    errors = []
    for error in sorted(validator.iter_errors(meta), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        errors.append(f"{where}: {error.message}")
    return errors


def control_default_version(control_path):
    with open(control_path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*default_version\s*=\s*'([^']*)'", line)
            if m:
                return m.group(1)
    return None


def self_test(validator, meta, name):
    """The schema must refuse each of these broken copies of META.json."""
    broken = {
        "no license": lambda m: m.pop("license"),
        "two-part version": lambda m: m.update(version="0.2"),
        "unknown license string": lambda m: m.update(license="postgres"),
        "unknown top-level key": lambda m: m.update(homepage="https://example.com"),
        "provides without file": lambda m: m["provides"][name].pop("file"),
        "absolute provides file": lambda m: m["provides"][name].update(file="/sql/x.sql"),
        "one-character name": lambda m: m.update(name="a"),
        "name with a space": lambda m: m.update(name="auth ext"),
        "meta-spec 2.0.0": lambda m: m["meta-spec"].update(version="2.0.0"),
        "empty maintainer list": lambda m: m.update(maintainer=[]),
        "bad prereq phase": lambda m: m.update(prereqs={"install": {"requires": {"PostgreSQL": "14.0.0"}}}),
        "bad version range": lambda m: m.update(prereqs={"runtime": {"requires": {"PostgreSQL": "14"}}}),
        "tags as a string": lambda m: m.update(tags="jwt"),
        "tag with a slash": lambda m: m.update(tags=["a/b"]),
        "unknown release_status": lambda m: m.update(release_status="beta"),
    }
    failures = []
    for what, mutate in broken.items():
        copy_ = copy.deepcopy(meta)
        mutate(copy_)
        if not schema_errors(validator, copy_):
            failures.append(f"self-test: the schema accepted a META.json with {what}")
    return failures, len(broken)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root")
    parser.add_argument("--dist", help="an extracted distribution whose files META.json names")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()

    schema = load_json(SCHEMA_PATH)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    meta_path = os.path.join(args.root, "META.json")
    try:
        meta = load_json(meta_path)
    except (OSError, ValueError) as e:
        print(f"{meta_path}: not valid JSON: {e}")
        return 1

    problems = [f"{meta_path}: {e}" for e in schema_errors(validator, meta)]
    name = meta.get("name")
    controls = [f for f in os.listdir(args.root) if f.endswith(".control")]
    if controls != [f"{name}.control"]:
        problems.append(f"expected one control file {name}.control in {args.root}, found {controls}")
    else:
        default_version = control_default_version(os.path.join(args.root, controls[0]))
        provided = meta.get("provides", {}).get(name)
        if provided is None:
            problems.append(f"provides has no entry for the extension {name}")
        for what, value in (("version", meta.get("version")),
                            (f"provides.{name}.version", (provided or {}).get("version"))):
            if value != default_version:
                problems.append(f"META.json {what} is {value!r}, {controls[0]} default_version is "
                                f"{default_version!r}: they must be equal")

    if args.dist:
        for needed in ("META.json", f"{name}.control"):
            if not os.path.isfile(os.path.join(args.dist, needed)):
                problems.append(f"the distribution has no {needed} at its root")
        for ext, entry in meta.get("provides", {}).items():
            for key in ("file", "docfile"):
                if key in entry and not os.path.isfile(os.path.join(args.dist, entry[key])):
                    problems.append(f"provides.{ext}.{key} {entry[key]!r} is not in the distribution")

    if args.self_test and not problems:
        failures, count = self_test(validator, meta, name)
        problems += failures
        if not failures:
            print(f"self-test: the schema refused all {count} broken copies of META.json")

    if problems:
        print("\n".join(problems))
        return 1
    print(f"{meta_path} is valid (PGXN Meta Spec {meta['meta-spec']['version']}): "
          f"{name} {meta['version']} = {controls[0]} default_version"
          + (f"; every file it names is in {args.dist}" if args.dist else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
