"""Sets a transaction's identity from a verified credential by calling the extension.

Works on any psycopg 3 connection (also the one under a SQLAlchemy/SQLModel session). After the
call, ``auth_ext.user_id()`` is the verified user for every statement until COMMIT or ROLLBACK,
so row-level security policies apply to whatever the route runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .credentials import Credential, CredentialKind
from .errors import from_database_error, unauthorized

logger = logging.getLogger("auth_ext_fastapi")

_AUTHENTICATE_SQL: dict[CredentialKind, str] = {
    CredentialKind.JWT: "SELECT auth_ext.authenticate(%s)",
    CredentialKind.SESSION: "SELECT auth_ext.authenticate_session(%s)",
}

# The user fields Better Auth's jwt plugin copies into a token's payload (docs/better-auth-compatibility.md §6).
_JWT_USER_FIELDS = ("name", "email", "emailVerified", "image", "createdAt", "updatedAt")


@dataclass(frozen=True)
class Identity:
    """The verified user of a transaction.

    ``claims`` is the JWT's payload, or for a session what ``auth_ext.authenticate_session``
    returns (``{"sub", "sid", "user", "session"}``, without the session token).
    """

    kind: CredentialKind
    claims: dict[str, Any]

    @property
    def user_id(self) -> str:
        """The user's id (the ``sub`` claim)."""
        return str(self.claims["sub"])

    @property
    def session_id(self) -> str | None:
        """The Better Auth session's id when authenticated by session, else None."""
        sid = self.claims.get("sid") if self.kind is CredentialKind.SESSION else None
        return None if sid is None else str(sid)

    @property
    def user(self) -> dict[str, Any]:
        """The user as Better Auth shows it: the session's user row, or the fields a JWT carries."""
        if self.kind is CredentialKind.SESSION and isinstance(self.claims.get("user"), dict):
            return dict(self.claims["user"])
        user = {name: self.claims[name] for name in _JWT_USER_FIELDS if name in self.claims}
        user["id"] = self.user_id
        return user


def _identity(credential: Credential, row: tuple[Any, ...] | None) -> Identity:
    claims = row[0] if row else None
    if not isinstance(claims, dict) or "sub" not in claims:
        raise unauthorized()
    return Identity(credential.kind, claims)


def _as_http_error(exc: psycopg.Error) -> Exception:
    """Auth failures become AuthExtError (401 and friends); anything else is re-raised as it is.

    A credential this server is not configured to check (an HS256 token without
    ``jwt_shared_secret``, a signed cookie without ``better_auth_secret``: SQLSTATE 55000) is the
    client's 401, not a server error; the gap is logged for the operator.
    """
    if exc.sqlstate == "55000":
        logger.warning("credential refused, auth_ext is not configured for it: %s", exc.diag.message_primary)
        return unauthorized()
    mapped = from_database_error(exc)
    return mapped if mapped is not None and mapped.status_code < 500 else exc


#: A table named ``(schema, table)``: Better Auth's ``user`` table, e.g. ``("public", "user")``.
UserTable = tuple[str, str]


def _user_exists_sql(user_table: UserTable) -> sql.Composed:
    return sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE id = %s)").format(sql.Identifier(*user_table))


def _deleted_user() -> Exception:
    # What a revoked session answers: the identity is gone, whatever the token still says.
    return unauthorized("The token's user no longer exists")


def authenticate(
    conn: psycopg.Connection[Any], credential: Credential, user_table: UserTable | None = None
) -> Identity:
    """Verifies ``credential`` in ``conn``'s current transaction and makes it the identity.

    A JWT stays valid after its user is deleted; with ``user_table`` (Better Auth's ``user``
    table, on which the role needs ``SELECT (id)``) such a token is refused like a revoked
    session. Sessions need no such check: deleting a user deletes its sessions.

    Raises :class:`AuthExtError` (401) when the credential does not verify; the transaction is
    then aborted and must be rolled back.
    """
    try:
        with conn.cursor() as cur:
            cur.execute(_AUTHENTICATE_SQL[credential.kind], (credential.value,))
            identity = _identity(credential, cur.fetchone())
            if user_table is not None and credential.kind is CredentialKind.JWT:
                cur.execute(_user_exists_sql(user_table), (identity.user_id,))
                row = cur.fetchone()
                if not (row and row[0]):
                    raise _deleted_user()
            return identity
    except psycopg.Error as exc:
        raise _as_http_error(exc) from None


async def authenticate_async(
    conn: psycopg.AsyncConnection[Any], credential: Credential, user_table: UserTable | None = None
) -> Identity:
    """The async form of :func:`authenticate`."""
    try:
        async with conn.cursor() as cur:
            await cur.execute(_AUTHENTICATE_SQL[credential.kind], (credential.value,))
            identity = _identity(credential, await cur.fetchone())
            if user_table is not None and credential.kind is CredentialKind.JWT:
                await cur.execute(_user_exists_sql(user_table), (identity.user_id,))
                row = await cur.fetchone()
                if not (row and row[0]):
                    raise _deleted_user()
            return identity
    except psycopg.Error as exc:
        raise _as_http_error(exc) from None
