-- The todo API's schema, run by the database owner (python -m todo_api.setup).
-- {app_role} is the API's login role: it owns nothing and has no BYPASSRLS, so the policies
-- below decide which rows it sees; auth_ext.user_id() is set only by a verified credential.

CREATE EXTENSION IF NOT EXISTS auth_ext;
SELECT auth_ext.create_better_auth_schema('public');

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {app_role_literal}) THEN
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', {app_role_literal});
  END IF;
END
$$;

CREATE TABLE IF NOT EXISTS public.todo (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL DEFAULT auth_ext.user_id() REFERENCES public."user" (id) ON DELETE CASCADE,
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
  completed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS todo_user_id_id_idx ON public.todo (user_id, id);

ALTER TABLE public.todo ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.todo FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS todo_owner ON public.todo;
CREATE POLICY todo_owner ON public.todo
  USING (user_id = (SELECT auth_ext.user_id()))
  WITH CHECK (user_id = (SELECT auth_ext.user_id()));

GRANT USAGE ON SCHEMA public TO {app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON public.todo TO {app_role};
SELECT auth_ext.grant_app_role({app_role_literal});

-- A deleted user's JWT stays valid until it expires; the API checks that its user still exists
-- (auth_ext_fastapi's user_table option), which needs only the id column.
GRANT SELECT (id) ON public."user" TO {app_role};

-- Better Auth's rate-limit table, as its migrator creates it for rateLimit.storage = "database":
-- the API's /auth/sign-in and /auth/sign-up count in the same rows as Better Auth.
CREATE TABLE IF NOT EXISTS public."rateLimit" (
  id text NOT NULL PRIMARY KEY,
  key text NOT NULL UNIQUE,
  count integer NOT NULL,
  "lastRequest" bigint NOT NULL
);
GRANT SELECT, INSERT, UPDATE, DELETE ON public."rateLimit" TO {app_role};
