"""Every error of the todo API has one shape, Better Auth's ``{"code", "message"}``: validation,
authentication, not found, unknown routes and methods, a database that is down."""

import dataclasses
from typing import Any

import httpx
import pytest

from todo_api.config import Settings
from todo_api.main import create_app

from .conftest import BetterAuthUser, hs256_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message"} and body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    return body


async def test_each_kind_of_error_is_code_and_message(client: httpx.AsyncClient, alice: BetterAuthUser) -> None:
    auth = bearer(alice.jwt)
    body = assert_error(await client.post("/todos", json={"title": ""}, headers=auth), 422, "VALIDATION_ERROR")
    assert body["message"] == "[body.title] String should have at least 1 character"
    body = assert_error(await client.post("/todos", json={}, headers=auth), 422, "VALIDATION_ERROR")
    assert body["message"] == "[body.title] Field required"
    body = assert_error(await client.get("/todos?limit=0&offset=-1", headers=auth), 422, "VALIDATION_ERROR")
    assert body["message"] == ("[query.limit] Input should be greater than or equal to 1; "
                               "[query.offset] Input should be greater than or equal to 0")
    assert_error(await client.get("/todos/abc", headers=auth), 422, "VALIDATION_ERROR")
    assert_error(await client.post("/todos", content=b"{not json", headers={**auth, "content-type": "application/json"}),
                 422, "VALIDATION_ERROR")

    r = await client.get("/todos")
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(await client.get("/todos", headers=bearer("not.a.jwt")), 401, "UNAUTHORIZED")
    assert_error(await client.get("/me", headers=bearer(hs256_token("nobody", aud="elsewhere"))), 401, "UNAUTHORIZED")

    for method, path in (("GET", "/todos/999999"), ("PATCH", "/todos/999999"), ("POST", "/todos/999999/toggle"),
                         ("DELETE", "/todos/999999")):
        body = assert_error(await client.request(method, path, headers=auth, json={"title": "x"} if method == "PATCH" else None),
                            404, "TODO_NOT_FOUND")
        assert body["message"] == "Todo not found"
    assert assert_error(await client.get("/nowhere"), 404, "NOT_FOUND")["message"] == "Not Found"
    assert_error(await client.put("/todos", headers=auth), 405, "METHOD_NOT_ALLOWED")

    # The auth routes were Better Auth's shape already (their 429 is Better Auth's {"message"} alone).
    assert_error(await client.post("/auth/sign-in/email", json={"email": "bad", "password": "x"}), 400, "INVALID_EMAIL")


@pytest.mark.parametrize("path", ["/todos", "/me"])
async def test_a_database_that_is_down_is_503_code_and_message(settings: Settings, path: str) -> None:
    down = dataclasses.replace(settings, app_database_url_override="postgresql://todo_app@127.0.0.1:9/none")
    app = create_app(down)  # no lifespan: its start-up check would fail, as it should
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
        r = await c.get(path, headers=bearer(hs256_token("someone")))
    assert_error(r, 503, "DATABASE_UNAVAILABLE")
    assert r.headers["retry-after"] == "1"
