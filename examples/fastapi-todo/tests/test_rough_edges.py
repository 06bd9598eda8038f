"""Problems a user trial of the example found, each pinned by a test."""

import dataclasses
from typing import Any

import httpx
import psycopg
import pytest

from todo_api.config import Settings
from todo_api.main import create_app
from todo_api.setup import setup_database

from .conftest import BETTER_AUTH_SECRET, BetterAuthUser


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored_secret(settings: Settings) -> Any:
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute("SELECT value FROM auth_ext.setting WHERE name = 'better_auth_secret'").fetchone()
    return row[0] if row else None


async def test_setup_without_the_secret_keeps_the_configured_one(
    settings: Settings, client: httpx.AsyncClient, alice: BetterAuthUser
) -> None:
    assert stored_secret(settings) == BETTER_AUTH_SECRET
    setup_database(dataclasses.replace(settings, better_auth_secret=None, jwt_shared_secret=None))
    assert stored_secret(settings) == BETTER_AUTH_SECRET
    # Better Auth's signed cookie still authenticates.
    r = await client.get("/me", headers={"cookie": alice.session_cookie})
    assert r.status_code == 200, r.text
    # Removing the secrets takes an explicit CLEAR_SECRETS=on; then setup restores them.
    setup_database(dataclasses.replace(settings, better_auth_secret=None, jwt_shared_secret=None, clear_secrets=True))
    assert stored_secret(settings) is None
    setup_database(settings)
    assert stored_secret(settings) == BETTER_AUTH_SECRET


async def test_a_deleted_users_valid_jwt_is_refused_like_a_revoked_identity(
    client: httpx.AsyncClient, settings: Settings, issue_jwt: Any
) -> None:
    gone: BetterAuthUser = issue_jwt("deleted-later@example.com")
    headers = bearer(gone.jwt)
    assert (await client.post("/todos", json={"title": "before"}, headers=headers)).status_code == 201
    with psycopg.connect(settings.database_url, autocommit=True) as owner:
        owner.execute("SELECT auth_ext.delete_user(%s)", (gone.user_id,))
    for method, path, body in (("POST", "/todos", {"title": "after"}), ("GET", "/todos", None), ("GET", "/me", None)):
        r = await client.request(method, path, json=body, headers=headers)
        assert r.status_code == 401, f"{method} {path}: {r.status_code} {r.text}"
        assert r.json()["code"] == "UNAUTHORIZED" and r.headers["www-authenticate"].startswith("Bearer")


async def test_the_api_answers_a_browser_app_on_another_origin(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, cors_origins=("http://127.0.0.1:3000",)))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        preflight = await c.options("/todos", headers={
            "origin": "http://127.0.0.1:3000", "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        })
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:3000"
        refused = await c.options("/todos", headers={"origin": "https://evil.example", "access-control-request-method": "POST"})
        assert "access-control-allow-origin" not in refused.headers


@pytest.mark.parametrize(
    ("headers", "client", "key"),
    [
        ((), "198.51.100.22", "198.51.100.22"),  # no proxy: the socket's address; a forged header is ignored
        (("x-forwarded-for",), "10.0.0.2", "198.51.100.23"),  # IP_ADDRESS_HEADERS=x-forwarded-for behind a proxy
    ],
)
async def test_the_example_rate_limits_sign_in_in_the_database(
    settings: Settings, headers: tuple[str, ...], client: str, key: str
) -> None:
    app = create_app(dataclasses.replace(settings, rate_limit=True, ip_address_headers=headers))
    wrong = {"email": "nobody-limited@example.com", "password": "wrong password!"}
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(client, 40000)), base_url="http://testserver"
    ) as c:
        # Without a proxy, each request forges another X-Forwarded-For; behind one, the proxy sets it.
        forwarded = ["198.51.100.23"] * 4 if headers else ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]
        statuses = [
            (await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": ip})).status_code
            for ip in forwarded
        ]
    assert statuses == [401, 401, 401, 429]
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute('SELECT count FROM "rateLimit" WHERE key = %s', (f"{key}|/sign-in/email",)).fetchone()
    assert row == (3,)


async def test_an_issuer_or_audience_mismatch_says_what_was_expected(client: httpx.AsyncClient) -> None:
    from .conftest import hs256_token

    cases = {
        "iss": ('token issuer does not match: expected "http://localhost:3000", got "http://127.0.0.1:3000"'),
        "aud": ('token audience does not match: expected "http://localhost:3000", got "http://127.0.0.1:3000"'),
    }
    for claim, message in cases.items():
        token = hs256_token("someone", **{claim: "http://127.0.0.1:3000"})
        r = await client.get("/todos", headers=bearer(token))
        assert r.status_code == 401 and r.json() == {"code": "UNAUTHORIZED", "message": message}
