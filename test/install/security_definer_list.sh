#!/usr/bin/env bash
# SECURITY.md names every SECURITY DEFINER function of the extension, and only those: its table
# between the security-definer-functions markers equals the catalog of a fresh install (by
# signature), and each row's "who" column equals auth_ext.function_privileges(). A function made
# SECURITY DEFINER (or no longer) without SECURITY.md saying what it trusts fails here.
source "$(dirname "$0")/lib.sh"
SECURITY_MD="$INSTALL_TESTS/../../SECURITY.md"

role auth_ext_secdef_owner NOSUPERUSER CREATEDB CREATEROLE
fresh_db auth_ext_secdef auth_ext_secdef_owner
q -d auth_ext_secdef -U auth_ext_secdef_owner -c "CREATE EXTENSION auth_ext"

documented=$(sed -n '/<!-- security-definer-functions: begin -->/,/<!-- security-definer-functions: end -->/p' "$SECURITY_MD" \
  | sed -nE 's/^\| `([^`]+)` \| ([a-z]+) \|.*/\1 \2/p' | LC_ALL=C sort)
catalog=$(q -d auth_ext_secdef -U auth_ext_secdef_owner -c "SET search_path = pg_catalog" \
  -c "SELECT p.oid::regprocedure::text || ' ' || COALESCE(f.callable_by, '?')
        FROM pg_proc p LEFT JOIN auth_ext.function_privileges() f ON f.function_name = p.oid
       WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef" | LC_ALL=C sort)

TESTS_RUN=$((TESTS_RUN + 1))
if [ -n "$catalog" ] && [ "$documented" = "$catalog" ]; then
  echo "ok $TESTS_RUN - SECURITY.md lists the $(printf '%s\n' "$catalog" | wc -l) SECURITY DEFINER functions of the catalog, with who may call them"
else
  TESTS_FAILED=$((TESTS_FAILED + 1))
  echo "not ok $TESTS_RUN - SECURITY.md's SECURITY DEFINER list differs from the catalog (< SECURITY.md, > catalog)"
  diff <(printf '%s\n' "$documented") <(printf '%s\n' "$catalog") | grep '^[<>]' | sed 's/^/#   /'
fi
ok "every SECURITY DEFINER function belongs to the database owner and pins search_path" q -d auth_ext_secdef -c "SET search_path = pg_catalog" \
  -c "SELECT bool_and(pg_get_userbyid(p.proowner) = 'auth_ext_secdef_owner' AND p.proconfig = '{\"search_path=pg_catalog, pg_temp\"}')
        FROM pg_proc p WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef"

q -d postgres -c "DROP DATABASE auth_ext_secdef" -c "DROP ROLE auth_ext_secdef_owner"
finish
