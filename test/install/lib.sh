# Helpers for the install suite's scripts: TAP-style checks against the throwaway cluster (PG*
# variables from scripts/test.sh). Sourced, not run.
set -euo pipefail
INSTALL_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/lib/common.sh
source "$INSTALL_TESTS/../../scripts/lib/common.sh"   # pg_config_path
TESTS_RUN=0 TESTS_FAILED=0

# psql, quiet, stopping at the first error; extra arguments pass through (-d DB, -U ROLE, -c SQL …).
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# ok DESCRIPTION COMMAND...: the command must succeed and print "t".
ok() {
  local description=$1 out; shift
  TESTS_RUN=$((TESTS_RUN + 1))
  if out=$("$@" 2>&1) && [ "$(printf '%s' "$out" | tail -n 1)" = t ]; then
    echo "ok $TESTS_RUN - $description"
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok $TESTS_RUN - $description"
    printf '%s\n' "$out" | sed 's/^/#   /' | tail -n 15
  fi
}

# fails DESCRIPTION SQLSTATE COMMAND...: the command must fail with this SQLSTATE.
fails() {
  local description=$1 state=$2 out; shift 2
  TESTS_RUN=$((TESTS_RUN + 1))
  if out=$("$@" -v VERBOSITY=sqlstate 2>&1); then
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok $TESTS_RUN - $description (it succeeded)"
  elif printf '%s' "$out" | grep -q "$state"; then
    echo "ok $TESTS_RUN - $description"
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok $TESTS_RUN - $description (expected $state)"
    printf '%s\n' "$out" | sed 's/^/#   /' | tail -n 5
  fi
}

# fresh_db NAME [OWNER]: drops and creates a database (owned by OWNER when given).
fresh_db() {
  q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$1\"" \
    -c "CREATE DATABASE \"$1\"${2:+ OWNER \"$2\"}"
}

# role NAME ATTRIBUTES...: (re)creates a login role with these attributes.
role() {
  local name=$1; shift
  q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS \"$name\"" \
    -c "CREATE ROLE \"$name\" LOGIN $*"
}

# Ends the script: a summary line, exit status 1 when any check failed.
finish() {
  echo "1..$TESTS_RUN"
  echo "$(basename "$0"): $((TESTS_RUN - TESTS_FAILED)) passed, $TESTS_FAILED failed"
  [ "$TESTS_FAILED" -eq 0 ]
}
