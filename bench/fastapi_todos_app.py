"""The todo example app plus an unauthenticated twin of ``GET /todos``, for bench/fastapi_todos.sh.

``GET /todos`` verifies the bearer JWT in Postgres (``auth_ext.authenticate``) and lists through
RLS as the API's role. ``GET /bench/todos-noauth`` runs the same listing with no authentication:
as the owner (no RLS) with an explicit ``WHERE user_id`` for the bench user, so both return the
same rows through the same SQLModel query, serialization and pool size.

Environment: the example's settings (``DATABASE_URL`` = owner) and ``BENCH_USER_ID``.
"""

import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from todo_api.config import Settings
from todo_api.main import create_app, sqlalchemy_url
from todo_api.models import Todo, TodoRead


def create_bench_app() -> FastAPI:
    """The example app with the unauthenticated baseline route added."""
    settings = Settings.from_env()
    user_id = os.environ["BENCH_USER_ID"]
    app = create_app(settings)
    owner_engine = create_async_engine(sqlalchemy_url(settings.database_url), pool_size=settings.pool_size)

    async def owner_session(request: Request) -> AsyncIterator[AsyncSession]:
        async with AsyncSession(owner_engine, expire_on_commit=False) as db:
            yield db
            await db.commit()

    @app.get("/bench/todos-noauth", response_model=list[TodoRead])
    async def list_todos_noauth(
        db: Annotated[AsyncSession, Depends(owner_session, scope="function")],
        completed: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[Todo]:
        """``GET /todos`` without authentication (baseline)."""
        query = select(Todo).where(col(Todo.user_id) == user_id).order_by(col(Todo.id)).limit(limit).offset(offset)
        if completed is not None:
            query = query.where(col(Todo.completed) == completed)
        return list((await db.exec(query)).all())

    return app
