
-- ---------------------------------------------------------------------------------------------
-- auth_ext 0.1.0 -> 0.2.0, after the parts. The account operations take their optional inputs
-- in one argument, options jsonb (0.1.0's sign_up_email image, ip_address, user_agent, remember_me,
-- sign_in_email ip_address, user_agent, remember_me, change_password revoke_other_sessions and
-- revoke_sessions except_token are keys of it), so 0.1.0's signatures of these four go: left
-- beside the new ones, a call in named notation such as
-- sign_up_email(email => ..., password => ..., name => ...) would be ambiguous.
-- Every role granted EXECUTE on a 0.1.0 signature since the install (grant_app_role, or by hand)
-- is granted it on the new one, as an ordinary grant: the new function's initial privileges stay
-- what the parts made them, so the catalog equals a fresh install followed by the same grants.
-- Then the 0.1.0 signatures go. Every name is qualified, as in the parts.
-- ---------------------------------------------------------------------------------------------

DO $resign$
DECLARE
  pair record;
  command pg_catalog.text;
  initial pg_catalog.aclitem[];
  had_initial boolean;
BEGIN
  FOR pair IN
    SELECT o.oid AS old_fn, n.oid AS new_fn
      FROM (VALUES ('auth_ext.sign_up_email(text,text,text,text,text,text,boolean)',
                    'auth_ext.sign_up_email(text,text,text,jsonb,text)'),
                   ('auth_ext.sign_in_email(text,text,text,text,boolean)',
                    'auth_ext.sign_in_email(text,text,jsonb,text)'),
                   ('auth_ext.change_password(text,text,text,boolean)',
                    'auth_ext.change_password(text,text,text,jsonb)'),
                   ('auth_ext.revoke_sessions(text,text)',
                    'auth_ext.revoke_sessions(text,jsonb)')) v(old_signature, new_signature)
      JOIN pg_catalog.pg_proc o ON o.oid OPERATOR(pg_catalog.=) pg_catalog.to_regprocedure(v.old_signature)
      JOIN pg_catalog.pg_proc n ON n.oid OPERATOR(pg_catalog.=) pg_catalog.to_regprocedure(v.new_signature)
  LOOP
    had_initial := false;
    SELECT true, ip.initprivs INTO had_initial, initial
      FROM pg_catalog.pg_init_privs ip
     WHERE ip.objoid OPERATOR(pg_catalog.=) pair.new_fn
       AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND ip.objsubid OPERATOR(pg_catalog.=) 0;
    FOR command IN
      SELECT pg_catalog.format('GRANT EXECUTE ON FUNCTION %I.%I(%s) TO %I%s', 'auth_ext', n.proname,
                               pg_catalog.pg_get_function_identity_arguments(n.oid), r.rolname,
                               CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
        FROM pg_catalog.pg_proc o
        CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(o.proacl, pg_catalog.acldefault('f', o.proowner))) a
        JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) a.grantee
        JOIN pg_catalog.pg_proc n ON n.oid OPERATOR(pg_catalog.=) pair.new_fn
       WHERE o.oid OPERATOR(pg_catalog.=) pair.old_fn
         AND a.grantee OPERATOR(pg_catalog.<>) o.proowner
         AND NOT EXISTS (SELECT FROM pg_catalog.pg_init_privs ip
                           CROSS JOIN LATERAL pg_catalog.aclexplode(ip.initprivs) i
                          WHERE ip.objoid OPERATOR(pg_catalog.=) pair.old_fn
                            AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                            AND ip.objsubid OPERATOR(pg_catalog.=) 0
                            AND i.grantee OPERATOR(pg_catalog.=) a.grantee)
    LOOP
      EXECUTE command;
    END LOOP;
    -- A GRANT in an extension script is recorded as an initial privilege; these are the roles'.
    IF had_initial THEN
      UPDATE pg_catalog.pg_init_privs ip SET initprivs = initial
       WHERE ip.objoid OPERATOR(pg_catalog.=) pair.new_fn
         AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
         AND ip.objsubid OPERATOR(pg_catalog.=) 0;
    ELSE
      DELETE FROM pg_catalog.pg_init_privs ip
       WHERE ip.objoid OPERATOR(pg_catalog.=) pair.new_fn
         AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
         AND ip.objsubid OPERATOR(pg_catalog.=) 0;
    END IF;
    SELECT pg_catalog.format('DROP FUNCTION %I.%I(%s)', 'auth_ext', o.proname,
                             pg_catalog.pg_get_function_identity_arguments(o.oid))
      INTO command FROM pg_catalog.pg_proc o WHERE o.oid OPERATOR(pg_catalog.=) pair.old_fn;
    EXECUTE command;
  END LOOP;
END
$resign$;
