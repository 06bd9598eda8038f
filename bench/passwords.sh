#!/usr/bin/env bash
# Password hashing benchmark, one run, every figure next to a baseline from the same run:
#   auth_ext.hash_password through SQL (pgbench, 1 client, password as a bound parameter),
#   the core HashPassword and a raw OpenSSL scrypt call (Google Benchmark, same parameters),
#   Better Auth's own Node hashPassword; then throughput with 2 and 4 concurrent clients.
# Usage: bench/passwords.sh    (uses PGHOST/PGPORT if reachable, else a throwaway cluster)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../scripts/lib/cluster.sh"
source "$HERE/../scripts/lib/build.sh"
cd "$AUTH_EXT_ROOT"

build_and_install
if [ -z "${PGHOST:-}" ] || ! psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; then cluster_start; else CLUSTER_DIR=""; fi
DB=auth_ext_bench_passwords
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -d "$DB" -c "CREATE EXTENSION auth_ext"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cluster_stop' EXIT
echo 'SELECT auth_ext.hash_password(:pw);' > "$tmp/hash.sql"

run_pgbench() {  # clients transactions -> prints "tps latency_ms"
  pgbench -n -M prepared -c "$1" -j "$(( $1 < 2 ? 1 : 2 ))" -t "$2" -f "$tmp/hash.sql" -D pw='correct horse battery staple' "$DB" 2>/dev/null \
    | awk '/^latency average/ {lat = $4} /^tps/ {tps = $3} END {print tps, lat}'
}
read -r _ sql_ms < <(run_pgbench 1 40)

make -s build/bench/core_bench
read -r raw_ms core_ms < <(build/bench/core_bench --benchmark_filter='RawOpenSslScrypt|CoreHashPassword' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null \
  | awk -F, '/_median/ {gsub(/"/, "", $1); sub(/\/iterations:[0-9]+/, "", $1); t[$1] = $3} END {print t["BM_RawOpenSslScrypt_median"], t["BM_CoreHashPassword_median"]}')

[ -d test/interop/node_modules ] || (cd test/interop && npm ci --no-audit --no-fund --loglevel=error)
node_ms=$(node bench/node/hash_password.mjs 20 | sed 's/.*"median_ms":\([0-9.]*\).*/\1/')

read -r tps2 _ < <(run_pgbench 2 20)
read -r tps4 _ < <(run_pgbench 4 10)

awk -v sql="$sql_ms" -v core="$core_ms" -v raw="$raw_ms" -v node="$node_ms" -v t2="$tps2" -v t4="$tps4" 'BEGIN {
  printf "ms per hash (median):\n"
  printf "  raw OpenSSL EVP_PBE_scrypt          %7.1f ms\n", raw
  printf "  core HashPassword                   %7.1f ms  ratio %.3f x raw OpenSSL\n", core, core / raw
  printf "  SELECT auth_ext.hash_password($1)   %7.1f ms  ratio %.3f x raw OpenSSL (includes the round trip)\n", sql, sql / raw
  printf "  Better Auth hashPassword (Node)     %7.1f ms  auth_ext SQL / Better Auth = %.3f\n", node, sql / node
  printf "concurrent hashing through SQL (2-core machine, each hash holds 32 MiB):\n"
  printf "  2 clients  %6.1f hashes/s\n  4 clients  %6.1f hashes/s\n", t2, t4
}'
