"""The FastAPI package and the todo example through PgBouncer in transaction mode.

The example runs with ``DB_POOLED=true`` (``pooled=True``: psycopg's automatic prepared
statements off, for both its SQLAlchemy engine and the package's pool), against a pool of
POOL_SIZE server connections shared by every request. Each user repeats the same queries more
often than psycopg's prepare threshold.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from auth_ext_fastapi import AuthExt, Credential, CredentialKind, CredentialSource

from conftest import APP_URLS, PASSWORD, SigningKey, add_key, bounded, owner_connect, settings, sign
from todo_api.main import create_app

USERS = 20
TODOS = 3
LISTS = 6  # more than psycopg's prepare_threshold (5)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_example_through_the_pooler() -> None:
    app = create_app(settings(app_database_url_override=APP_URLS["pooler"], pooled=True, pool_size=4))
    key = SigningKey.generate()
    add_key(key)
    statuses: list[int] = []

    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=60
    ) as client:

        async def call(method: str, path: str, expected: int, **kwargs: Any) -> Any:
            r = await client.request(method, path, **kwargs)
            statuses.append(r.status_code)
            assert r.status_code == expected, f"{method} {path}: {r.status_code} {r.text}"
            return r.json() if r.content else None

        async def user_flow(i: int) -> tuple[str, list[int], str]:
            email = f"pooled-api-{i}-{uuid.uuid4().hex[:8]}@example.com"
            up = await call("POST", "/auth/sign-up/email", 200, json={"email": email, "password": PASSWORD, "name": f"P{i}"})
            uid, session = up["user"]["id"], up["token"]
            ids = [
                (await call("POST", "/todos", 201, json={"title": f"{uid} {j}"}, headers=bearer(session)))["id"]
                for j in range(TODOS)
            ]
            for _ in range(LISTS):
                listed = await call("GET", "/todos", 200, headers=bearer(session))
                assert [t["id"] for t in listed] == ids and all(t["title"].startswith(uid) for t in listed)
            assert (await call("GET", "/me", 200, headers=bearer(session)))["email"] == email
            assert (await call("GET", "/auth/get-session", 200, headers=bearer(session)))["user"]["id"] == uid
            jwt = sign(key, uid)
            for _ in range(LISTS):
                assert [t["id"] for t in await call("GET", "/todos", 200, headers=bearer(jwt))] == ids
            signed_in = await call("POST", "/auth/sign-in/email", 200, json={"email": email, "password": PASSWORD})
            assert (await call("POST", "/auth/sign-out", 200, headers=bearer(session)))["success"] is True
            await call("GET", "/todos", 401, headers=bearer(session))
            return uid, ids, signed_in["token"]

        results = await bounded(asyncio.gather(*(user_flow(i) for i in range(USERS))), 150)

        # nobody reaches anybody else's todo, by id, through the shared server connections
        async def foreign(i: int) -> None:
            _, _, token = results[i]
            _, others, _ = results[(i + 1) % USERS]
            await call("GET", f"/todos/{others[0]}", 404, headers=bearer(token))
            await call("DELETE", f"/todos/{others[0]}", 404, headers=bearer(token))

        await bounded(asyncio.gather(*(foreign(i) for i in range(USERS))), 60)

    assert all(s < 500 for s in statuses)
    uids = [uid for uid, _, _ in results]
    with owner_connect() as conn:
        rows = conn.execute(
            """SELECT u.id, (SELECT count(*) FROM todo t WHERE t.user_id = u.id),
                      (SELECT count(*) FROM account a WHERE a."userId" = u.id AND a."providerId" = 'credential'),
                      (SELECT count(*) FROM session s WHERE s."userId" = u.id)
                 FROM "user" u WHERE u.id = ANY(%s)""",
            (uids,),
        ).fetchall()
    # each: its 3 todos, one credential account, one session left (sign-in's; sign-up's signed out)
    assert sorted(rows) == sorted((uid, TODOS, 1, 1) for uid in uids)


def test_sync_package_through_the_pooler() -> None:
    email = f"pooled-sync-{uuid.uuid4().hex[:8]}@example.com"
    with AuthExt(APP_URLS["pooler"], pooled=True, max_size=3) as auth:
        assert auth.pool.kwargs["prepare_threshold"] is None
        up = auth.sign_up_email(email, PASSWORD, "Sync")
        token, uid = up["token"], up["user"]["id"]
        credential = Credential(CredentialKind.SESSION, CredentialSource.HEADER, token)
        for _ in range(8):
            with auth.transaction(credential) as ctx:
                assert ctx.user_id == uid
                row = ctx.conn.execute("SELECT auth_ext.user_id(), count(*) FROM todo").fetchone()
                assert row == (uid, 0)
            session = auth.get_session(token)
            assert session is not None and session["user"]["id"] == uid
        assert auth.sign_in_email(email, PASSWORD)["user"]["id"] == uid
        assert auth.sign_out(token) is True
        assert auth.get_session(token) is None
