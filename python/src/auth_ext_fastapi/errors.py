"""Maps auth_ext's SQL errors to Better Auth's HTTP error responses.

The extension raises ``'<CODE>: <message>'`` with a SQLSTATE; this module turns that into the
JSON body Better Auth answers with, ``{"code": ..., "message": ...}``, and the same HTTP status, so
an authentication or validation failure never surfaces as a 500.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

logger = logging.getLogger("auth_ext_fastapi")

_CODE_PREFIX = re.compile(r"^([A-Z][A-Z0-9_]*): (.*)$", re.DOTALL)

#: ``WWW-Authenticate`` sent with every 401 (RFC 6750).
BEARER_CHALLENGE = 'Bearer realm="api"'

# Statuses for codes whose HTTP status differs from their SQLSTATE's (Better Auth's own choices).
_STATUS_BY_CODE: dict[str, int] = {
    "INVALID_PASSWORD": 400,  # change-password / delete-user answer 400, not 401
    "EMAIL_NOT_VERIFIED": 403,
    "INVALID_ORIGIN": 403,
}

# (SQLSTATE, HTTP status, default code, default message); the first matching prefix wins.
_SQLSTATE_RULES: tuple[tuple[str, int, str, str], ...] = (
    ("28P01", 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"),
    ("28", 401, "UNAUTHORIZED", "Unauthorized"),
    ("23505", 422, "CONFLICT", "The row already exists"),
    ("23", 400, "VALIDATION_ERROR", "The request violates a constraint"),
    ("22", 400, "VALIDATION_ERROR", "Invalid value"),
    ("42501", 403, "FORBIDDEN", "Forbidden"),
    ("P0002", 400, "USER_NOT_FOUND", "User not found"),
    ("25006", 503, "READ_ONLY", "The database is read-only"),
    ("55000", 503, "AUTH_NOT_CONFIGURED", "Authentication is not configured"),
    # The server went away or refused the connection: a restart, a failover, too many connections.
    ("08", 503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again"),
    ("57", 503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again"),
    ("53", 503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again"),
)

#: Seconds a client is asked to wait before retrying when the database is unavailable.
RETRY_AFTER_SECONDS = "1"


@dataclass
class AuthExtError(Exception):
    """An error answered as ``{"code", "message"}`` with an HTTP status (Better Auth's shape)."""

    status_code: int
    code: str | None  # None: Better Auth's few answers without a code (e.g. 429)
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.code}: {self.message}" if self.code else self.message)
        if self.status_code == 401:
            self.headers.setdefault("WWW-Authenticate", BEARER_CHALLENGE)
        if self.code == "DATABASE_UNAVAILABLE":
            self.headers.setdefault("Retry-After", RETRY_AFTER_SECONDS)

    def to_response(self) -> JSONResponse:
        """The JSON response for this error."""
        body = {"message": self.message} if self.code is None else {"code": self.code, "message": self.message}
        return JSONResponse(
            body,
            status_code=self.status_code,
            headers=self.headers or None,
        )


def unauthorized(message: str = "Unauthorized", code: str = "UNAUTHORIZED") -> AuthExtError:
    """A 401 with a Bearer challenge: no credential, or one that does not verify."""
    return AuthExtError(401, code, message)


def from_database_error(exc: psycopg.Error) -> AuthExtError | None:
    """The HTTP error for a database error, or None when it is not a client's fault (a real 500)."""
    sqlstate = exc.sqlstate or ""
    if not sqlstate and isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        # No SQLSTATE: the connection broke or could not be had (a lost server, a pool timeout).
        return AuthExtError(503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again")
    primary = exc.diag.message_primary or ""
    match = _CODE_PREFIX.match(primary)
    for prefix, status, default_code, default_message in _SQLSTATE_RULES:
        if sqlstate.startswith(prefix):
            if match:
                code, message = match.group(1), match.group(2)
                status = _STATUS_BY_CODE.get(code, status)
            elif status in (401, 403):
                # The extension's own wording (e.g. "token has expired") says why; it never holds the token.
                code, message = default_code, primary or default_message
            else:
                # A constraint or type error from the application's own tables: don't echo values.
                code, message = default_code, default_message
            return AuthExtError(status, code, message)
    return None


def database_error_response(exc: psycopg.Error) -> JSONResponse:
    """The response for a database error: Better Auth's status and code, or a bare 500."""
    mapped = from_database_error(exc)
    if mapped is None:
        # Log the SQLSTATE and the server's message only; never statement parameters (tokens, passwords).
        logger.error("database error %s: %s", exc.sqlstate, exc.diag.message_primary)
        return JSONResponse(
            {"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error"}, status_code=500
        )
    if mapped.code == "DATABASE_UNAVAILABLE":
        logger.warning("database unavailable (%s): %s", exc.sqlstate or type(exc).__name__, exc.diag.message_primary or exc)
    elif mapped.status_code >= 500:
        logger.error("auth_ext is not usable: %s (%s)", mapped.code, exc.sqlstate)
    return mapped.to_response()


async def _handle_auth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthExtError)
    return exc.to_response()


async def _handle_database_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, psycopg.Error)
    return database_error_response(exc)


def install_exception_handlers(app: FastAPI) -> None:
    """Registers the handlers for :class:`AuthExtError` and psycopg errors on ``app``."""
    app.add_exception_handler(AuthExtError, _handle_auth_error)
    app.add_exception_handler(psycopg.Error, _handle_database_error)
