#!/usr/bin/env bash
# Schema auth_ext belongs to the extension alone (issue 22, defect 6). A role with CREATE on the
# database (not its owner) makes schema auth_ext first, with an overload auth_ext._row_json(
# public."user") that matches sign-up's and sign-in's call better than the extension's
# _row_json(record) and would run as the extension's owner. CREATE EXTENSION must refuse such a
# schema (42501, naming its owner) before it creates or calls anything, as must ALTER EXTENSION
# UPDATE when such an object appeared in the schema; a schema CREATE EXTENSION made, or an empty
# one the database owner made, is accepted; and afterwards the schema belongs to the database
# owner and no other role may create in it. A database owned by a superuser installs with a
# WARNING (the SECURITY DEFINER functions then run as a superuser).
source "$(dirname "$0")/lib.sh"

q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS auth_ext_squat" \
  -c "DROP DATABASE IF EXISTS auth_ext_squat_upgrade" -c "DROP DATABASE IF EXISTS auth_ext_squat_su"
role auth_ext_squat_owner NOSUPERUSER CREATEDB CREATEROLE
role auth_ext_squatter NOSUPERUSER
owner=auth_ext_squat_owner squatter=auth_ext_squatter
fresh_db auth_ext_squat $owner
as_owner=(-d auth_ext_squat -U $owner)
as_squatter=(-d auth_ext_squat -U $squatter)

# Better Auth's tables exist (made under an earlier install, which was dropped: they stay); a log
# any trap writes to; and the squatter, who may create schemas in the database.
q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext" -c "SELECT auth_ext.create_better_auth_schema()" \
  -c "DROP EXTENSION auth_ext" -c "DROP SCHEMA auth_ext" \
  -c "CREATE TABLE public.trap_log (name text, called_by name)" -c "GRANT INSERT ON public.trap_log TO PUBLIC" \
  -c "GRANT CREATE ON DATABASE auth_ext_squat TO $squatter" -c "GRANT USAGE ON SCHEMA public TO $squatter" >/dev/null
trap_sql() {  # trap_sql SCHEMA: the look-alike, made by the squatter
  echo "CREATE FUNCTION $1._row_json(public.\"user\") RETURNS jsonb LANGUAGE plpgsql AS \$t\$
        BEGIN
          INSERT INTO public.trap_log VALUES ('_row_json', current_user);
          BEGIN EXECUTE 'ALTER ROLE $squatter SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;
          RETURN '{}';
        END \$t\$"
}
nothing_fired() {  # nothing_fired DB
  q -d "$1" -c "SET search_path = pg_catalog, pg_temp" \
    -c "SELECT string_agg(format('%s as %s', name, called_by), ', ') FROM public.trap_log" \
    -c "SELECT (SELECT count(*) FROM public.trap_log) = 0 AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = '$squatter')"
}

# 1. A schema another role made, with the look-alike in it.
q "${as_squatter[@]}" -c "CREATE SCHEMA auth_ext" -c "GRANT USAGE ON SCHEMA auth_ext TO PUBLIC" -c "$(trap_sql auth_ext)"
fails "CREATE EXTENSION by the database owner refuses a schema another role made and filled (42501)" 42501 \
  q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext"
refusal=$(psql -X -q -d auth_ext_squat -U $owner -c "CREATE EXTENSION auth_ext" 2>&1 || true)
ok "  the error names the look-alike, the schema's owner, and hints to drop or rename the schema" bash -c '
  grep -q "schema \"auth_ext\" (owner $2) holds objects that are not part of the auth_ext extension: function .*_row_json(.*\"user\") (owner $2)" <<<"$1" \
  && grep -q "HINT:  Drop or rename that schema" <<<"$1" && echo t || printf "%s\n" "$1"' _ "$refusal" "$squatter"
fails "CREATE EXTENSION by a superuser refuses it too (42501)" 42501 q -d auth_ext_squat -c "CREATE EXTENSION auth_ext"
ok "  and nothing ran: no trap fired, the squatter is no superuser" nothing_fired auth_ext_squat
ok "  and no extension was left behind" q "${as_owner[@]}" -c "SELECT NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'auth_ext')"

# 2. The same schema, emptied: it still belongs to the squatter, who could fill it later.
q "${as_squatter[@]}" -c "DROP FUNCTION auth_ext._row_json(public.\"user\")"
fails "CREATE EXTENSION refuses an empty schema of another role (42501)" 42501 q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext"
q "${as_squatter[@]}" -c "DROP SCHEMA auth_ext"

# 3. The database owner's own schema, but another role (or PUBLIC) may create in it.
q "${as_owner[@]}" -c "CREATE SCHEMA auth_ext" -c "GRANT CREATE ON SCHEMA auth_ext TO $squatter"
fails "CREATE EXTENSION refuses a schema where another role has CREATE (42501)" 42501 q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext"
q "${as_owner[@]}" -c "REVOKE CREATE ON SCHEMA auth_ext FROM $squatter" -c "GRANT CREATE ON SCHEMA auth_ext TO PUBLIC"
fails "  or where PUBLIC has CREATE (42501)" 42501 q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext"
q "${as_owner[@]}" -c "REVOKE CREATE ON SCHEMA auth_ext FROM PUBLIC"

# 4. The database owner's own empty schema is accepted.
ok "CREATE EXTENSION accepts an empty schema of the database owner's" q "${as_owner[@]}" -c "CREATE EXTENSION auth_ext" -c "SELECT true"
q "${as_owner[@]}" -c "DROP EXTENSION auth_ext" -c "DROP SCHEMA auth_ext"

# 5. A superuser installs into the owner's database: the schema CREATE EXTENSION made is handed to
#    the database owner, and only its owner may create in it.
ok "CREATE EXTENSION by a superuser into the owner's database" q -d auth_ext_squat -c "CREATE EXTENSION auth_ext" -c "SELECT true"
ok "  schema auth_ext and every object in it belong to the database owner" q "${as_owner[@]}" \
  -c "SELECT bool_and(o = '$owner') FROM (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'auth_ext'
        UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE pronamespace = 'auth_ext'::regnamespace
        UNION ALL SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'auth_ext'::regnamespace) x(o)"
ok "  no role but its owner may create in it" q "${as_owner[@]}" -c "SELECT auth_ext.grant_app_role('$squatter')" \
  -c "SELECT NOT has_schema_privilege('$squatter', 'auth_ext', 'CREATE')
        AND NOT EXISTS (SELECT FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
                         WHERE n.nspname = 'auth_ext' AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner)"
ok "  the account functions work" q "${as_owner[@]}" -c "SELECT auth_ext.sign_up_email('s@example.com', 'squat-password-1', 'S') ? 'token'"
ok "  and nothing fired" nothing_fired auth_ext_squat

# 6. An update refuses a schema in which a look-alike appeared since (here: 0.1.0, installed by a
#    superuser, who let the squatter create in the schema), before it replaces anything; without
#    it the update runs and takes CREATE away from everyone but the owner.
fresh_db auth_ext_squat_upgrade $owner
q -d auth_ext_squat_upgrade -c "CREATE EXTENSION auth_ext VERSION '0.1.0'" -c "SELECT auth_ext.create_better_auth_schema()" \
  -c "CREATE TABLE public.trap_log (name text, called_by name)" -c "GRANT INSERT ON public.trap_log TO PUBLIC" \
  -c "GRANT USAGE, CREATE ON SCHEMA auth_ext TO $squatter" -c "GRANT USAGE ON SCHEMA public TO $squatter" \
  -c "DO \$\$ DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['user', 'session', 'account', 'verification', 'jwks'] LOOP EXECUTE format('ALTER TABLE public.%I OWNER TO $owner', t); END LOOP; END \$\$" >/dev/null
q -d auth_ext_squat_upgrade -U $squatter -c "$(trap_sql auth_ext)"
fails "ALTER EXTENSION UPDATE refuses a schema holding an object that is not the extension's (42501)" 42501 \
  q -d auth_ext_squat_upgrade -c "ALTER EXTENSION auth_ext UPDATE"
ok "  still 0.1.0, and nothing fired" q -d auth_ext_squat_upgrade -c "SELECT extversion = '0.1.0' FROM pg_extension WHERE extname = 'auth_ext'"
ok "  (trap log)" nothing_fired auth_ext_squat_upgrade
q -d auth_ext_squat_upgrade -c "DROP FUNCTION auth_ext._row_json(public.\"user\")"
ok "without it the update runs" q -d auth_ext_squat_upgrade -c "ALTER EXTENSION auth_ext UPDATE" -c "SELECT extversion <> '0.1.0' FROM pg_extension WHERE extname = 'auth_ext'"
ok "  and only the owner may create in schema auth_ext" q -d auth_ext_squat_upgrade \
  -c "SELECT NOT has_schema_privilege('$squatter', 'auth_ext', 'CREATE') AND pg_get_userbyid(nspowner) = '$owner' FROM pg_namespace WHERE nspname = 'auth_ext'"

# 7. A database owned by a superuser: installed, with a WARNING.
fresh_db auth_ext_squat_su
ok "CREATE EXTENSION in a superuser's database warns that SECURITY DEFINER functions will run as a superuser" bash -c \
  "psql -X -q -d auth_ext_squat_su -c 'CREATE EXTENSION auth_ext' 2>&1 | grep -q 'WARNING:  database \"auth_ext_squat_su\" is owned by superuser \"postgres\": auth_ext.s SECURITY DEFINER functions will run as a superuser' && echo t"
q -d auth_ext_squat -c "DROP EXTENSION auth_ext" -c "DROP SCHEMA auth_ext"
ok "  and one by a non-superuser owner does not" bash -c \
  "out=\$(psql -X -q -d auth_ext_squat -U $owner -c 'CREATE EXTENSION auth_ext' 2>&1); [ -z \"\$out\" ] && echo t || printf '%s\n' \"\$out\""

q -d postgres -c "DROP DATABASE auth_ext_squat" -c "DROP DATABASE auth_ext_squat_upgrade" -c "DROP DATABASE auth_ext_squat_su" \
  -c "DROP ROLE $squatter" -c "DROP ROLE $owner"
finish
