
COMMENT ON SCHEMA auth_ext IS 'auth_ext: Better Auth compatible passwords, JWTs and account operations';
