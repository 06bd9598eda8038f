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
# As in production (hosted Postgres): the database belongs to a role that is no superuser, which
# creates the (trusted) extension and owns its objects; the demo runs as that role.
psql -X -q -v ON_ERROR_STOP=1 -d postgres \
  -c 'CREATE ROLE auth_ext_demo_owner LOGIN CREATEROLE' \
  -c 'CREATE DATABASE auth_ext_demo OWNER auth_ext_demo_owner' >/dev/null
log "running scripts/demo.sql as auth_ext_demo_owner, the database owner (no superuser)"
psql -X -v ON_ERROR_STOP=1 -U auth_ext_demo_owner -d auth_ext_demo -c 'CREATE EXTENSION auth_ext' -f "$HERE/demo.sql"

if [ "${AUTH_EXT_KEEP_CLUSTER:-0}" = 1 ]; then
  cat <<MSG

The cluster keeps running. Connect with:
  psql -h $PGHOST -p $PGPORT -U auth_ext_demo_owner auth_ext_demo
  (or postgresql://auth_ext_demo_owner@127.0.0.1:$PGPORT/auth_ext_demo)
Stop and remove it with:
  $( [ "$(id -u)" -eq 0 ] && echo "runuser -u postgres -- " )$PG_BINDIR/pg_ctl -D $CLUSTER_DIR/data stop && rm -rf $CLUSTER_DIR
MSG
fi
