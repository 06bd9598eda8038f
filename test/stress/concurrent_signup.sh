#!/usr/bin/env bash
# Stress: 100 concurrent sign-ups with one email (20 at a time, bounded) against database $1.
# Passes when exactly one user exists afterwards and every other call got the coded 23505 error.
set -euo pipefail
DB=${1:?database}
N=100
PARALLEL=20
psql -X -q -d "$DB" -c "SELECT auth_ext.create_better_auth_schema()" -c "DELETE FROM \"user\" WHERE email = 'stress@example.com'" >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seq 1 "$N" | xargs -P "$PARALLEL" -I{} sh -c \
  "psql -X -q -At -v VERBOSITY=sqlstate -d '$DB' -c \"SELECT auth_ext.sign_up_email('Stress@Example.com', 'stress-password-{}', 'S{}') IS NOT NULL\" > '$out/{}.out' 2>&1 || true"
ok=$(grep -lx 't' "$out"/*.out | wc -l)
dup=$(grep -l '23505' "$out"/*.out | wc -l)
users=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM \"user\" WHERE email = 'stress@example.com'")
orphans=$(psql -X -At -d "$DB" -c "SELECT count(*) FROM account a WHERE NOT EXISTS (SELECT 1 FROM \"user\" u WHERE u.id = a.\"userId\")")
echo "concurrent sign-ups: $N calls, $ok succeeded, $dup got 23505, users with the email: $users, orphan accounts: $orphans"
psql -X -q -d "$DB" -c "DELETE FROM \"user\" WHERE email = 'stress@example.com'" >/dev/null
[ "$ok" -eq 1 ] && [ "$dup" -eq $((N - 1)) ] && [ "$users" -eq 1 ] && [ "$orphans" -eq 0 ]
