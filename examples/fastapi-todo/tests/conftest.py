"""Fixtures: a fresh database prepared by the example's own setup, real Better Auth (node, pinned
in test/interop) issuing JWTs on it, and the todo app over real HTTP via ASGITransport.

The cluster comes from ``DATABASE_URL`` (a superuser, as scripts/lib/cluster.sh exports it).
"""

import json
import os
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import jwt
import psycopg
import pytest

from todo_api.config import Settings
from todo_api.main import create_app
from todo_api.setup import setup_database

DATABASE = "auth_ext_todo_example_test"
INTEROP_DIR = Path(__file__).resolve().parents[3] / "test" / "interop"
BETTER_AUTH_URL = "http://localhost:3000"
# The interop harness's Better Auth secret: the API verifies Better Auth's own signed cookies.
BETTER_AUTH_SECRET = "interop-harness-secret-5f8a1c2e9b7d4036a1e2c3b4d5e6f708"
JWT_SHARED_SECRET = "todo-example-hs256-shared-secret-0123456789ab"


def database_url(database: str) -> str:
    """The cluster's superuser URL, on ``database``."""
    base = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:55432/postgres")
    return urlunsplit(urlsplit(base)._replace(path=f"/{database}"))


def assert_no_server_error(response: httpx.Response) -> None:
    """Checked on every response of the suite: no request may end in a 5xx."""
    assert response.status_code < 500, f"{response.request.method} {response.request.url.path} -> {response.status_code}"


async def _hook(response: httpx.Response) -> None:
    assert_no_server_error(response)


def hs256_token(sub: str, **claims: Any) -> str:
    """A token signed with the shared secret, as a non-Better-Auth issuer would mint it."""
    now = int(time.time())
    payload = {"sub": sub, "iss": BETTER_AUTH_URL, "aud": BETTER_AUTH_URL, "iat": now, "exp": now + 900, **claims}
    return jwt.encode(payload, JWT_SHARED_SECRET, algorithm="HS256")


@dataclass(frozen=True)
class BetterAuthUser:
    """A user signed up through the real Better Auth, with the JWT its /token endpoint issued."""

    user_id: str
    email: str
    jwt: str
    session_token: str
    session_cookie: str


@pytest.fixture(scope="session")
def owner_dsn() -> Iterator[str]:
    """A new database prepared by ``todo_api.setup`` as its owner; dropped at the end."""
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    yield database_url(DATABASE)
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@pytest.fixture(scope="session")
def settings(owner_dsn: str) -> Settings:
    """The example's settings for the test database; the API itself connects as ``todo_app``."""
    s = Settings(
        database_url=owner_dsn,
        better_auth_url=BETTER_AUTH_URL,
        jwt_shared_secret=JWT_SHARED_SECRET,
        better_auth_secret=BETTER_AUTH_SECRET,
        rate_limit=False,  # the suite signs many users up from one client; test_rough_edges checks the limit
    )
    setup_database(s)
    return s


@pytest.fixture(scope="session")
def issue_jwt(settings: Settings) -> Any:
    """Signs a user up through the real Better Auth (test/interop/scripts/issue-jwt.mjs) and returns it."""
    node = shutil.which("node")
    assert node, "node is required: the JWTs come from the real Better Auth"
    assert (INTEROP_DIR / "node_modules" / "better-auth").is_dir(), "run npm ci in test/interop first"

    def issue(email: str) -> BetterAuthUser:
        done = subprocess.run(
            [node, "scripts/issue-jwt.mjs", settings.database_url, email],
            cwd=INTEROP_DIR, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        return BetterAuthUser(out["userId"], out["email"], out["token"], out["sessionToken"], out["sessionCookie"])

    return issue


@pytest.fixture(scope="session")
def alice(issue_jwt: Any) -> BetterAuthUser:
    """A Better Auth user."""
    user: BetterAuthUser = issue_jwt("alice@example.com")
    return user


@pytest.fixture(scope="session")
def bob(issue_jwt: Any) -> BetterAuthUser:
    """Another Better Auth user."""
    user: BetterAuthUser = issue_jwt("bob@example.com")
    return user


@pytest.fixture(scope="session")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The todo API (lifespan run) over HTTP; no cookie jar, and any 5xx fails the test."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver", event_hooks={"response": [_hook]}
        )
        c.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        async with c:
            yield c
