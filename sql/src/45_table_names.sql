
-- ---------------------------------------------------------------------------------------------
-- Better Auth's table and column names when an application configures others (its modelName and
-- fields options; the better_auth_names setting holds them in the same shape). The account
-- functions and get_session then name views instead of the tables: one view per table in schema
-- auth_ext_names, presenting the renamed table under Better Auth's default name and its renamed
-- columns under their field names. PostgreSQL updates a table through such a view (a simple view
-- is auto-updatable, row locks and RETURNING included), so every statement stays one statement on
-- Better Auth's rows, and rows come back keyed by Better Auth's field names, as its adapter
-- returns them. The views are built by sync_table_names(), when the setting is configured and
-- again at the first account write after a table changes (a column added, a table created).
-- The jwks table is read directly, by its configured names (src/pg/jwt/jwks_table.cpp).
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

CREATE OR REPLACE FUNCTION auth_ext._tables_schema()
RETURNS text
AS 'MODULE_PATHNAME', 'auth_ext_tables_schema'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._tables_schema() IS
'Internal: the schema account statements name Better Auth''s tables in: better_auth_schema, or auth_ext_names (the '
'views) when better_auth_names renames a table or column.';

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

CREATE OR REPLACE FUNCTION auth_ext._table_names_current()
RETURNS boolean
AS 'MODULE_PATHNAME', 'auth_ext_table_names_current'
LANGUAGE C STRICT STABLE PARALLEL SAFE;
COMMENT ON FUNCTION auth_ext._table_names_current() IS
'Internal: whether the auth_ext_names views were built from the settings and tables as they are now (cached catalog '
'reads only: it runs on every account write with names configured).';

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
  IF auth_ext._tables_schema() <> 'auth_ext_names' THEN
    -- No names configured: the statements use Better Auth's tables themselves. Views left from
    -- before are dropped (they would keep the tables' columns from being dropped).
    FOR t IN SELECT * FROM auth_ext._model_tables() LOOP
      IF pg_catalog.to_regclass(pg_catalog.format('auth_ext_names.%I', t.model)) IS NOT NULL
         AND EXISTS (SELECT FROM pg_catalog.pg_namespace n
                      WHERE n.nspname = 'auth_ext_names'
                        AND n.nspowner = (SELECT r.oid FROM pg_catalog.pg_roles r
                                                                 WHERE r.rolname = CURRENT_USER)) THEN
        EXECUTE pg_catalog.format('DROP VIEW auth_ext_names.%I', t.model);
      END IF;
    END LOOP;
    RETURN;
  END IF;
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
    -- Someone else's schema of that name: its objects could stand in for the views.
    RAISE EXCEPTION 'schema "auth_ext_names" exists and does not belong to the auth_ext extension''s owner'
      USING ERRCODE = '42501', HINT = 'Drop or rename it; sync_table_names() creates it.';
  END IF;
  FOR t IN SELECT * FROM auth_ext._model_tables() LOOP
    model := t.model;
    table_name := pg_catalog.format('%I.%I', source, t.table_name);
    view_name := pg_catalog.format('auth_ext_names.%I', t.model);
    base := CAST(pg_catalog.to_regclass(table_name) AS pg_catalog.oid);
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
'With better_auth_names set: builds the views in schema auth_ext_names through which the account functions reach '
'Better Auth''s renamed tables (one per existing table, renamed columns under their field names), rebuilding those '
'whose table changed; one row per table: model, table, view, whether it was rebuilt. Owner only. configure() runs it '
'when better_auth_names or better_auth_schema changes, and the first account write after a table changed runs it '
'again (also after a view was dropped to drop or retype a column behind it). 42703 when a configured column does not '
'exist, 42501 when a schema auth_ext_names of another owner exists. Without names configured: no rows, and views left '
'from before are dropped.';

CREATE OR REPLACE FUNCTION auth_ext._require_current_table_names()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NOT auth_ext._table_names_current() THEN
    PERFORM auth_ext.sync_table_names();
  END IF;
END
$$;
COMMENT ON FUNCTION auth_ext._require_current_table_names() IS
'Internal: rebuilds the auth_ext_names views when the settings or a table changed since they were built.';

CREATE OR REPLACE FUNCTION auth_ext._base_column(schema text, model text, field text, OUT relid pg_catalog.oid, OUT column_name text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  names jsonb;
BEGIN
  IF schema <> 'auth_ext_names' THEN
    relid := CAST(pg_catalog.to_regclass(pg_catalog.format('%I.%I', schema, model)) AS pg_catalog.oid);
    column_name := field;
    RETURN;
  END IF;
  -- Through the views: the table and column behind them.
  names := auth_ext.table_names() -> model;
  relid := CAST(pg_catalog.to_regclass(pg_catalog.format('%I.%I', auth_ext._setting_value('better_auth_schema'),
                                                          COALESCE(names ->> 'modelName', model))) AS pg_catalog.oid);
  column_name := COALESCE(names -> 'fields' ->> field, field);
END
$$;
COMMENT ON FUNCTION auth_ext._base_column(text, text, text) IS
'Internal: the table and column holding a model''s field (behind the auth_ext_names views when names are configured), '
'for what a view does not carry: NOT NULL, generated columns, unique indexes.';

CREATE OR REPLACE FUNCTION auth_ext._unique_index_covers(schema text, model text, constraint_name text, field text)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT EXISTS (
    SELECT FROM auth_ext._base_column(schema, model, field) b
      JOIN pg_catalog.pg_index i ON i.indrelid = b.relid
      JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid
                                    AND a.attnum = ANY (CAST(i.indkey AS pg_catalog.int2[]))
     WHERE c.relname = constraint_name AND a.attname = b.column_name)
$$;
COMMENT ON FUNCTION auth_ext._unique_index_covers(text, text, text, text) IS
'Internal: whether the unique index a unique_violation named covers a model''s field (which value was taken).';
