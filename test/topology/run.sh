#!/usr/bin/env bash
# The topology suite: the stack as it is deployed, on the throwaway cluster.
#   - PgBouncer (Debian's package) in transaction mode, with a pool smaller than its clients;
#   - a streaming hot standby made with pg_basebackup -R from the throwaway primary;
#   - restarts of the primary (pg_ctl restart -m fast, -m immediate) under load.
# The Python half (pytest: SQL through the pooler, the FastAPI package and example, the standby,
# the restarts) is in test/topology/*.py; the Better Auth plugin's half (node's test runner) in
# packages/better-auth-auth-ext/test/topology/. PgBouncer and the standby are stopped and removed
# when this script exits.
#
# scripts/test.sh topology runs it on its cluster (TOPOLOGY_PRIMARY_DIR = the cluster's folder);
# run alone, it starts a throwaway cluster itself (the extension must be installed).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PRIMARY_DIR=${TOPOLOGY_PRIMARY_DIR:-}
# shellcheck source=../../scripts/lib/deps.sh
source "$HERE/../../scripts/lib/deps.sh"
# shellcheck source=../../scripts/lib/cluster.sh
source "$HERE/../../scripts/lib/cluster.sh"
cd "$AUTH_EXT_ROOT"

if [ -z "$PRIMARY_DIR" ]; then
  cluster_start
  PRIMARY_DIR=$CLUSTER_DIR
fi
[ -f "$PRIMARY_DIR/data/postmaster.pid" ] || die "no running cluster in $PRIMARY_DIR"
PG_BINDIR=$("$(pg_config_path)" --bindir)

apt_install pgbouncer
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

TOPO_DIR=$(mktemp -d /tmp/auth_ext_topology.XXXXXX)
chmod 755 "$TOPO_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TOPO_DIR"
STANDBY_STARTED=0

topology_stop() {
  local rc=$?
  if [ -f "$TOPO_DIR/pgbouncer.pid" ]; then
    kill "$(cat "$TOPO_DIR/pgbouncer.pid")" 2>/dev/null || true
  fi
  if [ "$STANDBY_STARTED" = 1 ]; then
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$TOPO_DIR/standby" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ "$rc" -ne 0 ]; then
    for f in pgbouncer.log standby.log; do
      if [ -f "$TOPO_DIR/$f" ]; then echo "--- last lines of $f"; tail -n 20 "$TOPO_DIR/$f"; fi
    done
  fi
  rm -rf "$TOPO_DIR"
  cluster_stop
  return "$rc"
}
trap topology_stop EXIT

# Waits (bounded) until a server or pooler answers on 127.0.0.1:$1.
wait_ready() {
  local port=$1 i
  for i in $(seq 1 100); do
    "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres && return 0
    sleep 0.1
  done
  return 1
}

# --- PgBouncer ------------------------------------------------------------------------------------
BOUNCER_VERSION=$("$PGBOUNCER" --version | awk 'NR == 1 {print $2}')
BOUNCER_POOL_SIZE=4
# Protocol-level prepared statements through transaction pooling exist from PgBouncer 1.21 on
# (max_prepared_statements, on by default from 1.24 and on Neon); older ones lose them.
BOUNCER_PREPARED=0
if [ "$(printf '%s\n1.21\n' "$BOUNCER_VERSION" | sort -V | head -n1)" = 1.21 ]; then BOUNCER_PREPARED=1; fi
BOUNCER_PORT=$(free_port)
cat >"$TOPO_DIR/userlist.txt" <<'EOF'
"postgres" ""
"todo_app" ""
EOF
{
  echo "[databases]"
  echo "* = host=127.0.0.1 port=$PGPORT"
  echo "[pgbouncer]"
  echo "listen_addr = 127.0.0.1"
  echo "listen_port = $BOUNCER_PORT"
  echo "unix_socket_dir ="
  echo "auth_type = trust"
  echo "auth_file = $TOPO_DIR/userlist.txt"
  echo "pool_mode = transaction"
  echo "default_pool_size = $BOUNCER_POOL_SIZE"
  echo "min_pool_size = 0"
  echo "reserve_pool_size = 0"
  echo "max_client_conn = 200"
  echo "server_reset_query ="
  echo "ignore_startup_parameters = extra_float_digits"
  echo "query_wait_timeout = 30"
  echo "server_login_retry = 1"
  echo "admin_users = postgres"
  echo "logfile = $TOPO_DIR/pgbouncer.log"
  echo "pidfile = $TOPO_DIR/pgbouncer.pid"
  if [ "$BOUNCER_PREPARED" = 1 ]; then echo "max_prepared_statements = 100"; fi
} >"$TOPO_DIR/pgbouncer.ini"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TOPO_DIR"/*
log "PgBouncer $BOUNCER_VERSION on 127.0.0.1:$BOUNCER_PORT (transaction mode, pool of $BOUNCER_POOL_SIZE)"
as_cluster_owner "$PGBOUNCER" -d -q "$TOPO_DIR/pgbouncer.ini"
wait_ready "$BOUNCER_PORT" || die "PgBouncer did not start"

# --- hot standby ----------------------------------------------------------------------------------
STANDBY_PORT=$(free_port)
log "hot standby from pg_basebackup -R on 127.0.0.1:$STANDBY_PORT"
as_cluster_owner "$PG_BINDIR/pg_basebackup" -D "$TOPO_DIR/standby" -R -X stream -c fast --no-sync \
  -h "$PGHOST" -p "$PGPORT" -U postgres >"$TOPO_DIR/basebackup.log" 2>&1 \
  || { cat "$TOPO_DIR/basebackup.log" >&2; die "pg_basebackup failed"; }
mkdir -p "$TOPO_DIR/standby_socket"
[ "$(id -u)" -eq 0 ] && chown postgres: "$TOPO_DIR/standby_socket"
STANDBY_STARTED=1
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$TOPO_DIR/standby" -l "$TOPO_DIR/standby.log" -w -t 60 \
  -o "-p $STANDBY_PORT -k $TOPO_DIR/standby_socket -c listen_addresses=127.0.0.1 -c fsync=off \
      -c max_connections=200 -c shared_buffers=128MB -c hot_standby=on" start >/dev/null \
  || die "the standby did not start"
[ "$(psql -X -At -h 127.0.0.1 -p "$STANDBY_PORT" -d postgres -c 'SELECT pg_is_in_recovery()')" = t ] \
  || die "the standby is not in recovery"

# --- the tests ------------------------------------------------------------------------------------
export TOPO_PRIMARY_PORT=$PGPORT TOPO_POOLER_PORT=$BOUNCER_PORT TOPO_STANDBY_PORT=$STANDBY_PORT
export TOPO_POOL_SIZE=$BOUNCER_POOL_SIZE TOPO_POOLER_PREPARED=$BOUNCER_PREPARED TOPO_POOLER_VERSION=$BOUNCER_VERSION
export TOPO_RESTART="$HERE/restart_primary.sh" TOPO_PRIMARY_DIR=$PRIMARY_DIR TOPO_PG_BINDIR=$PG_BINDIR

VENV="$AUTH_EXT_ROOT/build/venv"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
if ! "$VENV/bin/python" -c 'import auth_ext_fastapi, todo_api, pytest_asyncio, httpx, uvicorn, cryptography' 2>/dev/null; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "python[test]" -e "examples/fastapi-todo[test]" cryptography
fi
PLUGIN=packages/better-auth-auth-ext
[ -d "$PLUGIN/node_modules/better-auth" ] || (cd "$PLUGIN" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$PLUGIN" && npm run -s build)

status=0
log "topology: pytest test/topology"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider test/topology || status=$?
[ "$status" -ne 5 ] || echo "no topology tests ran" >&2
log "topology: the Better Auth plugin (node --test)"
(cd "$PLUGIN" && node --test --test-concurrency=1 test/topology/*.test.mjs) || { [ "$status" -ne 0 ] || status=1; }
exit "$status"
