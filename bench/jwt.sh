#!/usr/bin/env bash
# JWT benchmark, one run, ratios against baselines measured in the same run:
#   pgbench (2 clients, prepared, tokens as bound parameters): SELECT 1, verify_jwt EdDSA with the
#   key from a Better Auth-style jwks table, verify_jwt HS256 with the shared secret, and the floor
#   for each: bench/floor, a minimal C function that only splits the token, checks the signature
#   with OpenSSL and returns the payload through jsonb_in (baselines.md's floor, built here);
#   Google Benchmark: core verify against raw OpenSSL (and libsodium) verify of the same signature;
#   then transaction-shaped runs, ROUNDS interleaved rounds of 15 s each (pgbench -c 2 -j 2 -T 15):
#     SELECT 1;
#     BEGIN; SELECT auth_ext.authenticate(token) FROM bench_jwt_token WHERE id = $1;
#            SELECT auth_ext.user_id(); COMMIT
#   with $1 random over 20 000 pre-signed EdDSA tokens (a new token per transaction: the
#   verified-token cache holds 64, so it nearly never hits), and with $1 fixed per client (the same
#   token again: the cache hit); ratios to SELECT 1 within each round, then the median and range;
#   then the same two transactions with tokens carrying a live session's id (sid), the setting
#   jwt_require_live_session off and on in turn, and the ratio on / off per round.
# Usage: bench/jwt.sh [seconds per pgbench run, default 10] [rounds, default 3]
# Uses the server in PGHOST/PGPORT if auth_ext can be created there, else a throwaway cluster.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../scripts/lib/cluster.sh"
source "$HERE/../scripts/lib/build.sh"
SECONDS_PER_RUN=${1:-10}
ROUNDS=${2:-3}
TOKENS=20000
cd "$AUTH_EXT_ROOT"

build_and_install
make -C bench/floor -s PG_CONFIG="$(pg_config_path)" >/dev/null
as_root make -C bench/floor -s PG_CONFIG="$(pg_config_path)" install >/dev/null
if [ -z "${PGHOST:-}" ] || ! psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; then cluster_start; else CLUSTER_DIR=""; fi
DB=auth_ext_bench_jwt
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
CREATE EXTENSION auth_ext;
\i test/fixtures/jwt_test_keys.psql
SELECT auth_ext.create_better_auth_schema() \g /dev/null
INSERT INTO public.jwks VALUES ('test-ed25519', (:'ed25519_public'::jsonb - 'kid')::text, '"x"', now(), NULL, 'EdDSA', 'Ed25519');
SELECT auth_ext.configure('jwt_shared_secret', 'bench-shared-secret-0123456789abcdef');
CREATE TABLE bench_token (alg text PRIMARY KEY, token text NOT NULL);
-- A Better Auth-shaped payload (contract §6).
INSERT INTO bench_token
SELECT alg, auth_ext.sign_jwt(
  '{"iat":1795339915,"name":"Bench User","email":"bench@example.com","emailVerified":false,"image":null,
    "createdAt":"2026-11-22T09:31:54.767Z","updatedAt":"2026-11-22T09:31:54.767Z","id":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt",
    "sub":"0vd5qonhiRipDAcIMvzwRRQIN3bPeslt","exp":4102444800,"iss":"http://localhost:3000","aud":"http://localhost:3000"}', key)
FROM (VALUES ('EdDSA', :'ed25519_private'::jsonb),
             ('HS256', jsonb_build_object('kty', 'oct', 'k', translate(encode(convert_to('bench-shared-secret-0123456789abcdef', 'UTF8'), 'base64'), '+/=', '-_')))) v(alg, key);
SELECT auth_ext.verify_jwt(token) FROM bench_token;  -- both must verify before timing anything
-- 20 000 distinct EdDSA tokens of the same shape (a new token per transaction).
CREATE TABLE bench_jwt_token (id int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_jwt_token
SELECT i, auth_ext.sign_jwt(jsonb_build_object('iat', 1795339915 + i, 'name', 'Bench User ' || i, 'email', 'bench' || i || '@example.com',
         'emailVerified', false, 'image', NULL, 'createdAt', '2026-11-22T09:31:54.767Z', 'updatedAt', '2026-11-22T09:31:54.767Z',
         'id', 'bench-user-' || i, 'sub', 'bench-user-' || i, 'exp', 4102444800, 'iss', 'http://localhost:3000', 'aud', 'http://localhost:3000'),
       :'ed25519_private'::jsonb)
FROM generate_series(1, 20000) i;
-- The same tokens for users with a live session each, carrying its id as sid (what the Better Auth
-- plugin adds), for the jwt_require_live_session runs.
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
SELECT 'bench-user-' || i, 'Bench User ' || i, 'bench' || i || '@example.com', false, now(), now() FROM generate_series(1, 20000) i;
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'bench-session-' || i, now() + interval '7 days', 'bench-session-token-' || lpad(i::text, 12, '0'), now(), now(), '', '',
       'bench-user-' || i FROM generate_series(1, 20000) i;
CREATE TABLE bench_jwt_live_token (id int PRIMARY KEY, token text NOT NULL);
INSERT INTO bench_jwt_live_token
SELECT i, auth_ext.sign_jwt(jsonb_build_object('iat', 1795339915 + i, 'name', 'Bench User ' || i, 'email', 'bench' || i || '@example.com',
         'emailVerified', false, 'image', NULL, 'createdAt', '2026-11-22T09:31:54.767Z', 'updatedAt', '2026-11-22T09:31:54.767Z',
         'id', 'bench-user-' || i, 'sub', 'bench-user-' || i, 'sid', 'bench-session-' || i, 'exp', 4102444800,
         'iss', 'http://localhost:3000', 'aud', 'http://localhost:3000'),
       :'ed25519_private'::jsonb)
FROM generate_series(1, 20000) i;
ANALYZE;
DO $$ BEGIN  -- every token verifies
  IF (SELECT count(auth_ext.verify_jwt(token)) FROM bench_jwt_token WHERE id % 1000 = 1) <> 20 THEN
    RAISE EXCEPTION 'bench tokens do not verify';
  END IF;
END $$;
CREATE FUNCTION floor_hs256(text, bytea) RETURNS jsonb AS '$libdir/auth_ext_floor', 'floor_hs256' LANGUAGE C STRICT STABLE;
CREATE FUNCTION floor_eddsa(text, bytea) RETURNS jsonb AS '$libdir/auth_ext_floor', 'floor_eddsa' LANGUAGE C STRICT STABLE;
CREATE TABLE bench_floor_key (alg text PRIMARY KEY, key bytea NOT NULL);
INSERT INTO bench_floor_key VALUES
  ('HS256', convert_to('bench-shared-secret-0123456789abcdef', 'UTF8')),
  ('EdDSA', decode(translate(((:'ed25519_public')::jsonb ->> 'x') || '=', '-_', '+/'), 'base64'));
DO $$ BEGIN  -- the floors must give verify_jwt's answers
  IF EXISTS (SELECT 1 FROM bench_token t JOIN bench_floor_key k USING (alg)
             WHERE (CASE alg WHEN 'HS256' THEN floor_hs256(t.token, k.key) ELSE floor_eddsa(t.token, k.key) END)
                   IS DISTINCT FROM auth_ext.verify_jwt(t.token)) THEN
    RAISE EXCEPTION 'a floor function disagrees with verify_jwt';
  END IF;
END $$;
SQL
HS_KEY=$(psql -X -At -d "$DB" -c "SELECT key FROM bench_floor_key WHERE alg = 'HS256'")
ED_KEY=$(psql -X -At -d "$DB" -c "SELECT key FROM bench_floor_key WHERE alg = 'EdDSA'")
EDDSA=$(psql -X -At -d "$DB" -c "SELECT token FROM bench_token WHERE alg = 'EdDSA'")
HS256=$(psql -X -At -d "$DB" -c "SELECT token FROM bench_token WHERE alg = 'HS256'")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cluster_stop' EXIT
echo 'SELECT 1;' > "$tmp/select1.sql"
echo 'SELECT auth_ext.verify_jwt(:token);' > "$tmp/verify.sql"
echo "SELECT floor_hs256(:token, :key::bytea);" > "$tmp/floor_hs256.sql"
echo "SELECT floor_eddsa(:token, :key::bytea);" > "$tmp/floor_eddsa.sql"
printf '%s\n' "\\set id random(1, $TOKENS)" 'SELECT auth_ext.verify_jwt(token) FROM bench_jwt_token WHERE id = :id;' > "$tmp/verify_new.sql"
printf '%s\n' "\\set id random(1, $TOKENS)" 'SELECT floor_eddsa(token, :key::bytea) FROM bench_jwt_token WHERE id = :id;' > "$tmp/floor_new.sql"
txn() {  # txn <file> <id expression>
  printf '%s\n' "\\set id $2" 'BEGIN;' 'SELECT auth_ext.authenticate(token) FROM bench_jwt_token WHERE id = :id;' \
    'SELECT auth_ext.user_id();' 'COMMIT;' > "$1"
}
txn "$tmp/txn_new.sql" "random(1, $TOKENS)"
txn "$tmp/txn_same.sql" ":client_id + 1"
sed 's/bench_jwt_token/bench_jwt_live_token/' "$tmp/txn_new.sql" > "$tmp/txn_live_new.sql"
sed 's/bench_jwt_token/bench_jwt_live_token/' "$tmp/txn_same.sql" > "$tmp/txn_live_same.sql"

tps() {  # tps <script> [pgbench args...]
  local script=$1; shift
  pgbench -n -M prepared -c 2 -j 2 -T "$SECONDS_PER_RUN" -f "$script" "$@" "$DB" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
echo "pgbench: 2 clients, 2 threads, ${SECONDS_PER_RUN}s each, -M prepared"
t_select=$(tps "$tmp/select1.sql")
# Each floor and its verify_jwt twice, interleaved, averaged: this machine drifts between runs.
pair() {  # pair <floor script> <token> <key>: prints "floor_tps verify_tps"
  local f1 v1 f2 v2
  f1=$(tps "$1" -D token="$2" -D key="$3"); v1=$(tps "$tmp/verify.sql" -D token="$2")
  f2=$(tps "$1" -D token="$2" -D key="$3"); v2=$(tps "$tmp/verify.sql" -D token="$2")
  awk -v a="$f1" -v b="$f2" -v c="$v1" -v d="$v2" 'BEGIN { printf "%.0f %.0f\n", (a + b) / 2, (c + d) / 2 }'
}
read -r t_floor_eddsa t_eddsa < <(pair "$tmp/floor_eddsa.sql" "$EDDSA" "$ED_KEY")
# The same pair with a new token per call (from the table, both sides): a full verification each
# time, where the pair above repeats one token (the verified-token cache answers after the first).
f1=$(tps "$tmp/floor_new.sql" -D key="$ED_KEY"); v1=$(tps "$tmp/verify_new.sql")
f2=$(tps "$tmp/floor_new.sql" -D key="$ED_KEY"); v2=$(tps "$tmp/verify_new.sql")
t_floor_new=$(awk -v a="$f1" -v b="$f2" 'BEGIN { printf "%.0f", (a + b) / 2 }')
t_eddsa_new=$(awk -v a="$v1" -v b="$v2" 'BEGIN { printf "%.0f", (a + b) / 2 }')
read -r t_floor_hs256 t_hs256 < <(pair "$tmp/floor_hs256.sql" "$HS256" "$HS_KEY")
t_select2=$(tps "$tmp/select1.sql")
awk -v s1="$t_select" -v s2="$t_select2" -v e="$t_eddsa" -v h="$t_hs256" -v fe="$t_floor_eddsa" -v fh="$t_floor_hs256" \
    -v fn="$t_floor_new" -v en="$t_eddsa_new" 'BEGIN {
  s = (s1 + s2) / 2
  printf "  SELECT 1                         %10.0f TPS (before %.0f, after %.0f)\n", s, s1, s2
  printf "  floor EdDSA, new token per call  %10.0f TPS  ratio %.3f x SELECT 1\n", fn, fn / s
  printf "  verify_jwt EdDSA, new token      %10.0f TPS  ratio %.3f x SELECT 1, %.3f x floor (jwks table, full verification)\n", en, en / s, en / fn
  printf "  floor EdDSA (bench/floor)        %10.0f TPS  ratio %.3f x SELECT 1\n", fe, fe / s
  printf "  verify_jwt EdDSA (jwks table)    %10.0f TPS  ratio %.3f x SELECT 1, %.3f x floor (one token: cache hits)\n", e, e / s, e / fe
  printf "  floor HS256 (bench/floor)        %10.0f TPS  ratio %.3f x SELECT 1\n", fh, fh / s
  printf "  verify_jwt HS256 (shared secret) %10.0f TPS  ratio %.3f x SELECT 1, %.3f x floor (one token: cache hits)\n", h, h / s, h / fh
}'

echo
echo "core (Google Benchmark, median of 5):"
make -s build/bench/core_bench
build/bench/core_bench --benchmark_filter='Jwt|Raw(OpenSsl|Sodium)(Ed25519|Hmac)' --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_format=csv 2>/dev/null \
  | awk -F, '/_median/ { gsub(/"/, "", $1); sub(/_median/, "", $1); t[$1] = $3 }
    END {
      printf "  raw libsodium Ed25519 verify %7.2f us  ratio %.3f x raw OpenSSL\n", t["BM_RawSodiumEd25519Verify"], t["BM_RawSodiumEd25519Verify"] / t["BM_RawOpenSslEd25519Verify"]
      printf "  raw OpenSSL Ed25519 verify  %8.2f us\n  core VerifyJws+claims EdDSA %8.2f us  ratio %.3f\n", t["BM_RawOpenSslEd25519Verify"], t["BM_CoreVerifyJwtEd25519"], t["BM_CoreVerifyJwtEd25519"] / t["BM_RawOpenSslEd25519Verify"]
      printf "  raw OpenSSL HMAC-SHA256     %8.2f us\n  core VerifyJws+claims HS256 %8.2f us  ratio %.3f\n", t["BM_RawOpenSslHmacSha256"], t["BM_CoreVerifyJwtHs256"], t["BM_CoreVerifyJwtHs256"] / t["BM_RawOpenSslHmacSha256"]
    }'

echo
echo "transactions: pgbench -M prepared -c 2 -j 2 -T 15, $ROUNDS interleaved rounds, ratios to SELECT 1 within each round"
SECONDS_PER_RUN=15
for r in $(seq 1 "$ROUNDS"); do
  s=$(tps "$tmp/select1.sql"); n=$(tps "$tmp/txn_new.sql"); m=$(tps "$tmp/txn_same.sql")
  awk -v r="$r" -v s="$s" -v n="$n" -v m="$m" 'BEGIN {
    printf "  round %d: SELECT 1 %7.0f TPS | new token %6.0f TPS %.3f x | same token %6.0f TPS %.3f x\n", r, s, n, n / s, m, m / s }'
  echo "$(awk -v s="$s" -v n="$n" 'BEGIN { print n / s }') $(awk -v s="$s" -v m="$m" 'BEGIN { print m / s }')" >> "$tmp/ratios"
done
summary() {  # summary <column>: median (min-max)
  cut -d' ' -f"$1" "$tmp/ratios" | sort -g | awk '{ v[NR] = $1 } END {
    med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.3f (%.3f-%.3f)", med, v[1], v[NR] }'
}
echo "  new token per transaction  ÷ SELECT 1: $(summary 1)   (goal >= 0.085)"
echo "  same token per transaction ÷ SELECT 1: $(summary 2)   (goal >= 0.20)"

echo
echo "jwt_require_live_session: the same transactions, tokens with sid, the setting off and on, $ROUNDS interleaved rounds"
live() { psql -X -q -d "$DB" -c "SELECT auth_ext.configure('jwt_require_live_session', '$1')" >/dev/null; }
: > "$tmp/live_ratios"
for r in $(seq 1 "$ROUNDS"); do
  live false; n0=$(tps "$tmp/txn_live_new.sql"); m0=$(tps "$tmp/txn_live_same.sql")
  live true; n1=$(tps "$tmp/txn_live_new.sql"); m1=$(tps "$tmp/txn_live_same.sql")
  live false
  awk -v r="$r" -v n0="$n0" -v n1="$n1" -v m0="$m0" -v m1="$m1" 'BEGIN {
    printf "  round %d: new token off %6.0f on %6.0f TPS (%.3f x) | same token off %6.0f on %6.0f TPS (%.3f x)\n", r, n0, n1, n1 / n0, m0, m1, m1 / m0 }'
  echo "$(awk -v a="$n0" -v b="$n1" 'BEGIN { print b / a }') $(awk -v a="$m0" -v b="$m1" 'BEGIN { print b / a }')" >> "$tmp/live_ratios"
done
cp "$tmp/live_ratios" "$tmp/ratios"
echo "  new token, on ÷ off:  $(summary 1)   (goal >= 0.90: at most 10% slower)"
echo "  same token, on ÷ off: $(summary 2)   (goal >= 0.90)"
