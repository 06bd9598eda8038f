#!/usr/bin/env bash
# Account operations benchmark, one run, against baselines from the same run:
#   sign_up_email / sign_in_email against hash_password / verify_password, interleaved in one
#   backend (median of N=30), with the real scrypt: calls per second;
#   the time beyond one scrypt, measured exactly: in a second throwaway database whose
#   hash_password / verify_password are replaced by stubs returning a fixed hash / true, the
#   median of M=2000 sign_up_email / sign_in_email calls with warm caches, and of C=60 calls each
#   right after a real scrypt (which evicts the CPU caches, as in a real call), and the primary's
#   side of a sign-in through a standby: sign_in_email with a password proof (no scrypt at all:
#   the proof is made, untimed, just before; its median over M calls); scrypt's own
#   jitter (several ms) swamps a sub-millisecond difference in the paired medians above;
#   get_session against a plain indexed SELECT on session.token joined to the user
#   (pgbench, 2 clients, random tokens over 10 000 sessions).
# Usage: bench/accounts.sh [seconds per get_session run, default 10]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../scripts/lib/cluster.sh"
source "$HERE/../scripts/lib/build.sh"
SECS=${1:-10}
cd "$AUTH_EXT_ROOT"

build_and_install
if [ -z "${PGHOST:-}" ] || ! psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; then cluster_start; else CLUSTER_DIR=""; fi
DB=auth_ext_bench_accounts
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<'SQL'
CREATE EXTENSION auth_ext;
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.sign_up_email('bench@example.com', 'bench-password-1', 'Bench');
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'benchsession' || lpad(i::text, 20, '0'), now() + interval '7 days', 'benchtoken' || lpad(i::text, 22, '0'),
       now(), now(), '', '', (SELECT id FROM "user")
FROM generate_series(1, 10000) i;
ANALYZE;
SQL
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; cluster_stop' EXIT
printf '%s\n' '\set i random(1, 10000)' "SELECT auth_ext.get_session('benchtoken' || lpad(:i::text, 22, '0'));" > "$tmp/get_session.sql"
printf '%s\n' '\set i random(1, 10000)' "SELECT s.*, u.* FROM session s JOIN \"user\" u ON u.id = s.\"userId\" WHERE s.token = 'benchtoken' || lpad(:i::text, 22, '0');" > "$tmp/select.sql"

tps() {
  local script=$1; shift
  pgbench -n -M prepared -c 2 -j 2 -T "$SECS" -f "$script" "$@" "$DB" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
# Per-call cost, interleaved in one backend so scrypt's jitter hits both sides alike (median of N).
N=${N:-30}
read -r hash_ms signup_ms verify_ms signin_ms < <(psql -X -q -At -F ' ' -d "$DB" <<SQL
CREATE TEMP TABLE t (kind text, ms float8);
DO \$\$
DECLARE stored text := (SELECT password FROM account LIMIT 1); t0 timestamptz;
BEGIN
  FOR i IN 1..$N LOOP
    t0 := clock_timestamp(); PERFORM auth_ext.hash_password('bench-password-1');
    INSERT INTO t VALUES ('hash', extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM auth_ext.sign_up_email('u' || i || '-' || pg_backend_pid() || '@bench.example', 'bench-password-1', 'U');
    INSERT INTO t VALUES ('signup', extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM auth_ext.verify_password('bench-password-1', stored);
    INSERT INTO t VALUES ('verify', extract(epoch FROM clock_timestamp() - t0) * 1000);
    t0 := clock_timestamp(); PERFORM auth_ext.sign_in_email('bench@example.com', 'bench-password-1');
    INSERT INTO t VALUES ('signin', extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END \$\$;
SELECT string_agg(m::text, ' ' ORDER BY o) FROM (
  SELECT k.o, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS m
  FROM t JOIN (VALUES ('hash', 1), ('signup', 2), ('verify', 3), ('signin', 4)) k(kind, o) USING (kind) GROUP BY k.o) x;
SQL
)
# Everything but the scrypt: the same calls with the password functions stubbed out, run twice:
# on Better Auth's default names, and on renamed tables and columns (better_auth_names, where the
# statements go through the auth_ext_names views).
M=${M:-2000}
STUB_DB=auth_ext_bench_accounts_stub
C=${C:-60}
RENAME_SQL=$(cat <<'RENAME'
ALTER TABLE "user" RENAME TO users;
ALTER TABLE users RENAME COLUMN "emailVerified" TO email_verified;
ALTER TABLE users RENAME COLUMN "createdAt" TO created_at;
ALTER TABLE session RENAME TO sessions;
ALTER TABLE sessions RENAME COLUMN "userId" TO user_id;
ALTER TABLE account RENAME TO accounts;
ALTER TABLE accounts RENAME COLUMN "userId" TO user_id;
ALTER TABLE accounts RENAME COLUMN "providerId" TO provider_id;
SELECT auth_ext.configure('better_auth_names', '{"user": {"modelName": "users", "fields": {"emailVerified": "email_verified", "createdAt": "created_at"}}, "session": {"modelName": "sessions", "fields": {"userId": "user_id"}}, "account": {"modelName": "accounts", "fields": {"userId": "user_id", "providerId": "provider_id"}}}') \g /dev/null
RENAME
)
# stub_run SETUP_SQL: the six medians (µs) of the stubbed calls, after SETUP_SQL.
stub_run() {
  local setup=$1
  psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $STUB_DB" -c "CREATE DATABASE $STUB_DB"
  psql -X -q -At -F ' ' -v ON_ERROR_STOP=1 -d "$STUB_DB" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION auth_ext;
SELECT auth_ext.create_better_auth_schema() \g /dev/null
$setup
SELECT auth_ext.sign_up_email('bench@example.com', 'bench-password-1', 'Bench') \g /dev/null
SELECT auth_ext.configure('better_auth_secret', 'bench-secret-0123456789abcdef0123456789abcdef') \g /dev/null
CREATE FUNCTION public.real_scrypt(text) RETURNS text AS '\$libdir/auth_ext', 'auth_ext_hash_password' LANGUAGE C STRICT VOLATILE;
CREATE OR REPLACE FUNCTION auth_ext.hash_password(password text) RETURNS text LANGUAGE sql VOLATILE
  AS \$\$ SELECT '0123456789abcdef0123456789abcdef:' || pg_catalog.repeat('ab', 64) \$\$;
CREATE OR REPLACE FUNCTION auth_ext.verify_password(password text, hash text) RETURNS boolean LANGUAGE sql VOLATILE
  AS \$\$ SELECT true \$\$;
CREATE TEMP TABLE t (kind text, us float8);
DO \$\$
DECLARE t0 timestamptz; proof text;
BEGIN
  FOR i IN 1..$M LOOP
    t0 := clock_timestamp(); PERFORM auth_ext.hash_password('bench-password-1');
    INSERT INTO t VALUES ('hash', extract(epoch FROM clock_timestamp() - t0) * 1e6);
    t0 := clock_timestamp(); PERFORM auth_ext.sign_up_email('s' || i || '@bench.example', 'bench-password-1', 'S');
    INSERT INTO t VALUES ('signup', extract(epoch FROM clock_timestamp() - t0) * 1e6);
    t0 := clock_timestamp(); PERFORM auth_ext.sign_in_email('bench@example.com', 'bench-password-1');
    INSERT INTO t VALUES ('signin', extract(epoch FROM clock_timestamp() - t0) * 1e6);
    proof := auth_ext.password_proof('bench@example.com', 'bench-password-1');
    t0 := clock_timestamp(); PERFORM auth_ext.sign_in_email('bench@example.com', NULL, '{}', proof);
    INSERT INTO t VALUES ('proof_signin', extract(epoch FROM clock_timestamp() - t0) * 1e6);
  END LOOP;
  FOR i IN 1..$C LOOP
    PERFORM public.real_scrypt('x');
    t0 := clock_timestamp(); PERFORM auth_ext.hash_password('bench-password-1');
    INSERT INTO t VALUES ('cold_hash', extract(epoch FROM clock_timestamp() - t0) * 1e6);
    PERFORM public.real_scrypt('x');
    t0 := clock_timestamp(); PERFORM auth_ext.sign_up_email('c' || i || '@bench.example', 'bench-password-1', 'S');
    INSERT INTO t VALUES ('cold_signup', extract(epoch FROM clock_timestamp() - t0) * 1e6);
    PERFORM public.real_scrypt('x');
    t0 := clock_timestamp(); PERFORM auth_ext.sign_in_email('bench@example.com', 'bench-password-1');
    INSERT INTO t VALUES ('cold_signin', extract(epoch FROM clock_timestamp() - t0) * 1e6);
  END LOOP;
END \$\$;
SELECT string_agg(m::text, ' ' ORDER BY o) FROM (
  SELECT k.o, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.us) AS m
  FROM t JOIN (VALUES ('hash', 1), ('signup', 2), ('signin', 3), ('cold_hash', 4), ('cold_signup', 5), ('cold_signin', 6),
                 ('proof_signin', 7))
       k(kind, o) USING (kind) GROUP BY k.o) x;
SQL
  psql -X -q -d postgres -c "DROP DATABASE $STUB_DB"
}
# One after the other (each drops its database when done).
default_names=$(stub_run "")
renamed=$(stub_run "$RENAME_SQL")
read -r stub_hash_us stub_signup_us stub_signin_us cold_hash_us cold_signup_us cold_signin_us proof_signin_us <<< "$default_names"
read -r n_hash_us n_signup_us n_signin_us n_cold_hash_us n_cold_signup_us n_cold_signin_us n_proof_signin_us <<< "$renamed"

select_tps=$(tps "$tmp/select.sql")
get_tps=$(tps "$tmp/get_session.sql")
select_tps2=$(tps "$tmp/select.sql")
awk -v psi="$proof_signin_us" -v npsi="$n_proof_signin_us" -v nh="$n_hash_us" -v nsu="$n_signup_us" -v nsi="$n_signin_us" -v nch="$n_cold_hash_us" -v ncsu="$n_cold_signup_us" -v ncsi="$n_cold_signin_us" -v c="$C" -v ch="$cold_hash_us" -v csu="$cold_signup_us" -v csi="$cold_signin_us" -v m="$M" -v sh="$stub_hash_us" -v ssu="$stub_signup_us" -v ssi="$stub_signin_us" -v n="$N" -v h="$hash_ms" -v su="$signup_ms" -v v="$verify_ms" -v si="$signin_ms" -v s1="$select_tps" -v s2="$select_tps2" -v g="$get_tps" 'BEGIN {
  printf "per call, median of %d interleaved calls in one backend:\n", n
  printf "  sign_up_email  %7.1f ms (%.1f/s)  hash_password   %7.1f ms  beyond one scrypt: %+.2f ms\n", su, 1000 / su, h, su - h
  printf "  sign_in_email  %7.1f ms (%.1f/s)  verify_password %7.1f ms  beyond one scrypt: %+.2f ms\n", si, 1000 / si, v, si - v
  printf "beyond one scrypt, exactly (password functions stubbed):\n"
  printf "  warm caches, median of %d:        sign_up_email %6.3f ms   sign_in_email %6.3f ms   (the stub itself: %.3f ms)\n", m, (ssu - sh) / 1000, (ssi - sh) / 1000, sh / 1000
  printf "  right after a scrypt, median of %d: sign_up_email %6.3f ms   sign_in_email %6.3f ms   (the stub itself: %.3f ms)\n", c, (csu - ch) / 1000, (csi - ch) / 1000, ch / 1000
  printf "  with a password proof (a standby did the scrypt), median of %d: sign_in_email %6.3f ms\n", m, psi / 1000
  printf "the same on renamed tables and columns (better_auth_names: through the auth_ext_names views):\n"
  printf "  warm caches:        sign_up_email %6.3f ms (x%.2f)   sign_in_email %6.3f ms (x%.2f)\n", (nsu - nh) / 1000, (nsu - nh) / (ssu - sh), (nsi - nh) / 1000, (nsi - nh) / (ssi - sh)
  printf "  right after scrypt: sign_up_email %6.3f ms (x%.2f)   sign_in_email %6.3f ms (x%.2f)\n", (ncsu - nch) / 1000, (ncsu - nch) / (csu - ch), (ncsi - nch) / 1000, (ncsi - nch) / (csi - ch)
  printf "  with a password proof:               sign_in_email %6.3f ms (x%.2f)\n", npsi / 1000, npsi / psi
  s = (s1 + s2) / 2
  printf "get_session, 2 clients, random tokens over 10 000 sessions:\n"
  printf "  plain indexed SELECT on session.token + user  %8.0f TPS (before %.0f, after %.0f)\n", s, s1, s2
  printf "  auth_ext.get_session(token)                    %8.0f TPS  ratio %.3f\n", g, g / s
}'
