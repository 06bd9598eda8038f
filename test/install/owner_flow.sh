#!/usr/bin/env bash
# The documented flow run by a database owner who is not superuser, as on hosted Postgres (Neon's
# neon_superuser model: CREATEDB, CREATEROLE, no SUPERUSER): CREATE EXTENSION (trusted), configure
# secrets, create Better Auth's schema, make and grant an application role, and every account and
# JWT function — with the application role's limits exactly as documented.
source "$(dirname "$0")/lib.sh"
FIXTURES="$INSTALL_TESTS/../fixtures/jwt_test_keys.psql"

role auth_ext_flow_app
role auth_ext_flow_owner NOSUPERUSER CREATEDB CREATEROLE
fresh_db auth_ext_owner_flow auth_ext_flow_owner
owner=(-d auth_ext_owner_flow -U auth_ext_flow_owner)
app=(-d auth_ext_owner_flow -U auth_ext_flow_app)

ok "the owner is not superuser" q "${owner[@]}" -c "SELECT NOT rolsuper FROM pg_roles WHERE rolname = current_user"
ok "the owner creates the extension (trusted)" q "${owner[@]}" -c "CREATE EXTENSION auth_ext" -c "SELECT extowner::regrole::text = 'auth_ext_flow_owner' FROM pg_extension WHERE extname = 'auth_ext'"
ok "every object of the extension belongs to the owner" q "${owner[@]}" -c "SELECT bool_and(pg_get_userbyid(p.proowner) = 'auth_ext_flow_owner') FROM pg_proc p WHERE p.pronamespace = 'auth_ext'::regnamespace" -c "SELECT pg_get_userbyid(relowner) = 'auth_ext_flow_owner' FROM pg_class WHERE oid = 'auth_ext.setting'::regclass"
ok "no SECURITY DEFINER function runs as a superuser" q "${owner[@]}" -c "SELECT NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.pronamespace = 'auth_ext'::regnamespace AND p.prosecdef AND r.rolsuper)"
ok "the owner configures secrets" q "${owner[@]}" -c "SELECT auth_ext.configure('better_auth_secret', 'owner-flow-better-auth-secret-0123456789')" -c "SELECT auth_ext.configure('jwt_shared_secret', 'owner-flow-shared-secret-0123456789abcdef')" -c "SELECT count(*) = 2 FROM auth_ext.settings() WHERE is_secret AND value = '(set)'"
ok "the owner creates Better Auth's schema" q "${owner[@]}" -c "SELECT auth_ext.create_better_auth_schema()" -c "SELECT count(*) = 0 FROM auth_ext.check_schema()"
ok "the owner grants the application role" q "${owner[@]}" -c "SELECT auth_ext.grant_app_role('auth_ext_flow_app')" -c "SELECT has_function_privilege('auth_ext_flow_app', 'auth_ext.sign_up_email(text,text,text,jsonb,text)', 'EXECUTE')"
q "${owner[@]}" -v ON_ERROR_STOP=1 >/dev/null <<SQL
\i $FIXTURES
INSERT INTO public.jwks (id, "publicKey", "privateKey", "createdAt", alg, crv)
  VALUES ('test-ed25519', :'ed25519_public', 'unused', now(), 'EdDSA', 'Ed25519');
CREATE TABLE flow (name text PRIMARY KEY, value text NOT NULL);
GRANT SELECT, INSERT ON flow TO auth_ext_flow_app;
SQL

# The application role: every function it was granted works.
ok "app: sign-up" q "${app[@]}" -c "INSERT INTO flow SELECT 'token', auth_ext.sign_up_email('flow@example.com', 'flow-password-1', 'Flow')->>'token'" -c "SELECT true"
ok "app: sign-in" q "${app[@]}" -c "SELECT auth_ext.sign_in_email('flow@example.com', 'flow-password-1') ? 'token'"
ok "app: get_session" q "${app[@]}" -c "SELECT auth_ext.get_session((SELECT value FROM flow WHERE name = 'token'))->'user'->>'email' = 'flow@example.com'"
ok "app: authenticate_session sets the identity" q "${app[@]}" -c "BEGIN" -c "SELECT auth_ext.authenticate_session((SELECT value FROM flow WHERE name = 'token')) IS NOT NULL" -c "SELECT auth_ext.user_id() IS NOT NULL" -c "COMMIT" -c "SELECT auth_ext.user_id() IS NULL"
ok "app: change_password" q "${app[@]}" -c "SELECT auth_ext.change_password(auth_ext.get_session((SELECT value FROM flow WHERE name = 'token'))->'user'->>'id', 'flow-password-1', 'flow-password-2') ? 'token'"
ok "app: sign-in with the new password" q "${app[@]}" -c "INSERT INTO flow SELECT 'token2', auth_ext.sign_in_email('flow@example.com', 'flow-password-2')->>'token'" -c "SELECT true"
ok "app: sign_out" q "${app[@]}" -c "SELECT auth_ext.sign_out((SELECT value FROM flow WHERE name = 'token2'))"
q "${owner[@]}" -v ON_ERROR_STOP=1 >/dev/null <<SQL
\i $FIXTURES
INSERT INTO flow SELECT 'jwt', auth_ext.sign_jwt(jsonb_build_object('sub', id, 'exp', 4102444800), :'ed25519_private')
  FROM "user" WHERE email = 'flow@example.com';
SQL
ok "app: verify_jwt with the jwks table" q "${app[@]}" -c "SELECT auth_ext.verify_jwt((SELECT value FROM flow WHERE name = 'jwt')) ? 'sub'"
ok "app: authenticate + user_id + claims" q "${app[@]}" -c "BEGIN" -c "SELECT auth_ext.authenticate((SELECT value FROM flow WHERE name = 'jwt')) IS NOT NULL" -c "SELECT auth_ext.user_id() = auth_ext.claims()->>'sub'" -c "COMMIT"

# …and nothing more.
fails "app cannot read the settings" 42501 q "${app[@]}" -c "SELECT * FROM auth_ext.setting"
fails "app cannot configure" 42501 q "${app[@]}" -c "SELECT auth_ext.configure('jwt_issuer', 'x')"
fails "app cannot list settings" 42501 q "${app[@]}" -c "SELECT * FROM auth_ext.settings()"
fails "app cannot read password hashes" 42501 q "${app[@]}" -c "SELECT password FROM public.account"
fails "app cannot read private keys" 42501 q "${app[@]}" -c "SELECT \"privateKey\" FROM public.jwks"
fails "app cannot revoke sessions" 42501 q "${app[@]}" -c "SELECT auth_ext.revoke_sessions('x')"
fails "app cannot set passwords" 42501 q "${app[@]}" -c "SELECT auth_ext.set_password('x', 'y-password')"
fails "app cannot delete users" 42501 q "${app[@]}" -c "SELECT auth_ext.delete_user('x')"
fails "app cannot grant itself more" 42501 q "${app[@]}" -c "SELECT auth_ext.grant_app_role('auth_ext_flow_app')"
ok "app cannot set an identity with SET or set_config" q "${app[@]}" -c "SET auth_ext.user_id = 'someone'" -c "SELECT set_config('auth_ext.claims', '{}', false) IS NOT NULL" -c "SELECT auth_ext.user_id() IS NULL AND auth_ext.claims() IS NULL"

# The owner's administration.
ok "owner: revoke_sessions, set_password, delete_user" q "${owner[@]}" -c "SELECT auth_ext.revoke_sessions(id) >= 0 FROM \"user\" WHERE email = 'flow@example.com'" -c "SELECT auth_ext.set_password(id, 'flow-password-3') IS NULL FROM \"user\" WHERE email = 'flow@example.com'" -c "SELECT auth_ext.delete_user(id) FROM \"user\" WHERE email = 'flow@example.com'"
ok "the owner is still not superuser" q "${owner[@]}" -c "SELECT NOT rolsuper FROM pg_roles WHERE rolname = 'auth_ext_flow_owner'"
ok "the owner drops the extension" q "${owner[@]}" -c "DROP EXTENSION auth_ext" -c "SELECT NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'auth_ext')"

q -d postgres -c "DROP DATABASE auth_ext_owner_flow" -c "DROP ROLE auth_ext_flow_app" -c "DROP ROLE auth_ext_flow_owner"
finish
