"""SQLModel / SQLAlchemy (async) sessions whose transaction carries the request's verified identity.

``pip install 'auth-ext-fastapi[sqlmodel]'``. The bridge between :class:`~auth_ext_fastapi.AsyncAuthExt`
and an ORM: a FastAPI dependency that authenticates the request on the session's own connection
(so every ORM query of the route runs under row-level security as that user) and commits before
the response; handlers that answer SQLAlchemy's wrapped database errors as the package answers
psycopg's; and a startup check that refuses a role row-level security would not apply to.

.. code-block:: python

    auth = AsyncAuthExt(url)
    orm = OrmAuth(auth, create_engine(url))
    app = FastAPI(lifespan=orm.lifespan)
    install_orm_exception_handlers(app)
    CurrentUser = Annotated[UserSession, Depends(orm.session, scope="function")]
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from .client import DEFAULT_POOL_TIMEOUT, AsyncAuthExt
from .connection import connect_kwargs
from .credentials import Credential
from .errors import AuthExtError, database_error_response
from .identity import Identity, authenticate_async

__all__ = [
    "OrmAuth",
    "UserSession",
    "create_engine",
    "install_orm_exception_handlers",
    "require_rls_role",
    "sqlalchemy_url",
]


@dataclass(frozen=True)
class UserSession:
    """An authenticated request: who it is, and an ORM session where that identity is in force."""

    identity: Identity
    db: AsyncSession

    @property
    def user_id(self) -> str:
        """The verified user's id."""
        return self.identity.user_id


def sqlalchemy_url(database_url: str) -> str:
    """A ``postgresql://`` URL for SQLAlchemy's psycopg 3 driver."""
    scheme, _, rest = database_url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in ("postgres", "postgresql") else database_url


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    pool_timeout: float = DEFAULT_POOL_TIMEOUT,
    pooled: bool | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """An async engine on ``url`` (psycopg 3): no automatic prepared statements behind a
    transaction-mode pooler, connections checked before use (a server restart leaves none dead
    in the pool), a bounded wait for a connection."""
    return create_async_engine(
        sqlalchemy_url(url),
        pool_size=pool_size,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
        connect_args=connect_kwargs(url, pooled),
        **kwargs,
    )


async def require_rls_role(engine: AsyncEngine) -> None:
    """Refuses (RuntimeError) a role that row-level security does not apply to."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT current_user, rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
            )
        ).one()
    if row[1]:
        raise RuntimeError(
            f"the database role {row[0]!r} is a superuser or has BYPASSRLS: row-level security would not isolate users"
        )


class OrmAuth:
    """Authenticated ORM sessions on ``engine`` (and ``replica_engine`` for read-only routes).

    ``auth`` reads and checks credentials (its ``user_table`` option applies here too); the
    identity is set on the ORM session's own connection, in its transaction.
    """

    def __init__(self, auth: AsyncAuthExt, engine: AsyncEngine, replica_engine: AsyncEngine | None = None) -> None:
        self.auth = auth
        self.engine = engine
        self.replica_engine = replica_engine

    async def open(self) -> None:
        """Checks the roles (no RLS bypass) and opens ``auth``'s pools."""
        await require_rls_role(self.engine)
        if self.replica_engine is not None:
            await require_rls_role(self.replica_engine)
        await self.auth.open()

    async def close(self) -> None:
        """Closes ``auth``'s pools and disposes of the engines."""
        await self.auth.close()
        await self.engine.dispose()
        if self.replica_engine is not None:
            await self.replica_engine.dispose()

    @asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        """A FastAPI lifespan that opens and closes everything."""
        try:
            await self.open()
            yield
        finally:
            await self.close()

    @asynccontextmanager
    async def session_as(self, credential: Credential, engine: AsyncEngine | None = None) -> AsyncIterator[UserSession]:
        """A session on ``engine`` whose transaction carries ``credential``'s verified identity;
        committed when the block ends, rolled back when it raises."""
        async with AsyncSession(engine or self.engine, expire_on_commit=False) as db:
            raw = await (await db.connection()).get_raw_connection()
            if not isinstance(raw.driver_connection, psycopg.AsyncConnection):
                raise TypeError("the engine must use SQLAlchemy's psycopg (3) driver")
            identity = await authenticate_async(raw.driver_connection, credential, self.auth.user_table)
            yield UserSession(identity, db)
            await db.commit()

    async def session(self, request: Request) -> AsyncIterator[UserSession]:
        """FastAPI dependency (``Depends(orm.session, scope="function")``): verifies the request's
        credential in the database and yields a session whose transaction carries that identity;
        commits before the response is sent."""
        async with self.session_as(self.auth.require_credential(request)) as session:
            yield session

    async def read_session(self, request: Request) -> AsyncIterator[UserSession]:
        """:meth:`session` for routes that only read: on the replica when one is configured.

        A credential the replica refuses (401) is checked again on the primary, which then serves
        the route: a session or signing key created a moment ago may not have been replayed there.
        """
        credential = self.auth.require_credential(request)
        if self.replica_engine is not None:
            entered = False
            try:
                async with self.session_as(credential, self.replica_engine) as session:
                    entered = True
                    yield session
                return
            except AuthExtError as exc:
                if entered or exc.status_code != 401:
                    raise
        async with self.session_as(credential) as session:
            yield session


async def _handle_sqlalchemy_error(_request: Request, exc: Exception) -> JSONResponse:
    """SQLAlchemy wraps psycopg's errors; answer them as the package does (RLS violation → 403,
    a restarting or unreachable server → 503, ...)."""
    assert isinstance(exc, DBAPIError)
    if isinstance(exc.orig, psycopg.Error):
        return database_error_response(exc.orig)
    raise exc


async def _handle_pool_timeout(_request: Request, _exc: Exception) -> JSONResponse:
    """No pooled connection within the engine's ``pool_timeout``: unavailable or saturated."""
    return AuthExtError(503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again").to_response()


def install_orm_exception_handlers(app: FastAPI) -> None:
    """Answers SQLAlchemy's database errors and pool timeouts like the package's own
    (:func:`~auth_ext_fastapi.install_exception_handlers`, which this also installs)."""
    from .errors import install_exception_handlers

    install_exception_handlers(app)
    app.add_exception_handler(DBAPIError, _handle_sqlalchemy_error)
    app.add_exception_handler(PoolTimeoutError, _handle_pool_timeout)
