#!/usr/bin/env bash
# A trusted extension's scripts run as superuser inside a database whose owner is not trusted with
# superuser rights. Here a hostile owner plants, before CREATE EXTENSION and before ALTER EXTENSION
# UPDATE, a same-named overload of every function the scripts call (with argument types that
# match better than pg_catalog's) and operators on common types, in public and in the schema the
# extension lands in (which the install then refuses: test/install/schema_squat.sh). Each trap records its call and tries to make its creator superuser. The
# scripts must call none of them (the class of CVE-2022-2625 and CVE-2023-39417).
source "$(dirname "$0")/lib.sh"
share=$("$(pg_config_path)" --sharedir)
version=$(q -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'auth_ext'")
scripts=("$share/extension/auth_ext--$version.sql" "$share/extension/auth_ext--0.1.0--$version.sql")

# Every name the scripts call: identifiers directly followed by "(", qualified or not.
names=$(cat "${scripts[@]}" | sed 's/--.*$//' | grep -oE '([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*[[:space:]]*\(' \
  | sed -E 's/^[a-z_0-9]*\.//; s/[[:space:]]*\($//' | sort -u \
  | grep -vxE 'in|any|all|exists|values|as|on|and|or|not|is|set|select|from|where|returns|record|table|primary|key|using|with|case|when|then|else|end|array|unique|references|over|filter|row|cast|coalesce|nullif|greatest|least|if|loop|begin|declare|execute|perform|raise|return|into|join|left|union|default|check|for|by|group|order|limit|each|function|setof|out|inout|variadic')
[ -n "$names" ] || { echo "no names found in ${scripts[*]}"; exit 1; }

# The extension's own functions: a same-signature object in its schema makes CREATE EXTENSION
# fail (a refusal, checked below), so the traps in that schema use every other name.
own=$(grep -ohE 'FUNCTION auth_ext\.[a-z_0-9]+' "${scripts[@]}" | sed 's/.*\.//' | sort -u)

plant() {  # plant DB SCHEMA ROLE: traps in SCHEMA, made by ROLE
  local db=$1 schema=$2 who=$3 name sig
  local sigs=("" "text" "text,text" "text,text,text" "integer" "bigint" "name" "name,name" "oid" "oid,oid"
              "regclass" "regclass,text" "text,integer" "integer,integer" "jsonb" "jsonb,text" "varchar"
              "\"char\"" "boolean" "anyelement" "anyelement,anyelement" "text,anyelement" "record")
  {
    echo "SET client_min_messages = warning;"
    for name in $names; do
      [ "$schema" = auth_ext ] && printf '%s\n' "$own" | grep -qx "$name" && continue
      for sig in "${sigs[@]}"; do
        echo "DO \$d\$ BEGIN EXECUTE format('CREATE FUNCTION %I.%I($sig) RETURNS text LANGUAGE plpgsql AS \$t\$ BEGIN INSERT INTO public.trap_log VALUES (%L, %L, current_user); BEGIN EXECUTE %L; EXCEPTION WHEN OTHERS THEN NULL; END; RETURN NULL; END \$t\$', '$schema', '$name', '$name', '$sig', 'ALTER ROLE $who SUPERUSER'); EXCEPTION WHEN OTHERS THEN NULL; END \$d\$;"
      done
    done
    for op in '=' '<>' '||' '->>' '->' '?' '~' '+' '<=' '>'; do
      for sig in "text,text" "name,text" "text,name" "oid,integer" "integer,oid" "\"char\",text" "jsonb,text" "text,unknown" "timestamptz,interval" "bigint,integer" "regclass,oid"; do
        local l=${sig%%,*} r=${sig#*,} fn="trap_op_$RANDOM$RANDOM"
        echo "DO \$d\$ BEGIN EXECUTE format('CREATE FUNCTION %I.%I(%s, %s) RETURNS boolean LANGUAGE plpgsql AS \$t\$ BEGIN INSERT INTO public.trap_log VALUES (%L, %L, current_user); BEGIN EXECUTE %L; EXCEPTION WHEN OTHERS THEN NULL; END; RETURN true; END \$t\$', '$schema', '$fn', '$l', '$r', 'operator $op', '$sig', 'ALTER ROLE $who SUPERUSER'); EXECUTE format('CREATE OPERATOR %I.$op (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %I.%I)', '$schema', '$l', '$r', '$schema', '$fn'); EXCEPTION WHEN OTHERS THEN NULL; END \$d\$;"
      done
    done
  } | q -d "$db" -U "$who" >/dev/null
  q -d "$db" -c "SELECT count(*) FROM pg_proc WHERE pronamespace = '$schema'::regnamespace AND proowner = '$who'::regrole"
}

role auth_ext_hostile_owner NOSUPERUSER CREATEDB CREATEROLE
hostile=auth_ext_hostile_owner

# 1. CREATE EXTENSION by the hostile owner, into a schema it made and filled beforehand: refused
# before the script creates or calls anything (sql/src/01_schema.sql); then, the schema dropped,
# with the traps in public.
fresh_db auth_ext_hostile_install $hostile
q -d auth_ext_hostile_install -U $hostile -c "CREATE TABLE public.trap_log (name text, args text, called_by name)" \
  -c "GRANT INSERT ON public.trap_log TO PUBLIC" -c "CREATE SCHEMA auth_ext"
n_public=$(plant auth_ext_hostile_install public $hostile)
n_ext=$(plant auth_ext_hostile_install auth_ext $hostile)
echo "# planted $n_public traps in public and $n_ext in auth_ext for $(echo "$names" | wc -w) names"
ok "traps are in place" q -d postgres -c "SELECT $n_public > 100 AND $n_ext > 100"
fails "CREATE EXTENSION refuses the prepared schema (42501)" 42501 q -d auth_ext_hostile_install -U $hostile -c "CREATE EXTENSION auth_ext"
ok "no trap ran during the refused CREATE EXTENSION" q -d auth_ext_hostile_install -c "SET search_path = pg_catalog, pg_temp" -c "SELECT string_agg(format('%s(%s) as %s', name, args, called_by), ', ') FROM public.trap_log" -c "SELECT count(*) = 0 FROM public.trap_log"
q -d auth_ext_hostile_install -U $hostile -c "SET client_min_messages = warning" -c "DROP SCHEMA auth_ext CASCADE"
ok "CREATE EXTENSION runs with traps in public" q -d auth_ext_hostile_install -U $hostile -c "CREATE EXTENSION auth_ext" -c "SELECT true"
ok "no trap ran during CREATE EXTENSION" q -d auth_ext_hostile_install -c "SET search_path = pg_catalog, pg_temp" -c "SELECT string_agg(format('%s(%s) as %s', name, args, called_by), ', ') FROM public.trap_log" -c "SELECT count(*) = 0 FROM public.trap_log"
ok "the hostile owner is still not superuser" q -d postgres -c "SELECT NOT rolsuper FROM pg_roles WHERE rolname = '$hostile'"
ok "the extension works for the owner with traps all around" q -d auth_ext_hostile_install -U $hostile -c "SELECT auth_ext.create_better_auth_schema()" -c "SELECT auth_ext.sign_up_email('h@example.com', 'hostile-password', 'H') ? 'token'" -c "SET search_path = pg_catalog, pg_temp" -c "SELECT count(*) = 0 FROM public.trap_log"

# 2. ALTER EXTENSION UPDATE from 0.1.0, run by a superuser in the hostile owner's database.
fresh_db auth_ext_hostile_upgrade $hostile
q -d auth_ext_hostile_upgrade -c "CREATE EXTENSION auth_ext VERSION '0.1.0'"
q -d auth_ext_hostile_upgrade -U $hostile -c "CREATE TABLE public.trap_log (name text, args text, called_by name)" \
  -c "GRANT INSERT ON public.trap_log TO PUBLIC"
n_public=$(plant auth_ext_hostile_upgrade public $hostile)
echo "# planted $n_public traps in public before the update"
ok "ALTER EXTENSION UPDATE succeeds" q -d auth_ext_hostile_upgrade -c "ALTER EXTENSION auth_ext UPDATE" -c "SELECT extversion = '$version' FROM pg_extension WHERE extname = 'auth_ext'"
ok "no trap ran during ALTER EXTENSION UPDATE" q -d auth_ext_hostile_upgrade -c "SET search_path = pg_catalog, pg_temp" -c "SELECT string_agg(format('%s(%s) as %s', name, args, called_by), ', ') FROM public.trap_log" -c "SELECT count(*) = 0 FROM public.trap_log"
ok "the hostile owner is still not superuser" q -d postgres -c "SELECT NOT rolsuper FROM pg_roles WHERE rolname = '$hostile'"

q -d postgres -c "DROP DATABASE auth_ext_hostile_install" -c "DROP DATABASE auth_ext_hostile_upgrade" -c "DROP ROLE $hostile"
finish
