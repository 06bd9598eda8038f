# The test suites run by scripts/test.sh; each returns non-zero on failure. They expect the
# throwaway cluster's PG* variables and an installed extension.

# Core unit tests (GoogleTest): pure C++, no server; and the boundary rule of the Postgres glue
# (test/boundary: no C++ object with a destructor in a frame a Postgres error can longjmp over).
suite_unit() {
  bash test/boundary/run.sh || return 1
  make -s -j"$(nproc)" PG_CONFIG="$(pg_config_path)" ${WERROR:+WERROR=$WERROR} unit
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
# The two runs go at the same time (each file is one transaction that ends in ROLLBACK, in its own
# database; a role two files create under one name makes the second wait for the first's
# rollback); their outputs are shown one after the other.
suite_pgtap() {
  local files=(test/pgtap/*.sql) rc=0 out superuser owner
  [ -e "${files[0]}" ] || { echo "no pgTAP tests found"; return 1; }
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c 'DROP DATABASE IF EXISTS auth_ext_pgtap' \
    -c 'DROP DATABASE IF EXISTS auth_ext_pgtap_owner' -c 'DROP ROLE IF EXISTS auth_ext_pgtap_owner' \
    -c 'CREATE ROLE auth_ext_pgtap_owner LOGIN NOSUPERUSER CREATEDB CREATEROLE' \
    -c 'CREATE DATABASE auth_ext_pgtap_owner OWNER auth_ext_pgtap_owner' >/dev/null
  cluster_create_db auth_ext_pgtap pgtap
  psql -X -q -d auth_ext_pgtap_owner -c 'CREATE EXTENSION pgtap' >/dev/null   # pgTAP itself is not trusted
  psql -X -q -d auth_ext_pgtap_owner -U auth_ext_pgtap_owner -c 'CREATE EXTENSION auth_ext' >/dev/null || rc=1
  out=$(mktemp -d)
  pg_prove --dbname auth_ext_pgtap --ext .sql "${files[@]}" >"$out/superuser" 2>&1 &
  superuser=$!
  pg_prove --dbname auth_ext_pgtap_owner --username auth_ext_pgtap_owner --ext .sql "${files[@]}" \
    >"$out/owner" 2>&1 &
  owner=$!
  wait "$superuser" || rc=1
  log "pgTAP as the bootstrap superuser"
  cat "$out/superuser"
  wait "$owner" || rc=1
  log "pgTAP as a database owner who is not superuser"
  cat "$out/owner"
  rm -rf "$out"
  return $rc
}

# Installation: the documented flow as a non-superuser database owner, the upgrade from every
# released version (data kept, catalog equal to a fresh install), and install/upgrade scripts
# that a hostile database owner cannot subvert, and the throwaway cluster kept on request
# (test/install/*.sh).
suite_install() {
  local t rc=0
  for t in test/install/*.sh; do
    [ "$(basename "$t")" = lib.sh ] && continue
    log "install: $t"
    bash "$t" || rc=1
  done
  return $rc
}

# The hostile-schema test (test/hostile, pgTAP): Better Auth's schema writable by an attacker and
# full of look-alike functions and operators for every name auth_ext's code calls; every API path
# must run without reaching one. Twice, each in its own fresh database: Better Auth's tables in
# public (extension installed by the database owner) and in a custom better_auth_schema
# (installed by a superuser). One after the other: each plants thousands of objects in one
# transaction, and two at once exhaust the cluster's lock table (max_locks_per_transaction). Then
# its object-level half (planted_objects.sql): objects another role plants to run code when Better
# Auth's rows are touched; every path must refuse them.
suite_hostile() {
  local variant db failed=0
  for variant in public custom; do
    db=auth_ext_hostile_$variant
    psql -X -q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE SCHEMA tap' -c 'CREATE EXTENSION pgtap SCHEMA tap' >/dev/null
    pg_prove --dbname "$db" --ext .sql "test/hostile/hostile_$variant.sql" || failed=1
  done
  # The object-level half: planted tables, triggers, rules, policies, defaults, constraints,
  # domains, index expressions, a planted jwks table, a squatted auth_ext_names schema.
  db=auth_ext_hostile_objects
  psql -X -q -d postgres -c 'SET client_min_messages = warning' -c "DROP DATABASE IF EXISTS $db" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db" >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE SCHEMA tap' -c 'CREATE EXTENSION pgtap SCHEMA tap' >/dev/null
  pg_prove --dbname "$db" --ext .sql test/hostile/planted_objects.sql || failed=1
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

# Short libFuzzer runs over the core parsers, as many targets at a time as there are CPUs (longer
# runs: make fuzz FUZZ_SECONDS=600, or make fuzz-long).
suite_fuzz() {
  make -s -j"$(nproc)" PG_CONFIG="$(pg_config_path)" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
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

# Released scripts byte for byte as released (test/packaging/released.sha256), no file over 2 MB
# tracked, docs/reference.md current, every relative link of the Markdown files resolving
# (test/packaging/check_links.py); PGXN packaging: META.json valid against the PGXN Meta Spec
# (test/packaging/check_meta.py, which also refuses broken copies of it) with its versions equal to
# the control file's default_version;
# then `make dist`, and the archive, unzipped in a temporary folder as a user would, holds every file
# META.json names and builds with make alone.
suite_packaging() {
  apt_install python3 python3-jsonschema unzip
  local py=/usr/bin/python3 version dist tmp rc=0 before big
  # Released scripts never change: byte for byte what was released (their SHA-256 recorded then).
  sha256sum --quiet -c test/packaging/released.sha256 || { echo "a released script changed since its release"; return 1; }
  # No cache or build output is tracked (nor shipped by make dist, which archives tracked files).
  big=$(git ls-files -z | xargs -0 du -b 2>/dev/null | awk '$1 > 2000000 {print $2}')
  [ -z "$big" ] || { echo "tracked files over 2 MB (a cache or build output?): $big"; return 1; }
  # docs/reference.md is what the installed extension's catalog says (scripts/gen-reference.sh).
  bash scripts/gen-reference.sh --check || return 1
  # Every relative link (and #anchor) of the tracked Markdown files resolves (README.md, docs/...).
  git ls-files -z '*.md' | xargs -0 "$py" test/packaging/check_links.py || return 1
  # Every code block of these READMEs is run here, is a copy of a tracked file, or says why not.
  "$py" test/readme/check_readme_blocks.py --self-test || return 1
  "$py" test/readme/check_readme_blocks.py --run README.md examples/nextjs-fastapi/README.md \
    examples/fastapi-todo/README.md || return 1
  "$py" test/packaging/check_meta.py --self-test . || return 1
  version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" auth_ext.control)
  dist="auth_ext-$version"
  rm -f "$dist.zip"
  make -s PG_CONFIG="$(pg_config_path)" dist >/dev/null || return 1
  [ -f "$dist.zip" ] || { echo "make dist made no $dist.zip"; return 1; }
  tmp=$(mktemp -d)
  unzip -q "$dist.zip" -d "$tmp" || rc=1
  if [ "$(ls -A "$tmp")" != "$dist" ]; then
    echo "$dist.zip should hold one folder $dist/, holds: $(ls -A "$tmp")"; rc=1
  fi
  "$py" test/packaging/check_meta.py --dist "$tmp/$dist" "$tmp/$dist" || rc=1
  log "building $dist.zip's contents in a temporary folder"
  before=$(cksum < "$tmp/$dist/sql/auth_ext--$version.sql")
  if ! make -C "$tmp/$dist" -s -j"$(nproc)" PG_CONFIG="$(pg_config_path)" ${WERROR:+WERROR=$WERROR} >/dev/null; then
    echo "$dist.zip does not build"; rc=1
  elif [ ! -f "$tmp/$dist/auth_ext.so" ]; then
    echo "building $dist.zip made no auth_ext.so"; rc=1
  elif [ "$(cksum < "$tmp/$dist/sql/auth_ext--$version.sql")" != "$before" ]; then
    echo "the install script in $dist.zip is not the one its sql/src parts build"; rc=1
  else
    echo "$dist.zip: META.json valid, builds with make alone"
  fi
  rm -rf "$tmp"
  return $rc
}

# Production topology (test/topology/run.sh): PgBouncer (Debian's package) in transaction mode with
# a pool smaller than its clients, a streaming hot standby from pg_basebackup -R, and restarts of the
# primary under load; the SQL API, the FastAPI package and example, and the Better Auth plugin.
suite_topology() {
  TOPOLOGY_PRIMARY_DIR="$CLUSTER_DIR" bash test/topology/run.sh
}

# The full stack in a browser (examples/nextjs-fastapi): Next.js + Better Auth with the auth_ext
# plugin, the FastAPI todo API, on this cluster; headless Chromium (Debian's package) driven by
# playwright-core (tests/browser.test.mjs). npm packages and the Next.js build are cached under
# node_modules and build/nextjs-fastapi (rebuilt when a source changes). JWTs live 8 s here, so
# the silent refresh is seen within the test, and a signed-out user's JWT is refused well before
# its exp. tests/outage.test.mjs runs its own Next.js server with its database connection cut off.
suite_browser() {
  apt_install chromium
  # shellcheck source=../../examples/nextjs-fastapi/scripts/stack.sh
  source examples/nextjs-fastapi/scripts/stack.sh
  stack_prepare || return 1
  local rc=0
  JWT_EXPIRATION_TIME=8s stack_up auth_ext_browser || { stack_down; return 1; }
  (cd examples/nextjs-fastapi && STACK_DB=auth_ext_browser PGDATABASE=auth_ext_browser JWT_EXPIRATION_TIME=8s \
    CHROMIUM_PATH=/usr/bin/chromium npm test) || rc=1
  stack_down
  return $rc
}
