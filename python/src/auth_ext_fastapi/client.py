"""Connection pools over the extension's SQL API, sync (:class:`AuthExt`) and async (:class:`AsyncAuthExt`).

Each account call is one SQL function call in its own transaction; the authenticated
transaction hands the route a pooled connection whose identity is set, so row-level security
applies to every query the route makes, and commits before the response is sent.

Topology: behind a transaction-mode pooler the pools turn psycopg's automatic prepared statements
off (``pooled``, see :mod:`.connection`); pooled connections are checked before use, so after a
server restart a dead connection is replaced instead of failing a request; with
``replica_conninfo``, session look-ups and read-only routes go to a read replica while sign-up,
sign-in and sign-out go to the primary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
import secrets
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, ConnectionPool
from starlette.requests import HTTPConnection

from .connection import connect_kwargs
from .credentials import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    Credential,
    CredentialSource,
    read_credential,
)
from .errors import AuthExtError, unauthorized
from .identity import Identity, UserTable, authenticate, authenticate_async
from .rate_limit import RateLimit

ConnT = TypeVar("ConnT", psycopg.Connection[TupleRow], psycopg.AsyncConnection[TupleRow])

_SIGN_UP_SQL = "SELECT auth_ext.sign_up_email(%s, %s, %s, %s, %s, %s, %s)"
_SIGN_IN_SQL = "SELECT auth_ext.sign_in_email(%s, %s, %s, %s, %s)"
_GET_SESSION_SQL = "SELECT auth_ext.get_session(%s)"
_SIGN_OUT_SQL = "SELECT auth_ext.sign_out(%s)"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# What grant_app_role gives and this package calls: checked when a pool opens, so a role without
# the grant fails at startup with the fix in the message, not with 500s on the first sign-up.
_REQUIRED_FUNCTIONS = (
    "auth_ext.sign_up_email(text,text,text,text,text,text,boolean,integer)",
    "auth_ext.sign_in_email(text,text,text,text,boolean,integer)",
    "auth_ext.get_session(text)",
    "auth_ext.sign_out(text)",
    "auth_ext.authenticate(text)",
    "auth_ext.authenticate_session(text)",
)
_PRIVILEGES_SQL = """
SELECT current_user, has_schema_privilege('auth_ext', 'USAGE'),
       CASE WHEN has_schema_privilege('auth_ext', 'USAGE') THEN
         ARRAY(SELECT f FROM unnest(%s::text[]) f WHERE NOT has_function_privilege(f, 'EXECUTE'))
       END
"""


class AuthExtSetupError(RuntimeError):
    """The database role cannot use auth_ext as this package needs (raised when a pool opens)."""


def _check_privileges(row: tuple[Any, ...] | None) -> None:
    if row is None:
        return
    role, usage, missing = row
    fix = f"run SELECT auth_ext.grant_app_role('{role}') as the database owner"
    if not usage:
        raise AuthExtSetupError(f"role {role!r} has no USAGE on schema auth_ext: {fix}")
    if missing:
        raise AuthExtSetupError(f"role {role!r} may not EXECUTE {', '.join(missing)}: {fix}")


def _new_id() -> str:
    """A Better Auth style id (for rateLimit rows)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))

#: Seconds a request waits for a pooled connection before it fails (503 DATABASE_UNAVAILABLE).
DEFAULT_POOL_TIMEOUT = 10.0


def _pool_options(
    conninfo: str, pooled: bool | None, timeout: float, check: Any, pool_kwargs: dict[str, Any] | None
) -> dict[str, Any]:
    """Options for a psycopg pool on ``conninfo``; ``pool_kwargs`` wins over every default."""
    options: dict[str, Any] = {"timeout": timeout, "check": check, **(pool_kwargs or {})}
    options["kwargs"] = {**connect_kwargs(conninfo, pooled), **options.get("kwargs", {})}
    return options


def _is_replica_lag(exc: AuthExtError) -> bool:
    """A 401 from the replica: the credential may be newer than what it has replayed."""
    return exc.status_code == 401


@dataclass(frozen=True)
class AuthContext(Generic[ConnT]):
    """What an authenticated route receives: the verified identity and its connection.

    ``conn`` is inside an open transaction whose identity is ``identity``; it is committed when
    the route returns and rolled back when it raises.
    """

    identity: Identity
    conn: ConnT

    @property
    def user_id(self) -> str:
        """The verified user's id."""
        return self.identity.user_id

    @property
    def user(self) -> dict[str, Any]:
        """The verified user as Better Auth shows it."""
        return self.identity.user


class _AuthExtBase:
    """Request handling shared by the sync and async clients."""

    def __init__(
        self,
        *,
        cookie_names: tuple[str, ...] = (SECURE_SESSION_COOKIE, SESSION_COOKIE),
        trusted_origins: Sequence[str] | None = None,
    ) -> None:
        self.cookie_names = cookie_names
        self.trusted_origins = frozenset(o.rstrip("/") for o in trusted_origins or ())

    def require_credential(self, connection: HTTPConnection) -> Credential:
        """The request's credential; 401 without one, 403 for a cookie sent by a foreign site."""
        credential = read_credential(connection, self.cookie_names)
        if credential is None:
            raise unauthorized()
        if credential.source is CredentialSource.COOKIE:
            self.check_origin(connection)
        return credential

    def check_origin(self, connection: HTTPConnection) -> None:
        """Refuses state-changing requests that a browser sent with the cookie from another origin (CSRF)."""
        if connection.scope.get("method", "GET") in _SAFE_METHODS:
            return
        origin = connection.headers.get("origin") or connection.headers.get("referer")
        if not origin:
            return
        parts = urlsplit(origin)
        origin = f"{parts.scheme}://{parts.netloc}"
        own = f"{connection.url.scheme}://{connection.url.netloc}"
        if origin != own and origin not in self.trusted_origins:
            raise AuthExtError(403, "INVALID_ORIGIN", "Invalid origin")



class AuthExt(_AuthExtBase):
    """auth_ext over a synchronous psycopg pool (for ``def`` routes).

    Use it as a context manager, or call :meth:`open` / :meth:`close` (e.g. in a FastAPI lifespan).

    ``pooled``: ``conninfo`` is a transaction-mode pooler (None: recognised from the URL, see
    :func:`~auth_ext_fastapi.is_pooled_url`). ``replica_conninfo``: a read replica for
    :meth:`get_session` and :meth:`authenticated_read` (its own ``replica_pooled``).
    ``timeout``: seconds a request waits for a connection. ``check_connections``: check each
    connection before handing it out (replaces those a server restart closed).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        cookie_names: tuple[str, ...] = (SECURE_SESSION_COOKIE, SESSION_COOKIE),
        trusted_origins: Sequence[str] | None = None,
        pooled: bool | None = None,
        replica_conninfo: str | None = None,
        replica_pooled: bool | None = None,
        timeout: float = DEFAULT_POOL_TIMEOUT,
        check_connections: bool = True,
        pool_kwargs: dict[str, Any] | None = None,
        user_table: UserTable | None = None,
        check_privileges: bool = True,
    ) -> None:
        super().__init__(cookie_names=cookie_names, trusted_origins=trusted_origins)
        self.user_table = user_table
        self.check_privileges = check_privileges
        check = ConnectionPool.check_connection if check_connections else None
        self.pool: ConnectionPool[psycopg.Connection[TupleRow]] = ConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, open=False,
            **_pool_options(conninfo, pooled, timeout, check, pool_kwargs),
        )
        self.replica_pool: ConnectionPool[psycopg.Connection[TupleRow]] | None = None
        if replica_conninfo is not None:
            self.replica_pool = ConnectionPool(
                replica_conninfo, min_size=min_size, max_size=max_size, open=False,
                **_pool_options(replica_conninfo, replica_pooled, timeout, check, pool_kwargs),
            )

    def open(self) -> None:
        """Opens the pools and waits for their first connections; checks the role's grants
        (:class:`AuthExtSetupError` names the missing one)."""
        self.pool.open(wait=True)
        if self.replica_pool is not None:
            self.replica_pool.open(wait=True)
        if self.check_privileges:
            with self.pool.connection() as conn:
                _check_privileges(conn.execute(_PRIVILEGES_SQL, (list(_REQUIRED_FUNCTIONS),)).fetchone())

    def rate_limit(self, limit: RateLimit, key: str) -> None:
        """Counts a request against Better Auth's rate limit; raises 429 over it."""
        with self.pool.connection() as conn:
            limit.consume(conn, key, _new_id())

    def close(self) -> None:
        """Closes the pools."""
        if self.replica_pool is not None:
            self.replica_pool.close()
        self.pool.close()

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, sql: str, params: tuple[Any, ...], pool: ConnectionPool[Any] | None = None) -> Any:
        with (pool or self.pool).connection() as conn, conn.transaction():
            row = conn.execute(sql, params).fetchone()
            return row[0] if row else None

    def sign_up_email(
        self, email: str, password: str, name: str, image: str | None = None,
        ip_address: str | None = None, user_agent: str | None = None, remember_me: bool = True,
    ) -> dict[str, Any]:
        """``auth_ext.sign_up_email``: ``{"token", "user", "session"}``."""
        result: dict[str, Any] = self._call(
            _SIGN_UP_SQL, (email, password, name, image, ip_address, user_agent, remember_me)
        )
        return result

    def sign_in_email(
        self, email: str, password: str, ip_address: str | None = None,
        user_agent: str | None = None, remember_me: bool = True,
    ) -> dict[str, Any]:
        """``auth_ext.sign_in_email``: ``{"token", "user", "session"}``."""
        result: dict[str, Any] = self._call(_SIGN_IN_SQL, (email, password, ip_address, user_agent, remember_me))
        return result

    def get_session(self, credential: str) -> dict[str, Any] | None:
        """``auth_ext.get_session``: ``{"session", "user"}``, or None when there is no valid session.

        With a replica, asked there first (no sliding refresh on a replica), then on the primary
        when the replica has no such session (yet).
        """
        result: dict[str, Any] | None = None
        if self.replica_pool is not None:
            result = self._call(_GET_SESSION_SQL, (credential,), self.replica_pool)
        if result is None:
            result = self._call(_GET_SESSION_SQL, (credential,))
        return result

    def sign_out(self, credential: str) -> bool:
        """``auth_ext.sign_out``: deletes the session; True when there was one."""
        return bool(self._call(_SIGN_OUT_SQL, (credential,)))

    @contextmanager
    def transaction(
        self, credential: Credential, pool: ConnectionPool[Any] | None = None
    ) -> Iterator[AuthContext[psycopg.Connection[TupleRow]]]:
        """A pooled connection in a transaction whose identity is ``credential``'s verified user."""
        with (pool or self.pool).connection() as conn, conn.transaction():
            yield AuthContext(authenticate(conn, credential, self.user_table), conn)

    @contextmanager
    def read_transaction(self, credential: Credential) -> Iterator[AuthContext[psycopg.Connection[TupleRow]]]:
        """:meth:`transaction` on the replica when there is one (read-only there).

        A credential the replica refuses with 401 is checked again on the primary, which then
        serves the transaction: a session or key created a moment ago may not be replayed yet.
        """
        if self.replica_pool is not None:
            entered = False
            try:
                with self.transaction(credential, self.replica_pool) as context:
                    entered = True
                    yield context
                return
            except AuthExtError as exc:
                if entered or not _is_replica_lag(exc):
                    raise
        with self.transaction(credential) as context:
            yield context

    def authenticated(self, request: HTTPConnection) -> Iterator[AuthContext[psycopg.Connection[TupleRow]]]:
        """FastAPI dependency: the request's verified identity and a connection where RLS applies.

        Declare it with ``Depends(auth.authenticated, scope="function")`` so the transaction
        commits before the response is sent.
        """
        with self.transaction(self.require_credential(request)) as context:
            yield context

    def authenticated_read(self, request: HTTPConnection) -> Iterator[AuthContext[psycopg.Connection[TupleRow]]]:
        """:meth:`authenticated` for routes that only read: on the replica when one is configured."""
        with self.read_transaction(self.require_credential(request)) as context:
            yield context


class AsyncAuthExt(_AuthExtBase):
    """auth_ext over an asyncio psycopg pool (for ``async def`` routes).

    Use it as an async context manager, or await :meth:`open` / :meth:`close` in a FastAPI lifespan.
    The options are :class:`AuthExt`'s.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        cookie_names: tuple[str, ...] = (SECURE_SESSION_COOKIE, SESSION_COOKIE),
        trusted_origins: Sequence[str] | None = None,
        pooled: bool | None = None,
        replica_conninfo: str | None = None,
        replica_pooled: bool | None = None,
        timeout: float = DEFAULT_POOL_TIMEOUT,
        check_connections: bool = True,
        pool_kwargs: dict[str, Any] | None = None,
        user_table: UserTable | None = None,
        check_privileges: bool = True,
    ) -> None:
        super().__init__(cookie_names=cookie_names, trusted_origins=trusted_origins)
        self.user_table = user_table
        self.check_privileges = check_privileges
        check = AsyncConnectionPool.check_connection if check_connections else None
        self.pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]] = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, open=False,
            **_pool_options(conninfo, pooled, timeout, check, pool_kwargs),
        )
        self.replica_pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]] | None = None
        if replica_conninfo is not None:
            self.replica_pool = AsyncConnectionPool(
                replica_conninfo, min_size=min_size, max_size=max_size, open=False,
                **_pool_options(replica_conninfo, replica_pooled, timeout, check, pool_kwargs),
            )

    async def open(self) -> None:
        """Opens the pools and waits for their first connections; checks the role's grants
        (:class:`AuthExtSetupError` names the missing one)."""
        await self.pool.open(wait=True)
        if self.replica_pool is not None:
            await self.replica_pool.open(wait=True)
        if self.check_privileges:
            async with self.pool.connection() as conn:
                cur = await conn.execute(_PRIVILEGES_SQL, (list(_REQUIRED_FUNCTIONS),))
                _check_privileges(await cur.fetchone())

    async def rate_limit(self, limit: RateLimit, key: str) -> None:
        """Counts a request against Better Auth's rate limit; raises 429 over it."""
        async with self.pool.connection() as conn:
            await limit.consume_async(conn, key, _new_id())

    async def close(self) -> None:
        """Closes the pools."""
        if self.replica_pool is not None:
            await self.replica_pool.close()
        await self.pool.close()

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _call(self, sql: str, params: tuple[Any, ...], pool: AsyncConnectionPool[Any] | None = None) -> Any:
        async with (pool or self.pool).connection() as conn, conn.transaction():
            row = await (await conn.execute(sql, params)).fetchone()
            return row[0] if row else None

    async def sign_up_email(
        self, email: str, password: str, name: str, image: str | None = None,
        ip_address: str | None = None, user_agent: str | None = None, remember_me: bool = True,
    ) -> dict[str, Any]:
        """``auth_ext.sign_up_email``: ``{"token", "user", "session"}``."""
        result: dict[str, Any] = await self._call(
            _SIGN_UP_SQL, (email, password, name, image, ip_address, user_agent, remember_me)
        )
        return result

    async def sign_in_email(
        self, email: str, password: str, ip_address: str | None = None,
        user_agent: str | None = None, remember_me: bool = True,
    ) -> dict[str, Any]:
        """``auth_ext.sign_in_email``: ``{"token", "user", "session"}``."""
        result: dict[str, Any] = await self._call(
            _SIGN_IN_SQL, (email, password, ip_address, user_agent, remember_me)
        )
        return result

    async def get_session(self, credential: str) -> dict[str, Any] | None:
        """``auth_ext.get_session``: ``{"session", "user"}``, or None when there is no valid session.

        With a replica, asked there first (no sliding refresh on a replica), then on the primary
        when the replica has no such session (yet).
        """
        result: dict[str, Any] | None = None
        if self.replica_pool is not None:
            result = await self._call(_GET_SESSION_SQL, (credential,), self.replica_pool)
        if result is None:
            result = await self._call(_GET_SESSION_SQL, (credential,))
        return result

    async def sign_out(self, credential: str) -> bool:
        """``auth_ext.sign_out``: deletes the session; True when there was one."""
        return bool(await self._call(_SIGN_OUT_SQL, (credential,)))

    @asynccontextmanager
    async def transaction(
        self, credential: Credential, pool: AsyncConnectionPool[Any] | None = None
    ) -> AsyncIterator[AuthContext[psycopg.AsyncConnection[TupleRow]]]:
        """A pooled connection in a transaction whose identity is ``credential``'s verified user."""
        async with (pool or self.pool).connection() as conn, conn.transaction():
            yield AuthContext(await authenticate_async(conn, credential, self.user_table), conn)

    @asynccontextmanager
    async def read_transaction(
        self, credential: Credential
    ) -> AsyncIterator[AuthContext[psycopg.AsyncConnection[TupleRow]]]:
        """:meth:`transaction` on the replica when there is one (read-only there).

        A credential the replica refuses with 401 is checked again on the primary, which then
        serves the transaction: a session or key created a moment ago may not be replayed yet.
        """
        if self.replica_pool is not None:
            entered = False
            try:
                async with self.transaction(credential, self.replica_pool) as context:
                    entered = True
                    yield context
                return
            except AuthExtError as exc:
                if entered or not _is_replica_lag(exc):
                    raise
        async with self.transaction(credential) as context:
            yield context

    async def authenticated(
        self, request: HTTPConnection
    ) -> AsyncIterator[AuthContext[psycopg.AsyncConnection[TupleRow]]]:
        """FastAPI dependency: the request's verified identity and a connection where RLS applies.

        Declare it with ``Depends(auth.authenticated, scope="function")`` so the transaction
        commits before the response is sent.
        """
        async with self.transaction(self.require_credential(request)) as context:
            yield context

    async def authenticated_read(
        self, request: HTTPConnection
    ) -> AsyncIterator[AuthContext[psycopg.AsyncConnection[TupleRow]]]:
        """:meth:`authenticated` for routes that only read: on the replica when one is configured."""
        async with self.read_transaction(self.require_credential(request)) as context:
            yield context
