-- The hostile-schema test's path runner (needs traps.sql). A "path" is one statement run as a
-- given role with the caller's search_path of an application (Better Auth's schema and public on
-- it, both full of traps), in its own subtransaction, so an error ends only that path. Every trap
-- that fires is attributed to the path, also when the path's subtransaction rolls back (the
-- advisory-lock witnesses survive it).

CREATE TABLE IF NOT EXISTS hostile_kit.path_result (
  seq serial PRIMARY KEY,
  path text NOT NULL UNIQUE,
  role name NOT NULL,
  caller_path text,
  statement text NOT NULL,
  expect text NOT NULL,          -- 'ok' or the SQLSTATE the path must end with
  outcome text,                  -- 'ok' or the SQLSTATE it ended with
  message text,
  result text
);
CREATE TABLE IF NOT EXISTS hostile_kit.fired (path text NOT NULL, trap_id integer NOT NULL, role name);

-- Moves this session's witnesses into hostile_kit.fired under path, then releases them.
CREATE OR REPLACE FUNCTION hostile_kit.collect(path text)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO hostile_kit.fired (path, trap_id, role)
  SELECT COALESCE(NULLIF(collect.path, ''), '(outside any path)'), w.trap_id, w.role FROM hostile_kit.witnessed() w;
  SELECT hostile_kit.forget_witnesses();
$$;

-- Runs statement as as_role under caller_path (default: the setting hostile_kit.caller_path);
-- read_only: in a read-only subtransaction that is always rolled back afterwards.
CREATE OR REPLACE FUNCTION hostile_kit.run_path(path text, as_role name, statement text, expect text DEFAULT 'ok',
                                                read_only boolean DEFAULT false, caller_path text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  res text;
  state text;
  msg text;
BEGIN
  PERFORM hostile_kit.collect(current_setting('hostile_kit.path', true));  -- fired since the last path
  PERFORM set_config('hostile_kit.path', path, false);
  BEGIN
    IF read_only THEN
      PERFORM set_config('transaction_read_only', 'on', true);
    END IF;
    PERFORM set_config('role', as_role, true);
    PERFORM set_config('search_path', COALESCE(caller_path, current_setting('hostile_kit.caller_path')), true);
    EXECUTE statement INTO res;
    -- Still under the caller's path: qualified.
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    PERFORM pg_catalog.set_config('role', 'none', true);
    state := 'ok';
    IF read_only THEN
      RAISE EXCEPTION 'roll the read-only path back' USING ERRCODE = 'HT999';
    END IF;
  EXCEPTION
    WHEN SQLSTATE 'HT999' THEN NULL;
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  END;
  INSERT INTO hostile_kit.path_result (path, role, caller_path, statement, expect, outcome, message, result)
  VALUES (path, as_role, COALESCE(caller_path, current_setting('hostile_kit.caller_path')), statement, expect, state, msg, res);
  PERFORM hostile_kit.collect(path);
  PERFORM set_config('hostile_kit.path', '', false);
END
$$;

-- What a path returned (NULL when it failed).
CREATE OR REPLACE FUNCTION hostile_kit.result(path text)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT r.result FROM hostile_kit.path_result r WHERE r.path = result.path $$;

-- Every firing: the trap, the role it ran as, and what its payload gained (when its log row
-- survived; a path that rolled back keeps only the witness).
CREATE OR REPLACE VIEW hostile_kit.fired_report AS
  SELECT f.path, t.kind, t.schema_name || '.' || t.name || '(' || t.argtypes || ')' AS trap, t.mimics, f.role AS as_role,
         COALESCE((SELECT string_agg(DISTINCT g, '; ') FROM hostile_kit.trap_log l, unnest(l.gained) g
                    WHERE l.trap_id = f.trap_id AND l.path = f.path), '') AS gained,
         NOT EXISTS (SELECT FROM hostile_kit.trap_log l WHERE l.trap_id = f.trap_id AND l.path = f.path) AS rolled_back
    FROM (SELECT DISTINCT path, trap_id, role FROM hostile_kit.fired) f
    JOIN hostile_kit.trap t ON t.id = f.trap_id;

-- A path's result as JSON (NULL when it failed or returned no JSON).
CREATE OR REPLACE FUNCTION hostile_kit.json(path text)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN hostile_kit.result(path)::jsonb;
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END
$$;
