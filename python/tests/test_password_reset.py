"""Password reset through the package: the clients' operations (sync and async), the optional
``/auth/request-password-reset`` and ``/auth/reset-password`` routes with Better Auth's answers, and
the rate limit counted by ``auth_ext.rate_limit_hit`` on Better Auth's ``rateLimit`` table. The
application role holds no privilege on any table. (Both ways with the real Better Auth:
test/interop/test/password-reset.test.mjs and rate-limit.test.mjs; the shared limit through these
routes: test_parity.py.)
"""

from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI

from auth_ext_fastapi import (
    AsyncAuthExt,
    AuthExt,
    AuthExtError,
    IpAddress,
    RateLimit,
    User,
    auth_router,
    install_exception_handlers,
)

from .conftest import DATABASE, PASSWORD_FOR_TESTS, _url, stateless_client

MESSAGE = "If this email exists in our system, check your email for the reset link"


def _app(auth: AsyncAuthExt | AuthExt, mailbox: list[tuple[User, str, str]] | None, **options: Any) -> FastAPI:
    app = FastAPI()
    install_exception_handlers(app)

    async def send(user: User, url: str, token: str) -> None:
        assert mailbox is not None
        mailbox.append((user, url, token))

    app.include_router(auth_router(auth, send_reset_password=send if mailbox is not None else None, **options))
    return app


async def _sign_up(c: httpx.AsyncClient, email: str) -> dict[str, Any]:
    r = await c.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD_FOR_TESTS, "name": "Reset"})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_whole_flow_through_the_routes(async_auth: AsyncAuthExt) -> None:
    mailbox: list[tuple[User, str, str]] = []
    reset_users: list[User] = []

    def on_reset(user: User) -> None:
        reset_users.append(user)

    app = _app(async_auth, mailbox, revoke_sessions_on_password_reset=True, on_password_reset=on_reset)
    async with stateless_client(app) as c:
        signed_up = await _sign_up(c, "route.reset@example.com")
        r = await c.post("/auth/request-password-reset", json={"email": "Route.Reset@example.com", "redirectTo": "/reset?x=1"})
        assert (r.status_code, r.json()) == (200, {"status": True, "message": MESSAGE})
        user, url, token = mailbox[-1]
        assert user["email"] == "route.reset@example.com"
        assert url == f"/reset?x=1&token={token}"
        unknown = await c.post("/auth/request-password-reset", json={"email": "nobody.here@example.com"})
        assert (unknown.status_code, unknown.json()) == (200, r.json()), "the same answer for an unknown email"
        assert len(mailbox) == 1, "and no mail"

        r = await c.post("/auth/reset-password", json={"newPassword": "new-password-1", "token": token})
        assert (r.status_code, r.json()) == (200, {"status": True})
        assert [u["id"] for u in reset_users] == [signed_up["user"]["id"]], "on_password_reset got the user"
        r = await c.get("/auth/get-session", headers={"authorization": f"Bearer {signed_up['token']}"})
        assert r.json() is None, "revoke_sessions_on_password_reset: the old session is gone"
        r = await c.post("/auth/sign-in/email", json={"email": "route.reset@example.com", "password": "new-password-1"})
        assert r.status_code == 200

        again = await c.post("/auth/reset-password", json={"newPassword": "new-password-2", "token": token})
        assert (again.status_code, again.json()) == (400, {"code": "INVALID_TOKEN", "message": "Invalid token"})

        # The token in the query, as Better Auth also takes it.
        await c.post("/auth/request-password-reset", json={"email": "route.reset@example.com"})
        assert mailbox[-1][1] == "", "no redirectTo: no link, the application builds its own"
        r = await c.post(f"/auth/reset-password?token={mailbox[-1][2]}", json={"newPassword": "new-password-3"})
        assert (r.status_code, r.json()) == (200, {"status": True})


@pytest.mark.parametrize(
    ("path", "body", "status", "expected"),
    [
        ("/auth/reset-password", {"newPassword": "new-password-1"}, 400, {"code": "INVALID_TOKEN", "message": "Invalid token"}),
        ("/auth/reset-password", {"newPassword": "short", "token": "x"}, 400,
         {"code": "PASSWORD_TOO_SHORT", "message": "Password too short"}),
        ("/auth/reset-password", {"newPassword": "", "token": "x"}, 400,
         {"code": "PASSWORD_TOO_SHORT", "message": "Password too short"}),
        ("/auth/reset-password", {"newPassword": "x" * 129, "token": "x"}, 400,
         {"code": "PASSWORD_TOO_LONG", "message": "Password too long"}),
        ("/auth/reset-password", {"newPassword": "new-password-1", "token": "no-such-token"}, 400,
         {"code": "INVALID_TOKEN", "message": "Invalid token"}),
        ("/auth/reset-password", {"token": "x"}, 400,
         {"code": "VALIDATION_ERROR", "message": "[body.newPassword] Invalid input: expected string, received undefined"}),
        ("/auth/request-password-reset", {"email": "not-an-email"}, 400,
         {"code": "VALIDATION_ERROR", "message": "[body.email] Invalid email address"}),
        ("/auth/request-password-reset", {"email": "a@example.com", "redirectTo": "https://evil.example/x"}, 403,
         {"code": "INVALID_REDIRECT_URL", "message": "Invalid redirectURL"}),
        ("/auth/request-password-reset", {"email": "a@example.com", "redirectTo": "//evil.example/x"}, 403,
         {"code": "INVALID_REDIRECT_URL", "message": "Invalid redirectURL"}),
        ("/auth/request-password-reset", {"email": "a@example.com", "redirectTo": 5}, 400,
         {"message": "Invalid redirectURL: expected a string"}),
    ],
)
async def test_refusals_are_better_auths(
    async_auth: AsyncAuthExt, path: str, body: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    async with stateless_client(_app(async_auth, [])) as c:
        r = await c.post(path, json=body)
    assert (r.status_code, r.json()) == (status, expected)


async def test_without_a_mailer_reset_is_disabled(async_auth: AsyncAuthExt) -> None:
    async with stateless_client(_app(async_auth, None)) as c:
        r = await c.post("/auth/request-password-reset", json={"email": "a@example.com"})
    assert (r.status_code, r.json()) == (400, {"code": "RESET_PASSWORD_DISABLED", "message": "Reset password isn't enabled"})


def test_the_operations_on_the_sync_client(sync_auth: AuthExt, owner_dsn: str) -> None:
    sync_auth.sign_up_email("sync.reset@example.com", PASSWORD_FOR_TESTS, "Sync")
    assert sync_auth.request_password_reset("nobody.sync@example.com") is None
    issued = sync_auth.request_password_reset("sync.reset@example.com", 120)
    assert issued is not None and issued["user"]["email"] == "sync.reset@example.com"
    with psycopg.connect(owner_dsn) as conn:
        row = conn.execute(
            'SELECT value, extract(epoch FROM "expiresAt" - "createdAt")::int FROM verification WHERE identifier = %s',
            (f"reset-password:{issued['token']}",),
        ).fetchone()
    assert row == (issued["user"]["id"], 120)
    done = sync_auth.reset_password(issued["token"], "new-password-1")
    assert done["status"] is True and done["user"]["id"] == issued["user"]["id"]
    with pytest.raises(psycopg.Error) as info:
        sync_auth.reset_password(issued["token"], "new-password-2")
    assert info.value.diag.constraint_name == "INVALID_TOKEN"
    assert sync_auth.sign_in_email("sync.reset@example.com", "new-password-1")["user"]["id"] == issued["user"]["id"]


async def test_the_operations_on_the_async_client(async_auth: AsyncAuthExt) -> None:
    await async_auth.sign_up_email("async.reset@example.com", PASSWORD_FOR_TESTS, "Async")
    issued = await async_auth.request_password_reset("async.reset@example.com")
    assert issued is not None
    done = await async_auth.reset_password(issued["token"], "new-password-1", revoke_sessions=True)
    assert done["status"] is True


@pytest.fixture(scope="module")
def rate_limit_table(owner_dsn: str) -> None:
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        conn.execute(
            'CREATE TABLE IF NOT EXISTS "rateLimit" ("id" text not null primary key, "key" text not null unique,'
            ' "count" integer not null, "lastRequest" bigint not null)'
        )


async def test_rate_limit_hit_operation_and_its_429(async_auth: AsyncAuthExt, sync_auth: AuthExt, rate_limit_table: None) -> None:
    key = "198.51.100.40|/sign-in/email"
    assert await async_auth.rate_limit_hit(key, 10, 2) == 1
    assert sync_auth.rate_limit_hit(key, 10, 2) == 2
    with pytest.raises(psycopg.Error) as info:
        await async_auth.rate_limit_hit(key, 10, 2)
    assert info.value.diag.constraint_name == "RATE_LIMITED"
    from auth_ext_fastapi import from_database_error

    mapped = from_database_error(info.value)
    assert isinstance(mapped, AuthExtError)
    assert (mapped.status_code, mapped.code, mapped.message) == (429, None, "Too many requests. Please try again later.")
    assert 1 <= int(mapped.headers["X-Retry-After"]) <= 10
    response = mapped.to_response()
    assert response.body == b'{"message":"Too many requests. Please try again later."}'


async def test_the_routes_use_better_auths_rule_per_path(async_auth: AsyncAuthExt, rate_limit_table: None) -> None:
    app = _app(async_auth, [], rate_limit=RateLimit(), ip_address=IpAddress(ip_address_headers=("x-forwarded-for",)))
    headers = {"x-forwarded-for": "198.51.100.41"}
    async with stateless_client(app) as c:
        statuses = [
            (await c.post("/auth/request-password-reset", json={"email": "nobody@example.com"}, headers=headers)).status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        limited = await c.post("/auth/request-password-reset", json={"email": "nobody@example.com"}, headers=headers)
        assert limited.json() == {"message": "Too many requests. Please try again later."}
        assert 10 < int(limited.headers["x-retry-after"]) <= 60, "the 60 s window of /request-password-reset"
        # /reset-password has Better Auth's default rule (100 per 10 s): not limited after 4.
        for _ in range(4):
            r = await c.post("/auth/reset-password", json={"newPassword": "new-password-1", "token": "x"}, headers=headers)
            assert r.status_code == 400


def test_rate_limit_rules_are_better_auths() -> None:
    limit = RateLimit()
    assert limit.rule("/sign-in/email") == (10, 3)
    assert limit.rule("/sign-up/email") == (10, 3)
    assert limit.rule("/change-password") == (10, 3)
    assert limit.rule("/request-password-reset") == (60, 3)
    assert limit.rule("/reset-password") == (10, 100)
    assert limit.rule("/get-session") == (10, 100)


async def test_a_role_without_grant_mail_role_gets_a_500_naming_the_grant(owner_dsn: str) -> None:
    # request_password_reset hands out a token for any account: grant_app_role alone does not
    # allow it, and the route says what to grant instead of answering a bare 403.
    role = "auth_ext_fastapi_no_mail"
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute("SELECT auth_ext.grant_app_role(%s)", (role,))
    auth = AsyncAuthExt(_url(DATABASE, role), max_size=1)
    await auth.open()
    try:
        # (not stateless_client, which fails any 5xx: this 500 is the point)
        transport = httpx.ASGITransport(app=_app(auth, []))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost:3000") as c:
            r = await c.post("/auth/request-password-reset", json={"email": "anyone@example.com"})
        assert r.status_code == 500, r.text
        assert r.json()["code"] == "AUTH_EXT_NOT_GRANTED"
        assert "auth_ext.grant_mail_role(" in r.json()["message"]
    finally:
        await auth.close()
