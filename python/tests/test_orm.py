"""auth_ext_fastapi.orm: SQLModel sessions that carry the verified identity, the RLS role check and
the SQLAlchemy error handlers (the todo example runs on it end to end)."""

from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from sqlalchemy import text

from auth_ext_fastapi import AsyncAuthExt
from auth_ext_fastapi.orm import OrmAuth, UserSession, create_engine, install_orm_exception_handlers, sqlalchemy_url

from .conftest import PASSWORD_FOR_TESTS


def test_sqlalchemy_url_uses_psycopg3() -> None:
    assert sqlalchemy_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert sqlalchemy_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


async def test_a_superuser_engine_is_refused(owner_dsn: str, app_dsn: str) -> None:
    orm = OrmAuth(AsyncAuthExt(app_dsn), create_engine(owner_dsn))
    with pytest.raises(RuntimeError, match="BYPASSRLS"):
        await orm.open()
    await orm.close()


async def test_the_session_carries_the_identity_and_errors_are_mapped(app_dsn: str) -> None:
    auth = AsyncAuthExt(app_dsn, max_size=2)
    orm = OrmAuth(auth, create_engine(app_dsn, pool_size=2))
    app = FastAPI(lifespan=orm.lifespan)
    install_orm_exception_handlers(app)
    User = Annotated[UserSession, Depends(orm.session, scope="function")]

    @app.get("/who")
    async def who(user: User) -> dict[str, Any]:
        db_user = (await user.db.exec(text("SELECT auth_ext.user_id()"))).scalar_one()  # type: ignore[call-overload]
        return {"user_id": user.user_id, "db_user_id": db_user}

    @app.get("/broken")
    async def broken(user: User) -> None:
        await user.db.exec(text("SELECT * FROM auth_ext.setting"))  # type: ignore[call-overload]

    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        email = f"orm-{id(app)}@example.com"
        token = (await auth.sign_up_email(email, PASSWORD_FOR_TESTS, "Orm"))["token"]
        r = await c.get("/who", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["user_id"] == r.json()["db_user_id"]
        assert (await c.get("/who")).status_code == 401
        denied = await c.get("/broken", headers={"Authorization": f"Bearer {token}"})
        assert denied.status_code == 403 and denied.json()["code"] == "FORBIDDEN"
