#!/usr/bin/env bash
# FastAPI todo example benchmark, one run: requests/s of GET /todos authenticated with a real
# Better Auth EdDSA JWT verified in Postgres (auth_ext.authenticate + RLS, as the API's role)
# against the same listing with no authentication (bench/fastapi_todos_app.py), same server,
# same rows (20 todos). uvicorn (1 worker) on 127.0.0.1, load from wrk for a fixed duration; the
# two routes alternate over ROUNDS rounds (default 3) so background load hits both alike.
# Usage: bench/fastapi_todos.sh [seconds per run, default 10] [connections, default 16]
# Uses the server in PGHOST/PGPORT if auth_ext can be created there, else a throwaway cluster.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../scripts/lib/cluster.sh"
source "$HERE/../scripts/lib/build.sh"
SECS=${1:-10}
CONNS=${2:-16}
cd "$AUTH_EXT_ROOT"

command -v wrk >/dev/null || as_root apt-get install -y -q wrk >/dev/null
build_and_install
if [ -z "${PGHOST:-}" ] || ! psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; then cluster_start; else CLUSTER_DIR=""; fi
DB=auth_ext_bench_fastapi
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"

VENV="$AUTH_EXT_ROOT/build/venv"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e python -e examples/fastapi-todo
[ -d test/interop/node_modules/better-auth ] || (cd test/interop && npm ci --no-audit --no-fund --loglevel=error)

owner_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
  "${DATABASE_URL:-postgresql://postgres@127.0.0.1:${PGPORT:-5432}/postgres}" "$DB")
export DATABASE_URL="$owner_url" BETTER_AUTH_URL=http://localhost:3000
(cd examples/fastapi-todo && "$VENV/bin/python" -m todo_api.setup >/dev/null)

# A real Better Auth user and JWT (Better Auth's migrator, sign-up, GET /api/auth/token).
issued=$(cd test/interop && node scripts/issue-jwt.mjs "$owner_url" bench@example.com)
read -r BENCH_USER_ID JWT < <(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(d["userId"], d["token"])' "$issued")
export BENCH_USER_ID
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v uid="$BENCH_USER_ID" >/dev/null <<'SQL'
INSERT INTO todo (user_id, title, completed) SELECT :'uid', 'todo ' || i, i % 2 = 0 FROM generate_series(1, 20) i;
ANALYZE todo;
SQL

port=$(free_port)
log "uvicorn on 127.0.0.1:$port"
(cd examples/fastapi-todo && exec "$VENV/bin/python" -m uvicorn --factory --app-dir "$AUTH_EXT_ROOT/bench" \
  fastapi_todos_app:create_bench_app --host 127.0.0.1 --port "$port" --workers 1 --log-level warning --no-access-log) &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; cluster_stop' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/bench/todos-noauth" 2>/dev/null && break
  sleep 0.1
done

check() {  # both routes must answer 200 with the same 20 rows
  local n
  n=$(curl -fsS "$@" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
  [ "$n" = 20 ] || die "expected 20 todos from $*, got $n"
}
check "http://127.0.0.1:$port/bench/todos-noauth"
check -H "Authorization: Bearer $JWT" "http://127.0.0.1:$port/todos"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/todos")" = 401 ] || die "GET /todos without a token must be 401"

rps() {  # requests/s over SECS seconds; fails on any non-2xx answer
  local out
  out=$(wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; die "non-2xx answers during the run"; fi
  sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out"
}
log "warm-up"
wrk -t 1 -c 4 -d 2s "http://127.0.0.1:$port/bench/todos-noauth" >/dev/null
wrk -t 1 -c 4 -d 2s -H "Authorization: Bearer $JWT" "http://127.0.0.1:$port/todos" >/dev/null
noauth_runs=() auth_runs=()
for round in $(seq 1 "${ROUNDS:-3}"); do
  log "round $round: GET /bench/todos-noauth (no auth), then GET /todos (JWT), ${SECS}s each, $CONNS connections"
  noauth_runs+=("$(rps "http://127.0.0.1:$port/bench/todos-noauth")")
  auth_runs+=("$(rps -H "Authorization: Bearer $JWT" "http://127.0.0.1:$port/todos")")
  log "  no auth ${noauth_runs[-1]} req/s, JWT ${auth_runs[-1]} req/s"
done
mean() { python3 -c 'import statistics, sys; print(statistics.fmean(map(float, sys.argv[1:])))' "$@"; }
noauth=$(mean "${noauth_runs[@]}")
auth=$(mean "${auth_runs[@]}")

echo
printf 'GET /todos, no auth:                  %10.1f req/s (mean of %s runs)\n' "$noauth" "${#noauth_runs[@]}"
printf 'GET /todos, JWT verified in Postgres: %10.1f req/s (mean of %s runs)\n' "$auth" "${#auth_runs[@]}"
python3 -c 'import sys; print(f"ratio auth/no-auth: {float(sys.argv[1]) / float(sys.argv[2]):.2f}x (target >= 0.60x)")' "$auth" "$noauth"
