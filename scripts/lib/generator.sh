# What the generators from the catalog share (scripts/gen-error-codes.sh, scripts/gen-reference.sh):
# their --check flag, and a temporary database with the extension as built and installed (make
# install), on the cluster in the environment (PG*, as scripts/test.sh exports them) or on a
# throwaway cluster when none is set. Sourced, not run.
#   generator_start NAME "$@"   parses [--check] into $check (1 or 0), creates the database: $PSQL, $DB
#   generator_emit FILE TEXT    writes TEXT to FILE, or with --check compares them (sets $status)

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

generator_start() {
  local name=$1
  shift
  check=0 status=0
  case "${1:-}" in
    --check) check=1 ;;
    "") ;;
    *) die "usage: scripts/$name.sh [--check]" ;;
  esac
  cd "$AUTH_EXT_ROOT"
  if [ -z "${PGHOST:-}${PGPORT:-}" ]; then
    # shellcheck source=cluster.sh
    source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"
    cluster_start
  fi
  PSQL="$("$(pg_config_path)" --bindir)/psql"
  DB="auth_ext_${name//-/_}_$$"
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null
  trap generator_cleanup EXIT
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "SET client_min_messages = error" -c "CREATE EXTENSION auth_ext" >/dev/null
}

generator_cleanup() {
  "$PSQL" -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  if declare -F cluster_stop >/dev/null; then cluster_stop; fi
}

generator_emit() {
  local target=$1 text=$2 script=$3
  if [ "$check" = 1 ]; then
    if ! diff -u "$target" <(printf '%s\n' "$text"); then
      echo "$target differs from the installed extension's catalog: run scripts/$script.sh" >&2
      status=1
    fi
  else
    printf '%s\n' "$text" > "$target"
    log "wrote $target"
  fi
}
