#!/usr/bin/env bash
# The main job: install what is missing, build auth_ext, install it into a throwaway local
# PostgreSQL cluster, CREATE EXTENSION, and show the functions working on real calls.
# Usage: scripts/demo.sh [--keep]   --keep leaves the cluster running and prints how to connect.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/deps.sh"
source "$HERE/lib/cluster.sh"
source "$HERE/lib/build.sh"

case "${1:-}" in
  --keep) export AUTH_EXT_KEEP_CLUSTER=1 ;;
  "") ;;
  *) die "usage: scripts/demo.sh [--keep]" ;;
esac

cd "$AUTH_EXT_ROOT"
install_build_deps
build_and_install
cluster_start
cluster_create_db auth_ext_demo
log "running scripts/demo.sql"
psql -X -v ON_ERROR_STOP=1 -d auth_ext_demo -f "$HERE/demo.sql"

if [ "${AUTH_EXT_KEEP_CLUSTER:-0}" = 1 ]; then
  cat <<MSG

The cluster keeps running. Connect with:
  psql -h $PGHOST -p $PGPORT -U postgres auth_ext_demo
  (or postgresql://postgres@127.0.0.1:$PGPORT/auth_ext_demo)
Stop and remove it with:
  $( [ "$(id -u)" -eq 0 ] && echo "runuser -u postgres -- " )$PG_BINDIR/pg_ctl -D $CLUSTER_DIR/data stop && rm -rf $CLUSTER_DIR
MSG
fi
