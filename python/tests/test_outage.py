"""A database that goes away while the app runs: every route answers 503 at once, not after the
pool's timeout, and the app recovers when the database is back.

The database is reached through a TCP relay the test stops and starts again: stopped, the server
is gone (open connections cut, new ones refused), as when PostgreSQL is stopped.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from auth_ext_fastapi import AsyncAuthExt, AuthExt

from .conftest import PASSWORD_FOR_TESTS, build_async_app, build_sync_app

#: The pool's timeout in these tests: a request that waited for the pool would take this long.
POOL_TIMEOUT = 10.0


class Relay:
    """A TCP relay from a local port to the database server, which the test can stop and restart."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """The server is gone: listening stops, every open connection is cut."""
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        await self.server.wait_closed()
        self.server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def url(self, dsn: str) -> str:
        parts = urlsplit(dsn)
        credentials = parts.netloc.rpartition("@")[0]
        return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{self.port}"))


@pytest.fixture
async def relay(app_dsn: str) -> AsyncIterator[Relay]:
    parts = urlsplit(app_dsn)
    relay = Relay(parts.hostname or "127.0.0.1", parts.port or 5432)
    await relay.start()
    yield relay
    if relay.server is not None:
        await relay.stop()


async def _requests(client: httpx.AsyncClient) -> dict[str, httpx.Response]:
    email = f"outage.{uuid.uuid4().hex[:12]}@example.com"
    return {
        "sign-up": await client.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD_FOR_TESTS, "name": "O"}),
        "sign-in": await client.post("/auth/sign-in/email", json={"email": email, "password": PASSWORD_FOR_TESTS}),
        "get-session": await client.get("/auth/get-session", headers={"Authorization": "Bearer some-session-token"}),
        "whoami": await client.get("/whoami", headers={"Authorization": "Bearer some-session-token"}),
    }


@pytest.mark.parametrize("kind", ["async", "async with replica", "sync", "sync with replica"])
async def test_a_database_that_went_away_is_503_at_once_then_recovers(relay: Relay, app_dsn: str, kind: str) -> None:
    url = relay.url(app_dsn)
    # With a replica (here the same server: both go away), sign-in and sign-up ask it first for the
    # password work, and get-session reads there.
    replica = url if kind.endswith("with replica") else None
    if kind.startswith("async"):
        auth: AsyncAuthExt | AuthExt = AsyncAuthExt(url, timeout=POOL_TIMEOUT, max_size=2, replica_conninfo=replica)
        await auth.open()
        app = build_async_app(auth)
    else:
        auth = AuthExt(url, timeout=POOL_TIMEOUT, max_size=2, replica_conninfo=replica)
        await asyncio.to_thread(auth.open)
        app = build_sync_app(auth)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
            up = await _requests(client)
            assert up["sign-up"].status_code == 200 and up["sign-in"].status_code == 200, up
            await relay.stop()
            for _ in range(2):  # the request that finds the pool's connections dead, and the next ones
                started = time.monotonic()
                down = await _requests(client)
                elapsed = time.monotonic() - started
                for route, response in down.items():
                    assert response.status_code == 503, (route, response.text)
                    assert response.json() == {"code": "DATABASE_UNAVAILABLE", "message": response.json()["message"]}
                    assert response.headers["retry-after"] == "1"
                # Not a speed measurement: the four answers came without waiting for the pool's timeout.
                assert elapsed < POOL_TIMEOUT / 3, f"the answers waited for the pool ({elapsed:.1f} s)"
            await relay.start()
            back = await _requests(client)
            assert back["sign-up"].status_code == 200 and back["sign-in"].status_code == 200, back
            assert back["get-session"].status_code == 200 and back["whoami"].status_code == 401
    finally:
        if isinstance(auth, AsyncAuthExt):
            await auth.close()
        else:
            await asyncio.to_thread(auth.close)
