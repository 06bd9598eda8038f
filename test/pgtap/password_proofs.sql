-- pgTAP: password proofs (scrypt on a standby, the primary checks a proof and writes). A sign-in
-- proof signs in once; every refusal of the issue is checked: reused, another user's, one character
-- changed, expired, from the future, made before a password change, user deleted, another kind,
-- another secret; password_proof refuses an unknown email and a wrong password with the identical
-- error; a new-password proof makes a user whose hash Better Auth's format verifies.
BEGIN;
SELECT no_plan();

SELECT auth_ext.create_better_auth_schema();
SELECT auth_ext.configure('better_auth_secret', 'proof-test-secret-0123456789abcdef0123456789');
SELECT auth_ext.sign_up_email('alice@example.com', 'alice-password-1', 'Alice');
SELECT auth_ext.sign_up_email('bob@example.com', 'bob-password-1', 'Bob');

CREATE TEMP TABLE p AS SELECT auth_ext.password_proof('Alice@Example.com', 'alice-password-1') AS proof;
SELECT alike((SELECT proof FROM p), 'ap1.%', 'password_proof returns a sealed proof');
SELECT is((auth_ext.sign_in_email(email => 'alice@example.com', password => NULL,
                                  password_proof => (SELECT proof FROM p))) -> 'user' ->> 'email',
          'alice@example.com', 'sign_in_email takes the proof in place of the password and signs in');
SELECT is((SELECT count(*) FROM session s JOIN "user" u ON u.id = s."userId" WHERE u.email = 'alice@example.com'),
          2::bigint, 'and writes a session (sign-up''s and this one)');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email(email => 'alice@example.com', password => NULL, password_proof => %L)$$,
                        (SELECT proof FROM p)),
                 '28P01', 'INVALID_PASSWORD_PROOF: The password proof was used already', 'a proof signs in once');

-- Another user's proof, for this email.
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email(email => 'bob@example.com', password => NULL, password_proof => %L)$$,
                        auth_ext.password_proof('alice@example.com', 'alice-password-1')),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'another user''s proof is refused');

-- One character changed, anywhere.
CREATE TEMP TABLE fresh AS SELECT auth_ext.password_proof('alice@example.com', 'alice-password-1') AS proof;
SELECT is((SELECT count(*) FROM fresh, generate_series(5, length(fresh.proof)) i
            WHERE auth_ext._open_password_proof(overlay(fresh.proof placing
                    CASE WHEN substr(fresh.proof, i, 1) = 'A' THEN 'B' ELSE 'A' END FROM i FOR 1)) IS NOT NULL),
          0::bigint, 'no proof with one character changed opens');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        (SELECT left(proof, -2) || CASE WHEN right(proof, 2) = 'AA' THEN 'BB' ELSE 'AA' END FROM fresh)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a changed proof is refused');

-- Expired, and from the future: sealed by the owner with a chosen time.
CREATE TEMP TABLE forged AS
SELECT auth_ext._seal_password_proof(jsonb_build_object(
         'k', 'sign-in', 'u', (SELECT id FROM "user" WHERE email = 'alice@example.com'),
         'h', auth_ext._hash_digest((SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'alice@example.com')),
         't', (extract(epoch FROM clock_timestamp()) * 1000)::bigint + shift_ms, 'n', 'forged-' || shift_ms)::text) AS proof,
       shift_ms
  FROM (VALUES (-61000), (-30000), (10000)) v(shift_ms);
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        (SELECT proof FROM forged WHERE shift_ms = -61000)),
                 '28P01', 'INVALID_PASSWORD_PROOF: The password proof has expired', 'a proof older than 60 s is refused');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        (SELECT proof FROM forged WHERE shift_ms = 10000)),
                 '28P01', 'INVALID_PASSWORD_PROOF: The password proof has expired', 'a proof from 10 s in the future is refused');
SELECT lives_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                       (SELECT proof FROM forged WHERE shift_ms = -30000)),
                'a proof 30 s old (replica lag) is taken');
SELECT auth_ext.configure('password_proof_max_age_seconds', '10');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        auth_ext._seal_password_proof(((SELECT proof FROM forged WHERE shift_ms = -30000) IS NOT NULL)::text)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a sealed payload that is not a proof is refused');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        auth_ext._seal_password_proof(jsonb_build_object('k', 'sign-in', 't',
                          (extract(epoch FROM clock_timestamp()) * 1000)::bigint, 'h', 'x', 'u', 'y')::text)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a sealed sign-in payload without a nonce is refused');
SELECT auth_ext.configure('password_proof_max_age_seconds', '60');

-- Made before a password change: the hash it was bound to is gone.
CREATE TEMP TABLE before_change AS SELECT auth_ext.password_proof('alice@example.com', 'alice-password-1') AS proof;
SELECT auth_ext.set_password((SELECT id FROM "user" WHERE email = 'alice@example.com'), 'alice-password-2');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$, (SELECT proof FROM before_change)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a proof made before a password change is refused');

-- The user deleted between proof and sign-in.
CREATE TEMP TABLE before_delete AS SELECT auth_ext.password_proof('bob@example.com', 'bob-password-1') AS proof;
SELECT auth_ext.delete_user((SELECT id FROM "user" WHERE email = 'bob@example.com'));
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('bob@example.com', NULL, '{}', %L)$$, (SELECT proof FROM before_delete)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a proof of a deleted user is refused');

-- Email verification still applies after a proof, as after a password.
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{"require_email_verification": true}', %L)$$,
                        auth_ext.password_proof('alice@example.com', 'alice-password-2')),
                 '28000', 'EMAIL_NOT_VERIFIED: Email not verified', 'require_email_verification applies to a proof sign-in');

-- Password and proof together; a new-password proof for sign-in; a sign-in proof for sign-up.
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', 'alice-password-2', '{}', %L)$$,
                        auth_ext.password_proof('alice@example.com', 'alice-password-2')),
                 '22023', 'VALIDATION_ERROR: Give password or password_proof, not both', 'password and proof together are refused');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('alice@example.com', NULL, '{}', %L)$$,
                        auth_ext.password_hash_proof('alice-password-2')),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a new-password proof does not sign in');
SELECT throws_ok(format($$SELECT auth_ext.sign_up_email('carol@example.com', NULL, 'Carol', '{}', %L)$$,
                        auth_ext.password_proof('alice@example.com', 'alice-password-2')),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a sign-in proof does not sign up');

-- password_proof refuses like sign_in_email, and identically for an unknown email and a wrong password.
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; hin text; ctx text;
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                          hin = PG_EXCEPTION_HINT, ctx = PG_EXCEPTION_CONTEXT;
  RETURN concat_ws(' | ', st, msg, det, hin, ctx);
END $$;
SELECT alike(pg_temp.error_of($$SELECT auth_ext.password_proof('alice@example.com', 'wrong-password')$$),
            '28P01 | INVALID_EMAIL_OR_PASSWORD: Invalid email or password%', 'a wrong password: 28P01');
-- (the context's last lines quote this test's own statement, which names the email)
SELECT is(replace(pg_temp.error_of($$SELECT auth_ext.password_proof('nobody@example.com', 'wrong-password')$$), 'nobody@', 'X@'),
          replace(pg_temp.error_of($$SELECT auth_ext.password_proof('alice@example.com', 'wrong-password')$$), 'alice@', 'X@'),
          'an unknown email: the identical error (SQLSTATE, message, detail, hint, context)');
SELECT throws_ok($$SELECT auth_ext.password_proof('not-an-email', 'x')$$, '22023', 'INVALID_EMAIL: Invalid email', 'a bad email');
SELECT throws_ok($$SELECT auth_ext.password_proof('alice@example.com', NULL)$$, '22023',
                 'VALIDATION_ERROR: Password is required', 'no password');
SELECT throws_ok(format($$SELECT auth_ext.password_proof('alice@example.com', %L)$$, repeat('x', 129)), '22023',
                 'PASSWORD_TOO_LONG: Password too long', 'a password over max_password_length');
SELECT throws_ok($$SELECT auth_ext.password_proof(NULL, 'x')$$, '22023', 'INVALID_EMAIL: Invalid email', 'a NULL email');

-- Sign-up with a hash made elsewhere: the credential account stores it, Better Auth's format.
CREATE TEMP TABLE carol AS
  SELECT auth_ext.sign_up_email(email => 'carol@example.com', password => NULL, name => 'Carol',
                                password_proof => auth_ext.password_hash_proof('carol-password-1')) AS r;
SELECT ok((SELECT r ->> 'token' FROM carol) IS NOT NULL, 'sign_up_email takes a new-password proof and signs up');
SELECT ok(auth_ext.verify_password('carol-password-1',
            (SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'carol@example.com')),
          'the stored hash is the proof''s, and the password verifies');
SELECT lives_ok($$SELECT auth_ext.sign_in_email('carol@example.com', 'carol-password-1')$$, 'and signs in with the password');
SELECT throws_ok($$SELECT auth_ext.password_hash_proof('short')$$, '22023', 'PASSWORD_TOO_SHORT: Password too short',
                 'password_hash_proof checks the password rules');
SELECT throws_ok($$SELECT auth_ext.sign_up_email('dave@example.com', NULL, 'Dave')$$, '22023',
                 'VALIDATION_ERROR: Password is required', 'no password and no proof');

-- Password change through proofs: the current password's (password_proof) and the new one's.
CREATE TEMP TABLE changed AS
  SELECT auth_ext.change_password((SELECT id FROM "user" WHERE email = 'carol@example.com'), NULL, NULL,
           jsonb_build_object('current_password_proof', auth_ext.password_proof('carol@example.com', 'carol-password-1'),
                              'new_password_proof', auth_ext.password_hash_proof('carol-password-2'))) AS r;
SELECT ok((SELECT r ->> 'token' FROM changed) IS NOT NULL, 'change_password takes both proofs');
SELECT ok(auth_ext.verify_password('carol-password-2',
            (SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'carol@example.com')),
          'and stores the new proof''s hash');
SELECT throws_ok(format($$SELECT auth_ext.change_password(%L, NULL, 'carol-password-3', %L)$$,
                        (SELECT id FROM "user" WHERE email = 'carol@example.com'),
                        jsonb_build_object('current_password_proof', auth_ext.password_proof('alice@example.com', 'alice-password-2'))),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'another user''s proof does not change a password');
CREATE TEMP TABLE old_current AS SELECT auth_ext.password_proof('carol@example.com', 'carol-password-2') AS proof;
SELECT auth_ext.set_password((SELECT id FROM "user" WHERE email = 'carol@example.com'), 'carol-password-1');
SELECT throws_ok(format($$SELECT auth_ext.change_password(%L, NULL, 'carol-password-3', %L)$$,
                        (SELECT id FROM "user" WHERE email = 'carol@example.com'),
                        jsonb_build_object('current_password_proof', (SELECT proof FROM old_current))),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a proof of a password changed since is refused');
SELECT throws_ok(format($$SELECT auth_ext.change_password(%L, 'carol-password-1', NULL, %L)$$,
                        (SELECT id FROM "user" WHERE email = 'carol@example.com'),
                        jsonb_build_object('new_password_proof', auth_ext.password_proof('carol@example.com', 'carol-password-1'))),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a sign-in proof is not a new password');
SELECT throws_ok(format($$SELECT auth_ext.change_password(%L, 'carol-password-1', 'carol-password-3', %L)$$,
                        (SELECT id FROM "user" WHERE email = 'carol@example.com'),
                        jsonb_build_object('new_password_proof', auth_ext.password_hash_proof('carol-password-3'))),
                 '22023', 'VALIDATION_ERROR: change_password: give the new password or its proof, not both',
                 'a new password and its proof together are refused');

-- Password reset with a new-password proof.
SELECT lives_ok(format($$SELECT auth_ext.reset_password(%L, NULL, %L)$$,
                       auth_ext.request_password_reset('carol@example.com') ->> 'token',
                       jsonb_build_object('new_password_proof', auth_ext.password_hash_proof('carol-password-4'))),
                'reset_password takes a new-password proof');
SELECT ok(auth_ext.verify_password('carol-password-4',
            (SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = 'carol@example.com')),
          'and stores its hash');
SELECT auth_ext.set_password((SELECT id FROM "user" WHERE email = 'carol@example.com'), 'carol-password-1');

-- Another secret: every proof made before is refused.
CREATE TEMP TABLE before_rotation AS SELECT auth_ext.password_proof('carol@example.com', 'carol-password-1') AS proof;
SELECT auth_ext.configure('better_auth_secret', 'proof-test-secret-rotated-0123456789abcdef0123');
SELECT throws_ok(format($$SELECT auth_ext.sign_in_email('carol@example.com', NULL, '{}', %L)$$, (SELECT proof FROM before_rotation)),
                 '28P01', 'INVALID_PASSWORD_PROOF: Invalid or expired password proof', 'a proof sealed with another secret is refused');

-- Used proofs are forgotten once they could no longer be used anyway.
UPDATE auth_ext.used_password_proof SET expires_at = now() - interval '1 second';
SELECT lives_ok(format($$SELECT auth_ext.sign_in_email('carol@example.com', NULL, '{}', %L)$$,
                       auth_ext.password_proof('carol@example.com', 'carol-password-1')), 'a further proof sign-in');
SELECT is((SELECT count(*) FROM auth_ext.used_password_proof WHERE expires_at < clock_timestamp()), 0::bigint,
          'deletes the used proofs that expired');

SELECT * FROM finish();
ROLLBACK;
