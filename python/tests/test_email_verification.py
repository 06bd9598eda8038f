"""Email verification through the package: ``/auth/send-verification-email`` and
``/auth/verify-email`` as Better Auth answers them, and the client methods, sync and async
(the tokens themselves are checked against the real Better Auth in test/interop)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import jwt
import psycopg
import pytest
from fastapi import FastAPI

from auth_ext_fastapi import AsyncAuthExt, AuthExt, EmailVerification, User, auth_router, install_exception_handlers

from .conftest import BETTER_AUTH_SECRET, stateless_client

PASSWORD = "correct horse battery staple"
FLOOR = 0.2


class Outbox:
    """The application's sender: keeps every mail."""

    def __init__(self) -> None:
        self.mails: list[dict[str, Any]] = []

    async def send(self, user: User, url: str, token: str) -> None:
        self.mails.append({"user": user, "url": url, "token": token})

    def last_to(self, email: str) -> dict[str, Any] | None:
        return next((m for m in reversed(self.mails) if m["user"]["email"] == email), None)


def new_email() -> str:
    return f"verify.{uuid.uuid4().hex[:12]}@example.com"


def build_app(auth: AsyncAuthExt, options: EmailVerification) -> FastAPI:
    app = FastAPI()
    install_exception_handlers(app)
    app.include_router(auth_router(auth, session_cookie=True, email_verification=options))
    return app


@pytest.fixture(scope="module")
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture(scope="module")
async def client(async_auth: AsyncAuthExt, outbox: Outbox) -> AsyncIterator[httpx.AsyncClient]:
    options = EmailVerification(send_verification_email=outbox.send, minimum_response_seconds=FLOOR)
    async with stateless_client(build_app(async_auth, options)) as c:
        yield c


async def sign_up(client: httpx.AsyncClient, email: str) -> dict[str, Any]:
    r = await client.post("/auth/sign-up/email", json={"email": email, "password": PASSWORD, "name": "V"})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def assert_error(response: httpx.Response, status: int, code: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"code": code, "message": message}


async def verified(owner_dsn: str, email: str) -> bool:
    async with await psycopg.AsyncConnection.connect(owner_dsn) as conn:
        row = await (await conn.execute('SELECT "emailVerified" FROM "user" WHERE email = %s', (email,))).fetchone()
    assert row is not None
    return bool(row[0])


async def test_send_then_verify(client: httpx.AsyncClient, outbox: Outbox, owner_dsn: str) -> None:
    email = new_email()
    user = (await sign_up(client, email))["user"]
    start = time.monotonic()
    r = await client.post("/auth/send-verification-email", json={"email": email.upper(), "callbackURL": "/welcome?x=1"})
    assert r.status_code == 200 and r.json() == {"status": True}
    assert time.monotonic() - start >= FLOOR
    mail = outbox.last_to(email)
    assert mail is not None and mail["user"]["id"] == user["id"]
    url = urlsplit(mail["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://testserver/auth/verify-email"
    assert url.query == f"token={mail['token']}&callbackURL=%2Fwelcome%3Fx%3D1"  # Better Auth's link
    # Better Auth's token: {"alg":"HS256"}, {"email","userId","iat","exp"}, signed with its secret.
    header, payload, _ = mail["token"].split(".")
    assert json.loads(jwt.utils.base64url_decode(header)) == {"alg": "HS256"}
    assert list(json.loads(jwt.utils.base64url_decode(payload))) == ["email", "userId", "iat", "exp"]
    claims = jwt.decode(mail["token"], BETTER_AUTH_SECRET, algorithms=["HS256"])
    assert claims["email"] == email and claims["userId"] == user["id"] and claims["exp"] - claims["iat"] == 3600

    r = await client.get("/auth/verify-email", params={"token": mail["token"]})
    assert r.status_code == 200 and r.json() == {"status": True, "user": None}
    assert await verified(owner_dsn, email)
    again = await client.get("/auth/verify-email", params={"token": mail["token"], "callbackURL": "/done"})
    assert again.status_code == 302 and again.headers["location"] == "/done"


async def test_verify_refusals(client: httpx.AsyncClient, outbox: Outbox, owner_dsn: str) -> None:
    email = new_email()
    user = (await sign_up(client, email))["user"]
    assert_error(await client.get("/auth/verify-email", params={"token": "nope"}), 401, "INVALID_TOKEN", "Invalid token")
    r = await client.get("/auth/verify-email", params={"token": "nope", "callbackURL": "/after?x=1"})
    assert r.status_code == 302 and r.headers["location"] == "/after?x=1&error=INVALID_TOKEN"
    async with await psycopg.AsyncConnection.connect(owner_dsn) as conn:
        row = await (await conn.execute("SELECT auth_ext._sign_email_verification_token(%s, %s, -1)", (email, user["id"]))).fetchone()
        unknown = await (await conn.execute("SELECT auth_ext._sign_email_verification_token('nobody@example.com', 'x', 60)")).fetchone()
    assert row is not None and unknown is not None
    assert_error(await client.get("/auth/verify-email", params={"token": row[0]}), 401, "TOKEN_EXPIRED", "Token expired")
    r = await client.get("/auth/verify-email", params={"token": row[0], "callbackURL": "http://testserver/cb"})
    assert r.status_code == 302 and r.headers["location"] == "http://testserver/cb?error=TOKEN_EXPIRED"
    assert_error(await client.get("/auth/verify-email", params={"token": unknown[0]}), 401, "USER_NOT_FOUND", "User not found")
    assert_error(await client.get("/auth/verify-email"), 400, "VALIDATION_ERROR",
                 "[query.token] Invalid input: expected string, received undefined")
    for evil in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
        assert_error(await client.get("/auth/verify-email", params={"token": "nope", "callbackURL": evil}), 403,
                     "INVALID_CALLBACK_URL", "Invalid callbackURL")
    assert not await verified(owner_dsn, email)


async def test_send_without_session_says_nothing(client: httpx.AsyncClient, outbox: Outbox) -> None:
    count = len(outbox.mails)
    for email in ("nobody.here@example.com",):
        start = time.monotonic()
        r = await client.post("/auth/send-verification-email", json={"email": email})
        assert r.status_code == 200 and r.json() == {"status": True}
        assert time.monotonic() - start >= FLOOR, "an unknown email takes as long as a mailed one"
    assert len(outbox.mails) == count
    assert_error(await client.post("/auth/send-verification-email", json={"email": "bad"}), 400, "VALIDATION_ERROR",
                 "[body.email] Invalid email address")
    assert_error(await client.post("/auth/send-verification-email", json={"email": "a@example.com", "callbackURL": "https://evil.example"}),
                 403, "INVALID_CALLBACK_URL", "Invalid callbackURL")


async def test_send_with_a_session(client: httpx.AsyncClient, outbox: Outbox) -> None:
    email = new_email()
    token = (await sign_up(client, email))["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert_error(await client.post("/auth/send-verification-email", json={"email": new_email()}, headers=headers),
                 400, "EMAIL_MISMATCH", "Email mismatch")
    r = await client.post("/auth/send-verification-email", json={"email": email}, headers=headers)
    assert r.status_code == 200
    mail = outbox.last_to(email)
    assert mail is not None
    assert (await client.get("/auth/verify-email", params={"token": mail["token"]})).status_code == 200
    assert_error(await client.post("/auth/send-verification-email", json={"email": email}, headers=headers),
                 400, "EMAIL_ALREADY_VERIFIED", "Email is already verified")
    count = len(outbox.mails)
    r = await client.post("/auth/send-verification-email", json={"email": email})
    assert r.json() == {"status": True} and len(outbox.mails) == count, "without a session: nothing said, nothing sent"


async def test_auto_sign_in_after_verification(async_auth: AsyncAuthExt, outbox: Outbox) -> None:
    options = EmailVerification(send_verification_email=outbox.send, auto_sign_in_after_verification=True,
                                minimum_response_seconds=0)
    async with stateless_client(build_app(async_auth, options)) as client:
        email = new_email()
        await sign_up(client, email)
        await client.post("/auth/send-verification-email", json={"email": email})
        mail = outbox.last_to(email)
        assert mail is not None
        r = await client.get("/auth/verify-email", params={"token": mail["token"]})
        assert r.status_code == 200 and r.json() == {"status": True, "user": None}
        cookie = r.cookies["better-auth.session_token"]
        assert r.headers["set-auth-token"] == unquote(cookie)
        session = await client.get("/auth/get-session", headers={"Cookie": f"better-auth.session_token={cookie}"})
        assert session.json()["user"]["email"] == email and session.json()["user"]["emailVerified"] is True
        again = await client.get("/auth/verify-email", params={"token": mail["token"]})
        assert again.json() == {"status": True, "user": None} and "set-cookie" not in again.headers


async def test_not_enabled(async_auth: AsyncAuthExt) -> None:
    async with stateless_client(build_app(async_auth, EmailVerification())) as client:
        assert_error(await client.post("/auth/send-verification-email", json={"email": new_email()}), 400,
                     "VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled")
        assert_error(await client.get("/auth/verify-email", params={"token": "x"}), 401, "INVALID_TOKEN", "Invalid token")


async def test_client_methods(async_auth: AsyncAuthExt, sync_auth: AuthExt) -> None:
    email = new_email()
    up = await async_auth.sign_up_email(email, PASSWORD, "M")
    made = await async_auth.create_email_verification_token(email, 60)
    assert made["user"]["id"] == up["user"]["id"]
    result = sync_auth.verify_email(made["token"], True, "203.0.113.5", "pytest")
    assert result["user"] is not None and result["user"]["emailVerified"] is True
    assert "token" in result and result["session"]["token"] == result["token"]
    assert (await async_auth.verify_email(made["token"])) == {"status": True, "user": None}
    with pytest.raises(psycopg.Error) as info:
        sync_auth.create_email_verification_token(email)
    assert info.value.diag.constraint_name == "EMAIL_ALREADY_VERIFIED"


async def test_change_email_tokens(client: httpx.AsyncClient, outbox: Outbox, owner_dsn: str) -> None:
    email, new = new_email(), new_email()
    user = (await sign_up(client, email))["user"]
    async with await psycopg.AsyncConnection.connect(owner_dsn) as conn:
        row = await (await conn.execute(
            "SELECT auth_ext._sign_email_verification_token(%s, %s, 60, %s, 'change-email-confirmation')", (email, user["id"], new)
        )).fetchone()
    assert row is not None
    r = await client.get("/auth/verify-email", params={"token": row[0]})
    assert r.status_code == 200 and r.json() == {"status": True}, "confirmation: Better Auth answers {status: true}"
    mail = outbox.last_to(new)
    assert mail is not None and mail["user"]["id"] == user["id"], "the next token goes to the new address"
    assert parse_qs(urlsplit(mail["url"]).query)["token"] == [mail["token"]]
    claims = jwt.decode(mail["token"], BETTER_AUTH_SECRET, algorithms=["HS256"])
    assert (claims["requestType"], claims["updateTo"], claims["email"]) == ("change-email-verification", new, email)
    r = await client.get("/auth/verify-email", params={"token": mail["token"], "callbackURL": "/changed"})
    assert r.status_code == 302 and r.headers["location"] == "/changed"
    r = await client.get("/auth/verify-email", params={"token": mail["token"]})
    assert_error(r, 401, "INVALID_TOKEN", "Invalid token")  # the email is no longer the token's
    async with await psycopg.AsyncConnection.connect(owner_dsn) as conn:
        changed = await (await conn.execute('SELECT email FROM "user" WHERE id = %s', (user["id"],))).fetchone()
    assert changed == (new,)
