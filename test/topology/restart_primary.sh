#!/usr/bin/env bash
# Restarts the topology suite's primary: restart_primary.sh fast|immediate. pg_ctl restart keeps
# the server's command-line options and waits (bounded) until it accepts connections again.
set -euo pipefail
MODE=${1:?usage: restart_primary.sh fast|immediate}
# shellcheck source=../../scripts/lib/cluster.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/cluster.sh"
: "${TOPO_PRIMARY_DIR:?}" "${TOPO_PG_BINDIR:?}"
as_cluster_owner "$TOPO_PG_BINDIR/pg_ctl" -D "$TOPO_PRIMARY_DIR/data" -l "$TOPO_PRIMARY_DIR/server.log" \
  -m "$MODE" -w -t 60 restart >/dev/null
