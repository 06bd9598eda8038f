-- The transaction-scoped identity: set only by a verified token, gone at COMMIT and ROLLBACK,
-- and enforced by row-level security through auth_ext.user_id().
\set VERBOSITY terse
\set hs_key '{"kty":"oct","k":"aWRlbnRpdHktdGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg"}'
SELECT auth_ext.configure('jwt_shared_secret', 'identity-test-secret-0123456789abcdef');
SELECT auth_ext.sign_jwt('{"sub":"alice","exp":4102444800}', :'hs_key') AS alice \gset
SELECT auth_ext.sign_jwt('{"sub":"bob","exp":4102444800}', :'hs_key') AS bob \gset
SELECT set_config('regress.alice', :'alice', false) IS NOT NULL AS token_kept;

-- No identity outside a verified token.
SELECT auth_ext.user_id() IS NULL AS no_identity, auth_ext.claims() IS NULL AS no_claims;

-- Set in a transaction, gone after COMMIT.
BEGIN;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS authenticated;
SELECT auth_ext.user_id() AS inside, auth_ext.claims()->>'exp' AS exp_claim;
COMMIT;
SELECT auth_ext.user_id() IS NULL AS gone_after_commit;

-- Gone after ROLLBACK.
BEGIN;
SELECT auth_ext.authenticate(:'bob')->>'sub' AS authenticated;
ROLLBACK;
SELECT auth_ext.user_id() IS NULL AS gone_after_rollback;

-- A savepoint rolled back takes the identity it set with it (fail closed).
BEGIN;
SAVEPOINT s;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT auth_ext.user_id() IS NULL AS gone_after_rollback_to_savepoint;
COMMIT;

-- A released savepoint hands the identity to its parent: rolling the parent back drops it too,
-- however deep the nesting, and so does a PL/pgSQL exception block that rolls back.
BEGIN;
SAVEPOINT a;
SAVEPOINT b;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS in_nested_savepoint;
RELEASE SAVEPOINT b;
SELECT auth_ext.user_id() AS kept_after_release;
ROLLBACK TO SAVEPOINT a;
SELECT auth_ext.user_id() IS NULL AS gone_after_outer_rollback;
COMMIT;
BEGIN;
SAVEPOINT a;
SAVEPOINT b;
SAVEPOINT c;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS three_deep;
RELEASE SAVEPOINT c;
RELEASE SAVEPOINT b;
ROLLBACK TO SAVEPOINT a;
SELECT auth_ext.user_id() IS NULL AS gone_after_outermost_rollback;
COMMIT;
DO $$
BEGIN
  BEGIN
    BEGIN  -- a block with a handler runs in its own subtransaction, released when it ends
      PERFORM auth_ext.authenticate(current_setting('regress.alice'));
    EXCEPTION WHEN division_by_zero THEN
      NULL;
    END;
    RAISE EXCEPTION 'roll the outer block back';
  EXCEPTION WHEN raise_exception THEN
    NULL;
  END;
  RAISE NOTICE 'identity after the outer exception block: %', COALESCE(auth_ext.user_id(), '(none)');
END
$$;
-- Released all the way up, it stays until the transaction ends.
BEGIN;
SAVEPOINT a;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS authenticated;
RELEASE SAVEPOINT a;
SELECT auth_ext.user_id() AS kept_in_transaction;
COMMIT;
SELECT auth_ext.user_id() IS NULL AS gone_after_commit_again;

-- A failed authentication leaves no identity, even one set before it in the transaction.
BEGIN;
SELECT auth_ext.authenticate(:'alice')->>'sub' AS first;
SAVEPOINT s;
SELECT auth_ext.authenticate(:'bob' || 'tampered');
ROLLBACK TO SAVEPOINT s;
SELECT auth_ext.user_id() IS NULL AS none_after_failed_attempt;
COMMIT;

-- A token without sub cannot become an identity.
SELECT auth_ext.authenticate(auth_ext.sign_jwt('{"exp":4102444800}', :'hs_key'));

-- Neither SET nor set_config can forge it: the auth_ext prefix is reserved.
SET auth_ext.user_id = 'alice';
SELECT set_config('auth_ext.user_id', 'alice', false);
SELECT auth_ext.user_id() IS NULL AS still_no_identity;

-- Row-level security from the verified identity alone.
CREATE FUNCTION pg_temp.explain_lines(query text) RETURNS TABLE ("QUERY PLAN" text) LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query; END $$;
CREATE ROLE auth_ext_regress_app;
GRANT auth_ext_regress_app TO CURRENT_USER;  -- lets a non-superuser owner (CREATEROLE) SET ROLE to it
CREATE TABLE note (id int PRIMARY KEY, user_id text NOT NULL, body text NOT NULL);
ALTER TABLE note ENABLE ROW LEVEL SECURITY;
CREATE POLICY note_owner ON note USING (user_id = (SELECT auth_ext.user_id()))
  WITH CHECK (user_id = (SELECT auth_ext.user_id()));
GRANT SELECT, INSERT, UPDATE, DELETE ON note TO auth_ext_regress_app;
GRANT USAGE ON SCHEMA auth_ext TO auth_ext_regress_app;
INSERT INTO note VALUES (1, 'alice', 'alice''s note'), (2, 'bob', 'bob''s note');
SET ROLE auth_ext_regress_app;
SELECT count(*) AS rows_without_identity FROM note;
BEGIN;
SELECT auth_ext.authenticate(:'alice') IS NOT NULL AS alice_in;
SELECT id, body FROM note ORDER BY id;
UPDATE note SET body = 'taken over' WHERE id = 2;
INSERT INTO note VALUES (3, 'bob', 'written as bob');
COMMIT;
BEGIN;
SELECT auth_ext.authenticate(:'bob') IS NOT NULL AS bob_in;
SELECT id, body FROM note ORDER BY id;
COMMIT;
SELECT count(*) AS rows_after_commit FROM note;
RESET ROLE;

-- Parallel query: the InitPlan (SELECT auth_ext.user_id()) runs in the leader and its value is
-- passed to the workers, which never call user_id() themselves (it is PARALLEL RESTRICTED).
CREATE TABLE big_note AS
  SELECT g AS id, CASE WHEN g % 4 = 0 THEN 'alice' ELSE 'bob' END AS user_id FROM generate_series(1, 100000) g;
ALTER TABLE big_note ENABLE ROW LEVEL SECURITY;
CREATE POLICY big_note_owner ON big_note USING (user_id = (SELECT auth_ext.user_id()));
GRANT SELECT ON big_note TO auth_ext_regress_app;
ANALYZE big_note;
SET ROLE auth_ext_regress_app;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
BEGIN;
SELECT auth_ext.authenticate(:'alice') IS NOT NULL AS alice_in;
SELECT bool_or("QUERY PLAN" LIKE '%Gather%') AS parallel_plan, bool_or("QUERY PLAN" LIKE '%InitPlan%') AS init_plan
FROM pg_temp.explain_lines('SELECT count(*) FROM big_note');
SELECT count(*) AS alice_rows_in_parallel FROM big_note;
COMMIT;
RESET ROLE;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE big_note;
DROP TABLE note;
REVOKE USAGE ON SCHEMA auth_ext FROM auth_ext_regress_app;
DROP ROLE auth_ext_regress_app;
SELECT auth_ext.configure('jwt_shared_secret', NULL);
