
-- ---------------------------------------------------------------------------------------------
-- Ownership: every object of the extension belongs to the extension's owner, the role that ran
-- CREATE EXTENSION (for a trusted extension the script itself runs as the bootstrap superuser).
-- So the SECURITY DEFINER functions run with the database owner's rights, who owns Better Auth's
-- tables, and never with a superuser's; and the owner can configure the extension. Runs as the
-- last part of the install and of every upgrade. Every name is qualified: the schemas on the
-- script's search_path may hold objects the database owner made.
-- ---------------------------------------------------------------------------------------------

DO $owner$
DECLARE
  ext_oid pg_catalog.oid;
  owner_name pg_catalog.name;
  command pg_catalog.text;
BEGIN
  SELECT e.oid, r.rolname INTO ext_oid, owner_name
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) e.extowner
   WHERE e.extname OPERATOR(pg_catalog.=) 'auth_ext';
  FOR command IN
    SELECT pg_catalog.format('ALTER FUNCTION %I.%I(%s) OWNER TO %I', n.nspname, p.proname,
                             pg_catalog.pg_get_function_identity_arguments(p.oid), owner_name)
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
     WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) ext_oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
       AND p.proowner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) owner_name)
    UNION ALL
    SELECT pg_catalog.format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, owner_name)
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) ext_oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
       AND c.relkind OPERATOR(pg_catalog.=) 'r'
  LOOP
    EXECUTE command;
  END LOOP;
END
$owner$;
