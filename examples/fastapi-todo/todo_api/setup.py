"""Prepares a database for the todo API, as its owner: ``python -m todo_api.setup``.

Installs auth_ext and Better Auth's tables (a no-op when Better Auth's migrator made them),
creates the API's login role and the ``todo`` table with its row-level security policy, and
stores the JWT and session settings with ``auth_ext.configure``.
"""

from __future__ import annotations

from importlib.resources import files

import psycopg
from psycopg import sql

from .config import Settings


def schema_sql(app_role: str) -> sql.Composed:
    """The schema script with the API's role filled in."""
    text = files("todo_api").joinpath("schema.sql").read_text(encoding="utf-8")
    return sql.SQL(text).format(app_role=sql.Identifier(app_role), app_role_literal=sql.Literal(app_role))


def setup_database(settings: Settings) -> None:
    """Applies the schema and settings; safe to run again."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute(schema_sql(settings.app_role))
        if settings.app_password:
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(settings.app_role), sql.Literal(settings.app_password)
                )
            )
        configured = {
            "jwt_issuer": settings.issuer,
            "jwt_audience": settings.audience,
            "jwt_shared_secret": settings.jwt_shared_secret,
            "better_auth_secret": settings.better_auth_secret,
        }
        with conn.transaction():
            for name, value in configured.items():
                conn.execute("SELECT auth_ext.configure(%s, %s)", (name, value))


def main() -> None:
    """Command-line entry point."""
    settings = Settings.from_env()
    setup_database(settings)
    print(f"todo API schema ready; the API connects as role {settings.app_role!r}")


if __name__ == "__main__":
    main()
