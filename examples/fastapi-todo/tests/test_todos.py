"""The todo API end to end: real Better Auth JWTs and cookies, HS256 tokens, bad tokens, row-level
security between users, sign-out, and a burst of parallel requests."""

import asyncio
import base64
import json
import time
import uuid
from typing import Any

import httpx
import psycopg
import pytest

from todo_api.config import Settings

from .conftest import BetterAuthUser, hs256_token

PASSWORD = "correct horse battery staple"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tamper(token: str, **changes: Any) -> str:
    """The token with its payload changed and the signature kept."""
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    new = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{new}.{sig}"


async def create(client: httpx.AsyncClient, headers: dict[str, str], title: str, completed: bool = False) -> dict[str, Any]:
    r = await client.post("/todos", json={"title": title, "completed": completed}, headers=headers)
    assert r.status_code == 201, r.text
    todo: dict[str, Any] = r.json()
    return todo


async def sign_up(client: httpx.AsyncClient) -> dict[str, Any]:
    email = f"todo.{uuid.uuid4().hex[:12]}@example.com"
    r = await client.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "Todo User"})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


# --- credentials -----------------------------------------------------------------------------------


async def test_real_better_auth_jwt_crud(client: httpx.AsyncClient, alice: BetterAuthUser) -> None:
    headers = bearer(alice.jwt)
    assert (await client.get("/me", headers=headers)).json()["email"] == alice.email
    todo = await create(client, headers, "buy milk")
    assert todo["title"] == "buy milk" and todo["completed"] is False and todo["created_at"]
    got = await client.get(f"/todos/{todo['id']}", headers=headers)
    assert got.status_code == 200 and got.json() == todo
    patched = await client.patch(f"/todos/{todo['id']}", json={"title": "buy oat milk"}, headers=headers)
    assert patched.status_code == 200 and patched.json()["title"] == "buy oat milk"
    assert patched.json()["completed"] is False
    toggled = await client.post(f"/todos/{todo['id']}/toggle", headers=headers)
    assert toggled.status_code == 200 and toggled.json()["completed"] is True
    toggled = await client.post(f"/todos/{todo['id']}/toggle", headers=headers)
    assert toggled.json()["completed"] is False
    assert (await client.delete(f"/todos/{todo['id']}", headers=headers)).status_code == 204
    assert (await client.get(f"/todos/{todo['id']}", headers=headers)).status_code == 404
    assert (await client.delete(f"/todos/{todo['id']}", headers=headers)).status_code == 404


async def test_real_better_auth_session_cookie_and_bearer_session(client: httpx.AsyncClient, alice: BetterAuthUser) -> None:
    for headers in ({"cookie": alice.session_cookie}, bearer(alice.session_token)):
        r = await client.get("/todos", headers=headers)
        assert r.status_code == 200, r.text
        me = await client.get("/me", headers=headers)
        assert me.json()["id"] == alice.user_id


async def test_hs256_shared_secret_token(client: httpx.AsyncClient, bob: BetterAuthUser) -> None:
    headers = bearer(hs256_token(bob.user_id))
    todo = await create(client, headers, "HS256 todo")
    assert (await client.get(f"/todos/{todo['id']}", headers=bearer(bob.jwt))).status_code == 200


@pytest.mark.parametrize("case", ["valid EdDSA", "valid HS256", "expired", "tampered", "wrong audience", "missing"])
async def test_token_matrix(client: httpx.AsyncClient, alice: BetterAuthUser, case: str) -> None:
    now = int(time.time())
    headers = {
        "valid EdDSA": bearer(alice.jwt),
        "valid HS256": bearer(hs256_token(alice.user_id)),
        "expired": bearer(hs256_token(alice.user_id, iat=now - 2000, exp=now - 1000)),
        "tampered": bearer(tamper(alice.jwt, sub="someone-else")),
        "wrong audience": bearer(hs256_token(alice.user_id, aud="https://elsewhere.example")),
        "missing": {},
    }[case]
    r = await client.get("/todos", headers=headers)
    expected = 200 if case.startswith("valid") else 401
    assert r.status_code == expected, r.text
    if expected == 401:
        assert r.json()["code"] == "UNAUTHORIZED"
        assert r.headers["www-authenticate"].startswith("Bearer")


async def test_expired_and_wrong_audience_better_auth_tokens(client: httpx.AsyncClient, alice: BetterAuthUser) -> None:
    for changes in ({"exp": int(time.time()) - 10}, {"aud": "https://elsewhere.example"}):
        r = await client.get("/todos", headers=bearer(tamper(alice.jwt, **changes)))
        assert r.status_code == 401


# --- row-level security ----------------------------------------------------------------------------


async def test_users_cannot_touch_each_others_todos(
    client: httpx.AsyncClient, alice: BetterAuthUser, bob: BetterAuthUser
) -> None:
    a, b = bearer(alice.jwt), bearer(bob.jwt)
    secret = await create(client, a, "alice's secret")
    assert (await client.get(f"/todos/{secret['id']}", headers=b)).status_code == 404
    assert (await client.patch(f"/todos/{secret['id']}", json={"title": "pwned"}, headers=b)).status_code == 404
    assert (await client.post(f"/todos/{secret['id']}/toggle", headers=b)).status_code == 404
    assert (await client.delete(f"/todos/{secret['id']}", headers=b)).status_code == 404
    assert all(t["id"] != secret["id"] for t in (await client.get("/todos?limit=100", headers=b)).json())
    unchanged = await client.get(f"/todos/{secret['id']}", headers=a)
    assert unchanged.status_code == 200 and unchanged.json() == secret


async def test_rls_is_enforced_by_the_database(settings: Settings, alice: BetterAuthUser, bob: BetterAuthUser) -> None:
    async with await psycopg.AsyncConnection.connect(settings.app_database_url) as conn:
        # No verified credential: the app role sees no rows at all, and cannot insert.
        assert await (await conn.execute("SELECT count(*) FROM todo")).fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("INSERT INTO todo (user_id, title) VALUES (%s, 'x')", (alice.user_id,))
        await conn.rollback()
        # Authenticated as Bob: writing a row for Alice violates the policy's WITH CHECK.
        await conn.execute("SELECT auth_ext.authenticate(%s)", (bob.jwt,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute("INSERT INTO todo (user_id, title) VALUES (%s, 'x')", (alice.user_id,))
        await conn.rollback()
        # And the role cannot set an identity without a verified token, nor read Better Auth's tables.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await conn.execute('SELECT count(*) FROM "session"')
        await conn.rollback()


async def test_list_filters_and_paginates(client: httpx.AsyncClient) -> None:
    headers = bearer((await sign_up(client))["token"])
    created = [await create(client, headers, f"task {i}", completed=i % 3 == 0) for i in range(7)]
    everything = (await client.get("/todos", headers=headers)).json()
    assert [t["id"] for t in everything] == [t["id"] for t in created]
    done = (await client.get("/todos?completed=true", headers=headers)).json()
    assert [t["title"] for t in done] == ["task 0", "task 3", "task 6"]
    open_ = (await client.get("/todos?completed=false&limit=2&offset=1", headers=headers)).json()
    assert [t["title"] for t in open_] == ["task 2", "task 4"]
    for query in ("limit=0", "limit=101", "offset=-1", "completed=maybe"):
        assert (await client.get(f"/todos?{query}", headers=headers)).status_code == 422


async def test_body_validation(client: httpx.AsyncClient, alice: BetterAuthUser) -> None:
    headers = bearer(alice.jwt)
    for body in ({}, {"title": ""}, {"title": "x" * 501}, {"title": 5}):
        assert (await client.post("/todos", json=body, headers=headers)).status_code == 422
    assert (await client.get("/todos/not-a-number", headers=headers)).status_code == 422


# --- accounts through the API ----------------------------------------------------------------------


async def test_sign_up_sign_in_and_errors(client: httpx.AsyncClient) -> None:
    up = await sign_up(client)
    email = up["user"]["email"]
    dup = await client.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "x"})
    assert dup.status_code == 422 and dup.json()["code"] == "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"
    bad = await client.post("/auth/sign-up/email", json={"email": "nope", "password": PASSWORD, "name": "x"})
    assert bad.status_code == 400 and bad.json() == {"code": "VALIDATION_ERROR", "message": "[body.email] Invalid email address"}
    short = await client.post("/auth/sign-up/email", json={"email": "s@example.com", "password": "1234567", "name": "x"})
    assert short.status_code == 400 and short.json()["code"] == "PASSWORD_TOO_SHORT"
    noname = await client.post("/auth/sign-up/email", json={"email": "s@example.com", "password": PASSWORD})
    assert noname.status_code == 400 and noname.json()["code"] == "VALIDATION_ERROR"
    ok = await client.post("/auth/sign-in/email", json={"email": email, "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["user"]["id"] == up["user"]["id"]
    for body in ({"email": email, "password": "wrong password"}, {"email": "ghost@example.com", "password": PASSWORD}):
        r = await client.post("/auth/sign-in/email", json=body)
        assert r.status_code == 401 and r.json()["code"] == "INVALID_EMAIL_OR_PASSWORD"
    # The cookie is signed with Better Auth's secret, so Better Auth itself accepts it too.
    assert ok.cookies.get("better-auth.session_token", "").count(".") == 1


async def test_sign_out_revokes_at_once(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client))["token"]
    headers = bearer(token)
    await create(client, headers, "before sign-out")
    assert (await client.get("/auth/get-session", headers=headers)).json()["session"]["token"] == token
    assert (await client.post("/auth/sign-out", headers=headers)).json() == {"success": True}
    r = await client.get("/todos", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "UNAUTHORIZED"
    assert (await client.get("/auth/get-session", headers=headers)).json() is None


async def test_deleting_the_user_deletes_their_todos(client: httpx.AsyncClient, settings: Settings) -> None:
    up = await sign_up(client)
    await create(client, bearer(up["token"]), "soon gone")
    async with await psycopg.AsyncConnection.connect(settings.database_url, autocommit=True) as owner:
        await owner.execute("SELECT auth_ext.delete_user(%s)", (up["user"]["id"],))
        left = await (await owner.execute("SELECT count(*) FROM todo WHERE user_id = %s", (up["user"]["id"],))).fetchone()
    assert left == (0,)
    assert (await client.get("/todos", headers=bearer(up["token"]))).status_code == 401


# --- concurrency -----------------------------------------------------------------------------------


async def test_parallel_sign_ups_and_authenticated_writes(client: httpx.AsyncClient, settings: Settings) -> None:
    users = await asyncio.gather(*(sign_up(client) for _ in range(12)))
    per_user = 5
    writes = [
        client.post("/todos", json={"title": f"parallel {i}"}, headers=bearer(credential))
        for u in users
        for credential in (u["token"], hs256_token(u["user"]["id"]))
        for i in range(per_user)
    ]
    results = await asyncio.gather(*writes, *(client.get("/todos", headers=bearer(u["token"])) for u in users))
    assert all(r.status_code in (200, 201) for r in results)
    ids = [u["user"]["id"] for u in users]
    async with await psycopg.AsyncConnection.connect(settings.database_url) as owner:
        rows = await (await owner.execute(
            "SELECT user_id, count(*) FROM todo WHERE user_id = ANY(%s) GROUP BY user_id", (ids,)
        )).fetchall()
    assert dict(rows) == {i: 2 * per_user for i in ids}  # every write landed, each under its own user
    for u in users:
        listed = (await client.get("/todos?limit=100", headers=bearer(u["token"]))).json()
        assert len(listed) == 2 * per_user
