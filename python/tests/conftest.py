"""Fixtures: a fresh database on the test cluster with auth_ext, an application role without
table privileges, and FastAPI apps (async and sync pools) reached over real HTTP via ASGITransport.

The cluster comes from the environment (``DATABASE_URL`` of a superuser, as
scripts/lib/cluster.sh exports it).
"""


import os
from collections.abc import AsyncIterator, Iterator
from http.cookiejar import DefaultCookiePolicy
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from fastapi import Depends, FastAPI

from auth_ext_fastapi import (
    AsyncAuthExt,
    AuthContext,
    AuthExt,
    auth_router,
    install_exception_handlers,
)

DATABASE = "auth_ext_fastapi_pkg_test"
APP_ROLE = "auth_ext_fastapi_test_app"
BETTER_AUTH_SECRET = "package-test-better-auth-secret-0123456789abcdef"
JWT_SHARED_SECRET = "package-test-hs256-shared-secret-0123456789abcdef"
ISSUER = AUDIENCE = "http://localhost:3000"
BASE_URL = "http://testserver"
PASSWORD_FOR_TESTS = "correct horse battery staple"


def _url(database: str, user: str | None = None) -> str:
    base = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:55432/postgres")
    parts = urlsplit(base)
    netloc = parts.netloc if user is None else f"{user}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit(parts._replace(netloc=netloc, path=f"/{database}"))


def assert_no_server_error(response: httpx.Response) -> None:
    """Every response of the suite: an auth or validation failure must never be a 5xx."""
    assert response.status_code < 500, f"{response.request.method} {response.request.url.path} -> {response.status_code}"


async def _async_hook(response: httpx.Response) -> None:
    assert_no_server_error(response)


def stateless_client(app: FastAPI) -> httpx.AsyncClient:
    """An HTTP client on ``app`` that keeps no cookies (each test sends its credential explicitly)
    and fails the test on any 5xx."""
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL, event_hooks={"response": [_async_hook]}
    )
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


@pytest.fixture(scope="session")
def owner_dsn() -> Iterator[str]:
    """A new database with auth_ext, Better Auth's tables and the settings; dropped at the end."""
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone() is None:
            admin.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN')
    dsn = _url(DATABASE)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION auth_ext")
        conn.execute("SELECT auth_ext.create_better_auth_schema('public')")
        for name, value in {
            "better_auth_secret": BETTER_AUTH_SECRET,
            "jwt_shared_secret": JWT_SHARED_SECRET,
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
        }.items():
            conn.execute("SELECT auth_ext.configure(%s, %s)", (name, value))
        conn.execute("SELECT auth_ext.grant_app_role(%s)", (APP_ROLE,))
        conn.execute("SELECT auth_ext.grant_mail_role(%s)", (APP_ROLE,))  # the tests' app mails reset links
    yield dsn
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


@pytest.fixture(scope="session")
def app_dsn(owner_dsn: str) -> str:
    """The application's connection: a role with EXECUTE on auth_ext's functions and nothing else."""
    return _url(DATABASE, APP_ROLE)


def build_async_app(auth: AsyncAuthExt) -> FastAPI:
    """The package's router plus a route that reads the identity back from its own transaction."""
    app = FastAPI()
    install_exception_handlers(app)
    app.include_router(auth_router(auth, better_auth_secret=BETTER_AUTH_SECRET))
    Auth = Annotated[AuthContext[psycopg.AsyncConnection[Any]], Depends(auth.authenticated, scope="function")]

    @app.get("/whoami")
    async def whoami(ctx: Auth) -> dict[str, Any]:
        row = await (await ctx.conn.execute("SELECT auth_ext.user_id()")).fetchone()
        return {"user_id": ctx.user_id, "db_user_id": row[0] if row else None, "kind": ctx.identity.kind.value,
                "user": ctx.user}

    @app.post("/whoami")
    async def whoami_post(ctx: Auth) -> dict[str, str]:
        return {"user_id": ctx.user_id}

    return app


def build_sync_app(auth: AuthExt) -> FastAPI:
    """The same with the synchronous pool and ``def`` routes."""
    app = FastAPI()
    install_exception_handlers(app)
    app.include_router(auth_router(auth))
    Auth = Annotated[AuthContext[psycopg.Connection[Any]], Depends(auth.authenticated, scope="function")]

    @app.get("/whoami")
    def whoami(ctx: Auth) -> dict[str, Any]:
        row = ctx.conn.execute("SELECT auth_ext.user_id()").fetchone()
        return {"user_id": ctx.user_id, "db_user_id": row[0] if row else None, "kind": ctx.identity.kind.value}

    return app


@pytest.fixture(scope="session")
async def async_auth(app_dsn: str) -> AsyncIterator[AsyncAuthExt]:
    """An open async pool on the application role."""
    async with AsyncAuthExt(app_dsn, max_size=8) as auth:
        yield auth


@pytest.fixture(scope="session")
async def client(async_auth: AsyncAuthExt) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP client on the async app; fails the test on any 5xx."""
    async with stateless_client(build_async_app(async_auth)) as c:
        yield c


@pytest.fixture(scope="session")
def sync_auth(app_dsn: str) -> Iterator[AuthExt]:
    """An open sync pool on the application role."""
    with AuthExt(app_dsn, max_size=4) as auth:
        yield auth


@pytest.fixture(scope="session")
async def sync_client(sync_auth: AuthExt) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP client on the sync app; fails the test on any 5xx."""
    async with stateless_client(build_sync_app(sync_auth)) as c:
        yield c
