"""Settings from the environment, with defaults that run against the project's throwaway cluster."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:55432/postgres"
DEFAULT_BETTER_AUTH_URL = "http://localhost:3000"
DEFAULT_APP_ROLE = "todo_app"


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what Better Auth's jwt plugin puts in ``iss`` and ``aud``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def with_user(database_url: str, user: str, password: str | None) -> str:
    """``database_url`` with its user (and password) replaced."""
    parts = urlsplit(database_url)
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def parse_pooled(value: str) -> bool | None:
    """``DB_POOLED``: ``true`` / ``false``, or ``auto`` (recognise a pooler from the URL)."""
    lowered = value.strip().lower()
    if lowered in ("", "auto"):
        return None
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"DB_POOLED must be auto, true or false, not {value!r}")


def parse_switch(name: str, value: str) -> bool:
    """``on`` / ``off`` (or true/false, 1/0, yes/no)."""
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be on or off, not {value!r}")


def split_list(value: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the app and its setup read from the environment.

    ``database_url`` is the owner's connection (setup only); the API connects as ``app_role``,
    a role without BYPASSRLS, through ``app_database_url`` (the primary, or a transaction-mode
    pooler in front of it: ``pooled``), and sends read-only routes to ``app_replica_database_url``
    when a replica is configured.
    """

    database_url: str = DEFAULT_DATABASE_URL
    app_role: str = DEFAULT_APP_ROLE
    app_password: str | None = None
    app_database_url_override: str | None = None
    better_auth_url: str = DEFAULT_BETTER_AUTH_URL
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_shared_secret: str | None = field(default=None, repr=False)
    better_auth_secret: str | None = field(default=None, repr=False)
    trusted_origins: tuple[str, ...] = ()
    pool_size: int = 10
    pool_timeout: float = 10.0
    pooled: bool | None = None
    replica_database_url: str | None = None
    app_replica_database_url_override: str | None = None
    cors_origins: tuple[str, ...] = ()
    rate_limit: bool = False
    ip_address_headers: tuple[str, ...] = ()
    clear_secrets: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        """Reads ``DATABASE_URL``, ``APP_DATABASE_URL``, ``TODO_APP_ROLE``, ``TODO_APP_PASSWORD``,
        ``BETTER_AUTH_URL``, ``JWT_ISSUER``, ``JWT_AUDIENCE``, ``JWT_SHARED_SECRET``,
        ``BETTER_AUTH_SECRET``, ``TRUSTED_ORIGINS`` (comma-separated), ``DB_POOL_SIZE``,
        ``DB_POOL_TIMEOUT``, ``DB_POOLED`` (``auto``, ``true``, ``false``), ``REPLICA_DATABASE_URL``,
        ``APP_REPLICA_DATABASE_URL``, ``CORS_ORIGINS`` (comma-separated), ``RATE_LIMIT`` (``on``,
        ``off``), ``IP_ADDRESS_HEADERS`` (comma-separated) and ``CLEAR_SECRETS`` (setup only)."""
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            app_role=env.get("TODO_APP_ROLE", DEFAULT_APP_ROLE),
            app_password=env.get("TODO_APP_PASSWORD") or None,
            app_database_url_override=env.get("APP_DATABASE_URL") or None,
            better_auth_url=env.get("BETTER_AUTH_URL", DEFAULT_BETTER_AUTH_URL),
            jwt_issuer=env.get("JWT_ISSUER") or None,
            jwt_audience=env.get("JWT_AUDIENCE") or None,
            jwt_shared_secret=env.get("JWT_SHARED_SECRET") or None,
            better_auth_secret=env.get("BETTER_AUTH_SECRET") or None,
            trusted_origins=split_list(env.get("TRUSTED_ORIGINS", "")),
            pool_size=int(env.get("DB_POOL_SIZE", "10")),
            pool_timeout=float(env.get("DB_POOL_TIMEOUT", "10")),
            pooled=parse_pooled(env.get("DB_POOLED", "auto")),
            replica_database_url=env.get("REPLICA_DATABASE_URL") or None,
            app_replica_database_url_override=env.get("APP_REPLICA_DATABASE_URL") or None,
            cors_origins=split_list(env.get("CORS_ORIGINS", "")),
            rate_limit=parse_switch("RATE_LIMIT", env.get("RATE_LIMIT", "off")),
            ip_address_headers=split_list(env.get("IP_ADDRESS_HEADERS", "")),
            clear_secrets=parse_switch("CLEAR_SECRETS", env.get("CLEAR_SECRETS", "off")),
        )

    @property
    def app_database_url(self) -> str:
        """The API's own connection: ``APP_DATABASE_URL``, or ``DATABASE_URL`` as ``app_role``."""
        return self.app_database_url_override or with_user(self.database_url, self.app_role, self.app_password)

    @property
    def app_replica_database_url(self) -> str | None:
        """The API's read replica: ``APP_REPLICA_DATABASE_URL``, or ``REPLICA_DATABASE_URL`` as
        ``app_role``; None without a replica (every query goes to the primary)."""
        if self.app_replica_database_url_override:
            return self.app_replica_database_url_override
        if self.replica_database_url:
            return with_user(self.replica_database_url, self.app_role, self.app_password)
        return None

    @property
    def issuer(self) -> str:
        """The ``iss`` tokens must carry: ``JWT_ISSUER`` or Better Auth's base URL origin."""
        return self.jwt_issuer or origin(self.better_auth_url)

    @property
    def audience(self) -> str:
        """The ``aud`` tokens must carry: ``JWT_AUDIENCE`` or Better Auth's base URL origin."""
        return self.jwt_audience or origin(self.better_auth_url)

    @property
    def secure_cookies(self) -> bool:
        """Better Auth uses ``__Secure-`` cookies when its base URL is https."""
        return self.better_auth_url.startswith("https://")
