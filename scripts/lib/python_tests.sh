#!/usr/bin/env bash
# The Python suites: the auth_ext_fastapi package's static checks (mypy --strict, ruff) and tests
# (python/tests), and the FastAPI + SQLModel todo example (examples/fastapi-todo/tests), with pytest
# against real PostgreSQL and, for the example, JWTs issued by the real Better Auth pinned in
# test/interop.
#
# Uses the cluster in the environment (DATABASE_URL, PG*: scripts/test.sh python), or starts a
# throwaway one when none is set (the extension must be installed: make install).
# The venv is build/venv (PYTHON picks the interpreter, 3.11+). Exit code: non-zero when a check
# fails, or pytest's when either suite fails or runs no test.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
source "$HERE/common.sh"
cd "$AUTH_EXT_ROOT"

if [ -z "${DATABASE_URL:-}" ]; then
  # shellcheck source=cluster.sh
  source "$HERE/cluster.sh"
  cluster_start
fi

VENV="$AUTH_EXT_ROOT/build/venv"
if [ ! -x "$VENV/bin/python" ]; then
  log "python venv in build/venv"
  "${PYTHON:-python3}" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "python[test,lint]" -e "examples/fastapi-todo[test]"

# The package's static checks (python/pyproject.toml): mypy --strict on the package, ruff on the
# package and its tests. A type or lint error fails the suite before any test runs.
log "mypy --strict and ruff in python"
(cd python && "$VENV/bin/python" -m mypy && "$VENV/bin/python" -m ruff check --no-cache .)

if [ ! -d test/interop/node_modules/better-auth ]; then
  log "npm ci in test/interop (the real Better Auth issues the example's JWTs)"
  (cd test/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

# Runs pytest in one project folder; "no tests collected" (exit 5) counts as a failure.
run_pytest() {
  local dir=$1 rc=0
  log "pytest $dir"
  (cd "$dir" && "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests) || rc=$?
  if [ "$rc" -eq 5 ]; then echo "no tests ran in $dir" >&2; fi
  return "$rc"
}

status=0
run_pytest python || status=$?
run_pytest examples/fastapi-todo || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
exit "$status"
