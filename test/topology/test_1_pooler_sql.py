"""SQL through PgBouncer in transaction mode, with a pool smaller than its clients.

Every transaction of every client may run on any server connection, right after another user's:
the identity must end at COMMIT/ROLLBACK, RLS must show each user only their rows, and settings
and key changes must reach every server connection, including those that cached the old ones.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from typing import Any

import psycopg
import pytest
from psycopg import errors

from conftest import (
    APP_URLS,
    BETTER_AUTH_URL,
    POOL_SIZE,
    POOLER_PREPARED,
    SigningKey,
    add_key,
    bounded,
    delete_key,
    make_users,
    owner_connect,
    replace_key,
    sign,
)

CLIENTS = 20
ROUNDS = 8
ANONYMOUS_ROUNDS = 3 * ROUNDS


async def connect(**kwargs: Any) -> psycopg.AsyncConnection[Any]:
    """A client of the pooler as ``todo_app``; no automatic prepared statements unless asked."""
    options: dict[str, Any] = {"prepare_threshold": None, "connect_timeout": 5, **kwargs}
    return await psycopg.AsyncConnection.connect(APP_URLS["pooler"], **options)


async def one(conn: psycopg.AsyncConnection[Any], sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    row = await (await conn.execute(sql, params)).fetchone()
    assert row is not None
    return tuple(row)


async def test_many_clients_through_a_small_pool_see_only_their_own_identity_and_rows() -> None:
    key = SigningKey.generate()
    add_key(key)
    users = make_users("pooled", CLIENTS)
    tokens = {uid: sign(key, uid) for uid in users}
    pids_by_user: dict[str, set[int]] = defaultdict(set)
    checks = 0

    async def client(uid: str) -> None:
        nonlocal checks
        async with await connect() as conn:
            for r in range(ROUNDS):
                async with conn.transaction():
                    # a new transaction, maybe on a server connection another user just used
                    assert await one(conn, "SELECT auth_ext.user_id()") == (None,)
                    claims = await one(conn, "SELECT auth_ext.authenticate(%s)", (tokens[uid],))
                    assert claims[0]["sub"] == uid
                    await asyncio.sleep(random.uniform(0, 0.004))  # the other clients queue meanwhile
                    owner, pid = await one(
                        conn, "INSERT INTO todo (title) VALUES (%s) RETURNING user_id, pg_backend_pid()", (f"{uid} {r}",)
                    )
                    assert owner == uid
                    pids_by_user[uid].add(pid)
                    seen = await one(
                        conn,
                        "SELECT auth_ext.user_id(), count(*), count(*) FILTER (WHERE user_id <> %s OR title NOT LIKE %s) "
                        "FROM todo",
                        (uid, f"{uid} %"),
                    )
                    assert seen == (uid, r + 1, 0)
                    checks += 1
                # after COMMIT: no identity, no rows
                async with conn.transaction():
                    assert await one(conn, "SELECT auth_ext.user_id(), count(*) FROM todo") == (None, 0)
                if r % 2 == 0:
                    # authenticated, then rolled back: gone as well
                    async with conn.transaction():
                        await conn.execute("SELECT auth_ext.authenticate(%s)", (tokens[uid],))
                        raise psycopg.Rollback()
                    async with conn.transaction():
                        assert await one(conn, "SELECT auth_ext.user_id(), count(*) FROM todo") == (None, 0)

    async def anonymous() -> None:
        nonlocal checks
        async with await connect() as conn:
            for _ in range(ANONYMOUS_ROUNDS):
                async with conn.transaction():
                    assert await one(conn, "SELECT auth_ext.user_id(), count(*) FROM todo") == (None, 0)
                    assert await one(conn, "SELECT count(*) FROM todo WHERE user_id = %s", (users[0],)) == (0,)
                with pytest.raises(errors.InsufficientPrivilege):
                    async with conn.transaction():
                        await conn.execute("INSERT INTO todo (user_id, title) VALUES (%s, 'forged')", (users[0],))
                checks += 1
                await asyncio.sleep(random.uniform(0, 0.004))

    await bounded(asyncio.gather(*(client(uid) for uid in users), anonymous()), 90)

    assert checks == CLIENTS * ROUNDS + ANONYMOUS_ROUNDS
    all_pids = set().union(*pids_by_user.values())
    assert len(all_pids) <= POOL_SIZE < CLIENTS + 1, all_pids  # 21 clients shared at most POOL_SIZE backends
    shared = [pid for pid in all_pids if sum(pid in pids for pids in pids_by_user.values()) > 1]
    assert shared, "no server connection served two users: the pool was not shared"
    with owner_connect() as conn:
        counts = dict(conn.execute(
            "SELECT user_id, count(*) FROM todo WHERE user_id = ANY(%s) GROUP BY user_id", (users,)
        ).fetchall())
        forged = conn.execute("SELECT count(*) FROM todo WHERE title = 'forged'").fetchone()
    assert counts == {uid: ROUNDS for uid in users}
    assert forged == (0,)


async def on_every_server(check: Any) -> dict[int, Any]:
    """Runs ``check(conn)`` once on each of the pool's server connections at the same time.

    POOL_SIZE clients each open a transaction and wait until all of them hold one: each then has
    its own server connection, and together they hold all of them. Returns ``{backend pid: result}``.
    """
    conns = [await connect() for _ in range(POOL_SIZE)]
    holding = asyncio.Barrier(POOL_SIZE)

    async def run(conn: psycopg.AsyncConnection[Any]) -> tuple[int, Any]:
        async with conn.transaction():
            (pid,) = await one(conn, "SELECT pg_backend_pid()")
            await holding.wait()
            return pid, await check(conn)

    try:
        results = await bounded(asyncio.gather(*(run(c) for c in conns)), 30)
    finally:
        for c in conns:
            await c.close()
    by_pid = dict(results)
    assert len(by_pid) == POOL_SIZE, "each client should hold its own server connection"
    return by_pid


def verify(token: str) -> Any:
    """A check: the token's sub, or the SQLSTATE it is refused with (in a savepoint)."""

    async def check(conn: psycopg.AsyncConnection[Any]) -> str | None:
        try:
            async with conn.transaction():
                (sub,) = await one(conn, "SELECT auth_ext.authenticate(%s)->>'sub'", (token,))
                assert await one(conn, "SELECT auth_ext.user_id()") == (sub,)
                return str(sub)
        except psycopg.Error as exc:
            return exc.sqlstate

    return check


async def test_settings_and_key_rotation_reach_every_server_connection() -> None:
    (uid,) = make_users("rotation", 1)
    k1, k2, k3 = SigningKey.generate(), SigningKey.generate(), SigningKey.generate()
    add_key(k1)
    t1 = sign(k1, uid)
    other_audience = "https://elsewhere.example"
    t1_other_audience = sign(k1, uid, aud=other_audience)

    async def everywhere(token: str, expected: str) -> set[int]:
        results = await on_every_server(verify(token))
        assert set(results.values()) == {expected}, results
        return set(results)

    # every server connection verifies (and so caches key and settings)
    servers = await everywhere(t1, uid)
    assert await everywhere(t1_other_audience, "28000") == servers

    # a settings change is noticed by each of them, then reverted
    with owner_connect() as conn:
        conn.execute("SELECT auth_ext.configure('jwt_audience', %s)", (other_audience,))
    try:
        assert await everywhere(t1, "28000") == servers
        assert await everywhere(t1_other_audience, uid) == servers
    finally:
        with owner_connect() as conn:
            conn.execute("SELECT auth_ext.configure('jwt_audience', %s)", (BETTER_AUTH_URL,))
    assert await everywhere(t1, uid) == servers

    # rotation: a new key is found, the old one deleted is refused, a key replaced in place is refused
    add_key(k2)
    t2 = sign(k2, uid)
    assert await everywhere(t2, uid) == servers
    delete_key(k1.kid)
    assert await everywhere(t1, "28000") == servers
    assert await everywhere(t2, uid) == servers
    replace_key(k2.kid, k3)
    assert await everywhere(t2, "28000") == servers
    assert await everywhere(sign(k3.with_kid(k2.kid), uid), uid) == servers


async def prepared_statement_outcome(prepare_threshold: int | None) -> str:
    """Runs one statement often enough for psycopg to prepare it (threshold 5) on a server
    connection, holds that server connection from another client, and runs the statement again:
    it must now run on another server connection. "ok", or the SQLSTATE it failed with."""
    sql = "SELECT pg_backend_pid(), auth_ext.user_id() IS NULL"
    async with await connect(prepare_threshold=prepare_threshold, autocommit=True) as conn:
        for _ in range(7):
            pid, _ = await one(conn, sql)  # alone on the pool: PgBouncer hands it the same server
        holders = []
        try:
            for _ in range(POOL_SIZE - 1):
                holder = await connect()  # not autocommit: its transaction stays open
                holders.append(holder)
                if (await one(holder, "SELECT pg_backend_pid()"))[0] == pid:
                    break
            else:
                raise AssertionError("could not hold the server connection the statement was prepared on")
            try:
                other, _ = await bounded(one(conn, sql), 30)
            except psycopg.Error as exc:
                return exc.sqlstate or "error"
            assert other != pid
            return "ok"
        finally:
            for holder in holders:
                await holder.close()


async def test_prepared_statements_behind_the_pooler() -> None:
    # what the package configures for a pooled URL (connect_kwargs: prepare_threshold=None)
    assert await prepared_statement_outcome(None) == "ok"
    # psycopg's default: fine on a PgBouncer that keeps prepared statements (1.21+), broken on older ones
    outcome = await prepared_statement_outcome(5)
    if POOLER_PREPARED:
        assert outcome == "ok"
    else:
        assert outcome in ("26000", "42P05"), outcome
