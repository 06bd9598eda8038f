# The full stack on a running PostgreSQL with auth_ext installed (PG*/DATABASE_URL of a superuser,
# as scripts/lib/cluster.sh exports them, that only creates the database and its owner
# <db>_owner, a role that is not superuser, reached without a password as the cluster's trust
# authentication allows): a database prepared by the todo API's setup as that owner, the
# better_auth role with the documented grants, the example's settings (db/settings.sql), the
# FastAPI todo API (uvicorn) and the Next.js app (next start). Sourced by start.sh and by the
# browser test suite.
#
#   stack_prepare      Python venv (build/venv), the plugin and the app's npm packages, `next build`
#                      (skipped when nothing it reads changed: build/nextjs-fastapi/build.hash)
#   stack_up <db>      starts everything; exports STACK_URL (the app), STACK_API_URL and STACK_SECRET
#                      (Better Auth's secret, for a test's own app server)
#   stack_down         stops the two servers
#
# Environment read by stack_up: JWT_EXPIRATION_TIME (Better Auth's JWT lifetime, default 15m).

STACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_ROOT=$(cd "$STACK_DIR/../.." && pwd)
STACK_BUILD="$STACK_ROOT/build/nextjs-fastapi"
STACK_VENV="$STACK_ROOT/build/venv"
STACK_PIDS=()

stack_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A free TCP port on the loopback interface.
stack_free_port() {
  "$STACK_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Hash of everything `next build` reads (sources, config, lock, the plugin's build).
stack_source_hash() {
  (cd "$STACK_DIR" && find app lib next.config.mjs tsconfig.json package-lock.json -type f -print0 | sort -z \
    | xargs -0 sha256sum; cd "$STACK_ROOT/packages/better-auth-auth-ext" && find dist -type f -print0 | sort -z \
    | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

stack_prepare() {
  mkdir -p "$STACK_BUILD"
  if [ ! -x "$STACK_VENV/bin/python" ]; then
    stack_log "python venv in build/venv"
    "${PYTHON:-python3}" -m venv "$STACK_VENV"
  fi
  "$STACK_VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$STACK_ROOT/python" \
    -e "$STACK_ROOT/examples/fastapi-todo"
  stack_log "the Better Auth plugin (packages/better-auth-auth-ext)"
  (cd "$STACK_ROOT/packages/better-auth-auth-ext" \
    && { [ -d node_modules/typescript ] || npm ci --no-audit --no-fund --loglevel=error; } \
    && npm run -s build) || return 1
  # npm ci when the lock or the plugin changed (the plugin is copied in: .npmrc install-links).
  local deps_hash
  deps_hash=$( (sha256sum "$STACK_DIR/package-lock.json"; cd "$STACK_ROOT/packages/better-auth-auth-ext" \
    && find dist package.json -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1)
  if [ ! -d "$STACK_DIR/node_modules/next" ] || [ "$(cat "$STACK_BUILD/deps.hash" 2>/dev/null)" != "$deps_hash" ]; then
    stack_log "npm ci in examples/nextjs-fastapi"
    (cd "$STACK_DIR" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$deps_hash" > "$STACK_BUILD/deps.hash"
  fi
  local hash
  hash=$(stack_source_hash)
  if [ -f "$STACK_DIR/.next/BUILD_ID" ] && [ "$(cat "$STACK_BUILD/build.hash" 2>/dev/null)" = "$hash" ]; then
    stack_log "next build: up to date"
  else
    stack_log "next build"
    # Placeholders: the build imports the auth module but never connects; the real values are read at start.
    (cd "$STACK_DIR" && NEXT_TELEMETRY_DISABLED=1 BETTER_AUTH_SECRET=build-time-placeholder-0123456789abcdef \
      BETTER_AUTH_URL=http://127.0.0.1:3000 npx --no-install next build >"$STACK_BUILD/next-build.log" 2>&1) \
      || { cat "$STACK_BUILD/next-build.log" >&2; return 1; }
    echo "$hash" > "$STACK_BUILD/build.hash"
  fi
}

# Waits (at most $3 seconds) until $1 answers HTTP at all; $2 names it in messages.
stack_wait_http() {
  local url=$1 name=$2 seconds=${3:-60} i
  for ((i = 0; i < seconds * 4; i++)); do
    if "$STACK_VENV/bin/python" - "$url" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
PY
    sleep 0.25
  done
  echo "$name did not answer at $url within ${seconds}s" >&2
  return 1
}

stack_up() {
  local db=${1:-todo_stack} pg_port=${PGPORT:?PGPORT is not set} web_port api_port
  # The database belongs to a role that is not superuser, which runs the setup (auth_ext's
  # functions run with its rights; a superuser never calls them: SECURITY.md).
  local owner="${db}_owner"
  local owner_url="postgresql://$owner@127.0.0.1:$pg_port/$db"
  web_port=$(stack_free_port)
  api_port=$(stack_free_port)
  while [ "$api_port" = "$web_port" ]; do api_port=$(stack_free_port); done
  export STACK_URL="http://127.0.0.1:$web_port" STACK_API_URL="http://127.0.0.1:$api_port"
  # Better Auth's secret, exported for the browser suite's own Next.js server (tests/outage.test.mjs).
  export STACK_SECRET
  STACK_SECRET=$("$STACK_VENV/bin/python" -c 'import secrets; print(secrets.token_hex(32))')
  local secret=$STACK_SECRET

  stack_log "database $db: auth_ext, Better Auth's tables, the todo table with RLS, roles todo_app and better_auth"
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
    -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner') THEN EXECUTE format('CREATE ROLE %I LOGIN CREATEROLE NOSUPERUSER', '$owner'); END IF; END \$\$" \
    -c "CREATE DATABASE \"$db\" OWNER \"$owner\"" >/dev/null || return 1
  (cd "$STACK_ROOT/examples/fastapi-todo" && DATABASE_URL="$owner_url" BETTER_AUTH_URL="$STACK_URL" \
    BETTER_AUTH_SECRET="$secret" "$STACK_VENV/bin/python" -m todo_api.setup) || return 1
  psql -X -q -v ON_ERROR_STOP=1 -v role=better_auth -d "$db" -U "$owner" -f "$STACK_DIR/db/better-auth-role.sql" >/dev/null || return 1
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -U "$owner" -f "$STACK_DIR/db/settings.sql" >/dev/null || return 1

  stack_log "FastAPI todo API on $STACK_API_URL"
  (cd "$STACK_ROOT/examples/fastapi-todo" && exec env DATABASE_URL="$owner_url" BETTER_AUTH_URL="$STACK_URL" \
    BETTER_AUTH_SECRET="$secret" CORS_ORIGINS="$STACK_URL" RATE_LIMIT=on \
    "$STACK_VENV/bin/python" -m uvicorn --factory todo_api.main:create_app --host 127.0.0.1 --port "$api_port" \
    >"$STACK_BUILD/api.log" 2>&1) &
  STACK_PIDS+=($!)
  stack_log "Next.js app on $STACK_URL"
  (cd "$STACK_DIR" && exec env NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
    DATABASE_URL="postgresql://better_auth@127.0.0.1:$pg_port/$db" BETTER_AUTH_URL="$STACK_URL" \
    BETTER_AUTH_SECRET="$secret" TODO_API_URL="$STACK_API_URL" \
    JWT_EXPIRATION_TIME="${JWT_EXPIRATION_TIME:-15m}" \
    node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$web_port" >"$STACK_BUILD/web.log" 2>&1) &
  STACK_PIDS+=($!)
  stack_wait_http "$STACK_API_URL/docs" "the todo API" 60 || { cat "$STACK_BUILD/api.log" >&2; return 1; }
  stack_wait_http "$STACK_URL/sign-in" "the Next.js app" 60 || { cat "$STACK_BUILD/web.log" >&2; return 1; }
}

stack_down() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STACK_PIDS=()
}
