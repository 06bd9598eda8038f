"""Better Auth's email/password endpoints served by FastAPI through the extension.

``/sign-up/email``, ``/sign-in/email``, ``/sign-out`` and ``/get-session`` take and return what
Better Auth's own handler does (docs/better-auth-compatibility.md §4), so a Better Auth client can talk to either. The
session cookie is set only when the app knows Better Auth's secret (it must be signed like Better
Auth signs it, or Better Auth would reject it); the token is always in the body and, as with the
bearer plugin, in the ``set-auth-token`` header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from .client import AsyncAuthExt, AuthExt
from .credentials import SECURE_SESSION_COOKIE, SESSION_COOKIE, CredentialKind, CredentialSource, read_credential
from .rate_limit import RateLimit, rate_limit_key
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


async def _call(method: Callable[..., Any], *args: Any) -> Any:
    """Awaits an AsyncAuthExt method, or runs an AuthExt one in the thread pool."""
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    return await run_in_threadpool(method, *args)


def sign_session_token(token: str, secret: str) -> str:
    """The signed cookie value Better Auth writes: ``token.base64(HMAC-SHA256(secret, token))``, unencoded."""
    digest = hmac.new(secret.encode(), token.encode(), hashlib.sha256).digest()
    return f"{token}.{base64.b64encode(digest).decode()}"


def auth_router(
    auth: AuthExt | AsyncAuthExt,
    *,
    better_auth_secret: str | None = None,
    secure_cookies: bool = False,
    prefix: str = "/auth",
    rate_limit: RateLimit | None = None,
) -> APIRouter:
    """Routes mirroring Better Auth's email/password API under ``prefix``.

    ``better_auth_secret`` (the same value as Better Auth's ``BETTER_AUTH_SECRET``) enables the
    signed session cookie; ``secure_cookies`` adds ``Secure`` and the ``__Secure-`` name prefix,
    as Better Auth does for an https base URL. Bodies are validated and refused exactly as Better
    Auth refuses them (:mod:`.validation`). ``rate_limit`` limits sign-in and sign-up as Better
    Auth does, on its ``rateLimit`` table, sharing the counters with it (:mod:`.rate_limit`).
    """
    router = APIRouter(prefix=prefix, tags=["auth"])
    cookie_name = SECURE_SESSION_COOKIE if secure_cookies else SESSION_COOKIE

    def session_response(result: dict[str, Any], body: dict[str, Any], remember_me: bool) -> JSONResponse:
        """The JSON body plus Better Auth's session cookie and bearer header for a new session."""
        response = JSONResponse(body)
        token: str = result["token"]
        if better_auth_secret is None:
            response.headers["set-auth-token"] = token
        else:
            signed = sign_session_token(token, better_auth_secret)
            response.headers["set-auth-token"] = signed
            expires = datetime.fromisoformat(result["session"]["expiresAt"])  # Python 3.11 reads the "Z"
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
        result = await _call(
            auth.sign_up_email, body.email, body.password, body.name, body.image,
            _client_ip(request), request.headers.get("user-agent", ""), body.remember_me,
        )
        return session_response(result, {"token": result["token"], "user": result["user"]}, body.remember_me)

    @router.post("/sign-in/email", openapi_extra=_openapi_body(SignInBody))
    async def sign_in_email(request: Request) -> JSONResponse:
        """Checks the password and creates a session: ``{redirect, token, user}``."""
        await limit(request, "/sign-in/email")
        body = await parse_sign_in(await request.body(), request.headers.get("content-type", ""))
        result = await _call(
            auth.sign_in_email, body.email, body.password, _client_ip(request),
            request.headers.get("user-agent", ""), body.remember_me,
        )
        return session_response(
            result, {"redirect": False, "token": result["token"], "user": result["user"]}, body.remember_me
        )

    @router.post("/sign-out")
    async def sign_out(request: Request, response: Response) -> dict[str, bool]:
        """Deletes the request's session (cookie or bearer session token) and clears the cookie."""
        credential = read_credential(request, auth.cookie_names)
        if credential is not None and credential.kind is CredentialKind.SESSION:
            if credential.source is CredentialSource.COOKIE:
                auth.check_origin(request)
            await _call(auth.sign_out, credential.value)
        response.delete_cookie(cookie_name, path="/", secure=secure_cookies, httponly=True, samesite="lax")
        return {"success": True}

    @router.get("/get-session")
    async def get_session(request: Request) -> dict[str, Any] | None:
        """The request's session and user, ``{session, user}``, or ``null``."""
        credential = read_credential(request, auth.cookie_names)
        if credential is None or credential.kind is not CredentialKind.SESSION:
            return None
        session: dict[str, Any] | None = await _call(auth.get_session, credential.value)
        return session

    return router
