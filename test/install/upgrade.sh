#!/usr/bin/env bash
# Upgrade from the released 0.1.0: data made under 0.1.0 (users, sessions, signing keys, settings)
# keeps working after ALTER EXTENSION auth_ext UPDATE, and the upgraded extension is the same, fact
# for fact in the catalog (test/install/catalog_snapshot.sql: real role names as owners, grantees
# and grantors, SECURITY DEFINER and pinned settings of every function, the schema's owner and
# privileges, initial privileges), as a fresh install of the new version by the database owner
# and as one by a superuser.
# The setting is the one that matters: a database owned by a role that is no superuser (hosted
# Postgres), where 0.1.0 (superuser-only) was created by a superuser and is updated by one. Every
# object must then belong to the database owner, not to that superuser (issue 22, defect 5).
source "$(dirname "$0")/lib.sh"
FIXTURES="$INSTALL_TESTS/../fixtures/jwt_test_keys.psql"
new_version=$(q -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'auth_ext'")

q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS auth_ext_upgrade" \
  -c "DROP DATABASE IF EXISTS auth_ext_fresh" -c "DROP DATABASE IF EXISTS auth_ext_fresh_su"
role auth_ext_upgrade_owner NOSUPERUSER CREATEDB CREATEROLE
owner=auth_ext_upgrade_owner
fresh_db auth_ext_upgrade $owner
fresh_db auth_ext_fresh $owner
fresh_db auth_ext_fresh_su $owner
role auth_ext_upgrade_app
db=(-d auth_ext_upgrade)

# Under 0.1.0, all as the superuser (0.1.0 is superuser-only): schema, secrets, a user with a
# session, an EdDSA key in the jwks table and tokens.
q "${db[@]}" -c "CREATE EXTENSION auth_ext VERSION '0.1.0'"
q "${db[@]}" -v ON_ERROR_STOP=1 >/dev/null <<SQL
\i $FIXTURES
SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'upgrade-test-better-auth-secret-0123456789');
SELECT auth_ext.configure('jwt_shared_secret', 'upgrade-test-shared-secret-0123456789abcdef');
SELECT auth_ext.configure('session_expires_in_seconds', '1209600');
SELECT auth_ext.grant_app_role('auth_ext_upgrade_app');
CREATE TABLE keep (name text PRIMARY KEY, value text NOT NULL);
GRANT SELECT ON keep TO auth_ext_upgrade_app;
INSERT INTO keep SELECT 'session_token', auth_ext.sign_up_email('old@example.com', 'old-password-1', 'Old User')->>'token';
INSERT INTO public.jwks (id, "publicKey", "privateKey", "createdAt", alg, crv)
  VALUES ('test-ed25519', :'ed25519_public', 'unused', now(), 'EdDSA', 'Ed25519');
INSERT INTO keep SELECT 'eddsa_token', auth_ext.sign_jwt(jsonb_build_object('sub', u.id, 'exp', 4102444800), :'ed25519_private')
  FROM "user" u WHERE u.email = 'old@example.com';
INSERT INTO keep SELECT 'hs256_token', auth_ext.sign_jwt('{"sub":"hs-user","exp":4102444800}',
  jsonb_build_object('kty', 'oct', 'k', translate(encode(convert_to('upgrade-test-shared-secret-0123456789abcdef', 'UTF8'), 'base64'), '+/=', '-_')));
SQL
ok "0.1.0 installed with data" q "${db[@]}" -c "SELECT extversion = '0.1.0' FROM pg_extension WHERE extname = 'auth_ext'"
ok "0.1.0 verifies its own EdDSA token" q "${db[@]}" -c "SELECT auth_ext.verify_jwt((SELECT value FROM keep WHERE name = 'eddsa_token'))->>'sub' IS NOT NULL"
ok "under 0.1.0 the SECURITY DEFINER functions belong to the superuser who created it" q "${db[@]}" \
  -c "SELECT bool_and(r.rolsuper) FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef"

# The documented step before updating such an install (docs/install-and-upgrade.md,
# "Upgrades"): from 0.2.0 the account functions run as the database owner, who must own Better
# Auth's tables; here the superuser made them under 0.1.0.
q "${db[@]}" -c "DO \$\$ DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['user', 'session', 'account', 'verification', 'jwks'] LOOP EXECUTE format('ALTER TABLE public.%I OWNER TO $owner', t); END LOOP; END \$\$"

q "${db[@]}" -c "ALTER EXTENSION auth_ext UPDATE"
ok "after the update (by the superuser) every object of the extension and its schema belong to the database owner" q "${db[@]}" \
  -c "SELECT bool_and(owner = '$owner') FROM (
        SELECT pg_get_userbyid(p.proowner) AS owner FROM pg_proc p WHERE p.pronamespace = 'auth_ext'::regnamespace
        UNION ALL SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.relnamespace = 'auth_ext'::regnamespace
        UNION ALL SELECT pg_get_userbyid(n.nspowner) FROM pg_namespace n WHERE n.nspname = 'auth_ext') o"
ok "after the update no SECURITY DEFINER function runs as a superuser" q "${db[@]}" \
  -c "SELECT count(*) = 0 FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef AND r.rolsuper"
ok "ALTER EXTENSION UPDATE reaches $new_version" q "${db[@]}" -c "SELECT extversion = '$new_version' FROM pg_extension WHERE extname = 'auth_ext'"
ok "settings survive the upgrade" q "${db[@]}" -c "SELECT array_agg(name || '=' || value ORDER BY name) = '{better_auth_secret=(set),jwt_shared_secret=(set),session_expires_in_seconds=1209600}' FROM auth_ext.settings() WHERE NOT is_default"
ok "a 0.1.0 session is still valid" q "${db[@]}" -c "SELECT auth_ext.get_session((SELECT value FROM keep WHERE name = 'session_token'))->'user'->>'email' = 'old@example.com'"
ok "a 0.1.0 user signs in" q "${db[@]}" -c "SELECT auth_ext.sign_in_email('old@example.com', 'old-password-1') ? 'token'"
ok "a wrong password is still refused" q "${db[@]}" -c "DO \$\$ BEGIN PERFORM auth_ext.sign_in_email('old@example.com', 'wrong-password'); RAISE 'signed in'; EXCEPTION WHEN invalid_password THEN NULL; END \$\$" -c "SELECT true"
ok "an EdDSA token signed before the upgrade verifies against the jwks table" q "${db[@]}" -c "SELECT auth_ext.verify_jwt((SELECT value FROM keep WHERE name = 'eddsa_token'))->>'sub' = (SELECT id FROM \"user\" WHERE email = 'old@example.com')"
ok "an HS256 token verifies with the kept shared secret" q "${db[@]}" -c "SELECT auth_ext.authenticate((SELECT value FROM keep WHERE name = 'hs256_token'))->>'sub' = 'hs-user'"
ok "the application role keeps its grants" q "${db[@]}" -U auth_ext_upgrade_app -c "SELECT auth_ext.get_session((SELECT value FROM keep WHERE name = 'session_token')) IS NOT NULL AND auth_ext.authenticate((SELECT value FROM keep WHERE name = 'eddsa_token')) IS NOT NULL"
ok "the application role may call the re-signed sign-up and sign-in (session_expires_in added)" q "${db[@]}" -U auth_ext_upgrade_app -c "SELECT (auth_ext.sign_in_email('old@example.com', 'old-password-1', jsonb_build_object('session_expires_in', 120))->'session'->>'expiresAt')::timestamptz - now() BETWEEN interval '119 seconds' AND interval '120 seconds' AND auth_ext.sign_up_email('app@example.com', 'app-password-1', 'App') ? 'token'"
ok "the 0.1.0 signatures are gone" q "${db[@]}" -c "SELECT to_regprocedure('auth_ext.sign_up_email(text,text,text,text,text,text,boolean)') IS NULL AND to_regprocedure('auth_ext.sign_in_email(text,text,text,text,boolean)') IS NULL"
ok "new sign-ups work after the upgrade" q "${db[@]}" -c "SELECT auth_ext.sign_up_email('new@example.com', 'new-password-1', 'New User') ? 'token'"
# 0.2.0's new application functions (sign_session_cookie) are granted by running grant_app_role
# again, the documented upgrade step: an upgrade never grants (it would make them initial privileges).
ok "grant_app_role again grants the new application functions" q "${db[@]}" \
  -c "DO \$\$ BEGIN IF has_function_privilege('auth_ext_upgrade_app', 'auth_ext.sign_session_cookie(text)', 'EXECUTE') THEN RAISE 'granted by the update'; END IF; END \$\$" \
  -c "SELECT auth_ext.grant_app_role('auth_ext_upgrade_app')" \
  -c "SELECT has_function_privilege('auth_ext_upgrade_app', 'auth_ext.sign_session_cookie(text)', 'EXECUTE')"

# The upgraded extension equals a fresh install, fact for fact: one created by the database owner,
# and one created by a superuser in the same kind of database (the owner then grants, as
# documented: a superuser never runs auth_ext's functions).
q -d auth_ext_fresh -U $owner -c "CREATE EXTENSION auth_ext" -c "SELECT auth_ext.grant_app_role('auth_ext_upgrade_app')"
q -d auth_ext_fresh_su -c "CREATE EXTENSION auth_ext"
q -d auth_ext_fresh_su -U $owner -c "SELECT auth_ext.grant_app_role('auth_ext_upgrade_app')" >/dev/null \
  || echo "# the database owner could not run grant_app_role in the superuser's install"
upgraded=$(psql -X -q -d auth_ext_upgrade -f "$INSTALL_TESTS/catalog_snapshot.sql")
fresh=$(psql -X -q -d auth_ext_fresh -f "$INSTALL_TESTS/catalog_snapshot.sql")
fresh_su=$(psql -X -q -d auth_ext_fresh_su -f "$INSTALL_TESTS/catalog_snapshot.sql")
same() {  # same DESCRIPTION EXPECTED ACTUAL
  TESTS_RUN=$((TESTS_RUN + 1))
  if [ "$3" = "$2" ] && [ "$(printf '%s\n' "$2" | grep -c '^function ')" -gt 30 ] \
     && [ "$(printf '%s\n' "$2" | grep -c "^function .* owner=$owner security_definer=t ")" -ge 17 ]; then
    echo "ok $TESTS_RUN - $1 ($(printf '%s\n' "$2" | wc -l) catalog facts)"
  else
    TESTS_FAILED=$((TESTS_FAILED + 1))
    echo "not ok $TESTS_RUN - $1"
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | grep '^[<>]' | head -n 40 | sed 's/^/#   /'
  fi
}
same "the upgraded extension equals a fresh install by the database owner" "$fresh" "$upgraded"
same "a fresh install by a superuser equals one by the database owner" "$fresh" "$fresh_su"
q -d postgres -c "DROP DATABASE auth_ext_upgrade" -c "DROP DATABASE auth_ext_fresh" -c "DROP DATABASE auth_ext_fresh_su" \
  -c "DROP ROLE auth_ext_upgrade_app" -c "DROP ROLE $owner"
finish
