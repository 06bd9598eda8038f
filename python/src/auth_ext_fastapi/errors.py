"""Maps auth_ext's SQL errors to Better Auth's HTTP error responses.

The extension raises ``'<CODE>: <message>'`` with a SQLSTATE and the bare code in the error's
CONSTRAINT field; this module turns that into the JSON body Better Auth answers with,
``{"code": ..., "message": ...}``, and the same HTTP status, so an authentication or validation
failure never surfaces as a 500. Codes, SQLSTATEs and statuses come from the extension's one table,
``auth_ext.error_codes()``, generated into :mod:`._error_codes`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ._error_codes import ERROR_CODES

logger = logging.getLogger("auth_ext_fastapi")

#: The message of a coded error, ``'<CODE>: <message>'``; read only for auth_ext 0.1.0, which does
#: not set the CONSTRAINT field.
_CODE_PREFIX = re.compile(r"^([A-Z][A-Z0-9_]*): (.*)$", re.DOTALL)

#: RATE_LIMITED's hint: the seconds until the window ends.
_RETRY_AFTER_HINT = re.compile(r"^Retry after (\d+) seconds?\.$")

#: ``WWW-Authenticate`` sent with every 401 (RFC 6750).
BEARER_CHALLENGE = 'Bearer realm="api"'

#: Each code auth_ext raises: (SQLSTATE, HTTP status, Better Auth's message).
_BY_CODE: dict[str, tuple[str, int, str]] = {
    code: (sqlstate, status, message) for code, sqlstate, status, message in ERROR_CODES if len(sqlstate) == 5
}

#: DATABASE_UNAVAILABLE's status and message: also a connection that broke without a SQLSTATE.
_UNAVAILABLE: tuple[int, str] = next((s, m) for c, _, s, m in ERROR_CODES if c == "DATABASE_UNAVAILABLE")

# (SQLSTATE or class, HTTP status, code, message) for errors without a code of auth_ext's; the
# longest matching prefix wins. The table's class rows (DATABASE_UNAVAILABLE: 08, 53, 57) are shared
# with the Better Auth plugin. The rest are this package's alone: its routes, dependencies and ORM
# session answer errors from the application's own queries (a write on a replica is PostgreSQL's
# own 25006, answered as READ_ONLY like auth_ext's) and auth_ext's uncoded ones (a bad token is
# 28000), where Better Auth, and so the plugin, let any database error but auth_ext's be a 500.
_SQLSTATE_RULES: tuple[tuple[str, int, str, str], ...] = tuple(
    sorted(
        (
            *((sqlstate, status, code, message) for code, sqlstate, status, message in ERROR_CODES if len(sqlstate) == 2),
            ("25006", _BY_CODE["READ_ONLY"][1], "READ_ONLY", _BY_CODE["READ_ONLY"][2]),
            ("28", 401, "UNAUTHORIZED", "Unauthorized"),
            ("23505", 422, "CONFLICT", "The row already exists"),
            ("23", 400, "VALIDATION_ERROR", "The request violates a constraint"),
            ("22", 400, "VALIDATION_ERROR", "Invalid value"),
            ("42501", 403, "FORBIDDEN", "Forbidden"),
            ("55000", 503, "AUTH_NOT_CONFIGURED", "Authentication is not configured"),
        ),
        key=lambda rule: -len(rule[0]),
    )
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


def error_code(exc: psycopg.Error) -> str | None:
    """The auth_ext error code of a database error, or None when it has none.

    The CONSTRAINT field holds it (auth_ext 0.2.0 and later); for an older server, the message's
    ``CODE:`` prefix. Either counts only with the code's own SQLSTATE, so an application's
    constraint or message that happens to look like a code is not taken for one.
    """
    sqlstate = exc.sqlstate or ""
    code = exc.diag.constraint_name
    if code is None:
        match = _CODE_PREFIX.match(exc.diag.message_primary or "")
        code = match.group(1) if match else None
    if code is None or code not in _BY_CODE or _BY_CODE[code][0] != sqlstate:
        return None
    return code


def from_database_error(exc: psycopg.Error) -> AuthExtError | None:
    """The HTTP error for a database error, or None when it is not a client's fault (a real 500)."""
    sqlstate = exc.sqlstate or ""
    if not sqlstate and isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        # No SQLSTATE: the connection broke or could not be had (a lost server, a pool timeout).
        return AuthExtError(_UNAVAILABLE[0], "DATABASE_UNAVAILABLE", _UNAVAILABLE[1])
    primary = exc.diag.message_primary or ""
    code = error_code(exc)
    if code == "RATE_LIMITED":
        # Better Auth's 429: its message without a code, and the seconds to wait in X-Retry-After
        # (the extension's hint: 'Retry after N seconds.').
        _, status, message = _BY_CODE[code]
        retry = _RETRY_AFTER_HINT.match(exc.diag.message_hint or "")
        return AuthExtError(status, None, message, {"X-Retry-After": retry.group(1) if retry else "1"})
    if code is not None:
        _, status, message = _BY_CODE[code]
        # The message after 'CODE: ' is the table's, but for a field's VALIDATION_ERROR ("Name is required").
        prefix = f"{code}: "
        return AuthExtError(status, code, primary[len(prefix):] if primary.startswith(prefix) else message)
    for prefix, status, default_code, default_message in _SQLSTATE_RULES:
        if sqlstate.startswith(prefix):
            if status in (401, 403):
                # The extension's own wording (e.g. "token has expired") says why; it never holds the token.
                return AuthExtError(status, default_code, primary or default_message)
            # A constraint or type error from the application's own tables: don't echo values.
            return AuthExtError(status, default_code, default_message)
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
