"""The password work on a read replica: with ``replica_conninfo``, sign-in and sign-up run the scrypt
there (``auth_ext.password_proof`` / ``password_hash_proof``) and the primary takes the proof.

The "replica" here is a read-only connection to the test database (the topology suite runs the same
against a real streaming standby and counts the primary's scrypt calls). That the primary took a
proof shows in ``auth_ext.used_password_proof``, where each sign-in proof is recorded once.
"""

import logging
import uuid
from collections.abc import AsyncIterator
from urllib.parse import quote

import psycopg
import pytest

from auth_ext_fastapi import AsyncAuthExt, AuthExt
from auth_ext_fastapi.errors import error_code

from .conftest import PASSWORD_FOR_TESTS, _url

READ_ONLY = "options=" + quote("-c default_transaction_read_only=on")
UNREACHABLE = "postgresql://nobody@127.0.0.1:9/none"


def _read_only(dsn: str) -> str:
    return f"{dsn}{'&' if '?' in dsn else '?'}{READ_ONLY}"


def _used_proofs(owner_dsn: str) -> int:
    with psycopg.connect(owner_dsn) as conn:
        row = conn.execute("SELECT count(*) FROM auth_ext.used_password_proof").fetchone()
        return int(row[0]) if row else 0


def _email() -> str:
    return f"proof-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="module")
async def replica_auth(app_dsn: str) -> AsyncIterator[AsyncAuthExt]:
    """The application role's pools: the primary, and a read-only "replica" of the same database."""
    async with AsyncAuthExt(app_dsn, replica_conninfo=_read_only(app_dsn), max_size=4) as auth:
        yield auth


async def test_sign_up_and_sign_in_take_proofs_from_the_replica(replica_auth: AsyncAuthExt, owner_dsn: str) -> None:
    email = _email()
    created = await replica_auth.sign_up_email(email, PASSWORD_FOR_TESTS, "Proof")
    assert created["token"] and created["user"]["email"] == email
    before = _used_proofs(owner_dsn)
    signed_in = await replica_auth.sign_in_email(email, PASSWORD_FOR_TESTS)
    assert signed_in["user"]["id"] == created["user"]["id"] and signed_in["token"]
    assert _used_proofs(owner_dsn) == before + 1, "the primary signed in with the replica's proof"
    # The hash the replica made is Better Auth's format: the password signs in on the primary alone.
    async with AsyncAuthExt(_url("auth_ext_fastapi_pkg_test", "auth_ext_fastapi_test_app"), max_size=1) as primary_only:
        assert (await primary_only.sign_in_email(email, PASSWORD_FOR_TESTS))["token"]


async def test_a_wrong_password_is_answered_by_the_replica_alone(app_dsn: str) -> None:
    email = _email()
    async with AsyncAuthExt(app_dsn, max_size=1) as primary_only:
        await primary_only.sign_up_email(email, PASSWORD_FOR_TESTS, "Proof")
    # The primary cannot be reached: the answer can only have come from the replica.
    auth = AsyncAuthExt(UNREACHABLE, replica_conninfo=_read_only(app_dsn), timeout=0.5, min_size=0)
    await auth.pool.open(wait=False)
    assert auth.replica_pool is not None
    await auth.replica_pool.open(wait=True)
    try:
        for wrong_email, password in ((email, "wrong password 1"), (_email(), PASSWORD_FOR_TESTS)):
            with pytest.raises(psycopg.Error) as info:
                await auth.sign_in_email(wrong_email, password)
            assert error_code(info.value) == "INVALID_EMAIL_OR_PASSWORD"
        with pytest.raises(psycopg.Error) as info:
            await auth.sign_in_email("not-an-email", PASSWORD_FOR_TESTS)
        assert error_code(info.value) == "INVALID_EMAIL"
    finally:
        await auth.close()


async def test_a_replica_that_is_down_falls_back_to_the_primary(
    app_dsn: str, owner_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    email = _email()
    auth = AsyncAuthExt(app_dsn, replica_conninfo=UNREACHABLE, min_size=1)
    await auth.pool.open(wait=True)
    assert auth.replica_pool is not None
    await auth.replica_pool.open(wait=False)
    try:
        with caplog.at_level(logging.WARNING, logger="auth_ext_fastapi"):
            assert (await auth.sign_up_email(email, PASSWORD_FOR_TESTS, "Proof"))["token"]
            before = _used_proofs(owner_dsn)
            assert (await auth.sign_in_email(email, PASSWORD_FOR_TESTS))["token"]
        assert _used_proofs(owner_dsn) == before, "no proof: the primary did the password work"
        assert any("password work on the replica failed" in r.getMessage() for r in caplog.records)
        assert not any(PASSWORD_FOR_TESTS in r.getMessage() for r in caplog.records), "the password is never logged"
    finally:
        await auth.close()


def test_a_refused_proof_is_retried_with_the_password_on_the_primary(
    app_dsn: str, owner_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    email = _email()
    with AuthExt(app_dsn, max_size=1) as primary_only:
        primary_only.sign_up_email(email, PASSWORD_FOR_TESTS, "Proof")
    replica = _other_secret_replica_for(owner_dsn, email)
    try:
        with AuthExt(app_dsn, replica_conninfo=replica, max_size=1) as auth, \
                caplog.at_level(logging.WARNING, logger="auth_ext_fastapi"):
            before = _used_proofs(owner_dsn)
            assert auth.sign_in_email(email, PASSWORD_FOR_TESTS)["token"]
            assert _used_proofs(owner_dsn) == before, "the refused proof left no record; the password signed in"
        assert any("refused a password proof" in r.getMessage() for r in caplog.records)
    finally:
        _drop_other_secret_replica()


_OTHER = "auth_ext_fastapi_pkg_test_other_secret"


def _other_secret_replica_for(owner_dsn: str, email: str) -> str:
    """A "replica" whose better_auth_secret differs from the primary's: another database holding the
    same user and password hash, so its proofs are refused by the primary with INVALID_PASSWORD_PROOF."""
    with psycopg.connect(owner_dsn) as primary:
        user = primary.execute(
            'SELECT u.id, u.name, a.password FROM "user" u JOIN account a ON a."userId" = u.id WHERE u.email = %s',
            (email,),
        ).fetchone()
    assert user is not None
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_OTHER}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{_OTHER}"')
    with psycopg.connect(_url(_OTHER), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION auth_ext")
        conn.execute("SELECT auth_ext.create_better_auth_schema('public')")
        conn.execute("SELECT auth_ext.configure('better_auth_secret', 'another-secret-0123456789abcdef0123456789')")
        conn.execute("SELECT auth_ext.grant_app_role('auth_ext_fastapi_test_app')")
        conn.execute('INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") '
                     "VALUES (%s, %s, %s, false, now(), now())", (user[0], user[1], email))
        conn.execute('INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt") '
                     "VALUES (%s, %s, 'credential', %s, %s, now(), now())", (f"acct-{user[0]}", user[0], user[0], user[2]))
        conn.execute("SELECT auth_ext.get_session('none')")  # builds the views, as a primary's first call does
    return _read_only(_url(_OTHER, "auth_ext_fastapi_test_app"))


def _drop_other_secret_replica() -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_OTHER}" WITH (FORCE)')
