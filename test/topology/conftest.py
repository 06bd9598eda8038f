"""Fixtures of the topology suite: the primary, PgBouncer and the hot standby that run.sh started.

One database, prepared by the todo example's own setup (Better Auth's tables, the ``todo_app``
role, the ``todo`` table with its RLS policy, the settings); users and Ed25519 signing keys are
made here, tokens signed by ``auth_ext.sign_jwt``. URLs:

- ``owner``: the bootstrap superuser on the primary, directly (setup, checks, key rotation);
- ``app(where)``: the ``todo_app`` role on ``primary``, ``pooler`` or ``standby``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from todo_api.config import Settings
from todo_api.setup import setup_database

DATABASE = "auth_ext_topology"
APP_ROLE = "todo_app"
BETTER_AUTH_URL = "http://localhost:3000"  # the tokens' iss and aud
BETTER_AUTH_SECRET = "topology-better-auth-secret-0123456789abcdef"
PASSWORD = "correct horse battery staple"

PRIMARY_PORT = int(os.environ.get("TOPO_PRIMARY_PORT", "0"))
POOLER_PORT = int(os.environ.get("TOPO_POOLER_PORT", "0"))
STANDBY_PORT = int(os.environ.get("TOPO_STANDBY_PORT", "0"))
POOL_SIZE = int(os.environ.get("TOPO_POOL_SIZE", "0"))
#: Whether the PgBouncer in use keeps protocol-level prepared statements (1.21+, max_prepared_statements).
POOLER_PREPARED = os.environ.get("TOPO_POOLER_PREPARED") == "1"
RESTART = os.environ.get("TOPO_RESTART", "")

T = TypeVar("T")


def url(port: int, user: str = "postgres", database: str = DATABASE) -> str:
    return f"postgresql://{user}@127.0.0.1:{port}/{database}"


OWNER_URL = url(PRIMARY_PORT)
STANDBY_OWNER_URL = url(STANDBY_PORT)
APP_URLS = {
    "primary": url(PRIMARY_PORT, APP_ROLE),
    "pooler": url(POOLER_PORT, APP_ROLE),
    "standby": url(STANDBY_PORT, APP_ROLE),
}


def pytest_configure(config: pytest.Config) -> None:
    if not (PRIMARY_PORT and POOLER_PORT and STANDBY_PORT and POOL_SIZE):
        raise pytest.UsageError("run the topology suite with test/topology/run.sh (it starts PgBouncer and the standby)")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key pair as JWKs; ``kid`` is its jwks row id."""

    kid: str
    public: dict[str, str]
    private: dict[str, str]

    @classmethod
    def generate(cls, kid: str | None = None) -> SigningKey:
        key = Ed25519PrivateKey.generate()
        x = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        d = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        kid = kid or f"topology-{uuid.uuid4().hex[:12]}"
        public = {"kty": "OKP", "crv": "Ed25519", "x": b64url(x)}
        return cls(kid, public, {**public, "d": b64url(d), "kid": kid})

    def with_kid(self, kid: str) -> SigningKey:
        """The same key material under another kid (a jwks row replaced in place)."""
        return SigningKey(kid, self.public, {**self.private, "kid": kid})


def owner_connect(autocommit: bool = True) -> psycopg.Connection[Any]:
    return psycopg.connect(OWNER_URL, autocommit=autocommit, connect_timeout=5)


def add_key(key: SigningKey) -> None:
    """Inserts ``key`` as a row of Better Auth's jwks table (on the primary)."""
    with owner_connect() as conn:
        conn.execute(
            """INSERT INTO jwks (id, "publicKey", "privateKey", "createdAt", "expiresAt", alg, crv)
               VALUES (%s, %s, '"not used"', now(), NULL, 'EdDSA', 'Ed25519')""",
            (key.kid, json.dumps(key.public)),
        )


def replace_key(kid: str, key: SigningKey) -> None:
    with owner_connect() as conn:
        conn.execute('UPDATE jwks SET "publicKey" = %s WHERE id = %s', (json.dumps(key.public), kid))


def delete_key(kid: str) -> None:
    with owner_connect() as conn:
        conn.execute("DELETE FROM jwks WHERE id = %s", (kid,))


def sign(key: SigningKey, sub: str, **claims: Any) -> str:
    """A JWT for ``sub`` signed with ``key`` (iss and aud as the example expects, 1 hour)."""
    now = int(time.time())
    payload = {"sub": sub, "iss": BETTER_AUTH_URL, "aud": BETTER_AUTH_URL, "iat": now, "exp": now + 3600, **claims}
    with owner_connect() as conn:
        row = conn.execute("SELECT auth_ext.sign_jwt(%s::jsonb, %s::jsonb)", (json.dumps(payload), json.dumps(key.private))).fetchone()
    assert row is not None
    return str(row[0])


def make_users(label: str, count: int) -> list[str]:
    """``count`` users (no password) created directly; their ids."""
    ids = [f"{label}-{i:02d}-{uuid.uuid4().hex[:8]}" for i in range(count)]
    with owner_connect() as conn:
        for uid in ids:
            conn.execute(
                'INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") '
                "VALUES (%s, %s, %s, false, now(), now())",
                (uid, uid, f"{uid}@example.com"),
            )
    return ids


def wait_for_replay(timeout: float = 15.0) -> None:
    """Waits (bounded) until the standby has replayed everything the primary has written so far."""
    with owner_connect() as primary:
        row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
    assert row is not None
    target = row[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(STANDBY_OWNER_URL, autocommit=True, connect_timeout=5) as standby:
        while True:
            done = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()
            if done and done[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the standby did not replay up to {target} within {timeout}s")
            time.sleep(0.02)


async def bounded(awaitable: Awaitable[T], seconds: float = 60.0) -> T:
    """Every wait in the suite has an end."""
    return await asyncio.wait_for(awaitable, seconds)


def settings(**overrides: Any) -> Settings:
    """The example's settings on this suite's database (the API connects as ``todo_app``)."""
    base: dict[str, Any] = {
        "database_url": OWNER_URL,
        "better_auth_url": BETTER_AUTH_URL,
        "better_auth_secret": BETTER_AUTH_SECRET,
        "app_database_url_override": APP_URLS["primary"],
    }
    return Settings(**{**base, **overrides})


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[None]:
    """The suite's database, prepared by the example's setup; dropped at the end."""
    with psycopg.connect(url(PRIMARY_PORT, database="postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    setup_database(settings())
    yield
    with psycopg.connect(url(PRIMARY_PORT, database="postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

