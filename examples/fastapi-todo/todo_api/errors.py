"""One shape for every error the API answers: Better Auth's ``{"code", "message"}``.

The package's handlers answer auth_ext's and the database's errors so; these answer the
framework's own (an unknown route, a wrong method, a body or query that fails validation) alike,
so a client reads ``code`` whatever went wrong. The API's own errors are
:class:`~auth_ext_fastapi.AuthExtError` (:func:`todo_not_found`).
"""

from __future__ import annotations

from http import HTTPStatus

from auth_ext_fastapi import AuthExtError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

def todo_not_found() -> AuthExtError:
    """404 ``TODO_NOT_FOUND``; another user's todo too: it does not exist for the caller."""
    return AuthExtError(404, "TODO_NOT_FOUND", "Todo not found")


def _code(status: int) -> str:
    """``NOT_FOUND`` for 404, ``METHOD_NOT_ALLOWED`` for 405: the status's phrase as a code."""
    return HTTPStatus(status).phrase.upper().replace(" ", "_").replace("-", "_")


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return JSONResponse({"code": _code(exc.status_code), "message": message}, exc.status_code, exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """422 ``VALIDATION_ERROR``, each problem as ``[body.title] String should have at least 1 character``."""
    assert isinstance(exc, RequestValidationError)
    message = "; ".join(f"[{'.'.join(map(str, error['loc']))}] {error['msg']}" for error in exc.errors())
    return JSONResponse({"code": "VALIDATION_ERROR", "message": message}, 422)


def install_error_handlers(app: FastAPI) -> None:
    """Answers the framework's errors in the package's shape (install the package's handlers too)."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
