"""Prepares a database for the todo API, as its owner: ``python -m todo_api.setup``.

Installs auth_ext and Better Auth's tables (a no-op when Better Auth's migrator made them),
creates the API's login role, the ``todo`` table with its row-level security policy and Better
Auth's ``rateLimit`` table, and stores the JWT and session settings with ``auth_ext.configure``.
Secrets (``BETTER_AUTH_SECRET``, ``JWT_SHARED_SECRET``) not in the environment keep their stored
values; ``CLEAR_SECRETS=on`` removes them.
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
        configured: dict[str, str | None] = {"jwt_issuer": settings.issuer, "jwt_audience": settings.audience}
        # A secret left out of the environment is kept, never blanked: re-running setup without
        # BETTER_AUTH_SECRET must not break cookie authentication. CLEAR_SECRETS=on removes them.
        for name, value in (
            ("jwt_shared_secret", settings.jwt_shared_secret),
            ("better_auth_secret", settings.better_auth_secret),
        ):
            if value is not None or settings.clear_secrets:
                configured[name] = value
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
