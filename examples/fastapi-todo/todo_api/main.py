"""The todo API: FastAPI + SQLModel, users from Better Auth, rows isolated by PostgreSQL RLS.

Every todo route runs in one transaction whose identity was set by ``auth_ext`` from the
request's verified credential (a Better Auth JWT, or a session token / cookie). The queries carry
no ``WHERE user_id = ...``: the ``todo_owner`` policy in the database decides what each user sees.

With a read replica configured (``REPLICA_DATABASE_URL``), the routes that only read run there,
and writes, sign-up, sign-in and sign-out on the primary. Behind a transaction-mode pooler
(``DB_POOLED``, or recognised from the URL) psycopg's automatic prepared statements are off. A
database that is restarting or unreachable is answered with 503 ``DATABASE_UNAVAILABLE``, and
the pools replace the connections a restart closed. Every error has one shape, Better Auth's
``{"code", "message"}`` (:mod:`.errors`).

Run: ``python -m todo_api.setup`` once (as the owner), then ``uvicorn --factory todo_api.main:create_app``.
"""

# No `from __future__ import annotations`: FastAPI must see the route-local Annotated aliases.
from typing import Annotated, Any

from auth_ext_fastapi import AsyncAuthExt, IpAddress, RateLimit, auth_router
from auth_ext_fastapi.orm import OrmAuth, UserSession, create_engine, install_orm_exception_handlers
from fastapi import Depends, FastAPI, Query, Response, status
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import delete, func, not_, update
from sqlmodel import col, select

from .config import Settings
from .errors import install_error_handlers, todo_not_found
from .models import Todo, TodoCreate, TodoRead, TodoUpdate


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()

    def engine(url: str) -> Any:
        return create_engine(url, pool_size=settings.pool_size, pool_timeout=settings.pool_timeout, pooled=settings.pooled)

    replica_url = settings.app_replica_database_url
    auth = AsyncAuthExt(
        settings.app_database_url,
        max_size=settings.pool_size,
        trusted_origins=settings.trusted_origins or (settings.better_auth_url,),
        pooled=settings.pooled,
        replica_conninfo=replica_url,
        replica_pooled=settings.pooled,
        timeout=settings.pool_timeout,
        user_table=("public", "user"),  # a deleted user's still-valid JWT is refused (401)
    )
    orm = OrmAuth(auth, engine(settings.app_database_url), engine(replica_url) if replica_url else None)
    CurrentUser = Annotated[UserSession, Depends(orm.session, scope="function")]
    ReadingUser = Annotated[UserSession, Depends(orm.read_session, scope="function")]

    app = FastAPI(title="Todo API (auth_ext + Better Auth)", lifespan=orm.lifespan)
    install_orm_exception_handlers(app)
    install_error_handlers(app)  # every error answers {code, message}
    if settings.cors_origins:  # a browser app on another origin calls the API with its JWT
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["*"],
            allow_headers=["authorization", "content-type"], max_age=600,
        )
    app.include_router(
        auth_router(
            # The extension signs the cookie with the secret setup.py configured; the API only asks for it.
            auth, session_cookie=settings.better_auth_secret is not None, secure_cookies=settings.secure_cookies,
            rate_limit=RateLimit() if settings.rate_limit else None,
            # The client address: the socket's, or the header a proxy in front of the API sets.
            ip_address=IpAddress(ip_address_headers=settings.ip_address_headers),
        )
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
            raise todo_not_found()
        return todo

    async def _update(user: UserSession, todo_id: int, values: dict[str, Any]) -> Todo:
        statement = (
            update(Todo).where(col(Todo.id) == todo_id).values(**values, updated_at=func.now()).returning(Todo)
        )
        todo: Todo | None = (await user.db.exec(statement)).scalar_one_or_none()
        if todo is None:
            raise todo_not_found()
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
            raise todo_not_found()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return app
