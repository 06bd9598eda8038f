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

# pgTAP files in test/pgtap, each in a fresh database, run by pg_prove.
suite_pgtap() {
  local files=(test/pgtap/*.sql)
  [ -e "${files[0]}" ] || { echo "no pgTAP tests found"; return 1; }
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS auth_ext_pgtap' >/dev/null
  cluster_create_db auth_ext_pgtap pgtap
  pg_prove --dbname auth_ext_pgtap --ext .sql "${files[@]}"
}

# The hostile-schema test (test/hostile, pgTAP): Better Auth's schema writable by an attacker and
# full of look-alike functions and operators for every name auth_ext's code calls; every API path
# must run without reaching one. Twice, each in its own fresh database: Better Auth's tables in
# public (extension installed by the database owner) and in a custom better_auth_schema
# (installed by a superuser).
suite_hostile() {
  local variant db failed=0
  for variant in public custom; do
    db=auth_ext_hostile_$variant
    psql -X -q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE SCHEMA tap' -c 'CREATE EXTENSION pgtap SCHEMA tap' >/dev/null
    pg_prove --dbname "$db" --ext .sql "test/hostile/hostile_$variant.sql" || failed=1
  done
  return $failed
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
