-- Every fact the catalog holds about the installed auth_ext, one line each, sorted. Roles are
-- written by their real names (owners, grantees and grantors alike), so two snapshots are equal
-- only when the same roles own and may use the same objects; a superuser-owned SECURITY DEFINER
-- function shows as such (the "superuser" mark). Two installs are the same extension when their
-- snapshots are equal (test/install/upgrade.sh compares fresh installs with an upgrade). The
-- extension's own row (pg_extension.extowner: who may DROP or UPDATE it) is the role that ran
-- CREATE EXTENSION and is left out; every object's owner is in.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET search_path = pg_catalog;
WITH ext AS (
  SELECT e.oid, e.extowner, e.extversion, e.extrelocatable, e.extconfig, e.extcondition, n.nspname
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'auth_ext'
), members AS (
  SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
  WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), role_name(oid, name) AS (
  SELECT r.oid, r.rolname::text || CASE WHEN r.rolsuper THEN '(superuser)' ELSE '' END FROM pg_roles r
), acl_text(acl, txt) AS (
  SELECT a, (SELECT string_agg(item, ',' ORDER BY item COLLATE "C")
             FROM (SELECT format('%s=%s%s/%s', COALESCE(g.name, 'PUBLIC'), x.privilege_type,
                                 CASE WHEN x.is_grantable THEN '*' ELSE '' END, b.name) AS item
                   FROM aclexplode(a) x LEFT JOIN role_name g ON g.oid = x.grantee
                   LEFT JOIN role_name b ON b.oid = x.grantor) items)
  FROM (SELECT DISTINCT proacl FROM pg_proc UNION SELECT DISTINCT relacl FROM pg_class
        UNION SELECT DISTINCT nspacl FROM pg_namespace UNION SELECT DISTINCT initprivs FROM pg_init_privs
        UNION SELECT DISTINCT defaclacl FROM pg_default_acl) s(a)
)
SELECT line FROM (
  SELECT format('extension version=%s relocatable=%s schema=%s config=%s condition=%s', extversion, extrelocatable,
                nspname, (SELECT array_agg(c::regclass::text ORDER BY 1) FROM unnest(extconfig) c), extcondition) AS line
  FROM ext
  UNION ALL
  SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM members
  UNION ALL
  SELECT format('function %s owner=%s security_definer=%s config=%s strict=%s volatility=%s acl=%s comment=%s%s',
                p.oid::regprocedure, o.name, p.prosecdef, COALESCE(p.proconfig::text, 'none'), p.proisstrict,
                p.provolatile, COALESCE((SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM p.proacl), 'default'),
                obj_description(p.oid, 'pg_proc'), E'\n' || pg_get_functiondef(p.oid))
  FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
  JOIN role_name o ON o.oid = p.proowner
  UNION ALL
  SELECT format('relation %s kind=%s owner=%s acl=%s comment=%s', c.oid::regclass, c.relkind, o.name,
                COALESCE((SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM c.relacl), 'default'),
                obj_description(c.oid, 'pg_class'))
  FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
  JOIN role_name o ON o.oid = c.relowner
  UNION ALL
  SELECT format('column %s.%s %s notnull=%s default=%s', a.attrelid::regclass, a.attname,
                format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid))
  FROM members m JOIN pg_attribute a ON m.classid = 'pg_class'::regclass AND a.attrelid = m.objid
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT format('constraint %s %s %s', con.conrelid::regclass, con.conname, pg_get_constraintdef(con.oid))
  FROM members m JOIN pg_constraint con ON m.classid = 'pg_class'::regclass AND con.conrelid = m.objid
  UNION ALL
  SELECT format('index %s', pg_get_indexdef(i.indexrelid))
  FROM members m JOIN pg_index i ON m.classid = 'pg_class'::regclass AND i.indrelid = m.objid
  UNION ALL
  SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM members m JOIN pg_trigger t ON m.classid = 'pg_class'::regclass AND t.tgrelid = m.objid AND NOT t.tgisinternal
  UNION ALL
  SELECT format('schema %s owner=%s acl=%s comment=%s', n.nspname, o.name,
                COALESCE((SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM n.nspacl), 'default'),
                obj_description(n.oid, 'pg_namespace'))
  FROM ext JOIN pg_namespace n ON n.nspname = ext.nspname JOIN role_name o ON o.oid = n.nspowner
  UNION ALL
  SELECT format('initprivs %s %s', pg_describe_object(ip.classoid, ip.objoid, ip.objsubid),
                (SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM ip.initprivs))
  FROM members m JOIN pg_init_privs ip ON ip.classoid = m.classid AND ip.objoid = m.objid
  UNION ALL
  SELECT format('initprivs %s %s', pg_describe_object(ip.classoid, ip.objoid, ip.objsubid),
                (SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM ip.initprivs))
  FROM ext JOIN pg_namespace n ON n.nspname = ext.nspname
  JOIN pg_init_privs ip ON ip.classoid = 'pg_namespace'::regclass AND ip.objoid = n.oid
  UNION ALL
  SELECT format('default privileges in schema %s for %s: %s', n.nspname, o.name,
                (SELECT txt FROM acl_text WHERE acl IS NOT DISTINCT FROM da.defaclacl))
  FROM ext JOIN pg_namespace n ON n.nspname = ext.nspname
  JOIN pg_default_acl da ON da.defaclnamespace = n.oid JOIN role_name o ON o.oid = da.defaclrole
) facts
ORDER BY line COLLATE "C";
