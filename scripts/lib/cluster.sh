# A throwaway PostgreSQL cluster: initdb in a temporary folder, UTF8, a private port and socket,
# trust authentication on this machine only; stopped and removed when the calling script exits
# (unless AUTH_EXT_KEEP_CLUSTER=1 was set when it started, exported or only for the call, as in
# `AUTH_EXT_KEEP_CLUSTER=1 cluster_start`). Sourced by scripts/demo.sh and scripts/test.sh.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CLUSTER_DIR=""
CLUSTER_KEEP=0

# Runs a command as the cluster's OS owner (postgres refuses to run as root).
as_cluster_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on, from 25432-25532, searched from a random start
# so that runs side by side rarely pick the same one. Below Linux's ephemeral range (32768-60999):
# a port there can be the local end of some outgoing connection, which no listener can bind.
free_port() {
  local i port
  for i in $(seq 0 100); do
    port=$((25432 + (RANDOM + i) % 101))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  die "no free TCP port in 25432-25532"
}

cluster_stop() {
  [ -n "$CLUSTER_DIR" ] && [ -d "$CLUSTER_DIR" ] || return 0
  if [ "$CLUSTER_KEEP" = 1 ]; then return 0; fi
  as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_DIR"
  CLUSTER_DIR=""
}

# Starts the cluster and exports PGHOST, PGPORT, PGUSER, PGDATABASE and DATABASE_URL for it.
cluster_start() {
  CLUSTER_KEEP=${AUTH_EXT_KEEP_CLUSTER:-0}
  PG_BINDIR=$("$(pg_config_path)" --bindir)
  CLUSTER_DIR=$(mktemp -d /tmp/auth_ext_pg.XXXXXX)
  chmod 755 "$CLUSTER_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
  trap cluster_stop EXIT
  as_cluster_owner "$PG_BINDIR/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 \
    || { cat "$CLUSTER_DIR/initdb.log" >&2; die "initdb failed"; }
  mkdir -p "$CLUSTER_DIR/socket"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR/socket"
  # Another process can take the port between the check and the start: then try another one.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    log "throwaway cluster in $CLUSTER_DIR (port $port)"
    rm -f "$CLUSTER_DIR/server.log"
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w \
      -o "-p $port -k $CLUSTER_DIR/socket -c listen_addresses=127.0.0.1 -c fsync=off \
          -c max_connections=200 -c shared_buffers=128MB" start >/dev/null && break
    grep -q 'could not bind' "$CLUSTER_DIR/server.log" && [ "$attempt" -lt 5 ] && continue
    cat "$CLUSTER_DIR/server.log" >&2
    die "the throwaway cluster did not start"
  done
  export PGHOST="$CLUSTER_DIR/socket" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres"
}

# Creates a database with the extension (and pgTAP when asked) installed.
cluster_create_db() {
  local db=$1; shift
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  local ext
  for ext in auth_ext "$@"; do
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION IF NOT EXISTS $ext" >/dev/null
  done
}
