# Installs what building and testing need, from Debian's/Ubuntu's packages, npm and PyPI.
# Sourced by scripts/demo.sh and scripts/test.sh. Skips whatever is already present.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "apt-get not found: install ${missing[*]} by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The server, headers, compiler and crypto library: enough to build, install and demo.
install_build_deps() {
  apt_install ca-certificates make g++ libssl-dev libsodium-dev "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
  # Debian starts a default cluster on port 5432 when the server package is installed; the scripts
  # never use it.
}

# Everything the test suites need on top of the build.
install_test_deps() {
  install_build_deps
  apt_install "postgresql-$PG_MAJOR-pgtap" libtap-parser-sourcehandler-pgtap-perl \
    libgtest-dev libbenchmark-dev nlohmann-json3-dev clang libclang-rt-14-dev \
    python3 python3-venv python3-pip
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" -ge 20 ] || die "Node.js 20 or later is needed for Better Auth (found $(node --version))"
}
