"""Connection pools over the extension's SQL API, sync (:class:`AuthExt`) and async (:class:`AsyncAuthExt`).

Each account call is one SQL function call in its own transaction; the authenticated
transaction hands the route a pooled connection whose identity is set, so row-level security
applies to every query the route makes, and commits before the response is sent.

Topology: behind a transaction-mode pooler the pools turn psycopg's automatic prepared statements
off (``pooled``, see :mod:`.connection`); pooled connections are checked before use, so after a
server restart a dead connection is replaced instead of failing a request, and while the server
is down a request is answered at once instead of after the pool's timeout (:meth:`_connection`); with
``replica_conninfo``, session look-ups and read-only routes go to a read replica while sign-up,
sign-in and sign-out go to the primary, and the password work of sign-in and sign-up (scrypt) runs
on the replica, which hands the primary a proof (``auth_ext.password_proof`` /
``password_hash_proof``); when the replica is down or cannot, the primary does it all.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, Self, TypeVar, overload
from urllib.parse import urlsplit

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, ConnectionPool, PoolTimeout
from starlette.requests import HTTPConnection

from . import operations
from .connection import connect_kwargs
from .credentials import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    Credential,
    CredentialSource,
    read_credential,
)
from .errors import AuthExtError, error_code, logger, unauthorized
from .identity import Identity, UserTable, authenticate, authenticate_async
from .operations import Operation, ProofStep

ConnT = TypeVar("ConnT", psycopg.Connection[TupleRow], psycopg.AsyncConnection[TupleRow])
PoolT = TypeVar(
    "PoolT", ConnectionPool[psycopg.Connection[TupleRow]], AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]]
)
P = ParamSpec("P")
T = TypeVar("T")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# What grant_app_role gives and this package calls: checked when a pool opens, so a role without
# the grant fails at startup with the fix in the message, not with 500s on the first sign-up.
# request_password_reset (grant_mail_role) is checked where it is called: only an application
# that mails reset links needs it.
_REQUIRED_FUNCTIONS = (
    "auth_ext.sign_up_email(text,text,text,jsonb,text)",
    "auth_ext.sign_in_email(text,text,jsonb,text)",
    "auth_ext.get_session(text)",
    "auth_ext.sign_out(text)",
    "auth_ext.change_password(text,text,text,jsonb)",
    "auth_ext.reset_password(text,text,jsonb)",
    "auth_ext.rate_limit_hit(text,integer,integer)",
    "auth_ext.sign_session_cookie(text)",
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


#: Seconds a request waits for a pooled connection before it fails (503 DATABASE_UNAVAILABLE).
DEFAULT_POOL_TIMEOUT = 10.0


@dataclass(frozen=True)
class _PoolSettings:
    """The pool options both clients take (their constructor's arguments)."""

    min_size: int
    max_size: int
    timeout: float
    pool_kwargs: dict[str, Any] | None

    def options(self, conninfo: str, pooled: bool | None) -> dict[str, Any]:
        """Options for a psycopg pool on ``conninfo``; ``pool_kwargs`` wins over every default.

        The pool does not check connections itself: the client does (``check_connections``), so
        that a dead connection can tell it the server is gone (see ``_connection``)."""
        options: dict[str, Any] = {
            "min_size": self.min_size, "max_size": self.max_size, "open": False, "timeout": self.timeout,
            **(self.pool_kwargs or {}),
        }
        options["kwargs"] = {**connect_kwargs(conninfo, pooled), **options.get("kwargs", {})}
        return options


#: Seconds a request's own connection attempt may take while its pool's server is down (libpq's
#: ``connect_timeout``; a refused connection fails at once).
PROBE_CONNECT_TIMEOUT = 2

#: How long a sign-in or sign-up waits for a replica connection before it does the password work
#: on the primary instead (the pool's own timeout is for the primary).
PROOF_TIMEOUT = 2.0


def _proof_refused_by_replica(step: ProofStep[Any], exc: psycopg.Error) -> bool:
    """Whether the replica's error ends the operation (a verdict on the input), else falls back.

    A fallback is logged without the statement's parameters (the password).
    """
    if error_code(exc) in step.final:
        return True
    logger.warning("password work on the replica failed (%s: %s); doing it on the primary",
                   exc.sqlstate or type(exc).__name__, exc.diag.message_primary or "no message")
    return False


#: How long a sign-in waits for a lagging replica to replay the primary's latest writes before it
#: takes the replica's "invalid email or password" as the answer or asks the primary instead.
REPLAY_WAIT = 1.0

#: On the replica: whether it has replayed the primary's WAL up to %s (always on a primary, or a
#: "replica" that is none).
_REPLAYED_SQL = "SELECT COALESCE(pg_catalog.pg_last_wal_replay_lsn() >= CAST(%s AS pg_catalog.pg_lsn), true)"
_PRIMARY_LSN_SQL = "SELECT CAST(pg_catalog.pg_current_wal_lsn() AS text)"


def _may_be_replica_lag(exc: psycopg.Error) -> bool:
    """A refusal a lagging replica may give wrongly: a user who signed up or changed the password a
    moment ago is not there yet. Worth a look at the primary's WAL position (no scrypt there)."""
    return error_code(exc) == "INVALID_EMAIL_OR_PASSWORD"


def _proof_refused_by_primary(exc: psycopg.Error) -> bool:
    """The primary did not take the replica's proof (replica lag, a password changed meanwhile)."""
    if error_code(exc) != "INVALID_PASSWORD_PROOF":
        return False
    logger.warning("the primary refused a password proof; checking the password on the primary")
    return True


def _conninfo(pool: ConnectionPool[Any] | AsyncConnectionPool[Any]) -> str:
    """The pool's connection string (the clients always give one)."""
    if not isinstance(pool.conninfo, str):
        raise TypeError("the pool's conninfo must be a string")
    return pool.conninfo


def _probe_kwargs(pool: ConnectionPool[Any] | AsyncConnectionPool[Any]) -> dict[str, Any]:
    """The pool's connection options, with :data:`PROBE_CONNECT_TIMEOUT`."""
    kwargs = pool.kwargs if isinstance(pool.kwargs, dict) else {}
    return {**kwargs, "connect_timeout": PROBE_CONNECT_TIMEOUT}


def _first_text(row: tuple[Any, ...] | None) -> str | None:
    return row[0] if row and isinstance(row[0], str) else None


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


class _AuthExtBase(Generic[PoolT]):
    """What the sync and async clients share: options, pools, and request handling."""

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
        self.cookie_names = cookie_names
        self.trusted_origins = frozenset(o.rstrip("/") for o in trusted_origins or ())
        self.user_table = user_table
        self.check_privileges = check_privileges
        self.check_connections = check_connections
        #: The pools whose server refused the last connection attempt (see ``_connection``).
        self._down: set[object] = set()
        settings = _PoolSettings(min_size, max_size, timeout, pool_kwargs)
        self.pool: PoolT = self._new_pool(settings, conninfo, pooled)
        self.replica_pool: PoolT | None = None
        if replica_conninfo is not None:
            self.replica_pool = self._new_pool(settings, replica_conninfo, replica_pooled)

    def _new_pool(self, settings: _PoolSettings, conninfo: str, pooled: bool | None) -> PoolT:
        raise NotImplementedError

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


class _Method(Generic[P, T]):
    """A client method defined by its operation's builder (:mod:`.operations`): called with the
    builder's arguments, it runs the operation with the client's ``run``."""

    def __init__(self, build: Callable[P, Operation[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__


class _SyncMethod(_Method[P, T]):
    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: AuthExt, owner: type[Any]) -> Callable[P, T]: ...
    def __get__(self, client: AuthExt | None, owner: type[Any]) -> Self | Callable[P, T]:
        if client is None:
            return self
        build = self.build

        @functools.wraps(build)
        def method(*args: P.args, **kwargs: P.kwargs) -> T:
            return client.run(build(*args, **kwargs))

        return method


class _AsyncMethod(_Method[P, T]):
    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: AsyncAuthExt, owner: type[Any]) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, client: AsyncAuthExt | None, owner: type[Any]) -> Self | Callable[P, Coroutine[Any, Any, T]]:
        if client is None:
            return self
        build = self.build

        @functools.wraps(build)
        async def method(*args: P.args, **kwargs: P.kwargs) -> T:
            return await client.run(build(*args, **kwargs))

        return method


class AuthExt(_AuthExtBase[ConnectionPool[psycopg.Connection[TupleRow]]]):
    """auth_ext over a synchronous psycopg pool (for ``def`` routes).

    Use it as a context manager, call :meth:`open` / :meth:`close`, or give FastAPI its
    :meth:`lifespan`.

    ``pooled``: ``conninfo`` is a transaction-mode pooler (None: recognised from the URL, see
    :func:`~auth_ext_fastapi.is_pooled_url`). ``replica_conninfo``: a read replica for
    :meth:`get_session` and :meth:`authenticated_read` (its own ``replica_pooled``).
    ``timeout``: seconds a request waits for a connection. ``check_connections``: check each
    connection before handing it out (replaces those a server restart closed).

    The account methods (``sign_up_email``, ``sign_in_email``, ``get_session``, ``sign_out``,
    ``change_password``, ``request_password_reset``, ``reset_password``, ``rate_limit_hit``,
    ``create_email_verification_token``, ``verify_email``) take the arguments of their builders in
    :mod:`.operations`.
    """

    sign_up_email = _SyncMethod(operations.sign_up_email)
    sign_in_email = _SyncMethod(operations.sign_in_email)
    get_session = _SyncMethod(operations.get_session)
    sign_out = _SyncMethod(operations.sign_out)
    change_password = _SyncMethod(operations.change_password)
    request_password_reset = _SyncMethod(operations.request_password_reset)
    reset_password = _SyncMethod(operations.reset_password)
    rate_limit_hit = _SyncMethod(operations.rate_limit_hit)
    create_email_verification_token = _SyncMethod(operations.create_email_verification_token)
    verify_email = _SyncMethod(operations.verify_email)

    def _new_pool(
        self, settings: _PoolSettings, conninfo: str, pooled: bool | None
    ) -> ConnectionPool[psycopg.Connection[TupleRow]]:
        return ConnectionPool(conninfo, **settings.options(conninfo, pooled))

    def open(self) -> None:
        """Opens the pools and waits for their first connections; checks the role's grants
        (:class:`AuthExtSetupError` names the missing one)."""
        self.pool.open(wait=True)
        if self.replica_pool is not None:
            self.replica_pool.open(wait=True)
        if self.check_privileges:
            with self._connection(self.pool) as conn, conn.transaction():
                _check_privileges(conn.execute(_PRIVILEGES_SQL, (list(_REQUIRED_FUNCTIONS),)).fetchone())

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

    @asynccontextmanager
    async def lifespan(self, _app: object) -> AsyncIterator[None]:
        """A FastAPI lifespan, ``FastAPI(lifespan=auth.lifespan)``: opens the pools at start-up
        (failing it when the role lacks its grants) and closes them at shutdown."""
        await asyncio.to_thread(self.open)
        try:
            yield
        finally:
            await asyncio.to_thread(self.close)

    def run(self, operation: Operation[T]) -> T:
        """Runs an operation in its own transaction: a read on the replica first, and the password
        work of a sign-in or sign-up on the replica when there is one (see :class:`Operation`)."""
        if operation.read and self.replica_pool is not None:
            result = self._execute(self.replica_pool, operation)
            if result is not None:
                return result
        if operation.proof is not None and self.replica_pool is not None:
            proof = self._proof(self.replica_pool, operation.proof)
            if proof is not None:
                try:
                    return self._execute(self.pool, operation.proof.then(proof))
                except psycopg.Error as exc:
                    if not _proof_refused_by_primary(exc):
                        raise
        return self._execute(self.pool, operation)

    def _proof(self, replica: ConnectionPool[psycopg.Connection[TupleRow]], step: ProofStep[Any]) -> str | None:
        """The replica's password proof; None when the primary must do the password work.

        An "invalid email or password" from a replica that has not replayed the primary's latest
        writes yet is asked again once it has (at most :data:`REPLAY_WAIT`), else of the primary.
        """
        try:
            with self._connection(replica, PROOF_TIMEOUT) as conn:
                conn.autocommit = True  # each statement on its own; the pool's transactions set their own
                try:
                    return _first_text(conn.execute(step.sql, step.params).fetchone())
                except psycopg.Error as exc:
                    if not _proof_refused_by_replica(step, exc):
                        return None
                    if not _may_be_replica_lag(exc):
                        raise
                    try:
                        with self._connection(self.pool) as primary, primary.transaction():
                            lsn = _first_text(primary.execute(_PRIMARY_LSN_SQL).fetchone())
                    except psycopg.Error:
                        raise exc from None  # no primary to compare with: the replica's answer stands
                    deadline = time.monotonic() + REPLAY_WAIT
                    while conn.execute(_REPLAYED_SQL, (lsn,)).fetchone() != (True,):
                        if time.monotonic() > deadline:
                            logger.warning("the replica lags; checking the password on the primary")
                            return None
                        time.sleep(0.02)
                    return _first_text(conn.execute(step.sql, step.params).fetchone())
                finally:
                    conn.autocommit = False
        except psycopg.Error as exc:
            if _proof_refused_by_replica(step, exc):
                raise
            return None

    def _execute(self, pool: ConnectionPool[psycopg.Connection[TupleRow]], operation: Operation[T]) -> T:
        with self._connection(pool) as conn, conn.transaction():
            return operation.convert(conn.execute(operation.sql, operation.params).fetchone())

    @contextmanager
    def _connection(
        self, pool: ConnectionPool[psycopg.Connection[TupleRow]], timeout: float | None = None
    ) -> Iterator[psycopg.Connection[TupleRow]]:
        """A working connection of ``pool`` (``pool.connection()``, checked), or, while its server
        is down, :class:`psycopg.OperationalError` at once (503) instead of after the pool's timeout.

        The pool reconnects in the background and would keep a request waiting for all of
        ``timeout``; here, a dead pooled connection (or a server that refused the last attempt)
        makes the request try one connection of its own: refused, the request fails now.
        """
        if pool in self._down:
            self._probe(pool)
        deadline = time.monotonic() + (pool.timeout if timeout is None else timeout)
        probed = False
        while True:
            try:
                conn = pool.getconn(timeout=deadline - time.monotonic())
            except PoolTimeout:
                self._probe(pool)  # a server that refuses connections: remembered for the next requests
                raise
            try:
                if self.check_connections:
                    ConnectionPool.check_connection(conn)
            except psycopg.Error:
                pool.putconn(conn)  # broken: the pool closes it and connects a replacement
                if not probed:
                    probed = True
                    self._probe(pool)
                continue
            try:
                yield conn
            finally:
                pool.putconn(conn)
            return

    def _probe(self, pool: ConnectionPool[psycopg.Connection[TupleRow]]) -> None:
        """One connection to ``pool``'s server, closed at once; raises while the server refuses it."""
        try:
            psycopg.Connection.connect(_conninfo(pool), **_probe_kwargs(pool)).close()
        except psycopg.OperationalError:
            self._down.add(pool)
            raise
        self._down.discard(pool)

    @contextmanager
    def transaction(
        self, credential: Credential, pool: ConnectionPool[Any] | None = None
    ) -> Iterator[AuthContext[psycopg.Connection[TupleRow]]]:
        """A pooled connection in a transaction whose identity is ``credential``'s verified user."""
        with self._connection(pool or self.pool) as conn, conn.transaction():
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


class AsyncAuthExt(_AuthExtBase[AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]]]):
    """auth_ext over an asyncio psycopg pool (for ``async def`` routes).

    Use it as an async context manager, await :meth:`open` / :meth:`close`, or give FastAPI its
    :meth:`lifespan` (``FastAPI(lifespan=auth.lifespan)``).
    The options and account methods are :class:`AuthExt`'s (coroutines here).
    """

    sign_up_email = _AsyncMethod(operations.sign_up_email)
    sign_in_email = _AsyncMethod(operations.sign_in_email)
    get_session = _AsyncMethod(operations.get_session)
    sign_out = _AsyncMethod(operations.sign_out)
    change_password = _AsyncMethod(operations.change_password)
    request_password_reset = _AsyncMethod(operations.request_password_reset)
    reset_password = _AsyncMethod(operations.reset_password)
    rate_limit_hit = _AsyncMethod(operations.rate_limit_hit)
    create_email_verification_token = _AsyncMethod(operations.create_email_verification_token)
    verify_email = _AsyncMethod(operations.verify_email)

    def _new_pool(
        self, settings: _PoolSettings, conninfo: str, pooled: bool | None
    ) -> AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]]:
        return AsyncConnectionPool(conninfo, **settings.options(conninfo, pooled))

    async def open(self) -> None:
        """Opens the pools and waits for their first connections; checks the role's grants
        (:class:`AuthExtSetupError` names the missing one)."""
        await self.pool.open(wait=True)
        if self.replica_pool is not None:
            await self.replica_pool.open(wait=True)
        if self.check_privileges:
            async with self._connection(self.pool) as conn, conn.transaction():
                cur = await conn.execute(_PRIVILEGES_SQL, (list(_REQUIRED_FUNCTIONS),))
                _check_privileges(await cur.fetchone())

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

    @asynccontextmanager
    async def lifespan(self, _app: object) -> AsyncIterator[None]:
        """A FastAPI lifespan, ``FastAPI(lifespan=auth.lifespan)``: opens the pools at start-up
        (failing it when the role lacks its grants) and closes them at shutdown."""
        async with self:
            yield

    async def run(self, operation: Operation[T]) -> T:
        """Runs an operation in its own transaction: a read on the replica first, and the password
        work of a sign-in or sign-up on the replica when there is one (see :class:`Operation`)."""
        if operation.read and self.replica_pool is not None:
            result = await self._execute(self.replica_pool, operation)
            if result is not None:
                return result
        if operation.proof is not None and self.replica_pool is not None:
            proof = await self._proof(self.replica_pool, operation.proof)
            if proof is not None:
                try:
                    return await self._execute(self.pool, operation.proof.then(proof))
                except psycopg.Error as exc:
                    if not _proof_refused_by_primary(exc):
                        raise
        return await self._execute(self.pool, operation)

    async def _proof(
        self, replica: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]], step: ProofStep[Any]
    ) -> str | None:
        """The replica's password proof; None when the primary must do the password work (see
        :meth:`AuthExt._proof`)."""
        try:
            async with self._connection(replica, PROOF_TIMEOUT) as conn:
                await conn.set_autocommit(True)  # each statement on its own; the pool's transactions set their own
                try:
                    return _first_text(await (await conn.execute(step.sql, step.params)).fetchone())
                except psycopg.Error as exc:
                    if not _proof_refused_by_replica(step, exc):
                        return None
                    if not _may_be_replica_lag(exc):
                        raise
                    try:
                        async with self._connection(self.pool) as primary, primary.transaction():
                            lsn = _first_text(await (await primary.execute(_PRIMARY_LSN_SQL)).fetchone())
                    except psycopg.Error:
                        raise exc from None  # no primary to compare with: the replica's answer stands
                    deadline = time.monotonic() + REPLAY_WAIT
                    while await (await conn.execute(_REPLAYED_SQL, (lsn,))).fetchone() != (True,):
                        if time.monotonic() > deadline:
                            logger.warning("the replica lags; checking the password on the primary")
                            return None
                        await asyncio.sleep(0.02)
                    return _first_text(await (await conn.execute(step.sql, step.params)).fetchone())
                finally:
                    await conn.set_autocommit(False)
        except psycopg.Error as exc:
            if _proof_refused_by_replica(step, exc):
                raise
            return None

    async def _execute(
        self, pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]], operation: Operation[T]
    ) -> T:
        async with self._connection(pool) as conn, conn.transaction():
            cursor = await conn.execute(operation.sql, operation.params)
            return operation.convert(await cursor.fetchone())

    @asynccontextmanager
    async def _connection(
        self, pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]], timeout: float | None = None
    ) -> AsyncIterator[psycopg.AsyncConnection[TupleRow]]:
        """:meth:`AuthExt._connection`: a working pooled connection, or 503 at once while the server is down."""
        if pool in self._down:
            await self._probe(pool)
        deadline = time.monotonic() + (pool.timeout if timeout is None else timeout)
        probed = False
        while True:
            try:
                conn = await pool.getconn(timeout=deadline - time.monotonic())
            except PoolTimeout:
                await self._probe(pool)  # a server that refuses connections: remembered for the next requests
                raise
            try:
                if self.check_connections:
                    await AsyncConnectionPool.check_connection(conn)
            except psycopg.Error:
                await pool.putconn(conn)  # broken: the pool closes it and connects a replacement
                if not probed:
                    probed = True
                    await self._probe(pool)
                continue
            try:
                yield conn
            finally:
                await pool.putconn(conn)
            return

    async def _probe(self, pool: AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]]) -> None:
        """:meth:`AuthExt._probe`: one connection of the request's own; raises while the server refuses it."""
        try:
            conn = await psycopg.AsyncConnection.connect(_conninfo(pool), **_probe_kwargs(pool))
        except psycopg.OperationalError:
            self._down.add(pool)
            raise
        self._down.discard(pool)
        await conn.close()

    @asynccontextmanager
    async def transaction(
        self, credential: Credential, pool: AsyncConnectionPool[Any] | None = None
    ) -> AsyncIterator[AuthContext[psycopg.AsyncConnection[TupleRow]]]:
        """A pooled connection in a transaction whose identity is ``credential``'s verified user."""
        async with self._connection(pool or self.pool) as conn, conn.transaction():
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
