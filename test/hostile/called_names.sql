-- Which function and operator names does some code call? Derived from source text, so a new call
-- is covered without editing a list. Needs traps.sql (schema hostile_kit). Interface:
--
--   hostile_kit.load_function_sources(schema name)   adds the body (pg_proc.prosrc) of every
--       LANGUAGE sql / plpgsql function in schema (string literals included: the SQL they
--       EXECUTE); returns how many.
--   hostile_kit.load_sql_source(origin text, body text)   adds SQL text read whole (an install or
--       upgrade script, say).
--   hostile_kit.load_cpp_source(origin text, body text)   adds C/C++ source text; only its string
--       literals are read (adjacent literals joined, as the compiler joins them).
--   hostile_kit.called_functions() -> (name, origins)   every identifier written before "(",
--       qualified (pg_catalog.foo() included: a look-alike must not be picked even so) or not,
--       that names a pg_catalog function.
--   hostile_kit.called_operators() -> (name, origins)   every operator token (bare or in
--       OPERATOR(pg_catalog.x)) that names a pg_catalog operator, and the operators SQL syntax
--       looks up by name (IN, CASE, NULLIF, IS DISTINCT FROM: =; NOT IN: <>; BETWEEN: >=, <=;
--       LIKE / ILIKE and their negations: ~~, ~~*, !~~, !~~*).
--
-- The scan is deliberately over-inclusive (words in comments and messages that happen to name a
-- pg_catalog function become traps too); extra traps cost time, never correctness.

CREATE TABLE IF NOT EXISTS hostile_kit.source (origin text NOT NULL, kind text NOT NULL, body text NOT NULL);

CREATE OR REPLACE FUNCTION hostile_kit.load_function_sources(schema name)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  n integer;
BEGIN
  INSERT INTO hostile_kit.source (origin, kind, body)
  SELECT p.oid::regprocedure::text, l.lanname, p.prosrc
    FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
   WHERE p.pronamespace = schema::regnamespace AND l.lanname IN ('sql', 'plpgsql');
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION hostile_kit.load_sql_source(origin text, body text)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ INSERT INTO hostile_kit.source (origin, kind, body) VALUES (origin, 'sql', body) $$;

CREATE OR REPLACE FUNCTION hostile_kit.load_cpp_source(origin text, body text)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ INSERT INTO hostile_kit.source (origin, kind, body) VALUES (origin, 'c++', body) $$;

-- The text to scan: SQL bodies whole; for C++, the string literals only.
CREATE OR REPLACE FUNCTION hostile_kit.source_text(OUT origin text, OUT body text)
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT s.origin, s.body FROM hostile_kit.source s WHERE s.kind <> 'c++'
  UNION ALL
  SELECT s.origin,
         regexp_replace(regexp_replace(m[1], '"\s*"', '', 'g'), '^"|"$', '', 'g')
    FROM hostile_kit.source s,
         regexp_matches(s.body, '("(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*)', 'g') AS m
   WHERE s.kind = 'c++'
$$;

CREATE OR REPLACE FUNCTION hostile_kit.called_functions(OUT name text, OUT origins text[])
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT lower(m[1]), array_agg(DISTINCT t.origin ORDER BY t.origin)
    FROM hostile_kit.source_text() t,
         regexp_matches(t.body, '([A-Za-z_][A-Za-z0-9_$]*)\s*\(', 'g') AS m
   WHERE EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname = lower(m[1]))
   GROUP BY 1
   ORDER BY 1
$$;

CREATE OR REPLACE FUNCTION hostile_kit.called_operators(OUT name text, OUT origins text[])
RETURNS SETOF record
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  -- A token, and the token without trailing + or - (how the lexer splits "=-1").
  SELECT c.tok, array_agg(DISTINCT c.origin ORDER BY c.origin)
    FROM (SELECT t.origin, x.tok
            FROM hostile_kit.source_text() t,
                 regexp_matches(t.body, '([-+*/<>=~!@#%^&|`?]+)', 'g') AS m,
                 unnest(ARRAY[m[1], regexp_replace(m[1], '[-+]+$', '')]) AS x(tok)
  UNION ALL
  -- Syntax that calls an operator looked up by name: x IN (...) / CASE x WHEN / NULLIF /
  -- IS DISTINCT FROM use =, NOT IN uses <>, BETWEEN >= and <=, LIKE ~~, ILIKE ~~*.
  SELECT t.origin, x.tok
    FROM hostile_kit.source_text() t,
         (VALUES ('\mIN\s*\(', '='), ('\mCASE\M', '='), ('\mNULLIF\s*\(', '='), ('\mDISTINCT\s+FROM\M', '='),
                 ('\mNOT\s+IN\s*\(', '<>'), ('\mBETWEEN\M', '>='), ('\mBETWEEN\M', '<='),
                 ('\mLIKE\M', '~~'), ('\mNOT\s+LIKE\M', '!~~'), ('\mILIKE\M', '~~*'), ('\mNOT\s+ILIKE\M', '!~~*')) AS x(pattern, tok)
   WHERE t.body ~* x.pattern) c
   WHERE c.tok <> ''
     AND EXISTS (SELECT FROM pg_operator o WHERE o.oprnamespace = 'pg_catalog'::regnamespace AND o.oprname = c.tok)
   GROUP BY 1
   ORDER BY 1
$$;
GRANT SELECT ON hostile_kit.source TO PUBLIC;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hostile_kit TO PUBLIC;
