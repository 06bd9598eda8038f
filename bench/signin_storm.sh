#!/usr/bin/env bash
# Sign-in storm: what a burst of sign-ins costs the primary, with the password work (scrypt) on the
# primary and on a streaming hot standby (password proofs), one run, figures as ratios within it.
#
# A throwaway primary and a hot standby of it (pg_basebackup -R), each pinned to its own CPU
# (taskset; on a 1-CPU machine both share it, and the script says so). 60 users with one known
# password, 10 000 sessions for get_session. Then, each phase SECONDS long:
#   quiet           get_session on the primary (pgbench -c 2, random tokens): the baseline TPS;
#   primary         CLIENTS clients sign in with auth_ext.sign_in_email(email, password) on the
#                   primary (bench/signin_storm.py), alone, then again with the get_session pgbench
#                   running beside them;
#   standby         the same clients make auth_ext.password_proof(email, password) on the standby
#                   and sign in with sign_in_email(email, NULL, '{}', proof) on the primary, alone,
#                   then with the get_session pgbench.
# Each client connects and signs in once before the timed part (warm backends, as a pool's are).
# Primary CPU per sign-in: the CPU time (utime + stime, from /proc) of the primary's postmaster
# and all its processes (the WAL sender and the other background processes included) over the
# timed part of the phase without pgbench, divided by the sign-ins completed. get_session during
# the storm: the pgbench TPS of the "with pgbench" phase over the quiet TPS.
# Goals (issue 24): primary CPU per sign-in through a standby <= 2 ms; get_session during a storm
# >= 0.7x quiet; sign-ins/s through one standby >= on the primary alone.
# Usage: bench/signin_storm.sh [seconds per phase, default 12] [clients, default 6]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../scripts/lib/cluster.sh"
source "$HERE/../scripts/lib/build.sh"
SECS=${1:-12}
CLIENTS=${2:-6}
USERS=60
PASSWORD='storm-password-1'
cd "$AUTH_EXT_ROOT"

build_and_install
cluster_start
DB=auth_ext_bench_storm
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "CREATE DATABASE $DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION auth_ext;
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'storm-bench-secret-0123456789abcdef0123456789');
-- One scrypt hash for every user (Better Auth's format): the storm's users all have this password.
CREATE TEMP TABLE h AS SELECT auth_ext.hash_password('$PASSWORD') AS hash;
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
SELECT 'storm-user-' || i, 'Storm ' || i, 'storm' || i || '@bench.example', false, now(), now()
FROM generate_series(0, $USERS - 1) i;
INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
SELECT 'storm-account-' || i, 'storm-user-' || i, 'credential', 'storm-user-' || i, (SELECT hash FROM h), now(), now()
FROM generate_series(0, $USERS - 1) i;
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "ipAddress", "userAgent", "userId")
SELECT 'storm-session-' || i, now() + interval '7 days', 'stormtoken' || lpad(i::text, 22, '0'), now(), now(), '', '',
       'storm-user-' || (i % $USERS)
FROM generate_series(1, 10000) i;
SELECT auth_ext.get_session('none');  -- builds the auth_ext_names views the standby will read
ANALYZE;
SQL

# The standby.
STANDBY_DIR="$CLUSTER_DIR/standby"
STANDBY_PORT=$(free_port)
log "hot standby from pg_basebackup -R on 127.0.0.1:$STANDBY_PORT"
as_cluster_owner "$PG_BINDIR/pg_basebackup" -D "$STANDBY_DIR" -R -X stream -c fast --no-sync -h "$PGHOST" -p "$PGPORT" \
  -U postgres >"$CLUSTER_DIR/basebackup.log" 2>&1 || { cat "$CLUSTER_DIR/basebackup.log" >&2; die "pg_basebackup failed"; }
mkdir -p "$CLUSTER_DIR/standby_socket"
[ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR/standby_socket"
stop_all() {
  as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$STANDBY_DIR" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
  cluster_stop
}
tmp=$(mktemp -d)
trap stop_all EXIT
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$STANDBY_DIR" -l "$CLUSTER_DIR/standby.log" -w -t 60 \
  -o "-p $STANDBY_PORT -k $CLUSTER_DIR/standby_socket -c listen_addresses=127.0.0.1 -c fsync=off \
      -c max_connections=200 -c shared_buffers=128MB -c hot_standby=on" start >/dev/null || die "the standby did not start"
lsn=$(psql -X -At -d "$DB" -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 1 300); do
  [ "$(psql -X -At -h 127.0.0.1 -p "$STANDBY_PORT" -d "$DB" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && break
  sleep 0.1
done

# Pinning: the primary's postmaster and every process it has or forks on CPU 0, the standby's on CPU 1.
PRIMARY_PID=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
STANDBY_PID=$(head -1 "$STANDBY_DIR/postmaster.pid")
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  taskset -a -cp 0 "$PRIMARY_PID" >/dev/null
  taskset -a -cp 1 "$STANDBY_PID" >/dev/null
  pinning="primary on CPU 0, standby on CPU 1"
else
  pinning="not pinned ($(nproc) CPU)"
fi

VENV="$AUTH_EXT_ROOT/build/venv"
[ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -e python
PRIMARY_DSN="postgresql://postgres@127.0.0.1:$PGPORT/$DB"
STANDBY_DSN="postgresql://postgres@127.0.0.1:$STANDBY_PORT/$DB"

printf '%s\n' '\set i random(1, 10000)' "SELECT auth_ext.get_session('stormtoken' || lpad(:i::text, 22, '0'));" > "$tmp/get_session.sql"
get_session_tps() {
  pgbench -n -M prepared -c 2 -j 2 -T "$SECS" -f "$tmp/get_session.sql" "$DB" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
storm() {  # storm MODE: prints "signins errors seconds primary_cpu_seconds"
  "$VENV/bin/python" "$HERE/signin_storm.py" "$1" "$PRIMARY_DSN" "$STANDBY_DSN" "$SECS" "$CLIENTS" "$USERS" "$PASSWORD" \
    "$PRIMARY_PID" | "$VENV/bin/python" -c 'import json, sys; r = json.load(sys.stdin); print(r["signins"], r["errors"], r["seconds"], r["primary_cpu"])'
}
# storm_with_pgbench MODE: prints "signins errors get_session_tps"
storm_with_pgbench() {
  local out="$tmp/storm.$1"
  storm "$1" > "$out" &
  local pid=$!
  local t
  t=$(get_session_tps)
  wait "$pid"
  read -r n e _ _ < "$out"
  echo "$n $e $t"
}

log "sign-in storm: $CLIENTS clients, $SECS s per phase, $pinning"
quiet=$(get_session_tps)
read -r p_n p_e p_s p_cpu < <(storm primary)
read -r pb_n pb_e p_tps < <(storm_with_pgbench primary)
read -r s_n s_e s_s s_cpu < <(storm standby)
read -r sb_n sb_e s_tps < <(storm_with_pgbench standby)
quiet2=$(get_session_tps)
used=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM auth_ext.used_password_proof")

awk -v q1="$quiet" -v q2="$quiet2" -v pn="$p_n" -v pe="$p_e" -v ps="$p_s" -v pc="$p_cpu" -v pbn="$pb_n" -v pt="$p_tps" \
    -v sn="$s_n" -v se="$s_e" -v ss="$s_s" -v sc="$s_cpu" -v sbn="$sb_n" -v st="$s_tps" -v c="$CLIENTS" -v secs="$SECS" \
    -v pin="$pinning" -v used="$used" 'BEGIN {
  q = (q1 + q2) / 2
  printf "sign-in storm: %d clients, %d s per phase, %s\n", c, secs, pin
  printf "  get_session on the primary, quiet:      %8.0f TPS (before %.0f, after %.0f)\n", q, q1, q2
  printf "  %-30s %10s %7s %20s %24s\n", "password work on", "sign-ins/s", "errors", "primary CPU/sign-in", "get_session in storm"
  printf "  %-30s %10.1f %7d %17.2f ms %14.0f TPS %.2fx\n", "the primary (one statement)", pn / ps, pe + 0, 1000 * pc / pn, pt, pt / q
  printf "  %-30s %10.1f %7d %17.2f ms %14.0f TPS %.2fx\n", "the standby (password proof)", sn / ss, se + 0, 1000 * sc / sn, st, st / q
  printf "  through the standby / on the primary: sign-ins/s %.2fx, primary CPU per sign-in %.4fx\n", (sn / ss) / (pn / ps), (sc / sn) / (pc / pn)
  printf "  (sign-ins beside pgbench: %d on the primary, %d through the standby; proofs taken: %d)\n", pbn, sbn, used
}'
