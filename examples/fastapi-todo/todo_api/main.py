"""The todo API: FastAPI + SQLModel, users from Better Auth, rows isolated by PostgreSQL RLS.

Every todo route runs in one transaction whose identity was set by ``auth_ext`` from the
request's verified credential (a Better Auth JWT, or a session token / cookie). The queries carry
no ``WHERE user_id = ...``: the ``todo_owner`` policy in the database decides what each user sees.

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
    Identity,
    auth_router,
    authenticate_async,
    database_error_response,
    install_exception_handlers,
)
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from sqlalchemy import delete, func, not_, text, update
from sqlalchemy.exc import DBAPIError
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


async def user_session(request: Request) -> AsyncIterator[UserSession]:
    """FastAPI dependency: verifies the request's credential in the database and yields a session
    whose transaction carries that identity; commits before the response is sent."""
    auth: AsyncAuthExt = request.app.state.auth
    credential = auth.require_credential(request)
    async with AsyncSession(request.app.state.engine, expire_on_commit=False) as db:
        raw = await (await db.connection()).get_raw_connection()
        if not isinstance(raw.driver_connection, psycopg.AsyncConnection):
            raise TypeError("the engine must use SQLAlchemy's psycopg (3) driver")
        identity = await authenticate_async(raw.driver_connection, credential)
        yield UserSession(identity, db)
        await db.commit()


CurrentUser = Annotated[UserSession, Depends(user_session, scope="function")]


async def _handle_sqlalchemy_error(_request: Request, exc: Exception) -> JSONResponse:
    """SQLAlchemy wraps psycopg's errors; answer them as the package does (RLS violation → 403, ...)."""
    assert isinstance(exc, DBAPIError)
    if isinstance(exc.orig, psycopg.Error):
        return database_error_response(exc.orig)
    raise exc


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()

    engine = create_async_engine(sqlalchemy_url(settings.app_database_url), pool_size=settings.pool_size)
    auth = AsyncAuthExt(
        settings.app_database_url,
        max_size=settings.pool_size,
        trusted_origins=settings.trusted_origins or (settings.better_auth_url,),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await require_rls_role(engine)
            await auth.open()
            yield
        finally:
            await auth.close()
            await engine.dispose()

    app = FastAPI(title="Todo API (auth_ext + Better Auth)", lifespan=lifespan)
    app.state.engine, app.state.auth = engine, auth
    install_exception_handlers(app)
    app.add_exception_handler(DBAPIError, _handle_sqlalchemy_error)
    app.include_router(
        auth_router(auth, better_auth_secret=settings.better_auth_secret, secure_cookies=settings.secure_cookies)
    )

    @app.get("/me")
    async def me(user: CurrentUser) -> dict[str, Any]:
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
        user: CurrentUser,
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
    async def get_todo(todo_id: int, user: CurrentUser) -> Todo:
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
