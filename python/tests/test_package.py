"""The package end to end: Better Auth's email/password routes, credentials of every form, error
statuses, and the identity set in the route's own transaction (real Postgres, real HTTP)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
import uuid
from typing import Any
from urllib.parse import unquote

import httpx
import jwt
import psycopg
import pytest

from auth_ext_fastapi import AsyncAuthExt, AuthExt, connect_kwargs, from_database_error, is_pooled_url

from .conftest import AUDIENCE, BETTER_AUTH_SECRET, ISSUER, JWT_SHARED_SECRET

PASSWORD = "correct horse battery staple"


def sign_session_token(token: str, secret: str) -> str:
    """Better Auth's signed cookie value, ``token.base64(HMAC-SHA256(secret, token))``, computed here
    independently of the extension (which signs the router's cookies: auth_ext.sign_session_cookie)."""
    digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return f"{token}.{base64.b64encode(digest).decode()}"


def new_email() -> str:
    return f"user.{uuid.uuid4().hex[:12]}@example.com"


async def sign_up(client: httpx.AsyncClient, email: str | None = None, **extra: Any) -> httpx.Response:
    body = {"email": email or new_email(), "password": PASSWORD, "name": "Test User", **extra}
    return await client.post("/auth/sign-up/email", json=body)


def hs256(claims: dict[str, Any], secret: str = JWT_SHARED_SECRET) -> str:
    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 900, **claims}, secret, "HS256")


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["message"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- sign-up -------------------------------------------------------------------------------------


async def test_sign_up_returns_token_user_and_signed_cookie(client: httpx.AsyncClient) -> None:
    email = new_email()
    r = await sign_up(client, email.upper(), image="https://example.com/a.png")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"token", "user"}
    assert len(body["token"]) == 32
    user = body["user"]
    assert user["email"] == email  # stored lower-case, as Better Auth does
    assert user["emailVerified"] is False and user["image"] == "https://example.com/a.png"
    assert set(user) >= {"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"}
    cookie = r.cookies["better-auth.session_token"]
    assert unquote(cookie) == sign_session_token(body["token"], BETTER_AUTH_SECRET)
    set_cookie = r.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "samesite=lax" in set_cookie.lower() and "Path=/" in set_cookie
    assert r.headers["set-auth-token"] == sign_session_token(body["token"], BETTER_AUTH_SECRET)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "name": "X"}, "VALIDATION_ERROR"),
        ({"email": " a@example.com", "password": PASSWORD, "name": "X"}, "VALIDATION_ERROR"),
        ({"email": "a@example.com", "password": "short", "name": "X"}, "PASSWORD_TOO_SHORT"),
        ({"email": "a@example.com", "password": "x" * 129, "name": "X"}, "PASSWORD_TOO_LONG"),
        ({"email": "a@example.com", "password": "", "name": "X"}, "VALIDATION_ERROR"),
        ({"email": "a@example.com", "password": PASSWORD}, "VALIDATION_ERROR"),
        ({"password": PASSWORD, "name": "X"}, "VALIDATION_ERROR"),
        ({"email": "a@example.com", "password": 12345678, "name": "X"}, "VALIDATION_ERROR"),
    ],
)
async def test_sign_up_validation_errors_are_400(client: httpx.AsyncClient, body: dict[str, Any], code: str) -> None:
    assert_error(await client.post("/auth/sign-up/email", json=body), 400, code)


async def test_missing_name_message_names_the_field(client: httpx.AsyncClient) -> None:
    r = await client.post("/auth/sign-up/email", json={"email": new_email(), "password": PASSWORD})
    assert_error(r, 400, "VALIDATION_ERROR")
    assert r.json()["message"].startswith("[body.name]")


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    r = await client.post("/auth/sign-up/email", content=b"{not json", headers={"content-type": "application/json"})
    assert_error(r, 400, "BAD_REQUEST")


async def test_duplicate_sign_up_is_422(client: httpx.AsyncClient) -> None:
    email = new_email()
    assert (await sign_up(client, email)).status_code == 200
    r = await sign_up(client, email.replace("user", "USER"))
    assert_error(r, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    assert r.json()["message"] == "User already exists. Use another email."


# --- sign-in -------------------------------------------------------------------------------------


async def test_sign_in(client: httpx.AsyncClient) -> None:
    email = new_email()
    user_id = (await sign_up(client, email)).json()["user"]["id"]
    r = await client.post("/auth/sign-in/email", json={"email": email, "password": PASSWORD},
                          headers={"user-agent": "pytest", "x-forwarded-for": "203.0.113.7, 10.0.0.1"})
    assert r.status_code == 200
    body = r.json()
    assert body["redirect"] is False and body["user"]["id"] == user_id and len(body["token"]) == 32
    session = (await client.get("/auth/get-session", headers=bearer(body["token"]))).json()
    assert session["session"]["userAgent"] == "pytest"
    # The socket's address (the test transport's): X-Forwarded-For is not trusted unless configured.
    assert session["session"]["ipAddress"] == "127.0.0.1"


@pytest.mark.parametrize("case", ["wrong password", "unknown email"])
async def test_bad_credentials_are_401(client: httpx.AsyncClient, case: str) -> None:
    email = new_email()
    await sign_up(client, email)
    body = {"email": email, "password": "wrong password!"} if case == "wrong password" else \
        {"email": new_email(), "password": PASSWORD}
    r = await client.post("/auth/sign-in/email", json=body)
    assert_error(r, 401, "INVALID_EMAIL_OR_PASSWORD")
    assert r.json()["message"] == "Invalid email or password"


async def test_sign_in_invalid_email_is_400(client: httpx.AsyncClient) -> None:
    assert_error(await client.post("/auth/sign-in/email", json={"email": "nope", "password": "x"}), 400, "INVALID_EMAIL")


# --- sessions ------------------------------------------------------------------------------------


async def test_session_credentials_in_every_form(client: httpx.AsyncClient) -> None:
    r = await sign_up(client)
    token, user_id = r.json()["token"], r.json()["user"]["id"]
    signed = sign_session_token(token, BETTER_AUTH_SECRET)
    forms: list[dict[str, str]] = [
        bearer(token),  # bare session token (bearer plugin)
        bearer(signed),  # token.sig
        bearer(r.cookies["better-auth.session_token"]),  # URL-encoded token.sig
        {"cookie": f"better-auth.session_token={r.cookies['better-auth.session_token']}"},
        {"cookie": f"__Secure-better-auth.session_token={r.cookies['better-auth.session_token']}"},
    ]
    for headers in forms:
        who = await client.get("/whoami", headers=headers)
        assert who.status_code == 200, who.text
        assert who.json()["user_id"] == who.json()["db_user_id"] == user_id
        assert who.json()["kind"] == "session"
        assert who.json()["user"]["id"] == user_id
        got = (await client.get("/auth/get-session", headers=headers)).json()
        assert got["user"]["id"] == user_id and got["session"]["userId"] == user_id


async def test_bad_signature_and_unknown_session_are_401(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client)).json()["token"]
    forged = sign_session_token(token, "not-the-secret-not-the-secret-not-the-secret")
    for value in (forged, "A" * 32, "x"):
        r = await client.get("/whoami", headers=bearer(value))
        assert_error(r, 401, "UNAUTHORIZED")
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert (await client.get("/auth/get-session", headers=bearer(forged))).json() is None
    assert (await client.get("/auth/get-session")).json() is None


async def test_sign_out_revokes_at_once(client: httpx.AsyncClient) -> None:
    token = (await sign_up(client)).json()["token"]
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    r = await client.post("/auth/sign-out", headers=bearer(token))
    assert r.status_code == 200 and r.json() == {"success": True}
    assert_error(await client.get("/whoami", headers=bearer(token)), 401, "UNAUTHORIZED")
    assert (await client.get("/auth/get-session", headers=bearer(token))).json() is None


async def test_cookie_from_a_foreign_origin_is_refused(client: httpx.AsyncClient) -> None:
    r = await sign_up(client)
    cookie = {"cookie": f"better-auth.session_token={r.cookies['better-auth.session_token']}"}
    assert_error(await client.post("/whoami", headers={**cookie, "origin": "https://evil.example"}), 403, "INVALID_ORIGIN")
    assert (await client.post("/whoami", headers={**cookie, "origin": "http://testserver"})).status_code == 200
    # A bearer header is never sent by a browser on its own: no origin check.
    assert (await client.post("/whoami", headers={**bearer(r.json()["token"]), "origin": "https://evil.example"})).status_code == 200


# --- JWTs ----------------------------------------------------------------------------------------


async def test_hs256_jwt_sets_the_transaction_identity(client: httpx.AsyncClient) -> None:
    user_id = (await sign_up(client)).json()["user"]["id"]
    r = await client.get("/whoami", headers=bearer(hs256({"sub": user_id, "email": "x@example.com"})))
    assert r.status_code == 200
    assert r.json()["user_id"] == r.json()["db_user_id"] == user_id
    assert r.json()["kind"] == "jwt"
    assert r.json()["user"] == {"id": user_id, "email": "x@example.com"}


@pytest.mark.parametrize(
    "case", ["expired", "tampered", "wrong audience", "wrong issuer", "wrong key", "no sub", "garbage", "missing",
             "basic scheme"],
)
async def test_bad_jwts_are_401(client: httpx.AsyncClient, case: str) -> None:
    now = int(time.time())
    good = hs256({"sub": "someone"})
    head, _, sig = good.split(".")
    tampered_payload = jwt.utils.base64url_encode(
        f'{{"sub":"admin","iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{now + 900}}}'.encode()
    ).decode()
    headers = {
        "expired": bearer(hs256({"sub": "someone", "iat": now - 1000, "exp": now - 100})),
        "tampered": bearer(f"{head}.{tampered_payload}.{sig}"),
        "wrong audience": bearer(hs256({"sub": "someone", "aud": "https://other.example"})),
        "wrong issuer": bearer(hs256({"sub": "someone", "iss": "https://other.example"})),
        "wrong key": bearer(hs256({"sub": "someone"}, secret="another-secret-another-secret-another!")),
        "no sub": bearer(hs256({})),
        "garbage": bearer("a.b.c"),
        "missing": {},
        "basic scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
    }[case]
    r = await client.get("/whoami", headers=headers)
    assert_error(r, 401, "UNAUTHORIZED")
    assert r.headers["www-authenticate"].startswith("Bearer")


# --- the connection and the pool -----------------------------------------------------------------


async def test_identity_does_not_outlive_the_request(client: httpx.AsyncClient, async_auth: AsyncAuthExt) -> None:
    user_id = (await sign_up(client)).json()["user"]["id"]
    token = hs256({"sub": user_id})
    assert (await client.get("/whoami", headers=bearer(token))).status_code == 200
    for _ in range(async_auth.pool.max_size):  # every pooled connection
        async with async_auth.pool.connection() as conn:
            row = await (await conn.execute("SELECT auth_ext.user_id()")).fetchone()
            assert row == (None,)


async def test_sync_pool_and_def_routes(sync_client: httpx.AsyncClient) -> None:
    r = await sync_client.post("/auth/sign-up/email", json={"email": new_email(), "password": PASSWORD, "name": "S"})
    assert r.status_code == 200
    assert "set-cookie" not in r.headers  # no Better Auth secret given to this router: token only
    token, user_id = r.json()["token"], r.json()["user"]["id"]
    assert r.headers["set-auth-token"] == token
    for credential in (token, hs256({"sub": user_id})):
        who = await sync_client.get("/whoami", headers=bearer(credential))
        assert who.status_code == 200 and who.json()["db_user_id"] == user_id
    assert_error(await sync_client.get("/whoami"), 401, "UNAUTHORIZED")
    dup = await sync_client.post("/auth/sign-up/email", json={"email": r.json()["user"]["email"], "password": PASSWORD,
                                                               "name": "S"})
    assert_error(dup, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")


async def test_parallel_sign_ups_and_requests(client: httpx.AsyncClient, owner_dsn: str) -> None:
    emails = [new_email() for _ in range(16)]
    ups = await asyncio.gather(*(sign_up(client, e) for e in emails), *(sign_up(client, emails[0]) for _ in range(4)))
    statuses = sorted(r.status_code for r in ups)
    assert statuses.count(200) == 16 and statuses.count(422) == 4
    tokens = [r.json()["token"] for r in ups if r.status_code == 200]
    whos = await asyncio.gather(*(client.get("/whoami", headers=bearer(t)) for t in tokens * 3))
    assert all(w.status_code == 200 for w in whos)
    async with await psycopg.AsyncConnection.connect(owner_dsn) as conn:
        rows = await (await conn.execute('SELECT count(*) FROM "user" WHERE email = ANY(%s)', (emails,))).fetchone()
        assert rows == (16,)  # no lost and no duplicate users


async def test_error_mapping_of_real_database_errors(owner_dsn: str) -> None:
    async with await psycopg.AsyncConnection.connect(owner_dsn, autocommit=True) as conn:
        cases = {
            "SELECT auth_ext.sign_up_email('bad', 'x', 'n')": (400, "INVALID_EMAIL"),
            "SELECT auth_ext.sign_in_email('nobody@example.com', 'x')": (401, "INVALID_EMAIL_OR_PASSWORD"),
            "SELECT auth_ext.verify_jwt('x.y.z')": (401, "UNAUTHORIZED"),
            "SELECT 1/0": (400, "VALIDATION_ERROR"),
        }
        for query, (status, code) in cases.items():
            with pytest.raises(psycopg.Error) as info:
                await conn.execute(query)
            mapped = from_database_error(info.value)
            assert mapped is not None and (mapped.status_code, mapped.code) == (status, code), query
        with pytest.raises(psycopg.Error) as info:
            await conn.execute("SELECT * FROM no_such_table")
        assert from_database_error(info.value) is None  # a real server error stays a 500


# --- topology: poolers, restarts, replicas (the topology suite runs them for real) ----------------


@pytest.mark.parametrize(
    ("conninfo", "pooled"),
    [
        ("postgresql://app@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require", True),
        ("postgresql://app@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require", False),
        ("postgresql://app@db.example.com:6432/app", True),
        ("postgresql://app@aws-0-eu-central-1.pooler.supabase.com:6543/postgres", True),
        ("host=db.example.com port=6432 dbname=app", True),
        ("postgresql://app@127.0.0.1:5432/app", False),
        ("postgresql://app@/app?host=/var/run/postgresql", False),
    ],
)
def test_pooled_urls_are_recognised(conninfo: str, pooled: bool) -> None:
    assert is_pooled_url(conninfo) is pooled
    assert connect_kwargs(conninfo) == ({"prepare_threshold": None} if pooled else {})
    assert connect_kwargs(conninfo, pooled=not pooled) == ({} if pooled else {"prepare_threshold": None})


def test_pools_are_configured_for_the_topology() -> None:
    auth = AsyncAuthExt("postgresql://app@ep-x-123-pooler.eu-central-1.aws.neon.tech/db",
                        replica_conninfo="postgresql://app@replica.example.com/db", timeout=3)
    assert auth.pool.kwargs == {"prepare_threshold": None} and auth.pool.timeout == 3
    assert auth.check_connections  # connections checked before use (dead after a restart: replaced), by the client
    assert auth.replica_pool is not None and auth.replica_pool.kwargs == {}
    direct = AsyncAuthExt("postgresql://app@db.example.com/db", pooled=True, check_connections=False,
                          pool_kwargs={"kwargs": {"application_name": "api"}})
    assert direct.pool.kwargs == {"prepare_threshold": None, "application_name": "api"}
    assert not direct.check_connections and direct.replica_pool is None


async def test_an_unreachable_database_is_503_not_500() -> None:
    # a port nothing listens on: the pool cannot connect within its timeout
    auth = AsyncAuthExt("postgresql://nobody@127.0.0.1:9/none", timeout=0.5, min_size=0)
    await auth.pool.open(wait=False)
    try:
        with pytest.raises(psycopg.OperationalError) as info:
            await auth.get_session("any-token")
    finally:
        await auth.close()
    mapped = from_database_error(info.value)
    assert mapped is not None and (mapped.status_code, mapped.code) == (503, "DATABASE_UNAVAILABLE")
    assert mapped.to_response().headers["retry-after"] == "1"
    for sqlstate in ("57P01", "57P03", "08006", "53300"):
        error = psycopg.errors.lookup(sqlstate)("server went away")
        mapped = from_database_error(error)
        assert mapped is not None and (mapped.status_code, mapped.code) == (503, "DATABASE_UNAVAILABLE"), sqlstate


@pytest.mark.parametrize("kind", ["async", "sync"])
async def test_the_client_is_a_fastapi_lifespan(app_dsn: str, kind: str) -> None:
    from fastapi import FastAPI

    auth = AsyncAuthExt(app_dsn, max_size=1) if kind == "async" else AuthExt(app_dsn, max_size=1)
    app = FastAPI(lifespan=auth.lifespan)
    async with app.router.lifespan_context(app):
        assert not auth.pool.closed  # opened at start-up
    assert auth.pool.closed  # closed at shutdown
