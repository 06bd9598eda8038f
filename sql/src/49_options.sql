
-- ---------------------------------------------------------------------------------------------
-- The account operations' options. Each operation takes its required inputs as typed arguments
-- and everything optional in one argument, options jsonb, whose keys are the option names; so an
-- option is added by one line in the operation's list of keys (and its use), with no new
-- signature, upgrade step or grant. One validator checks every operation's options, so a typo
-- or a value of the wrong kind is an error, never silently ignored.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION auth_ext._options(fn text, options jsonb, allowed jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  key text;
  value jsonb;
  kind text;
  given text;
  cleaned jsonb := CAST('{}' AS jsonb);
BEGIN
  -- The common calls (no options) cost one comparison.
  IF options IS NULL OR options = CAST('{}' AS jsonb) THEN
    RETURN cleaned;
  END IF;
  IF jsonb_typeof(options) <> 'object' THEN
    PERFORM auth_ext._raise('VALIDATION_ERROR',
                            format('options of %s must be a JSON object, not a JSON %s', fn, jsonb_typeof(options)));
  END IF;
  FOR key, value IN SELECT e.key, e.value FROM jsonb_each(options) e LOOP
    kind := allowed ->> key;
    IF kind IS NULL THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR',
                              format('unknown option "%s" of %s; its options are: %s', key, fn,
                                     (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(allowed) k)));
    END IF;
    given := jsonb_typeof(value);
    CONTINUE WHEN given = 'null';  -- JSON null: not given (the default applies)
    IF given <> kind
       AND NOT (kind = 'integer' AND given = 'number'
                AND CAST(value AS numeric) = trunc(CAST(value AS numeric))
                AND CAST(value AS numeric) BETWEEN -2147483648 AND 2147483647) THEN
      PERFORM auth_ext._raise('VALIDATION_ERROR',
                              format('option "%s" of %s must be a JSON %s, not %s', key, fn,
                                     CASE kind WHEN 'integer' THEN 'integer number (32 bits)' ELSE kind END,
                                     CASE WHEN given = 'number' THEN 'the number ' || CAST(value AS text)
                                          WHEN given IN ('array', 'object') THEN 'an ' || given
                                          ELSE 'a ' || given END));
    END IF;
    cleaned := cleaned || jsonb_build_object(key, value);
  END LOOP;
  RETURN cleaned;
END
$$;
COMMENT ON FUNCTION auth_ext._options(text, jsonb, jsonb) IS
'Internal: checks the options argument of the account operation fn against allowed, a JSON object of option name: '
'kind (string, boolean, integer (a JSON number that is a 32-bit integer), object), and returns the options given, '
'without JSON nulls (null means not given: the default applies). NULL or {} is no options. 22023 VALIDATION_ERROR '
'when options is not a JSON object, for a key not in allowed (naming the key and the keys fn takes), and for a value '
'of the wrong JSON kind (naming the key and the kind expected).';
