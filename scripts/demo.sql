-- What scripts/demo.sh shows: each auth_ext feature on real calls in a fresh database.
\pset footer off
\echo
\echo '== auth_ext installed'
SELECT extname, extversion FROM pg_extension WHERE extname = 'auth_ext';

\echo
\echo '== Passwords: byte-compatible with Better Auth (scrypt N=16384 r=16 p=1, "<salt>:<key>")'
SELECT auth_ext.hash_password('correct horse battery staple') AS new_hash;
SELECT auth_ext.verify_password('password123',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
  AS hash_written_by_better_auth_verifies;
SELECT auth_ext.verify_password('wrong password',
  '18b93be283860e3d17ea126194173fe0:6c6cca61d466b06cd7f6b1bd50e4687f5e537b3f81d3a1d3c2d119badc1b1bf039acea37e5573492806cfccf16e416a28d57aa4e84cbcd7b573dddbb74feb69c')
  AS wrong_password_verifies;

\echo
\echo '== Settings (secrets are never shown)'
SELECT name, value, is_secret FROM auth_ext.settings();
