"""The todo API: FastAPI + SQLModel, users from Better Auth, rows isolated by PostgreSQL RLS.

Every todo route runs in one transaction whose identity was set by ``auth_ext`` from the
request's verified credential (a Better Auth JWT, or a session token / cookie). The queries carry
no ``WHERE user_id = ...``: the ``todo_owner`` policy in the database decides what each user sees.

With a read replica configured (``REPLICA_DATABASE_URL``), the routes that only read run there,
and writes, sign-up, sign-in and sign-out on the primary. Behind a transaction-mode pooler
(``DB_POOLED``, or recognised from the URL) psycopg's automatic prepared statements are off. A
database that is restarting or unreachable is answered with 503 ``DATABASE_UNAVAILABLE``, and
the pools replace the connections a restart closed.

Run: ``python -m todo_api.setup`` once (as the owner), then ``uvicorn --factory todo_api.main:create_app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import psycopg
from auth_ext_fastapi import (
    AsyncAuthExt,
    AuthExtError,
    Credential,
    Identity,
    auth_router,
    authenticate_async,
    connect_kwargs,
    database_error_response,
    install_exception_handlers,
)
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import delete, func, not_, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from .config import Settings
from .models import Todo, TodoCreate, TodoRead, TodoUpdate


@dataclass(frozen=True)
class UserSession:
    """An authenticated request: who it is, and a database session where that identity is in force."""

    identity: Identity
    db: AsyncSession


def sqlalchemy_url(database_url: str) -> str:
    """A ``postgresql://`` URL for SQLAlchemy's psycopg 3 driver."""
    scheme, _, rest = database_url.partition("://")
    return f"postgresql+psycopg://{rest}" if scheme in ("postgres", "postgresql") else database_url


async def require_rls_role(engine: AsyncEngine) -> None:
    """Refuses to start as a role that row-level security does not apply to."""
    async with engine.connect() as conn:
        bypasses = (
            await conn.execute(text("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"))
        ).scalar_one()
    if bypasses:
        raise RuntimeError("the API's database role is a superuser or has BYPASSRLS: RLS would not isolate users")


def create_engine(url: str, settings: Settings) -> AsyncEngine:
    """An engine on ``url``: no automatic prepared statements behind a pooler, connections checked
    before use (a server restart leaves none dead in the pool), a bounded wait for a connection."""
    return create_async_engine(
        sqlalchemy_url(url),
        pool_size=settings.pool_size,
        pool_timeout=settings.pool_timeout,
        pool_pre_ping=True,
        connect_args=connect_kwargs(url, settings.pooled),
    )


@asynccontextmanager
async def _session_as(engine: AsyncEngine, credential: Credential) -> AsyncIterator[UserSession]:
    """A session on ``engine`` whose transaction carries ``credential``'s verified identity."""
    async with AsyncSession(engine, expire_on_commit=False) as db:
        raw = await (await db.connection()).get_raw_connection()
        if not isinstance(raw.driver_connection, psycopg.AsyncConnection):
            raise TypeError("the engine must use SQLAlchemy's psycopg (3) driver")
        identity = await authenticate_async(raw.driver_connection, credential)
        yield UserSession(identity, db)
        await db.commit()


async def user_session(request: Request) -> AsyncIterator[UserSession]:
    """FastAPI dependency: verifies the request's credential in the database and yields a session
    whose transaction carries that identity; commits before the response is sent."""
    auth: AsyncAuthExt = request.app.state.auth
    async with _session_as(request.app.state.engine, auth.require_credential(request)) as session:
        yield session


async def reader_session(request: Request) -> AsyncIterator[UserSession]:
    """:func:`user_session` for routes that only read: on the replica when one is configured.

    A credential the replica refuses (401) is checked again on the primary, which then serves the
    route: a session or signing key created a moment ago may not have been replayed there yet.
    """
    auth: AsyncAuthExt = request.app.state.auth
    credential = auth.require_credential(request)
    replica: AsyncEngine | None = request.app.state.replica_engine
    if replica is not None:
        entered = False
        try:
            async with _session_as(replica, credential) as session:
                entered = True
                yield session
            return
        except AuthExtError as exc:
            if entered or exc.status_code != 401:
                raise
    async with _session_as(request.app.state.engine, credential) as session:
        yield session


CurrentUser = Annotated[UserSession, Depends(user_session, scope="function")]
ReadingUser = Annotated[UserSession, Depends(reader_session, scope="function")]


async def _handle_sqlalchemy_error(_request: Request, exc: Exception) -> JSONResponse:
    """SQLAlchemy wraps psycopg's errors; answer them as the package does (RLS violation → 403,
    a restarting or unreachable server → 503, ...)."""
    assert isinstance(exc, DBAPIError)
    if isinstance(exc.orig, psycopg.Error):
        return database_error_response(exc.orig)
    raise exc


async def _handle_pool_timeout(_request: Request, _exc: Exception) -> JSONResponse:
    """No pooled connection within ``DB_POOL_TIMEOUT``: the database is unavailable or saturated."""
    return AuthExtError(503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again").to_response()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()

    engine = create_engine(settings.app_database_url, settings)
    replica_url = settings.app_replica_database_url
    replica_engine = create_engine(replica_url, settings) if replica_url else None
    auth = AsyncAuthExt(
        settings.app_database_url,
        max_size=settings.pool_size,
        trusted_origins=settings.trusted_origins or (settings.better_auth_url,),
        pooled=settings.pooled,
        replica_conninfo=replica_url,
        replica_pooled=settings.pooled,
        timeout=settings.pool_timeout,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await require_rls_role(engine)
            if replica_engine is not None:
                await require_rls_role(replica_engine)
            await auth.open()
            yield
        finally:
            await auth.close()
            await engine.dispose()
            if replica_engine is not None:
                await replica_engine.dispose()

    app = FastAPI(title="Todo API (auth_ext + Better Auth)", lifespan=lifespan)
    app.state.engine, app.state.replica_engine, app.state.auth = engine, replica_engine, auth
    install_exception_handlers(app)
    app.add_exception_handler(DBAPIError, _handle_sqlalchemy_error)
    app.add_exception_handler(PoolTimeoutError, _handle_pool_timeout)
    app.include_router(
        auth_router(auth, better_auth_secret=settings.better_auth_secret, secure_cookies=settings.secure_cookies)
    )

    @app.get("/me")
    async def me(user: ReadingUser) -> dict[str, Any]:
        """The authenticated user, as the credential's verification returned it."""
        return user.identity.user

    @app.post("/todos", status_code=status.HTTP_201_CREATED, response_model=TodoRead)
    async def create_todo(body: TodoCreate, user: CurrentUser) -> Todo:
        """Creates a todo owned by the caller (the policy's WITH CHECK refuses any other owner)."""
        todo = Todo(title=body.title, completed=body.completed, user_id=user.identity.user_id)
        user.db.add(todo)
        await user.db.flush()
        return todo

    @app.get("/todos", response_model=list[TodoRead])
    async def list_todos(
        user: ReadingUser,
        completed: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[Todo]:
        """The caller's todos, oldest first, optionally filtered by completion."""
        query = select(Todo).order_by(col(Todo.id)).limit(limit).offset(offset)
        if completed is not None:
            query = query.where(col(Todo.completed) == completed)
        return list((await user.db.exec(query)).all())

    @app.get("/todos/{todo_id}", response_model=TodoRead)
    async def get_todo(todo_id: int, user: ReadingUser) -> Todo:
        """One todo; another user's is invisible, so 404."""
        todo = await user.db.get(Todo, todo_id)
        if todo is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Todo not found")
        return todo

    async def _update(user: UserSession, todo_id: int, values: dict[str, Any]) -> Todo:
        statement = (
            update(Todo).where(col(Todo.id) == todo_id).values(**values, updated_at=func.now()).returning(Todo)
        )
        todo: Todo | None = (await user.db.exec(statement)).scalar_one_or_none()
        if todo is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Todo not found")
        return todo

    @app.patch("/todos/{todo_id}", response_model=TodoRead)
    async def update_todo(todo_id: int, body: TodoUpdate, user: CurrentUser) -> Todo:
        """Changes the fields given."""
        return await _update(user, todo_id, body.model_dump(exclude_unset=True, exclude_none=True))

    @app.post("/todos/{todo_id}/toggle", response_model=TodoRead)
    async def toggle_todo(todo_id: int, user: CurrentUser) -> Todo:
        """Flips ``completed``."""
        return await _update(user, todo_id, {"completed": not_(col(Todo.completed))})

    @app.delete("/todos/{todo_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_todo(todo_id: int, user: CurrentUser) -> Response:
        """Deletes a todo; 404 when the caller has none with this id."""
        deleted = (await user.db.exec(delete(Todo).where(col(Todo.id) == todo_id).returning(col(Todo.id)))).first()
        if deleted is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "Todo not found")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return app
