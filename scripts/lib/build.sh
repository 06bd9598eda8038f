# Builds auth_ext with PGXS and installs it into the server the tests use.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build_and_install() {
  local pgc
  pgc=$(pg_config_path)
  log "building auth_ext against $("$pgc" --version)"
  make -C "$AUTH_EXT_ROOT" -s -j"$(nproc)" PG_CONFIG="$pgc" ${WERROR:+WERROR=$WERROR} >/dev/null
  as_root make -C "$AUTH_EXT_ROOT" -s PG_CONFIG="$pgc" install >/dev/null
}
