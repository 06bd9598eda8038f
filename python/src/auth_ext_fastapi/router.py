"""Better Auth's email/password endpoints served by FastAPI through the extension.

``/sign-up/email``, ``/sign-in/email``, ``/sign-out`` and ``/get-session`` take and return what
Better Auth's own handler does (docs/better-auth-compatibility.md §4), so a Better Auth client can talk to either. The
session cookie, when enabled, is signed by the extension with its ``better_auth_secret`` setting
(``auth_ext.sign_session_cookie``, in the sign-up / sign-in statement itself): the app never holds
the secret. The token is always in the body and, as with the bearer plugin, in the
``set-auth-token`` header.
"""

from __future__ import annotations

import inspect
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from . import operations
from .client import AsyncAuthExt, AuthExt
from .credentials import SECURE_SESSION_COOKIE, SESSION_COOKIE, CredentialKind, CredentialSource, read_credential
from .operations import Operation
from .rate_limit import RateLimit, rate_limit_key
from .results import GetSessionResult, SignUpResult
from .validation import parse_sign_in, parse_sign_up


class SignUpBody(BaseModel):
    """Better Auth's ``/sign-up/email`` body, for the OpenAPI schema (validation: :mod:`.validation`)."""

    model_config = ConfigDict(extra="ignore")
    email: str
    password: str
    name: str
    image: str | None = None
    rememberMe: bool = True


class SignInBody(BaseModel):
    """Better Auth's ``/sign-in/email`` body, for the OpenAPI schema."""

    model_config = ConfigDict(extra="ignore")
    email: str
    password: str
    rememberMe: bool = True


def _openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def _client_ip(request: Request) -> str:
    """The first ``x-forwarded-for`` address when it is a valid IP, else ``""`` (Better Auth's default)."""
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return ""


T = TypeVar("T")


async def _call(method: Callable[..., Any], *args: Any) -> Any:
    """Awaits an AsyncAuthExt method, or runs an AuthExt one in the thread pool."""
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    return await run_in_threadpool(method, *args)


async def _run(auth: AuthExt | AsyncAuthExt, operation: Operation[T]) -> T:
    """Runs an operation on either client (a sync one in the thread pool)."""
    if isinstance(auth, AsyncAuthExt):
        return await auth.run(operation)
    return await run_in_threadpool(auth.run, operation)


def auth_router(
    auth: AuthExt | AsyncAuthExt,
    *,
    session_cookie: bool | None = None,
    better_auth_secret: str | None = None,
    secure_cookies: bool = False,
    prefix: str = "/auth",
    rate_limit: RateLimit | None = None,
    require_email_verification: bool = False,
    auto_sign_in: bool = True,
) -> APIRouter:
    """Routes mirroring Better Auth's email/password API under ``prefix``.

    ``session_cookie`` sets Better Auth's signed session cookie on sign-up and sign-in, signed by
    the extension with its ``better_auth_secret`` setting (``auth_ext.configure``; 503
    ``AUTH_NOT_CONFIGURED`` when it is not set). ``better_auth_secret`` is the older way to ask for
    it: any value enables the cookie (the extension's setting signs it; the value is not used).
    ``secure_cookies`` adds ``Secure`` and the ``__Secure-`` name prefix, as Better Auth does for an
    https base URL. Bodies are validated and refused exactly as Better Auth refuses them
    (:mod:`.validation`). ``rate_limit`` limits sign-in and sign-up as Better Auth does, on its
    ``rateLimit`` table, sharing the counters with it (:mod:`.rate_limit`).

    ``require_email_verification`` and ``auto_sign_in`` are Better Auth's
    ``emailAndPassword.requireEmailVerification`` and ``autoSignIn``: with either
    (``require_email_verification=True`` or ``auto_sign_in=False``) sign-up creates no session and
    answers ``{"token": null, "user"}``, also for an email that is taken (a user that was never
    written, so sign-up does not tell who has an account); with ``require_email_verification`` the
    right password of an unverified user is 403 ``EMAIL_NOT_VERIFIED``. Sending the verification
    email is the application's (Better Auth's ``emailVerification.sendVerificationEmail``).
    """
    router = APIRouter(prefix=prefix, tags=["auth"])
    cookie_name = SECURE_SESSION_COOKIE if secure_cookies else SESSION_COOKIE
    with_cookie = better_auth_secret is not None if session_cookie is None else session_cookie

    async def create_session(operation: Operation[SignUpResult]) -> tuple[SignUpResult, str | None]:
        """Runs a sign-up or sign-in; with the cookie, its signed value comes from the same statement."""
        if not with_cookie:
            return await _run(auth, operation), None
        result, signed = await _run(auth, operations.with_signed_cookie(operation))
        return result, signed

    def session_response(
        result: SignUpResult, signed: str | None, body: dict[str, Any], remember_me: bool
    ) -> JSONResponse:
        """The JSON body plus Better Auth's session cookie and bearer header for a new session."""
        token, session = result["token"], result["session"]
        if token is None or session is None:  # the statement was asked for a session
            raise RuntimeError("auth_ext returned no session")
        response = JSONResponse(body)
        if signed is None:
            response.headers["set-auth-token"] = token
        else:
            response.headers["set-auth-token"] = signed
            expires = datetime.fromisoformat(session["expiresAt"])  # Python 3.11 reads the "Z"
            max_age = int((expires - datetime.now(UTC)).total_seconds()) if remember_me else None
            response.set_cookie(
                cookie_name, quote(signed, safe="-_.!~*'()"), max_age=max_age, path="/",
                secure=secure_cookies, httponly=True, samesite="lax",
            )
        response.headers["access-control-expose-headers"] = "set-auth-token"
        return response

    async def limit(request: Request, path: str) -> None:
        """Better Auth's rate limit, checked before the body is read (as Better Auth does)."""
        if rate_limit is not None:
            await _call(auth.rate_limit, rate_limit, rate_limit_key(request.headers.get("x-forwarded-for"), path))

    @router.post("/sign-up/email", openapi_extra=_openapi_body(SignUpBody))
    async def sign_up_email(request: Request) -> JSONResponse:
        """Creates a user with a credential account and a session: ``{token, user}``."""
        await limit(request, "/sign-up/email")
        body = await parse_sign_up(await request.body(), request.headers.get("content-type", ""))
        signs_in = auto_sign_in and not require_email_verification
        operation = operations.sign_up_email(
            body.email, body.password, body.name, body.image,
            _client_ip(request), request.headers.get("user-agent", ""), body.remember_me, signs_in,
        )
        if not signs_in:
            # Better Auth's answer without a session; existing_email stays with the application.
            created = await _run(auth, operation)
            return JSONResponse({"token": None, "user": created["user"]})
        result, signed = await create_session(operation)
        return session_response(result, signed, {"token": result["token"], "user": result["user"]}, body.remember_me)

    @router.post("/sign-in/email", openapi_extra=_openapi_body(SignInBody))
    async def sign_in_email(request: Request) -> JSONResponse:
        """Checks the password and creates a session: ``{redirect, token, user}``."""
        await limit(request, "/sign-in/email")
        body = await parse_sign_in(await request.body(), request.headers.get("content-type", ""))
        result, signed = await create_session(operations.sign_in_email(
            body.email, body.password, _client_ip(request), request.headers.get("user-agent", ""), body.remember_me,
            require_email_verification,
        ))
        return session_response(
            result, signed, {"redirect": False, "token": result["token"], "user": result["user"]}, body.remember_me
        )

    @router.post("/sign-out")
    async def sign_out(request: Request, response: Response) -> dict[str, bool]:
        """Deletes the request's session (cookie or bearer session token) and clears the cookie."""
        credential = read_credential(request, auth.cookie_names)
        if credential is not None and credential.kind is CredentialKind.SESSION:
            if credential.source is CredentialSource.COOKIE:
                auth.check_origin(request)
            await _run(auth, operations.sign_out(credential.value))
        response.delete_cookie(cookie_name, path="/", secure=secure_cookies, httponly=True, samesite="lax")
        return {"success": True}

    @router.get("/get-session", response_model=None)  # the JSON as the extension wrote it, extra fields too
    async def get_session(request: Request) -> GetSessionResult | None:
        """The request's session and user, ``{session, user}``, or ``null``."""
        credential = read_credential(request, auth.cookie_names)
        if credential is None or credential.kind is not CredentialKind.SESSION:
            return None
        return await _run(auth, operations.get_session(credential.value))

    return router
