
-- ---------------------------------------------------------------------------------------------
-- Better Auth 1.7.25's tables, exactly as its migrator creates them
-- (docs/better-auth-compatibility.md §5), and a doctor that lists every way an existing schema
-- differs from them.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.create_better_auth_schema(schema name DEFAULT 'public')
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET client_min_messages = warning
AS $$
DECLARE
  s text := quote_ident(create_better_auth_schema.schema);
BEGIN
  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', s);
  EXECUTE format('create table if not exists %s."user" ("id" text not null primary key, "name" text not null, "email" text not null unique, "emailVerified" boolean not null, "image" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)', s);
  EXECUTE format('create table if not exists %s."session" ("id" text not null primary key, "expiresAt" timestamptz not null, "token" text not null unique, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null, "ipAddress" text, "userAgent" text, "userId" text not null references %s."user" ("id") on delete cascade)', s, s);
  EXECUTE format('create table if not exists %s."account" ("id" text not null primary key, "accountId" text not null, "providerId" text not null, "userId" text not null references %s."user" ("id") on delete cascade, "accessToken" text, "refreshToken" text, "idToken" text, "accessTokenExpiresAt" timestamptz, "refreshTokenExpiresAt" timestamptz, "scope" text, "password" text, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz not null)', s, s);
  EXECUTE format('create table if not exists %s."verification" ("id" text not null primary key, "identifier" text not null, "value" text not null, "expiresAt" timestamptz not null, "createdAt" timestamptz default CURRENT_TIMESTAMP not null, "updatedAt" timestamptz default CURRENT_TIMESTAMP not null)', s);
  EXECUTE format('create table if not exists %s."jwks" ("id" text not null primary key, "publicKey" text not null, "privateKey" text not null, "createdAt" timestamptz not null, "expiresAt" timestamptz, "alg" text, "crv" text)', s);
  EXECUTE format('create index if not exists "session_userId_idx" on %s."session" ("userId")', s);
  EXECUTE format('create index if not exists "account_userId_idx" on %s."account" ("userId")', s);
  EXECUTE format('create index if not exists "verification_identifier_idx" on %s."verification" ("identifier")', s);
END
$$;
COMMENT ON FUNCTION auth_ext.create_better_auth_schema(name) IS
'Creates Better Auth 1.7.25''s tables (user, session, account, verification, jwks) with the exact types, defaults, '
'unique constraints, indexes and cascading foreign keys its own migrator creates, owned by the caller: the extension '
'owner, whose tables alone the account functions use (a table of another role''s is refused, UNTRUSTED_OBJECT). Idempotent.';

-- The columns Better Auth 1.7.25 expects: table, column, type, NOT NULL.
CREATE OR REPLACE FUNCTION auth_ext._better_auth_columns(
  OUT table_name text, OUT column_name text, OUT data_type text, OUT not_null boolean)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  VALUES
    ('user', 'id', 'text', true), ('user', 'name', 'text', true), ('user', 'email', 'text', true),
    ('user', 'emailVerified', 'boolean', true), ('user', 'image', 'text', false),
    ('user', 'createdAt', 'timestamp with time zone', true), ('user', 'updatedAt', 'timestamp with time zone', true),
    ('session', 'id', 'text', true), ('session', 'expiresAt', 'timestamp with time zone', true),
    ('session', 'token', 'text', true), ('session', 'createdAt', 'timestamp with time zone', true),
    ('session', 'updatedAt', 'timestamp with time zone', true), ('session', 'ipAddress', 'text', false),
    ('session', 'userAgent', 'text', false), ('session', 'userId', 'text', true),
    ('account', 'id', 'text', true), ('account', 'accountId', 'text', true), ('account', 'providerId', 'text', true),
    ('account', 'userId', 'text', true), ('account', 'accessToken', 'text', false),
    ('account', 'refreshToken', 'text', false), ('account', 'idToken', 'text', false),
    ('account', 'accessTokenExpiresAt', 'timestamp with time zone', false),
    ('account', 'refreshTokenExpiresAt', 'timestamp with time zone', false), ('account', 'scope', 'text', false),
    ('account', 'password', 'text', false), ('account', 'createdAt', 'timestamp with time zone', true),
    ('account', 'updatedAt', 'timestamp with time zone', true),
    ('verification', 'id', 'text', true), ('verification', 'identifier', 'text', true),
    ('verification', 'value', 'text', true), ('verification', 'expiresAt', 'timestamp with time zone', true),
    ('verification', 'createdAt', 'timestamp with time zone', true),
    ('verification', 'updatedAt', 'timestamp with time zone', true),
    ('jwks', 'id', 'text', true), ('jwks', 'publicKey', 'text', true), ('jwks', 'privateKey', 'text', true),
    ('jwks', 'createdAt', 'timestamp with time zone', true), ('jwks', 'expiresAt', 'timestamp with time zone', false),
    ('jwks', 'alg', 'text', false), ('jwks', 'crv', 'text', false)
$$;
COMMENT ON FUNCTION auth_ext._better_auth_columns() IS
'Internal: the columns of Better Auth 1.7.25''s tables (name, type, NOT NULL), as its migrator creates them.';

CREATE OR REPLACE FUNCTION auth_ext.check_schema(schema name DEFAULT 'public')
RETURNS TABLE (problem text, object text, fix text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  ns oid := (SELECT n.oid FROM pg_namespace n WHERE n.nspname = check_schema.schema);
  c record;
  n bigint;
  -- Better Auth's table and column names (the better_auth_names setting; its defaults when unset).
  names jsonb := auth_ext.table_names();
  user_table text := COALESCE(names -> 'user' ->> 'modelName', 'user');
  account_table text := COALESCE(names -> 'account' ->> 'modelName', 'account');
  email_column text := COALESCE(names -> 'user' -> 'fields' ->> 'email', 'email');
  provider_column text := COALESCE(names -> 'account' -> 'fields' ->> 'providerId', 'providerId');
  password_column text := COALESCE(names -> 'account' -> 'fields' ->> 'password', 'password');
BEGIN
  IF pg_char_to_encoding(current_setting('server_encoding')) <> pg_char_to_encoding('UTF8') THEN
    RETURN QUERY SELECT 'the database encoding is not UTF8'::text, current_database()::text,
      'Better Auth hashes NFKC UTF-8 passwords; create the database with ENCODING ''UTF8'''::text;
  END IF;
  IF ns IS NULL THEN
    RETURN QUERY SELECT 'schema does not exist'::text, check_schema.schema::text,
      format('SELECT auth_ext.create_better_auth_schema(%L)', check_schema.schema);
    RETURN;
  END IF;
  FOR c IN
    SELECT e.table_name AS model, e.column_name AS field, t.table_name,
           COALESCE(t.fields ->> e.column_name, e.column_name) AS column_name, e.data_type, e.not_null, cl.oid AS relid,
           format_type(a.atttypid, a.atttypmod) AS actual_type, a.attnotnull AS actual_not_null
    FROM auth_ext._better_auth_columns() WITH ORDINALITY e(table_name, column_name, data_type, not_null, ord)
    JOIN auth_ext._model_tables() t ON t.model = e.table_name
    LEFT JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = t.table_name AND cl.relkind IN ('r', 'p')
    LEFT JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attname = COALESCE(t.fields ->> e.column_name, e.column_name)
                            AND NOT a.attisdropped
    ORDER BY e.ord
  LOOP
    IF c.relid IS NULL THEN
      IF c.field = 'id' THEN
        RETURN QUERY SELECT 'missing table'::text, format('%I.%I', check_schema.schema, c.table_name),
          CASE WHEN names = '{}' THEN format('SELECT auth_ext.create_better_auth_schema(%L)', check_schema.schema)
               ELSE 'run Better Auth''s migration (npx @better-auth/cli migrate), which creates its renamed tables' END;
      END IF;
    ELSIF c.actual_type IS NULL AND c.model = 'jwks' AND c.field IN ('alg', 'crv') THEN
      NULL;  -- added by Better Auth 1.7; a 1.6 table lacks them, and verification reads alg only when present
    ELSIF c.actual_type IS NULL THEN
      RETURN QUERY SELECT 'missing column'::text, format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ADD COLUMN %I %s%s', check_schema.schema, c.table_name, c.column_name, c.data_type,
               CASE WHEN c.not_null THEN ' NOT NULL' ELSE '' END);
    ELSIF c.actual_type <> c.data_type THEN
      RETURN QUERY SELECT format('wrong type: %s, Better Auth expects %s%s', c.actual_type, c.data_type,
               CASE WHEN c.field IN ('id', 'userId') THEN ' (an ORM-made table? Better Auth writes 32-character text ids)' ELSE '' END),
        format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s', check_schema.schema, c.table_name, c.column_name, c.data_type);
    ELSIF c.actual_not_null <> c.not_null THEN
      RETURN QUERY SELECT CASE WHEN c.not_null THEN 'column allows NULL' ELSE 'column is NOT NULL' END,
        format('%I.%I.%I', check_schema.schema, c.table_name, c.column_name),
        format('ALTER TABLE %I.%I ALTER COLUMN %I %s NOT NULL', check_schema.schema, c.table_name, c.column_name,
               CASE WHEN c.not_null THEN 'SET' ELSE 'DROP' END);
    END IF;
  END LOOP;

  -- Tables owner-rights code would touch that are not the owner's (or run another role's code).
  RETURN QUERY SELECT u.problem, check_schema.schema::text, u.fix FROM auth_ext._untrusted_objects(check_schema.schema) u;

  -- Unique constraints sign-up and session lookup rely on.
  RETURN QUERY
    SELECT 'missing unique constraint'::text, format('%I.%I.%I', check_schema.schema, u.t, u.col),
           format('ALTER TABLE %I.%I ADD UNIQUE (%I)', check_schema.schema, u.t, u.col)
    FROM (VALUES (user_table, email_column),
                 (COALESCE(names -> 'session' ->> 'modelName', 'session'),
                  COALESCE(names -> 'session' -> 'fields' ->> 'token', 'token'))) u(t, col)
    JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = u.t
    JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attname = u.col
    WHERE NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = cl.oid AND i.indisunique
                        AND i.indnatts = 1 AND i.indkey[0] = a.attnum AND i.indpred IS NULL);

  -- Foreign keys to user(id) that cascade on delete.
  RETURN QUERY
    SELECT CASE WHEN con.oid IS NULL THEN format('missing foreign key to %s(id)', user_table) ELSE 'foreign key does not cascade on delete' END,
           format('%I.%I.%I', check_schema.schema, f.t, f.col),
           format('ALTER TABLE %I.%I ADD FOREIGN KEY (%I) REFERENCES %I.%I(id) ON DELETE CASCADE',
                  check_schema.schema, f.t, f.col, check_schema.schema, user_table)
    FROM (SELECT COALESCE(names -> m ->> 'modelName', m), COALESCE(names -> m -> 'fields' ->> 'userId', 'userId')
            FROM unnest(ARRAY['session', 'account']) m) f(t, col)
    JOIN pg_class cl ON cl.relnamespace = ns AND cl.relname = f.t
    LEFT JOIN pg_constraint con ON con.conrelid = cl.oid AND con.contype = 'f'
      AND con.confrelid = (SELECT oid FROM pg_class WHERE relnamespace = ns AND relname = user_table)
    WHERE con.oid IS NULL OR con.confdeltype <> 'c';

  -- Data Better Auth cannot read back.
  IF EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
             WHERE cl.relnamespace = ns AND cl.relname = user_table AND a.attname = email_column) THEN
    EXECUTE format('SELECT count(*) FROM %I.%I WHERE %I <> lower(%I)', check_schema.schema, user_table, email_column, email_column)
      INTO n;
    IF n > 0 THEN
      RETURN QUERY SELECT format('%s user rows have upper-case emails (Better Auth looks emails up in lower case)', n),
        format('%I.%I.%I', check_schema.schema, user_table, email_column),
        format('UPDATE %I.%I SET %I = lower(%I) WHERE %I <> lower(%I)', check_schema.schema, user_table,
               email_column, email_column, email_column, email_column);
    END IF;
  END IF;
  IF (SELECT count(*) FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid
       WHERE cl.relnamespace = ns AND cl.relname = account_table AND a.attname IN (password_column, provider_column)
         AND NOT a.attisdropped) = 2 THEN
    EXECUTE format($q$SELECT count(*) FROM %I.%I WHERE %I = 'credential' AND %I IS NOT NULL
                     AND %I !~ '^[^:]+:[0-9a-f]{128}(:|$)'$q$, check_schema.schema, account_table, provider_column,
                   password_column, password_column) INTO n;
    IF n > 0 THEN
      RETURN QUERY SELECT format('%s credential accounts have malformed password hashes (Better Auth answers 500 on sign-in)', n),
        format('%I.%I.%I', check_schema.schema, account_table, password_column),
        'SELECT auth_ext.set_password(<user id>, <new password>) for each'::text;
    END IF;
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext.check_schema(name) IS
'One row per way the schema differs from what Better Auth 1.7.25 expects (missing tables or columns, wrong types, '
'nullability, unique constraints, cascading foreign keys, a non-UTF8 database, upper-case emails, malformed hashes, '
'tables not owned by the extension owner or running another role''s code: _untrusted_objects), '
'each with a fix, by Better Auth''s table and column names as better_auth_names configures them. No rows: healthy. The '
'first thing to run when sign-up answers HTTP 500.';
