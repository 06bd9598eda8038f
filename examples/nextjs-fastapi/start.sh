#!/usr/bin/env bash
# One command for the whole stack: installs what is missing, builds and installs auth_ext, starts a
# throwaway PostgreSQL cluster, prepares a database (extension, Better Auth's tables, the todo table
# with RLS, roles todo_app and better_auth with the documented grants), starts the FastAPI todo API
# and the Next.js app, and prints the URL. Ctrl-C stops everything and removes the cluster.
#
# Usage: examples/nextjs-fastapi/start.sh      (PG_CONFIG picks the PostgreSQL build, as for scripts/test.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$ROOT/scripts/lib/deps.sh"
source "$ROOT/scripts/lib/cluster.sh"
source "$ROOT/scripts/lib/build.sh"
source "$HERE/scripts/stack.sh"

cd "$ROOT"
install_build_deps
apt_install python3 python3-venv python3-pip
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
build_and_install
stack_prepare
cluster_start
trap 'stack_down; cluster_stop' EXIT
stack_up todo_stack

cat <<MSG

  The app:          $STACK_URL        (sign up, then add todos)
  The todo API:     $STACK_API_URL/docs
  PostgreSQL:       psql -h 127.0.0.1 -p $PGPORT -U todo_stack_owner todo_stack
  Logs:             build/nextjs-fastapi/web.log, build/nextjs-fastapi/api.log

  Ctrl-C stops both servers and removes the throwaway cluster.
MSG
wait
