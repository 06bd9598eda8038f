"""The todo example (uvicorn, real HTTP) under a steady bounded load while the primary restarts,
once with ``pg_ctl restart -m fast`` and once with ``-m immediate``.

Every request has a timeout. Requests in flight while the server goes away answer 503
``DATABASE_UNAVAILABLE`` (never a 500, never a hang); once the server is back the app answers
every request again by itself; no sign-up leaves a user without its account and session.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from conftest import APP_URLS, BETTER_AUTH_SECRET, BETTER_AUTH_URL, OWNER_URL, PASSWORD, RESTART, bounded, owner_connect

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "fastapi-todo"
WORKERS = 4
REQUEST_TIMEOUT = 20.0  # far above the app's own bound on waiting for a connection (5 s here)
WARM_UP = 2.5  # seconds of load before each restart
SETTLE = 1.0  # after a restart returns (server accepting again): requests from then on must succeed
AFTER = 2.0  # seconds of load after each restart
MAX_REQUESTS = 4000


@dataclass
class Outcome:
    kind: str
    started: float
    ended: float
    status: int | str  # HTTP status, or "timeout" / the transport error's name
    code: str | None = None
    retry_after: str | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_restarts_under_load(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": OWNER_URL,
        "APP_DATABASE_URL": APP_URLS["primary"],
        "BETTER_AUTH_URL": BETTER_AUTH_URL,
        "BETTER_AUTH_SECRET": BETTER_AUTH_SECRET,
        "DB_POOL_SIZE": "4",
        "DB_POOL_TIMEOUT": "5",
    }
    log = (tmp_path / "uvicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "todo_api.main:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=EXAMPLE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    outcomes: list[Outcome] = []
    signed_up: list[str] = []
    attempted: list[str] = []
    stop = asyncio.Event()
    restarts: list[tuple[str, float, float]] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            deadline = time.monotonic() + 30
            while True:  # the app is up
                try:
                    if (await client.get("/openapi.json")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "the example did not start"
                await asyncio.sleep(0.1)

            async def request(kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
                started = time.monotonic()
                try:
                    r = await client.request(method, path, **kwargs)
                except httpx.TimeoutException:
                    outcomes.append(Outcome(kind, started, time.monotonic(), "timeout"))
                    return None
                except httpx.TransportError as exc:
                    outcomes.append(Outcome(kind, started, time.monotonic(), type(exc).__name__))
                    return None
                code = r.json().get("code") if r.status_code >= 400 and r.content else None
                outcomes.append(Outcome(kind, started, time.monotonic(), r.status_code, code, r.headers.get("retry-after")))
                if r.status_code == 503:
                    await asyncio.sleep(0.1)  # a client backs off a little
                return r

            async def worker(w: int) -> None:
                token: str | None = None
                while not stop.is_set() and len(outcomes) < MAX_REQUESTS:
                    if token is None:
                        email = f"restart-{w}-{uuid.uuid4().hex[:8]}@example.com"
                        attempted.append(email)
                        r = await request("sign-up", "POST", "/auth/sign-up/email",
                                          json={"email": email, "password": PASSWORD, "name": f"W{w}"})
                        if r is not None and r.status_code == 200:
                            signed_up.append(email)
                            token = r.json()["token"]
                        continue
                    headers = {"Authorization": f"Bearer {token}"}
                    r = await request("create", "POST", "/todos", json={"title": "under load"}, headers=headers)
                    r = await request("list", "GET", "/todos", headers=headers)
                    if r is not None and r.status_code == 200:
                        assert all(t["title"] == "under load" for t in r.json())
                    await request("me", "GET", "/me", headers=headers)
                    if len(outcomes) % 7 == 0:
                        token = None  # a new user now and then: sign-ups keep running through the restarts

            async def burst() -> None:
                """Sign-ups (a scrypt each) sent just before a restart: in flight when it happens."""
                for i in range(WORKERS):
                    email = f"restart-burst-{i}-{uuid.uuid4().hex[:8]}@example.com"
                    attempted.append(email)

                    async def one(email: str = email) -> None:
                        r = await request("sign-up", "POST", "/auth/sign-up/email",
                                          json={"email": email, "password": PASSWORD, "name": "B"})
                        if r is not None and r.status_code == 200:
                            signed_up.append(email)

                    bursts.append(asyncio.create_task(one()))

            bursts: list[asyncio.Task[None]] = []

            async def restart(mode: str) -> None:
                await asyncio.sleep(WARM_UP)
                await burst()
                await asyncio.sleep(0.05)
                began = time.monotonic()
                done = await asyncio.to_thread(subprocess.run, ["bash", RESTART, mode], timeout=90, check=False)
                assert done.returncode == 0, f"pg_ctl restart -m {mode} failed"
                restarts.append((mode, began, time.monotonic()))

            async def scenario() -> None:
                await restart("fast")
                await restart("immediate")
                await asyncio.sleep(AFTER)
                stop.set()

            workers = [asyncio.create_task(worker(w)) for w in range(WORKERS)]
            await bounded(scenario(), 120)
            await bounded(asyncio.gather(*workers, *bursts), REQUEST_TIMEOUT * 3)
        assert server.poll() is None, "the example exited"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    statuses = [o.status for o in outcomes]
    summary = {s: statuses.count(s) for s in set(statuses)}
    print(f"restart load: {len(outcomes)} requests {summary}; restarts {[(m, round(e - b, 2)) for m, b, e in restarts]}")
    t0 = outcomes[0].started if outcomes else 0.0
    print("restarts (s from the first request):", [(m, round(b - t0, 2), round(e - t0, 2)) for m, b, e in restarts])
    print("non-2xx (kind, started, ended, status):",
          [(o.kind, round(o.started - t0, 2), round(o.ended - t0, 2), o.status) for o in outcomes if o.status not in (200, 201)])
    # never a hang, a dropped connection or a 500: every answer is a success, the expected 404/401-free
    # statuses of the routes, or the 503 of an unavailable database
    assert not [o for o in outcomes if not isinstance(o.status, int)], summary
    unavailable = [o for o in outcomes if o.status == 503]
    assert all(o.code == "DATABASE_UNAVAILABLE" and o.retry_after for o in unavailable), unavailable
    assert set(statuses) <= {200, 201, 503}, summary
    assert unavailable, "no request was in flight during the restarts"
    # recovery: every request made from SETTLE seconds after a restart returned, and done before the
    # next one began, succeeded
    windows = [(end + SETTLE, restarts[i + 1][1] if i + 1 < len(restarts) else float("inf"))
               for i, (_, _, end) in enumerate(restarts)]
    for start, end in windows:
        after = [o for o in outcomes if o.started >= start and o.ended < end]
        assert len(after) >= WORKERS, f"too little load after a restart: {len(after)}"
        assert all(o.status in (200, 201) for o in after), [o for o in after if o.status not in (200, 201)]

    # no partial users: every user of the run has exactly its credential account and a session
    with owner_connect() as conn:
        rows = conn.execute(
            """SELECT u.email,
                      (SELECT count(*) FROM account a WHERE a."userId" = u.id AND a."providerId" = 'credential'),
                      (SELECT count(*) FROM session s WHERE s."userId" = u.id)
                 FROM "user" u WHERE u.email = ANY(%s)""",
            (attempted,),
        ).fetchall()
        orphans = conn.execute(
            """SELECT (SELECT count(*) FROM account a WHERE NOT EXISTS (SELECT 1 FROM "user" u WHERE u.id = a."userId"))
                    + (SELECT count(*) FROM session s WHERE NOT EXISTS (SELECT 1 FROM "user" u WHERE u.id = s."userId"))"""
        ).fetchone()
    assert all(accounts == 1 and sessions == 1 for _, accounts, sessions in rows), rows
    assert set(signed_up) <= {email for email, _, _ in rows}  # every 200 is there
    assert len(rows) <= len(attempted)
    assert orphans == (0,)
