#!/usr/bin/env bash
# The throwaway cluster of scripts/lib/cluster.sh: `AUTH_EXT_KEEP_CLUSTER=1 cluster_start`, written
# as docs/testing.md and the READMEs show it (the variable set for the call only), keeps the
# cluster running after the script that started it exits; without it the cluster is stopped and
# its folder removed.
source "$(dirname "$0")/lib.sh"
CLUSTER_LIB="$INSTALL_TESTS/../../scripts/lib/cluster.sh"
source "$CLUSTER_LIB"   # as_cluster_owner
PG_CTL="$("$(pg_config_path)" --bindir)/pg_ctl"

# Starts a cluster in a child script, the given assignment (if any) before cluster_start, and
# prints its folder and port; the child then exits.
start_in_child() {
  bash -c 'source "$1" >/dev/null; '"$1"' cluster_start >/dev/null 2>&1; echo "$CLUSTER_DIR $PGPORT"' _ "$CLUSTER_LIB"
}
is_running() { as_cluster_owner "$PG_CTL" -D "$1/data" status >/dev/null 2>&1 && echo t; }
is_removed() { [ -n "$1" ] && [ ! -e "$1" ] && echo t; }

read -r kept_dir kept_port <<<"$(start_in_child AUTH_EXT_KEEP_CLUSTER=1)"
ok "AUTH_EXT_KEEP_CLUSTER=1 cluster_start: the cluster outlives the script" is_running "$kept_dir"
ok "  and answers on its port" \
  psql -X -At -h "$kept_dir/socket" -p "$kept_port" -U postgres -d postgres -c "SELECT true"

read -r gone_dir gone_port <<<"$(start_in_child "")"   # $(...) waits for the exit trap
ok "cluster_start without it: the cluster started" bash -c "[ -n '$gone_port' ] && echo t"
ok "  and was stopped and its folder removed when the script exited" is_removed "$gone_dir"

as_cluster_owner "$PG_CTL" -D "$kept_dir/data" -m immediate stop >/dev/null 2>&1 || true
rm -rf "$kept_dir"
finish
