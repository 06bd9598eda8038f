
-- ---------------------------------------------------------------------------------------------
-- The extension's schema is the extension's alone (issue 22, defect 6). CREATE EXTENSION creates
-- schema auth_ext when it does not exist, and installs into it when it does; a schema that
-- another role made first could hold an overload that matches the extension's own calls better
-- (auth_ext._row_json(public."user") against _row_json(record)), which would then run as the
-- owner inside sign-up and sign-in, and its owner could add such objects later. So, before the
-- script creates anything, it refuses (42501, naming the schema's owner; HINT: drop or rename it):
--   * on install and on every upgrade: when the schema holds any object that is not a member of
--     the extension (anything that depends on the schema: functions, operators, types, tables,
--     views, sequences, collations, conversions, text search objects, statistics, default
--     privileges; members of another extension too);
--   * on install (the extension has no member yet): when the schema belongs to a role other than
--     the one running CREATE EXTENSION (pg_extension.extowner), the database owner or a superuser,
--     or when any role but its owner (PUBLIC included) has CREATE on it: then it existed before.
-- A schema that CREATE EXTENSION itself created belongs to the role running it and is empty, so a
-- plain install never trips this; an empty schema that same role (or the database owner) made
-- beforehand is accepted, since nobody else could have put anything in it. sql/src/90_owner.sql
-- then hands the schema to the database owner and takes CREATE on it from every other role.
-- The script runs as superuser with auth_ext first on its search_path: the block pins it to
-- pg_catalog, pg_temp while it runs, and names the extension's objects qualified.
-- ---------------------------------------------------------------------------------------------

DO $schema$
DECLARE
  saved_path pg_catalog.text := pg_catalog.current_setting('search_path');
  ext_oid pg_catalog.oid;
  ext_owner pg_catalog.oid;
  schema_oid pg_catalog.oid;
  schema_owner pg_catalog.oid;
  schema_acl pg_catalog.aclitem[];
  installing boolean;
  foreign_objects pg_catalog.text;
  creators pg_catalog.text;
BEGIN
  -- Operators and functions resolve in pg_catalog alone while this block runs: the script's own
  -- search_path starts with schema auth_ext, where the database owner may create objects.
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  SELECT e.oid, e.extowner, n.oid, n.nspowner, n.nspacl
    INTO ext_oid, ext_owner, schema_oid, schema_owner, schema_acl
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname = 'auth_ext';
  installing := NOT EXISTS (SELECT FROM pg_catalog.pg_depend d
                             WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                               AND d.refobjid = ext_oid
                               AND d.deptype = 'e');

  SELECT pg_catalog.concat(pg_catalog.string_agg(f.object, ', ' ORDER BY f.object)
                              FILTER (WHERE f.n <= 5),
                            CASE WHEN pg_catalog.count(*) > 5
                                 THEN pg_catalog.format(' and %s more', pg_catalog.count(*) - 5) END)
    INTO foreign_objects
    FROM (SELECT pg_catalog.row_number() OVER (ORDER BY o.object) AS n, o.object FROM (SELECT pg_catalog.format('%s (owner %s)', pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid),
                                   COALESCE(pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(
                                     COALESCE(p.proowner, c.relowner, t.typowner, o.oprowner, da.defaclrole))), '?')) AS object
            FROM pg_catalog.pg_depend d
            LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                                          AND p.oid = d.objid
            LEFT JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                           AND c.oid = d.objid
            LEFT JOIN pg_catalog.pg_type t ON d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass
                                          AND t.oid = d.objid
            LEFT JOIN pg_catalog.pg_operator o ON d.classid = 'pg_catalog.pg_operator'::pg_catalog.regclass
                                              AND o.oid = d.objid
            LEFT JOIN pg_catalog.pg_default_acl da ON d.classid = 'pg_catalog.pg_default_acl'::pg_catalog.regclass
                                                  AND da.oid = d.objid
           WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
             AND d.refobjid = schema_oid
             AND NOT (d.classid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                      AND d.objid = ext_oid)
             AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend m
                              WHERE m.classid = d.classid AND m.objid = d.objid
                                AND m.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                                AND m.refobjid = ext_oid
                                AND m.deptype = 'e')) o) f
  HAVING pg_catalog.count(*) > 0;
  IF foreign_objects IS NOT NULL THEN
    RAISE EXCEPTION 'schema "auth_ext" (owner %) holds objects that are not part of the auth_ext extension: %',
                    pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(schema_owner)), foreign_objects
      USING ERRCODE = '42501',
            DETAIL = 'Any function or operator in that schema can stand in for the extension''s own and run with its owner''s rights.',
            HINT = CASE WHEN installing
                        THEN 'Drop or rename that schema (ALTER SCHEMA auth_ext RENAME TO ...); CREATE EXTENSION auth_ext creates it.'
                        ELSE 'Drop those objects or move them to another schema (ALTER ... SET SCHEMA), then update again.' END;
  END IF;

  IF NOT installing THEN
    PERFORM pg_catalog.set_config('search_path', saved_path, true);
    RETURN;
  END IF;
  IF schema_owner <> ext_owner
     AND schema_owner <> (SELECT db.datdba FROM pg_catalog.pg_database db
                                                WHERE db.datname = pg_catalog.current_database())
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid = schema_owner) THEN
    RAISE EXCEPTION 'schema "auth_ext" already exists and belongs to role %, not to the role creating the extension or the database owner',
                    pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(schema_owner))
      USING ERRCODE = '42501',
            DETAIL = 'Its owner could add objects that stand in for the extension''s own.',
            HINT = 'Drop or rename that schema (ALTER SCHEMA auth_ext RENAME TO ...); CREATE EXTENSION auth_ext creates it.';
  END IF;
  SELECT pg_catalog.string_agg(g.grantee, ', ' ORDER BY g.grantee) INTO creators
    FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                      ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END AS grantee
            FROM pg_catalog.aclexplode(schema_acl) a
           WHERE a.privilege_type = 'CREATE' AND a.grantee <> schema_owner) g;
  IF creators IS NOT NULL THEN
    RAISE EXCEPTION 'schema "auth_ext" already exists (owner %) and other roles may create objects in it: %',
                    pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(schema_owner)), creators
      USING ERRCODE = '42501',
            DETAIL = 'Their objects could stand in for the extension''s own.',
            HINT = 'Drop or rename that schema (ALTER SCHEMA auth_ext RENAME TO ...); CREATE EXTENSION auth_ext creates it.';
  END IF;
  PERFORM pg_catalog.set_config('search_path', saved_path, true);
END
$schema$;

COMMENT ON SCHEMA auth_ext IS 'auth_ext: Better Auth compatible passwords, JWTs and account operations';
