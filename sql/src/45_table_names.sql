
-- ---------------------------------------------------------------------------------------------
-- The one way to Better Auth's tables. Every account statement (PL/pgSQL here, the kept plans of
-- get_session in C) names the views of schema auth_ext_names: one per existing Better Auth table,
-- presenting it under Better Auth's default model name ("user", session, account, verification,
-- "rateLimit") and its columns under Better Auth's field names. So the statements are static
-- SQL with kept plans, and where the tables are (the better_auth_schema setting, and the
-- better_auth_names setting when an application configures other table and column names: Better
-- Auth's modelName and fields options) is known here only: sync_table_names() builds the views
-- from it. A simple view is auto-updatable (row locks, RETURNING, ON CONFLICT included), so every
-- operation stays one statement on Better Auth's rows, and rows come back keyed by Better Auth's
-- field names, as its adapter returns them. The views are built for every install (default names
-- too), never by the extension script (they would become members of the extension): by the first
-- account call (get_session included) that can write, by configure(), and again whenever a table
-- changes (a column added, a table created), which the fingerprint they are built from tells
-- (src/pg/catalog/account_views.cpp checks it once per catalog change). On a standby the
-- primary's views are used as they are. A column behind a
-- view cannot be dropped or retyped while the view exists: drop the view first
-- (DROP VIEW auth_ext_names."user"); the next account call builds it again. The jwks table is read
-- directly, by its configured names (src/pg/jwt/jwks_table.cpp): JWT verification runs as the
-- application role, so the jwks table has no view.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext.table_names()
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CAST(auth_ext._setting_value('better_auth_names') AS pg_catalog.jsonb)
$$;
COMMENT ON FUNCTION auth_ext.table_names() IS
'The better_auth_names setting (Better Auth''s table and column names, {} for its defaults), which the application '
'may read: the Better Auth plugin compares it with the names Better Auth is configured with and refuses to start when '
'they differ.';

CREATE OR REPLACE FUNCTION auth_ext._untrusted_objects(schema name, OUT problem text, OUT fix text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'auth_ext_untrusted_objects'
LANGUAGE C STRICT STABLE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext._untrusted_objects(name) IS
'Internal: every way Better Auth''s tables in schema (by the configured names) break the rule that code running with '
'the extension owner''s rights touches only what the owner owns: a table not the owner''s, or a trigger, rule, policy, '
'default, generated column, constraint, index or column type of one that uses a function, operator or type owned by '
'a role that is neither the owner nor a superuser. Each with a fix. The account functions, get_session and the jwks '
'reads refuse (42501) while there is one; check_schema() reports them.';

CREATE OR REPLACE FUNCTION auth_ext._model_tables(OUT model text, OUT table_name text, OUT fields jsonb)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT m.model, COALESCE(n.names -> m.model ->> 'modelName', m.model),
         COALESCE(n.names -> m.model -> 'fields', CAST('{}' AS pg_catalog.jsonb))
    FROM pg_catalog.unnest(ARRAY['user', 'session', 'account', 'verification', 'jwks', 'rateLimit']) WITH ORDINALITY m(model, ord),
         (SELECT auth_ext.table_names() AS names) n
   ORDER BY m.ord
$$;
COMMENT ON FUNCTION auth_ext._model_tables() IS
'Internal: each of Better Auth''s models auth_ext uses, with its table and its renamed fields (field: column) from the '
'better_auth_names setting.';

CREATE OR REPLACE FUNCTION auth_ext._table_names_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_table_names_fingerprint'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._table_names_fingerprint() IS
'Internal: what the auth_ext_names views are built from (the settings; each table''s oid and column count, and whether '
'its view exists), left by sync_table_names() as the schema''s comment.';

CREATE OR REPLACE FUNCTION auth_ext.sync_table_names(
  OUT model text, OUT table_name text, OUT view_name text, OUT rebuilt boolean)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  source text := auth_ext._setting_value('better_auth_schema');
  views pg_catalog.oid;
  t record;
  base pg_catalog.oid;
  missing text;
  columns text;
  definition text;
BEGIN
  -- One builder at a time (concurrent first writes after a table changed).
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('auth_ext.sync_table_names'));
  views := CAST(pg_catalog.to_regnamespace('auth_ext_names') AS pg_catalog.oid);
  IF views IS NULL THEN
    CREATE SCHEMA auth_ext_names;
    REVOKE ALL ON SCHEMA auth_ext_names FROM PUBLIC;
    views := CAST(pg_catalog.to_regnamespace('auth_ext_names') AS pg_catalog.oid);
  ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace n
                     WHERE n.oid = views AND n.nspowner = (
                       SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER)) THEN
    -- Someone else's schema of that name: its objects could stand in for the views. (The same
    -- error as the check every account statement makes, src/pg/catalog/trusted_tables.cpp.)
    PERFORM auth_ext._raise('UNTRUSTED_OBJECT',
      format('schema auth_ext_names belongs to role %s, not to %s, the owner of the auth_ext extension',
             quote_ident((SELECT pg_get_userbyid(n.nspowner) FROM pg_namespace n WHERE n.oid = views)),
             quote_ident(CAST(CURRENT_USER AS text))),
      hint => 'Drop or rename it; sync_table_names(), run by the extension owner, creates it.');
  END IF;
  FOR t IN SELECT * FROM auth_ext._model_tables() LOOP
    model := t.model;
    table_name := pg_catalog.format('%I.%I', source, t.table_name);
    view_name := pg_catalog.format('auth_ext_names.%I', t.model);
    base := CAST(pg_catalog.to_regclass(table_name) AS pg_catalog.oid);
    IF t.model = 'jwks' THEN
      -- Read directly, by its configured names (src/pg/jwt/jwks_table.cpp): no view, which would
      -- only keep the table from being dropped (a deployment without the jwt plugin).
      IF pg_catalog.to_regclass(view_name) IS NOT NULL THEN
        EXECUTE pg_catalog.format('DROP VIEW %s', view_name);
      END IF;
      CONTINUE;
    END IF;
    IF base IS NULL OR NOT EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = base
                                                                      AND c.relkind = ANY (ARRAY['r', 'p'])) THEN
      -- Not created yet (a plugin's table, or sessions kept in secondaryStorage): no view.
      IF pg_catalog.to_regclass(view_name) IS NOT NULL THEN
        EXECUTE pg_catalog.format('DROP VIEW %s', view_name);
      END IF;
      CONTINUE;
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.format('%s -> %I', f.key, f.value), ', ') INTO missing
      FROM pg_catalog.jsonb_each_text(t.fields) f
     WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = base AND a.attname = f.value
                          AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION 'better_auth_names: table % has no column for %.fields %', table_name, t.model, missing
        USING ERRCODE = '42703',
              HINT = 'Run Better Auth''s migration, or correct better_auth_names with auth_ext.configure().';
    END IF;
    -- Every column, renamed ones under their field names. A column whose own name is a renamed
    -- field (left over from before the rename) is not Better Auth's: left out.
    SELECT pg_catalog.string_agg(pg_catalog.format('b.%I AS %I', a.attname, COALESCE(f.key, a.attname)), ', ' ORDER BY a.attnum)
      INTO columns
      FROM pg_catalog.pg_attribute a
      LEFT JOIN pg_catalog.jsonb_each_text(t.fields) f ON f.value = a.attname
     WHERE a.attrelid = base AND a.attnum > 0 AND NOT a.attisdropped
       AND (f.key IS NOT NULL OR NOT (t.fields ? CAST(a.attname AS pg_catalog.text)));
    definition := pg_catalog.format('SELECT %s FROM %s b', columns, table_name);
    rebuilt := definition IS DISTINCT FROM pg_catalog.obj_description(
                 CAST(pg_catalog.to_regclass(view_name) AS pg_catalog.oid), 'pg_class');
    IF rebuilt THEN
      IF pg_catalog.to_regclass(view_name) IS NOT NULL THEN
        EXECUTE pg_catalog.format('DROP VIEW %s', view_name);
      END IF;
      EXECUTE pg_catalog.format('CREATE VIEW %s AS %s', view_name, definition);
      EXECUTE pg_catalog.format('REVOKE ALL ON %s FROM PUBLIC', view_name);
      EXECUTE pg_catalog.format('COMMENT ON VIEW %s IS %L', view_name, definition);
    END IF;
    RETURN NEXT;
  END LOOP;
  EXECUTE pg_catalog.format('COMMENT ON SCHEMA auth_ext_names IS %L', auth_ext._table_names_fingerprint());
END
$$;
COMMENT ON FUNCTION auth_ext.sync_table_names() IS
'Builds the views in schema auth_ext_names through which every account statement reaches Better Auth''s tables (one '
'per existing table of better_auth_schema but jwks, which the JWT functions read directly, by the better_auth_names '
'setting''s table names, renamed columns under '
'their field names), rebuilding those whose table changed and dropping those whose table is gone; one row per table: '
'model, table, view, whether it was rebuilt. Owner only. The first account call that can write runs it when a table '
'changed since (get_session included; also after a view was dropped to drop or retype a column behind it), and so '
'does configure() when better_auth_names or better_auth_schema changes. 42703 when a configured column does not '
'exist, 42501 when a schema auth_ext_names of another owner exists.';

CREATE OR REPLACE FUNCTION auth_ext._require_tables(models text[] DEFAULT ARRAY['user', 'account'])
RETURNS void
AS 'MODULE_PATHNAME', 'auth_ext_require_tables'
LANGUAGE C STRICT VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION auth_ext._require_tables(text[]) IS
'Internal: before account statements: refuses tables another role could plant code in (42501), builds the '
'auth_ext_names views when they are missing or stale and the transaction can write (rebuilt views are checked '
'again), and raises 42P01 with a hint when the view of one of models (Better Auth model names; default user and '
'account) is missing: its table does not exist, or a read-only transaction (a standby) finds the views not built yet. '
'Checked once per catalog or settings change.';

CREATE OR REPLACE FUNCTION auth_ext._base_column(model text, field text, OUT relid pg_catalog.oid, OUT column_name text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CAST(to_regclass(format('%I.%I', auth_ext._setting_value('better_auth_schema'), m.table_name)) AS oid),
         COALESCE(m.fields ->> _base_column.field, _base_column.field)
    FROM auth_ext._model_tables() m
   WHERE m.model = _base_column.model
$$;
COMMENT ON FUNCTION auth_ext._base_column(text, text) IS
'Internal: the table and column behind a model''s field (behind its auth_ext_names view), for what a view does not '
'carry: NOT NULL, generated columns, unique indexes.';

CREATE OR REPLACE FUNCTION auth_ext._unique_index_covers(model text, constraint_name text, field text)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT EXISTS (
    SELECT FROM auth_ext._base_column(_unique_index_covers.model, _unique_index_covers.field) b
      JOIN pg_index i ON i.indrelid = b.relid
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (CAST(i.indkey AS int2[]))
     WHERE c.relname = _unique_index_covers.constraint_name AND a.attname = b.column_name)
$$;
COMMENT ON FUNCTION auth_ext._unique_index_covers(text, text, text) IS
'Internal: whether the unique index a unique_violation named covers a model''s field (which value was taken).';
