# The test suites run by scripts/test.sh; each returns non-zero on failure. They expect the
# throwaway cluster's PG* variables and an installed extension.

# Core unit tests (GoogleTest): pure C++, no server.
suite_unit() {
  make -s PG_CONFIG="$(pg_config_path)" ${WERROR:+WERROR=$WERROR} unit
}

# pg_regress over test/sql with expected output in test/expected (schedule: test/schedule).
suite_regress() {
  check_schedule_complete || return 1
  if ! make -s PG_CONFIG="$(pg_config_path)" installcheck; then
    [ -f build/regress/regression.diffs ] && cat build/regress/regression.diffs
    return 1
  fi
}

# Every test/sql file must be in the schedule, so no test is silently skipped.
check_schedule_complete() {
  local f name ok=0
  for f in test/sql/*.sql; do
    name=$(basename "$f" .sql)
    grep -qx "test: $name" test/schedule || { echo "test/sql/$name.sql is not in test/schedule"; ok=1; }
  done
  return $ok
}

# pgTAP files in test/pgtap, each run by pg_prove twice: in a database where the bootstrap
# superuser created the extension, and in one owned by a database owner who is not superuser
# (CREATEDB, CREATEROLE: hosted Postgres's model) and created the (trusted) extension itself.
suite_pgtap() {
  local files=(test/pgtap/*.sql) rc=0
  [ -e "${files[0]}" ] || { echo "no pgTAP tests found"; return 1; }
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS auth_ext_pgtap' \
    -c 'DROP DATABASE IF EXISTS auth_ext_pgtap_owner' -c 'DROP ROLE IF EXISTS auth_ext_pgtap_owner' \
    -c 'CREATE ROLE auth_ext_pgtap_owner LOGIN NOSUPERUSER CREATEDB CREATEROLE' \
    -c 'CREATE DATABASE auth_ext_pgtap_owner OWNER auth_ext_pgtap_owner' >/dev/null
  cluster_create_db auth_ext_pgtap pgtap
  log "pgTAP as the bootstrap superuser"
  pg_prove --dbname auth_ext_pgtap --ext .sql "${files[@]}" || rc=1
  psql -X -q -d auth_ext_pgtap_owner -c 'CREATE EXTENSION pgtap' >/dev/null   # pgTAP itself is not trusted
  psql -X -q -d auth_ext_pgtap_owner -U auth_ext_pgtap_owner -c 'CREATE EXTENSION auth_ext' >/dev/null || rc=1
  log "pgTAP as a database owner who is not superuser"
  pg_prove --dbname auth_ext_pgtap_owner --username auth_ext_pgtap_owner --ext .sql "${files[@]}" || rc=1
  return $rc
}

# Installation: the documented flow as a non-superuser database owner, the upgrade from every
# released version (data kept, catalog equal to a fresh install), and install/upgrade scripts
# that a hostile database owner cannot subvert (test/install/*.sh).
suite_install() {
  local t rc=0
  for t in test/install/*.sh; do
    [ "$(basename "$t")" = lib.sh ] && continue
    log "install: $t"
    bash "$t" || rc=1
  done
  return $rc
}

# Concurrency specs in test/isolation, run by pg_isolation_regress, then a stress run of many
# concurrent sign-ups with one email (test/stress/concurrent_signup.sh).
suite_isolation() {
  local specs=(test/isolation/specs/*.spec) schedule=() s
  for s in "${specs[@]}"; do schedule+=("$(basename "$s" .spec)"); done
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS auth_ext_isolation' >/dev/null
  cluster_create_db auth_ext_isolation
  local pgxs_dir
  pgxs_dir=$(dirname "$("$(pg_config_path)" --pgxs)")/..
  "$pgxs_dir/test/isolation/pg_isolation_regress" --use-existing \
    --inputdir=test/isolation --outputdir=build/isolation \
    --bindir="$("$(pg_config_path)" --bindir)" --dbname=auth_ext_isolation \
    "${schedule[@]}" || { cat build/isolation/regression.diffs 2>/dev/null; return 1; }
  bash test/stress/concurrent_signup.sh auth_ext_isolation
}

# Short libFuzzer runs over the core parsers (longer runs: make fuzz FUZZ_SECONDS=600).
suite_fuzz() {
  make -s PG_CONFIG="$(pg_config_path)" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
}

# Interop with the real, pinned Better Auth on the same database (node's test runner).
suite_interop() {
  (cd test/interop && npm ci --no-audit --no-fund --loglevel=error && npm test)
}

# The Better Auth plugin package (packages/better-auth-auth-ext): type-checked build, then its tests
# against the real, pinned Better Auth on the same cluster (node's test runner).
suite_plugin() {
  (cd packages/better-auth-auth-ext && npm ci --no-audit --no-fund --loglevel=error && npm test)
}

# The FastAPI package and the todo example (pytest, real HTTP through the ASGI app, real Better Auth JWTs).
suite_python() {
  bash scripts/lib/python_tests.sh
}

# Production topology (test/topology/run.sh): PgBouncer (Debian's package) in transaction mode with
# a pool smaller than its clients, a streaming hot standby from pg_basebackup -R, and restarts of the
# primary under load; the SQL API, the FastAPI package and example, and the Better Auth plugin.
suite_topology() {
  TOPOLOGY_PRIMARY_DIR="$CLUSTER_DIR" bash test/topology/run.sh
}
