
-- ---------------------------------------------------------------------------------------------
-- Ownership: every object of the extension (functions, tables) and schema auth_ext belong to the
-- DATABASE OWNER (pg_database.datdba of the current database), whoever ran CREATE EXTENSION or
-- ALTER EXTENSION UPDATE: the database owner running CREATE EXTENSION (trusted: the script itself
-- runs as the bootstrap superuser), a superuser installing into that database, or a superuser
-- updating a 0.1.0 that a superuser created (issue 22, defect 5). So the SECURITY DEFINER
-- functions run with the rights of the role that owns Better Auth's tables, never with those of
-- a superuser who happened to run the script, and every one of those paths gives the same catalog
-- (test/install/upgrade.sh). A database owned by a superuser cannot avoid it: then a WARNING says
-- so. The initial privileges recorded for the objects (pg_init_privs, which pg_dump compares
-- with) name the new owner where they named the old one, as the objects' ACLs do after ALTER ...
-- OWNER. No role but the owner keeps CREATE on schema auth_ext (sql/src/01_schema.sql refuses a
-- schema someone else made). Runs as the last part of the install and of every upgrade (the
-- upgrade's epilogue only carries grants and drops). The block pins search_path to pg_catalog,
-- pg_temp while it runs: the schemas on the script's own may hold objects the database owner made.
-- ---------------------------------------------------------------------------------------------

DO $owner$
DECLARE
  saved_path pg_catalog.text := pg_catalog.current_setting('search_path');
  ext_oid pg_catalog.oid;
  owner_oid pg_catalog.oid;
  owner_name pg_catalog.name;
  owner_is_super boolean;
  schema_oid pg_catalog.oid;
  object record;
  creator record;
  had_schema_initprivs boolean;
BEGIN
  -- Operators and functions resolve in pg_catalog alone while this block runs: the script's own
  -- search_path starts with schema auth_ext, where the database owner may create objects.
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  SELECT e.oid, e.extnamespace INTO ext_oid, schema_oid
    FROM pg_catalog.pg_extension e WHERE e.extname = 'auth_ext';
  SELECT r.oid, r.rolname, r.rolsuper INTO owner_oid, owner_name, owner_is_super
    FROM pg_catalog.pg_database db JOIN pg_catalog.pg_roles r ON r.oid = db.datdba
   WHERE db.datname = pg_catalog.current_database();
  IF owner_is_super THEN
    RAISE WARNING 'database "%" is owned by superuser "%": auth_ext''s SECURITY DEFINER functions will run as a superuser',
                  pg_catalog.current_database(), owner_name
      USING HINT = 'Production databases should be owned by a role that is not superuser: ALTER DATABASE ... OWNER TO that role, then DROP and CREATE EXTENSION auth_ext (or update it) so that its objects follow.';
  END IF;

  -- Members, each with the owner it has now; ALTER ... OWNER, then the same change in its
  -- initial privileges (PostgreSQL 15 leaves pg_init_privs naming the old owner).
  FOR object IN
    SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass AS classid, p.oid AS objid, p.proowner AS old_owner,
           pg_catalog.format('ALTER FUNCTION %I.%I(%s) OWNER TO %I', n.nspname, p.proname,
                             pg_catalog.pg_get_function_identity_arguments(p.oid), owner_name) AS command
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_proc p ON p.oid = d.objid
      JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
     WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid = ext_oid AND d.deptype = 'e'
       AND p.proowner <> owner_oid
    UNION ALL
    SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, c.oid, c.relowner,
           pg_catalog.format('ALTER %s %I.%I OWNER TO %I',
                             CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                            WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                             n.nspname, c.relname, owner_name)
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_class c ON c.oid = d.objid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid = ext_oid AND d.deptype = 'e'
       AND c.relkind = ANY (ARRAY['r', 'p', 'v', 'm', 'S']::pg_catalog."char"[])
       AND c.relowner <> owner_oid
  LOOP
    EXECUTE object.command;
    -- aclitems rebuilt from their text form ("grantee=privileges/grantor", names double-quoted,
    -- PUBLIC an empty grantee): PostgreSQL 15's makeaclitem takes a single privilege.
    UPDATE pg_catalog.pg_init_privs ip
       SET initprivs = (
         SELECT pg_catalog.array_agg(CAST(pg_catalog.format('%s=%s/"%s"',
                                            CASE WHEN g.grantee = 0 THEN ''
                                                 ELSE pg_catalog.format('"%s"', pg_catalog.replace(pg_catalog.pg_get_userbyid(g.grantee), '"', '""')) END,
                                            g.privileges,
                                            pg_catalog.replace(pg_catalog.pg_get_userbyid(g.grantor), '"', '""'))
                                          AS pg_catalog.aclitem) ORDER BY g.first_item)
           FROM (SELECT CASE WHEN a.grantee = object.old_owner THEN owner_oid ELSE a.grantee END AS grantee,
                        CASE WHEN a.grantor = object.old_owner THEN owner_oid ELSE a.grantor END AS grantor,
                        pg_catalog.string_agg(pg_catalog.concat(
                          CASE a.privilege_type WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w'
                                                WHEN 'DELETE' THEN 'd' WHEN 'TRUNCATE' THEN 'D' WHEN 'REFERENCES' THEN 'x'
                                                WHEN 'TRIGGER' THEN 't' WHEN 'EXECUTE' THEN 'X' WHEN 'USAGE' THEN 'U'
                                                WHEN 'CREATE' THEN 'C' WHEN 'CONNECT' THEN 'c' WHEN 'TEMPORARY' THEN 'T' END,
                          CASE WHEN a.is_grantable THEN '*' END), '') AS privileges,
                        pg_catalog.min(a.item) AS first_item
                   FROM pg_catalog.aclexplode(ip.initprivs) WITH ORDINALITY a(grantor, grantee, privilege_type, is_grantable, item)
                  GROUP BY 1, 2) g)
     WHERE ip.classoid = object.classid
       AND ip.objoid = object.objid;
  END LOOP;

  -- The schema: the database owner's, and no one else may create in it. (A REVOKE in an
  -- extension script is recorded as an initial privilege of the schema; a fresh install has
  -- none, so one recorded here is removed again.)
  IF (SELECT n.nspowner FROM pg_catalog.pg_namespace n WHERE n.oid = schema_oid)
     <> owner_oid THEN
    EXECUTE pg_catalog.format('ALTER SCHEMA auth_ext OWNER TO %I', owner_name);
  END IF;
  had_schema_initprivs := EXISTS (SELECT FROM pg_catalog.pg_init_privs ip
                                   WHERE ip.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                                     AND ip.objoid = schema_oid);
  FOR creator IN
    SELECT DISTINCT a.grantee AS oid
      FROM pg_catalog.pg_namespace n CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid = schema_oid AND a.privilege_type = 'CREATE'
       AND a.grantee <> owner_oid
  LOOP
    EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA auth_ext FROM %s CASCADE',
                              CASE WHEN creator.oid = 0 THEN 'PUBLIC'
                                   ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(creator.oid)) END);
  END LOOP;
  IF NOT had_schema_initprivs THEN
    DELETE FROM pg_catalog.pg_init_privs ip
     WHERE ip.classoid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
       AND ip.objoid = schema_oid;
  END IF;
  PERFORM pg_catalog.set_config('search_path', saved_path, true);
END
$owner$;
