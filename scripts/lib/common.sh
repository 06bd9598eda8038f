# Shared helpers for the scripts: logging, privilege escalation, apt, the PostgreSQL major in use.
# Sourced, not run.

AUTH_EXT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root (directly, or through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-get update, once per run (an exported flag, so helper scripts started from a run skip it).
apt_update_once() {
  [ "${AUTH_EXT_APT_UPDATED:-0}" = 1 ] && return 0
  command -v apt-get >/dev/null || return 1
  log "apt-get update"
  as_root apt-get update -qq >/dev/null || return 1
  export AUTH_EXT_APT_UPDATED=1
}

# Installs the named Debian/Ubuntu packages that are not installed yet.
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  apt_update_once || die "apt-get update failed"
  local unavailable=()
  for pkg in "${missing[@]}"; do [ -n "$(apt_candidate "$pkg")" ] || unavailable+=("$pkg"); done
  [ ${#unavailable[@]} -eq 0 ] || die "not in this machine's package archive: ${unavailable[*]}"
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# The version apt would install for a package, e.g. 18.20.4+dfsg-1~deb12u3; "" when the archive
# has none (call apt_update_once first).
apt_candidate() {
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' || true
}

# The PostgreSQL major the scripts build and test against, exported as PG_MAJOR:
#   PG_MAJOR when set; else the major of PG_CONFIG when set; else the newest server installed from
#   the distribution's packages (/usr/lib/postgresql/N); else the distribution's default server
#   (the one its "postgresql" package depends on): 15 on Debian 12, 17 on Debian 13.
resolve_pg_major() {
  if [ -n "${PG_MAJOR:-}" ]; then export PG_MAJOR; return; fi
  if [ -n "${PG_CONFIG:-}" ]; then
    PG_MAJOR=$("$PG_CONFIG" --version 2>/dev/null | sed -nE 's/^PostgreSQL ([0-9]+).*/\1/p' || true)
    [ -n "$PG_MAJOR" ] || die "PG_CONFIG=$PG_CONFIG does not report a PostgreSQL version"
    export PG_MAJOR; return
  fi
  local installed
  installed=$(ls -d /usr/lib/postgresql/[0-9]*/bin/postgres 2>/dev/null \
    | sed -E 's|^/usr/lib/postgresql/([0-9]+)/.*|\1|' | sort -n | tail -n 1 || true)
  if [ -n "$installed" ]; then PG_MAJOR=$installed; export PG_MAJOR; return; fi
  command -v apt-cache >/dev/null || die "no PostgreSQL server found: set PG_MAJOR or PG_CONFIG"
  apt_update_once || die "apt-get update failed (needed to find the distribution's PostgreSQL)"
  PG_MAJOR=$(apt-cache depends postgresql 2>/dev/null \
    | sed -nE 's/^ *Depends: postgresql-([0-9]+)$/\1/p' | head -n 1 || true)
  [ -n "$PG_MAJOR" ] || die "the package archive has no default PostgreSQL server: set PG_MAJOR"
  export PG_MAJOR
}
resolve_pg_major

# The pg_config of the server the tests run against.
pg_config_path() {
  if [ -n "${PG_CONFIG:-}" ]; then echo "$PG_CONFIG"; return; fi
  echo "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
}

# A Node.js the scripts brought themselves (scripts/lib/deps.sh) comes first on PATH.
if [ -x "$AUTH_EXT_ROOT/build/node/bin/node" ]; then
  case ":$PATH:" in
    *":$AUTH_EXT_ROOT/build/node/bin:"*) ;;
    *) export PATH="$AUTH_EXT_ROOT/build/node/bin:$PATH" ;;
  esac
fi
