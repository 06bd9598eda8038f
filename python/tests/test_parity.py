"""The package's /auth routes answer every sign-up and sign-in error, and the email verification
routes' answers, exactly as Better Auth does.

The same requests go to the real Better Auth 1.7.25 (test/interop/scripts/better-auth-requests.mjs,
on its own fresh database) and to the package's router; status, ``code`` and ``message`` must be
equal for each. Then the rate limit: the package counts in Better Auth's ``rateLimit`` table, so
the two servers share one limit per client.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from fastapi import FastAPI

from auth_ext_fastapi import (
    AsyncAuthExt,
    EmailVerification,
    IpAddress,
    RateLimit,
    auth_router,
    install_exception_handlers,
)

from .conftest import _url

INTEROP_DIR = Path(__file__).resolve().parents[2] / "test" / "interop"
PASSWORD = "correct horse battery"
RUN = f"{os.getpid()}-{int(time.time())}"


def better_auth(database_url: str, requests: list[dict[str, Any]], mode: str = "") -> list[dict[str, Any]]:
    """Better Auth's answers to ``requests`` on ``database_url``."""
    node = shutil.which("node")
    assert node, "node is required: the reference answers come from the real Better Auth"
    assert (INTEROP_DIR / "node_modules" / "better-auth").is_dir(), "run npm ci in test/interop first"
    done = subprocess.run(
        [node, "scripts/better-auth-requests.mjs", database_url, *([mode] if mode else [])],
        cwd=INTEROP_DIR, input=json.dumps(requests), capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def fresh_database(name: str) -> str:
    """A new database with auth_ext and Better Auth's tables (plus its rateLimit table)."""
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(_url(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION auth_ext")
        conn.execute("SELECT auth_ext.create_better_auth_schema('public')")
        conn.execute(
            'CREATE TABLE "rateLimit" (id text PRIMARY KEY, key text NOT NULL UNIQUE, count integer NOT NULL,'
            ' "lastRequest" bigint NOT NULL)'
        )
    return _url(name)


def up(body: Any, content_type: str = "application/json") -> dict[str, Any]:
    raw = body if isinstance(body, str) else json.dumps(body)
    return {"path": "/sign-up/email", "body": raw, "contentType": content_type}


def sign_in(body: Any, content_type: str = "application/json") -> dict[str, Any]:
    raw = body if isinstance(body, str) else json.dumps(body)
    return {"path": "/sign-in/email", "body": raw, "contentType": content_type}


def post(path: str, body: Any, content_type: str = "application/json") -> dict[str, Any]:
    raw = body if isinstance(body, str) else json.dumps(body)
    return {"path": path, "body": raw, "contentType": content_type}


EXISTING = f"parity-existing-{RUN}@example.com"

CASES: list[dict[str, Any]] = [
    up({"email": EXISTING, "password": PASSWORD, "name": "Existing"}),  # 200, sets up the rest
    up({"email": EXISTING, "password": PASSWORD, "name": "Again"}),
    up({"email": EXISTING.upper(), "password": PASSWORD, "name": "Again"}),
    up({"email": "not-an-email", "password": PASSWORD, "name": "A"}),
    up({"email": f" parity-{RUN}@example.com", "password": PASSWORD, "name": "A"}),
    up({"email": f"parity-short-{RUN}@example.com", "password": "short", "name": "A"}),
    up({"email": f"parity-long-{RUN}@example.com", "password": "x" * 129, "name": "A"}),
    up({"email": f"parity-{RUN}@example.com", "password": "", "name": "A"}),
    up({"email": f"parity-{RUN}@example.com", "password": PASSWORD}),
    up({"email": f"parity-{RUN}@example.com", "name": "A"}),
    up({"password": PASSWORD, "name": "A"}),
    up({}),
    up({"email": None, "password": 1, "name": True}),
    up({"email": [], "password": {}, "name": 1.5}),
    up({"email": "bad", "password": PASSWORD, "name": 5, "image": None}),
    up({"email": f"parity-{RUN}@example.com", "password": PASSWORD, "name": "A", "image": None}),
    up({"email": f"parity-{RUN}@example.com", "password": PASSWORD, "name": "A", "rememberMe": "yes"}),
    up({"email": f"parity-{RUN}@example.com", "password": PASSWORD, "name": "A", "callbackURL": 3}),
    up([]),
    up("null"),
    up("5"),
    up("{not json"),
    up(""),
    up("email=a", "text/plain"),
    up({"email": f"parity-name-{RUN}@example.com", "password": PASSWORD, "name": ""}),  # 200
    sign_in({"email": "not-an-email", "password": PASSWORD}),
    sign_in({"email": EXISTING, "password": "wrong password!"}),
    sign_in({"email": f"parity-nobody-{RUN}@example.com", "password": PASSWORD}),
    sign_in({"email": EXISTING, "password": "short"}),
    sign_in({"email": EXISTING, "password": ""}),
    sign_in({"email": EXISTING, "password": "x" * 129}),
    sign_in({"email": f"parity-nobody-{RUN}@example.com", "password": "x" * 129}),
    sign_in({"email": EXISTING}),
    sign_in({"password": "x"}),
    sign_in({}),
    sign_in({"email": None, "password": 1}),
    sign_in({"email": EXISTING, "password": PASSWORD, "rememberMe": None}),
    sign_in({"email": EXISTING, "password": PASSWORD, "callbackURL": 3}),
    sign_in([]),
    sign_in("{"),
    sign_in("email=a", "text/plain"),
    sign_in({"email": EXISTING, "password": PASSWORD}),  # 200
    # Password reset (neither server has a mailer: /request-password-reset is disabled after validation).
    post("/reset-password", {"newPassword": "new-password-1"}),
    post("/reset-password", {"newPassword": "short", "token": "no-such-token"}),
    post("/reset-password", {"newPassword": "", "token": "no-such-token"}),
    post("/reset-password", {"newPassword": "x" * 129, "token": "no-such-token"}),
    post("/reset-password", {"newPassword": "new-password-1", "token": "no-such-token"}),
    post("/reset-password", {"newPassword": "new-password-1", "token": ""}),
    post("/reset-password", {"token": "no-such-token"}),
    post("/reset-password", {"newPassword": 5, "token": 6}),
    post("/reset-password", []),
    post("/reset-password", "{"),
    post("/request-password-reset", {"email": EXISTING}),
    post("/request-password-reset", {"email": "not-an-email"}),
    post("/request-password-reset", {}),
    post("/request-password-reset", {"email": EXISTING, "redirectTo": "https://evil.example/reset"}),
    post("/request-password-reset", {"email": EXISTING, "redirectTo": "/reset"}),
    post("/request-password-reset", {"email": EXISTING, "redirectTo": 5}),
]


@pytest.fixture(scope="module")
async def parity_client() -> Any:
    dsn = fresh_database("auth_ext_parity_fastapi")
    async with AsyncAuthExt(dsn, max_size=4) as auth:
        app = FastAPI()
        install_exception_handlers(app)
        app.include_router(auth_router(auth))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            yield c


async def test_every_sign_up_and_sign_in_error_matches_better_auth(parity_client: httpx.AsyncClient) -> None:
    reference = better_auth(fresh_database("auth_ext_parity_better_auth"), CASES)
    mismatches = []
    for case, expected in zip(CASES, reference, strict=True):
        r = await parity_client.post(
            f"/auth{case['path']}", content=case["body"].encode(), headers={"content-type": case["contentType"]}
        )
        got = r.json()
        if expected["status"] == 200:
            same = r.status_code == 200
        else:
            same = r.status_code == expected["status"] and got == expected["body"]
        if not same:
            mismatches.append(f"{case['path']} {case['body'][:60]!r}: Better Auth {expected['status']} "
                              f"{expected['body']}, FastAPI {r.status_code} {got}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.parametrize(
    ("mode", "options"),
    [("require-email-verification", {"require_email_verification": True}), ("no-auto-sign-in", {"auto_sign_in": False})],
)
async def test_sign_up_without_a_session_answers_as_better_auth(mode: str, options: dict[str, bool]) -> None:
    """requireEmailVerification / autoSignIn: false: no session, the generic answer for a taken
    email, and (requireEmailVerification) EMAIL_NOT_VERIFIED after the password check."""
    email = f"parity-flow-{RUN}@example.com"
    cases = [
        up({"email": email, "password": PASSWORD, "name": "First"}),
        up({"email": email.upper(), "password": "another password", "name": "Second", "image": "https://example.com/s.png"}),
        sign_in({"email": email, "password": "wrong password!"}),
        sign_in({"email": email, "password": PASSWORD}),
    ]
    reference = better_auth(fresh_database(f"auth_ext_parity_{mode.replace('-', '_')}_ba"), cases, mode)
    dsn = fresh_database(f"auth_ext_parity_{mode.replace('-', '_')}")
    async with AsyncAuthExt(dsn, max_size=2) as auth:
        app = FastAPI()
        install_exception_handlers(app)
        app.include_router(auth_router(auth, session_cookie=False, **options))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            answers = [
                await c.post(f"/auth{case['path']}", content=case["body"].encode(),
                             headers={"content-type": case["contentType"]})
                for case in cases
            ]
    for case, expected, got in zip(cases, reference, answers, strict=True):
        assert got.status_code == expected["status"], (case, expected, got.text)
        if case["path"] == "/sign-up/email":
            body = got.json()
            assert body["token"] is None and expected["body"]["token"] is None
            assert sorted(body) == sorted(expected["body"]) == ["token", "user"]
            assert sorted(body["user"]) == sorted(expected["body"]["user"])
            for key in ("name", "email", "image", "emailVerified"):
                assert body["user"][key] == expected["body"]["user"][key], key
            assert "set-auth-token" not in got.headers
        elif expected["status"] != 200:
            assert got.json() == expected["body"]
    first, second = answers[0].json(), answers[1].json()
    assert second["user"]["id"] != first["user"]["id"], "the synthetic user has a fresh id"
    with psycopg.connect(dsn) as conn:
        counts = conn.execute(
            'SELECT (SELECT count(*) FROM "user"), (SELECT count(*) FROM account), (SELECT count(*) FROM session)'
        ).fetchone()
    expected_sessions = 0 if mode == "require-email-verification" else 1  # the last sign-in
    assert counts == (1, 1, expected_sessions)
#: Better Auth's secret in the reference script (test/interop/lib/better-auth.mjs).
INTEROP_SECRET = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708"


def _verification_token(email: str, exp_in: int) -> str:
    now = int(time.time())
    return jwt.encode({"email": email, "userId": "nobody", "iat": now, "exp": now + exp_in}, INTEROP_SECRET, "HS256")


def _get(path: str) -> dict[str, Any]:
    return {"path": path, "body": "", "method": "GET"}


def _send(body: Any) -> dict[str, Any]:
    return {"path": "/send-verification-email", "body": body if isinstance(body, str) else json.dumps(body),
            "contentType": "application/json"}


VERIFICATION_CASES: list[dict[str, Any]] = [
    _get("/verify-email"),
    _get("/verify-email?token=not-a-token"),
    _get("/verify-email?token=not-a-token&callbackURL=%2Fafter%3Fx%3D1"),
    _get("/verify-email?token=not-a-token&callbackURL=http%3A%2F%2Flocalhost%3A3000%2Fok"),
    _get("/verify-email?token=x&callbackURL=https%3A%2F%2Fevil.example%2Fx"),
    _get("/verify-email?token=x&callbackURL=%2F%2Fevil.example%2Fx"),
    _get(f"/verify-email?token={_verification_token(f'parity-expired-{RUN}@example.com', -10)}"),
    _get(f"/verify-email?token={_verification_token(f'parity-expired-{RUN}@example.com', -10)}&callbackURL=%2Fdone"),
    _get(f"/verify-email?token={_verification_token(f'parity-nobody-{RUN}@example.com', 600)}"),
    _get(f"/verify-email?token={_verification_token(f'parity-nobody-{RUN}@example.com', 600)[:-2]}AA"),
    _send({"email": "bad"}),
    _send({}),
    _send({"email": f"parity-nobody-{RUN}@example.com"}),  # 200 {status: true}: nothing said
    _send({"email": f"parity-nobody-{RUN}@example.com", "callbackURL": "https://evil.example"}),
    _send({"email": f"parity-nobody-{RUN}@example.com", "callbackURL": 3}),
]


async def test_email_verification_answers_match_better_auth() -> None:
    dsn = fresh_database("auth_ext_parity_verification")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT auth_ext.configure('better_auth_secret', %s)", (INTEROP_SECRET,))
    reference = better_auth(fresh_database("auth_ext_parity_verification_ba"), VERIFICATION_CASES)
    async def sender(user: Any, url: str, token: str) -> None:
        return None
    async with AsyncAuthExt(dsn, max_size=4, trusted_origins=["http://localhost:3000"]) as auth:
        app = FastAPI()
        install_exception_handlers(app)
        app.include_router(auth_router(auth, email_verification=EmailVerification(send_verification_email=sender)))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            mismatches = []
            for case, expected in zip(VERIFICATION_CASES, reference, strict=True):
                if case.get("method", "POST") == "GET":
                    r = await c.get(f"/auth{case['path']}")
                else:
                    r = await c.post(f"/auth{case['path']}", content=case["body"].encode(),
                                     headers={"content-type": case["contentType"]})
                got = r.json() if r.content else None
                same = r.status_code == expected["status"] and got == expected["body"] \
                    and r.headers.get("location") == expected["location"]
                if not same:
                    mismatches.append(f"{case['path'][:80]} {case['body'][:60]!r}: Better Auth {expected['status']} "
                                      f"{expected['body']} {expected['location']}, FastAPI {r.status_code} {got} "
                                      f"{r.headers.get('location')}")
    assert not mismatches, "\n".join(mismatches)


async def test_sign_in_rate_limit_is_better_auths_and_shared_with_it() -> None:
    dsn = fresh_database("auth_ext_parity_rate_limit")
    ip = "203.0.113.77"
    async with AsyncAuthExt(dsn, max_size=4) as auth:
        app = FastAPI()
        install_exception_handlers(app)
        # Both servers behind the same proxy, which sets X-Forwarded-For: Better Auth reads it by
        # default, the package when told to.
        app.include_router(auth_router(auth, rate_limit=RateLimit(),
                                       ip_address=IpAddress(ip_address_headers=("x-forwarded-for",))))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as c:
            wrong = {"email": f"limited-{RUN}@example.com", "password": "wrong password!"}
            statuses = [
                (await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": ip})).status_code
                for _ in range(3)
            ]
            assert statuses == [401, 401, 401]
            limited = await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": ip})
            assert limited.status_code == 429
            assert limited.json() == {"message": "Too many requests. Please try again later."}
            assert 1 <= int(limited.headers["x-retry-after"]) <= 10
            # Another client (IP) and another path have their own counters.
            other = await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": "203.0.113.78"})
            assert other.status_code == 401
            # Better Auth, on the same table, sees the same counter and refuses the same client ...
            answers = better_auth(dsn, [{**sign_in(wrong), "ip": ip}, {**sign_in(wrong), "ip": "203.0.113.79"}],
                                  "rate-limit")
            assert answers[0]["status"] == 429 and answers[0]["body"] == limited.json()
            assert answers[1]["status"] == 401
            # ... and what Better Auth counts, FastAPI honours.
            for _ in range(2):
                assert better_auth(dsn, [{**sign_in(wrong), "ip": "203.0.113.80"}], "rate-limit")[0]["status"] == 401
            r = await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": "203.0.113.80"})
            assert r.status_code == 401  # the third in the window
            r = await c.post("/auth/sign-in/email", json=wrong, headers={"x-forwarded-for": "203.0.113.80"})
            assert r.status_code == 429
    with psycopg.connect(dsn) as conn:
        keys = {row[0] for row in conn.execute('SELECT key FROM "rateLimit"')}
    assert f"{ip}|/sign-in/email" in keys


async def test_a_role_without_grant_app_role_fails_at_startup_naming_the_grant(owner_dsn: str) -> None:
    role = "auth_ext_fastapi_ungranted"
    with psycopg.connect(owner_dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
            conn.execute(f'CREATE ROLE "{role}" LOGIN')
    auth = AsyncAuthExt(_url("auth_ext_fastapi_pkg_test", role), max_size=1)
    try:
        with pytest.raises(RuntimeError, match=rf"grant_app_role\('{role}'\)"):
            await auth.open()
    finally:
        await auth.close()
