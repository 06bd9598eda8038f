# Shared helpers for the scripts: logging, privilege escalation, the PostgreSQL major in use.
# Sourced, not run.

AUTH_EXT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The pg_config of the server the tests run against.
pg_config_path() {
  if [ -n "${PG_CONFIG:-}" ]; then echo "$PG_CONFIG"; return; fi
  echo "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
}
