"""A streaming hot standby of the primary (pg_basebackup -R).

Reads work there (tokens, sessions, identity, RLS, passwords); every account write answers the
coded 25006; the package does the password work of sign-up and sign-in there (password proofs) and
the primary runs no scrypt; a key added or deleted on the primary is honoured by a standby backend that cached
the old state, once replayed; the package and the example send reads to the replica and writes
to the primary.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from auth_ext_fastapi import (
    AsyncAuthExt,
    AuthExt,
    AuthExtError,
    Credential,
    CredentialKind,
    CredentialSource,
    auth_router,
    install_exception_handlers,
)
from fastapi import FastAPI

from conftest import (
    APP_URLS,
    PASSWORD,
    STANDBY_OWNER_URL,
    SigningKey,
    add_key,
    delete_key,
    owner_connect,
    settings,
    sign,
    wait_for_replay,
)
from todo_api.main import create_app


def standby(role: str = "app") -> psycopg.Connection[Any]:
    target = APP_URLS["standby"] if role == "app" else STANDBY_OWNER_URL
    return psycopg.connect(target, autocommit=True, connect_timeout=5)


def value(conn: psycopg.Connection[Any], sql: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def sqlstate(conn: psycopg.Connection[Any], sql: str, params: tuple[Any, ...] = ()) -> tuple[str | None, str]:
    try:
        conn.execute(sql, params)
    except psycopg.Error as exc:
        return exc.sqlstate, exc.diag.message_primary or ""
    return None, ""


def sign_up_on_primary(label: str) -> dict[str, Any]:
    email = f"{label}-{uuid.uuid4().hex[:8]}@example.com"
    with owner_connect() as conn:
        result: dict[str, Any] = value(conn, "SELECT auth_ext.sign_up_email(%s, %s, %s)", (email, PASSWORD, label))
    return result


@pytest.fixture(scope="module")
def replay_paused_guard() -> Iterator[None]:
    """Makes sure replay is running again whatever a test did."""
    yield
    with standby("owner") as conn:
        conn.execute("SELECT pg_wal_replay_resume()")


def test_reads_on_the_standby() -> None:
    user = sign_up_on_primary("standby-reads")
    uid, token = user["user"]["id"], user["token"]
    key = SigningKey.generate()
    add_key(key)
    jwt = sign(key, uid)
    with owner_connect() as conn:
        conn.execute("INSERT INTO todo (user_id, title) VALUES (%s, 'mine 1'), (%s, 'mine 2')", (uid, uid))
        hash_ = value(conn, """SELECT password FROM account WHERE "userId" = %s""", (uid,))
    other = sign_up_on_primary("standby-other")
    with owner_connect() as conn:
        conn.execute("INSERT INTO todo (user_id, title) VALUES (%s, 'not mine')", (other["user"]["id"],))
    wait_for_replay()

    with standby() as conn:
        assert value(conn, "SELECT pg_is_in_recovery()") is True
        assert value(conn, "SELECT auth_ext.verify_jwt(%s)->>'sub'", (jwt,)) == uid
        with conn.transaction():
            assert value(conn, "SELECT auth_ext.authenticate(%s)->>'sub'", (jwt,)) == uid
            assert value(conn, "SELECT auth_ext.user_id()") == uid
            assert value(conn, "SELECT auth_ext.claims()->>'sub'") == uid
            titles = conn.execute("SELECT title FROM todo ORDER BY title").fetchall()
            assert titles == [("mine 1",), ("mine 2",)]
        assert value(conn, "SELECT auth_ext.user_id()") is None
        session = value(conn, "SELECT auth_ext.get_session(%s)", (token,))
        assert session["user"]["id"] == uid and session["session"]["token"] == token
        with conn.transaction():
            assert value(conn, "SELECT auth_ext.authenticate_session(%s)->>'sub'", (token,)) == uid
            assert value(conn, "SELECT auth_ext.user_id()") == uid
            assert value(conn, "SELECT count(*) FROM todo") == 2
        assert value(conn, "SELECT auth_ext.verify_password(%s, %s)", (PASSWORD, hash_)) is True
        assert value(conn, "SELECT auth_ext.verify_password(%s, %s)", ("wrong password", hash_)) is False
        assert len(value(conn, "SELECT auth_ext.hash_password(%s)", (PASSWORD,))) == 161


def test_sessions_on_the_standby_are_neither_refreshed_nor_deleted() -> None:
    due, expired = sign_up_on_primary("standby-due"), sign_up_on_primary("standby-expired")
    with owner_connect() as conn:
        # due for Better Auth's sliding refresh (updateAge passed), and expired
        conn.execute(
            """UPDATE session SET "expiresAt" = date_trunc('milliseconds', now()) + interval '1 day',
                                  "updatedAt" = now() - interval '6 days' WHERE token = %s""",
            (due["token"],),
        )
        conn.execute("""UPDATE session SET "expiresAt" = now() - interval '1 minute' WHERE token = %s""", (expired["token"],))
        due_expires = value(conn, """SELECT "expiresAt" FROM session WHERE token = %s""", (due["token"],))
    wait_for_replay()
    with standby() as conn:
        got = value(conn, "SELECT auth_ext.get_session(%s)", (due["token"],))
        assert got is not None and got["user"]["id"] == due["user"]["id"]
        with conn.transaction():
            assert value(conn, "SELECT auth_ext.authenticate_session(%s)->>'sub'", (due["token"],)) == due["user"]["id"]
        assert value(conn, "SELECT auth_ext.get_session(%s)", (expired["token"],)) is None
        with pytest.raises(psycopg.errors.InvalidAuthorizationSpecification), conn.transaction():
            conn.execute("SELECT auth_ext.authenticate_session(%s)", (expired["token"],))
    for connect in (lambda: standby("owner"), owner_connect):
        with connect() as conn:
            # nothing was written: both rows as they were, on the standby and on the primary
            assert value(conn, """SELECT "expiresAt" FROM session WHERE token = %s""", (due["token"],)) == due_expires
            assert value(conn, "SELECT count(*) FROM session WHERE token = %s", (expired["token"],)) == 1


def test_every_write_on_the_standby_is_the_coded_25006() -> None:
    user = sign_up_on_primary("standby-writes")
    uid, token = user["user"]["id"], user["token"]
    email = user["user"]["email"]
    wait_for_replay()
    app_calls: list[tuple[str, tuple[Any, ...]]] = [
        ("SELECT auth_ext.sign_up_email(%s, %s, %s)", (f"new-{uuid.uuid4().hex[:8]}@example.com", PASSWORD, "N")),
        ("SELECT auth_ext.sign_in_email(%s, %s)", (email, PASSWORD)),
        ("SELECT auth_ext.sign_out(%s)", (token,)),
        ("SELECT auth_ext.change_password(%s, %s, %s)", (uid, PASSWORD, "another long password")),
    ]
    owner_calls: list[tuple[str, tuple[Any, ...]]] = [
        ("SELECT auth_ext.set_password(%s, %s)", (uid, "another long password")),
        ("SELECT auth_ext.revoke_sessions(%s)", (uid,)),
        ("SELECT auth_ext.delete_user(%s)", (uid,)),
    ]
    refused = 0
    for role, calls in (("app", app_calls), ("owner", owner_calls)):
        with standby(role) as conn:
            for sql, params in calls:
                state, message = sqlstate(conn, sql, params)
                assert state == "25006", (sql, state, message)
                assert message.startswith("READ_ONLY: "), message
                refused += 1
    with standby("owner") as conn:
        assert sqlstate(conn, "SELECT auth_ext.configure('jwt_leeway_seconds', '5')")[0] == "25006"
    assert refused == 7
    with owner_connect() as conn:  # and the user is intact on the primary
        assert value(conn, "SELECT auth_ext.get_session(%s)->'user'->>'id'", (token,)) == uid


def test_keys_added_and_deleted_on_the_primary_are_honoured_once_replayed() -> None:
    user = sign_up_on_primary("standby-keys")
    uid = user["user"]["id"]
    k1, k2, k3 = SigningKey.generate(), SigningKey.generate(), SigningKey.generate()
    add_key(k1)
    t1 = sign(k1, uid)
    wait_for_replay()
    with standby() as conn:  # one backend throughout: its key cache saw every earlier state
        verified = "SELECT auth_ext.verify_jwt(%s)->>'sub'"
        assert value(conn, verified, (t1,)) == uid
        t2 = sign(k2, uid)
        assert sqlstate(conn, verified, (t2,))[0] == "28000"  # not there yet
        add_key(k2)
        wait_for_replay()
        assert value(conn, verified, (t2,)) == uid
        delete_key(k1.kid)
        wait_for_replay()
        assert sqlstate(conn, verified, (t1,))[0] == "28000"
        with owner_connect() as primary:
            primary.execute('UPDATE jwks SET "publicKey" = %s WHERE id = %s', (json.dumps(k3.public), k2.kid))
        wait_for_replay()
        assert sqlstate(conn, verified, (t2,))[0] == "28000"
        assert value(conn, verified, (sign(k3.with_kid(k2.kid), uid),)) == uid
        # a settings change too
        with owner_connect() as primary:
            primary.execute("SELECT auth_ext.configure('jwt_audience', 'https://elsewhere.example')")
        try:
            wait_for_replay()
            assert sqlstate(conn, verified, (sign(k3.with_kid(k2.kid), uid),))[0] == "28000"
        finally:
            with owner_connect() as primary:
                primary.execute("SELECT auth_ext.configure('jwt_audience', %s)", (settings().audience,))
        wait_for_replay()
        assert value(conn, verified, (sign(k3.with_kid(k2.kid), uid),)) == uid


async def test_the_package_reads_on_the_replica_and_writes_on_the_primary(replay_paused_guard: None) -> None:
    auth = AsyncAuthExt(APP_URLS["primary"], replica_conninfo=APP_URLS["standby"], max_size=2)
    app = FastAPI()
    install_exception_handlers(app)
    app.include_router(auth_router(auth))
    # the same app pointed at the standby alone: writes are 503 READ_ONLY, never a 500
    only_standby = AsyncAuthExt(APP_URLS["standby"], max_size=2)
    misconfigured = FastAPI()
    install_exception_handlers(misconfigured)
    misconfigured.include_router(auth_router(only_standby))

    async with auth, only_standby, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=30
    ) as client, httpx.AsyncClient(
        transport=httpx.ASGITransport(app=misconfigured), base_url="http://testserver", timeout=30
    ) as wrong:
        email = f"replica-pkg-{uuid.uuid4().hex[:8]}@example.com"
        body = {"email": email, "password": PASSWORD, "name": "R"}
        for path, payload in (("/auth/sign-up/email", body), ("/auth/sign-in/email", body)):
            r = await wrong.post(path, json=payload)
            assert r.status_code == 503 and r.json()["code"] == "READ_ONLY", r.text

        with standby("owner") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        # replay paused: sign-up and sign-in on the primary; the replica does not have the session,
        # so get-session asks the primary
        up = await client.post("/auth/sign-up/email", json=body)
        assert up.status_code == 200, up.text
        token = up.json()["token"]
        got = await client.get("/auth/get-session", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.json()["user"]["email"] == email
        with standby() as conn:
            assert value(conn, "SELECT auth_ext.get_session(%s)", (token,)) is None
        with standby("owner") as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        wait_for_replay()
        with standby() as conn:
            assert value(conn, "SELECT auth_ext.get_session(%s)->'user'->>'email'", (token,)) == email
        signed_out = await client.post("/auth/sign-out", headers={"Authorization": f"Bearer {token}"})
        assert signed_out.status_code == 200
        wait_for_replay()  # a sign-out reaches the replica's reads once replayed
        got = await client.get("/auth/get-session", headers={"Authorization": f"Bearer {token}"})
        assert got.status_code == 200 and got.json() is None


async def test_the_example_sends_reads_to_the_replica(replay_paused_guard: None) -> None:
    app = create_app(settings(app_replica_database_url_override=APP_URLS["standby"], pool_size=2))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=30
    ) as client:
        email = f"replica-example-{uuid.uuid4().hex[:8]}@example.com"
        up = await client.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "E"})
        assert up.status_code == 200, up.text
        auth = {"Authorization": f"Bearer {up.json()['token']}"}
        first = await client.post("/todos", json={"title": "first"}, headers=auth)
        assert first.status_code == 201
        wait_for_replay()
        assert [t["title"] for t in (await client.get("/todos", headers=auth)).json()] == ["first"]

        with standby("owner") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        try:
            # writes go to the primary; the list comes from the replica, which has not replayed it
            second = await client.post("/todos", json={"title": "second"}, headers=auth)
            assert second.status_code == 201, second.text
            listed = await client.get("/todos", headers=auth)
            assert listed.status_code == 200 and [t["title"] for t in listed.json()] == ["first"]
            assert (await client.get(f"/todos/{second.json()['id']}", headers=auth)).status_code == 404
            # a user signed up a moment ago is not on the replica yet: the primary answers for it
            late = f"replica-late-{uuid.uuid4().hex[:8]}@example.com"
            up2 = await client.post("/auth/sign-up/email", json={"email": late, "password": PASSWORD, "name": "L"})
            assert up2.status_code == 200, up2.text
            auth2 = {"Authorization": f"Bearer {up2.json()['token']}"}
            me = await client.get("/me", headers=auth2)
            assert me.status_code == 200 and me.json()["email"] == late
            assert (await client.get("/todos", headers=auth2)).json() == []
            bad = await client.get("/todos", headers={"Authorization": "Bearer no-such-session"})
            assert bad.status_code == 401
        finally:
            with standby("owner") as conn:
                conn.execute("SELECT pg_wal_replay_resume()")
        wait_for_replay()
        listed = await client.get("/todos", headers=auth)
        assert [t["title"] for t in listed.json()] == ["first", "second"]


def test_the_sync_package_falls_back_to_the_primary_for_what_the_replica_lacks(replay_paused_guard: None) -> None:
    email = f"replica-sync-{uuid.uuid4().hex[:8]}@example.com"
    with AuthExt(APP_URLS["primary"], replica_conninfo=APP_URLS["standby"], max_size=2) as auth:
        with standby("owner") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")
        try:
            up = auth.sign_up_email(email, PASSWORD, "S")  # on the primary
            credential = Credential(CredentialKind.SESSION, CredentialSource.HEADER, up["token"])
            with auth.read_transaction(credential) as ctx:  # the replica refuses it, the primary serves it
                assert ctx.user_id == up["user"]["id"]
                assert ctx.conn.execute("SELECT pg_is_in_recovery()").fetchone() == (False,)
            session = auth.get_session(up["token"])
            assert session is not None and session["user"]["email"] == email
        finally:
            with standby("owner") as conn:
                conn.execute("SELECT pg_wal_replay_resume()")
        wait_for_replay()
        with auth.read_transaction(credential) as ctx:  # replayed: the replica serves it
            assert ctx.user_id == up["user"]["id"]
            assert ctx.conn.execute("SELECT pg_is_in_recovery()").fetchone() == (True,)
        with pytest.raises(AuthExtError) as info, auth.read_transaction(
            Credential(CredentialKind.SESSION, CredentialSource.HEADER, "no-such-session")
        ):
            pass
        assert info.value.status_code == 401


def _primary_scrypt_calls() -> int:
    """scrypt calls the primary has counted (track_functions = 'all' on the suite's database):
    hash_password and verify_password, which every password check and hash goes through."""
    with owner_connect() as conn:
        return int(value(conn, "SELECT COALESCE(sum(calls), 0) FROM pg_stat_user_functions "
                               "WHERE schemaname = 'auth_ext' AND funcname IN ('hash_password', 'verify_password')"))


_PROOF_TEST_APP = {"kwargs": {"application_name": "auth_ext_proof_test"}}


def _wait_for_app_backends_to_exit() -> None:
    """A backend reports its function counts when it exits: wait until this test's pools' backends
    (their application_name) are gone."""
    deadline = time.monotonic() + 15
    with owner_connect() as conn:
        while value(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND application_name = 'auth_ext_proof_test'") > 0:
            assert time.monotonic() < deadline, "the pools' backends did not exit"
            time.sleep(0.05)


async def test_the_package_does_the_password_work_on_the_standby() -> None:
    with owner_connect() as conn:
        conn.execute("ALTER DATABASE auth_ext_topology SET track_functions = 'all'")
    try:
        _wait_for_app_backends_to_exit()
        before = _primary_scrypt_calls()
        email = f"replica-proof-{uuid.uuid4().hex[:8]}@example.com"
        async with AsyncAuthExt(APP_URLS["primary"], replica_conninfo=APP_URLS["standby"], max_size=2,
                                pool_kwargs=_PROOF_TEST_APP) as auth:
            up = await auth.sign_up_email(email, PASSWORD, "P")  # the hash made on the standby
            assert up["token"]
            signed_in = await auth.sign_in_email(email, PASSWORD)  # a moment after sign-up: the standby waits to replay
            assert signed_in["user"]["id"] == up["user"]["id"]
            for _ in range(3):
                assert (await auth.sign_in_email(email, PASSWORD))["token"]
            with pytest.raises(psycopg.Error) as info:
                await auth.sign_in_email(email, "a wrong password")
            assert info.value.sqlstate == "28P01"
        _wait_for_app_backends_to_exit()
        assert _primary_scrypt_calls() == before, "the primary ran no scrypt: sign-up, 4 sign-ins, a wrong password"
        # The control: the one-statement path on the primary counts its scrypt.
        with AuthExt(APP_URLS["primary"], max_size=1, pool_kwargs=_PROOF_TEST_APP) as primary_only:
            assert primary_only.sign_in_email(email, PASSWORD)["token"]
        _wait_for_app_backends_to_exit()
        assert _primary_scrypt_calls() == before + 1, "without a replica the primary does the password work"
        with owner_connect() as conn:
            proofs = value(conn, "SELECT count(*) FROM auth_ext.used_password_proof")
        assert proofs >= 4, "each sign-in through the standby was a proof the primary took once"
    finally:
        with owner_connect() as conn:
            conn.execute("ALTER DATABASE auth_ext_topology RESET track_functions")
