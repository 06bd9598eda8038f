"""Better Auth's email/password endpoints served by FastAPI through the extension.

``/sign-up/email``, ``/sign-in/email``, ``/sign-out``, ``/get-session``, ``/request-password-reset``
and ``/reset-password`` take and return what Better Auth's own handler does
(docs/better-auth-compatibility.md §4), so a Better Auth client can talk to either. The session
cookie, when enabled, is signed by the extension with its ``better_auth_secret`` setting
(``auth_ext.sign_session_cookie``, in the sign-up / sign-in statement itself): the app never holds
the secret. The token is always in the body and, as with the bearer plugin, in the
``set-auth-token`` header.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from . import operations
from .client import AsyncAuthExt, AuthExt
from .client_ip import IpAddress
from .credentials import SECURE_SESSION_COOKIE, SESSION_COOKIE, CredentialKind, CredentialSource, read_credential
from .errors import AuthExtError, error_code, from_database_error, logger
from .operations import Operation
from .rate_limit import RateLimit, rate_limit_key
from .results import GetSessionResult, SignUpResult, User
from .validation import (
    parse_request_password_reset,
    parse_reset_password,
    parse_send_verification_email,
    parse_sign_in,
    parse_sign_up,
)

#: What the application supplies to mail a reset link: ``(user, url, token)``, sync or async.
#: ``url`` is ``redirectTo`` with ``?token=<token>`` added (where Better Auth's
#: ``/reset-password/<token>`` link redirects for a valid token), ``""`` without ``redirectTo``.
SendResetPassword = Callable[[User, str, str], Awaitable[None] | None]

#: Called after a password was reset, with the user (Better Auth's ``onPasswordReset``).
OnPasswordReset = Callable[[User], Awaitable[None] | None]

#: Better Auth's answer to every accepted reset request, whether the email exists or not.
RESET_REQUESTED = {"status": True, "message": "If this email exists in our system, check your email for the reset link"}

#: The application's mail sender: ``(user, url, token)``, a function or a coroutine function.
SendVerificationEmail = Callable[[User, str, str], Awaitable[None] | None]


@dataclass(frozen=True)
class EmailVerification:
    """Better Auth's ``emailVerification`` options, for ``GET /verify-email`` and ``POST /send-verification-email``.

    ``send_verification_email(user, url, token)`` sends the mail (Better Auth's
    ``sendVerificationEmail``; without it ``/send-verification-email`` answers 400
    ``VERIFICATION_EMAIL_NOT_ENABLED``, as Better Auth does). ``url`` is this router's
    ``/verify-email`` with the token and the callback URL, as Better Auth writes it. ``expires_in``:
    the token's lifetime in seconds. ``auto_sign_in_after_verification``: a newly verified email
    signs the user in (a new session, with the cookie when the router sets cookies).
    ``minimum_response_seconds``: ``/send-verification-email`` without a session takes at least this
    long whether or not a mail was sent (Better Auth: 0.5 s), so timing does not tell which emails
    exist.
    """

    send_verification_email: SendVerificationEmail | None = None
    expires_in: int = 3600
    auto_sign_in_after_verification: bool = False
    minimum_response_seconds: float = 0.5


#: Better Auth's errors of these routes that are not auth_ext's codes (BASE_ERROR_CODES).
_NOT_ENABLED = AuthExtError(400, "VERIFICATION_EMAIL_NOT_ENABLED", "Verification email isn't enabled")
_INVALID_CALLBACK_URL = (403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_ENCODED_SEPARATOR = re.compile(r"%2f|%5c", re.IGNORECASE)
#: What encodeURIComponent leaves as is, besides letters, digits and ``_.-~``.
_URI_COMPONENT_SAFE = "!*'()"


def _is_safe_relative_url(url: str) -> bool:
    """Better Auth's isSafeRelativeURL: a root-relative path that stays on the same origin."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or _CONTROL_CHARACTERS.search(url):
        return False
    path = re.split(r"[?#]", url, maxsplit=1)[0]
    return not _ENCODED_SEPARATOR.search(path)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _with_error(callback_url: str, code: str) -> str:
    """Better Auth's appendQueryParams(callbackURL, {error: code})."""
    parts = urlsplit(callback_url)
    query = parts.query
    if query and not query.endswith("&"):
        query += "&"
    query += urlencode({"error": code})
    return urlunsplit(parts._replace(query=query))


class SignUpBody(BaseModel):
    """Better Auth's ``/sign-up/email`` body, for the OpenAPI schema (validation: :mod:`.validation`)."""

    model_config = ConfigDict(extra="ignore")
    email: str
    password: str
    name: str
    image: str | None = None
    rememberMe: bool = True


class RequestPasswordResetBody(BaseModel):
    """Better Auth's ``/request-password-reset`` body, for the OpenAPI schema."""

    model_config = ConfigDict(extra="ignore")
    email: str
    redirectTo: str | None = None


class ResetPasswordBody(BaseModel):
    """Better Auth's ``/reset-password`` body, for the OpenAPI schema (the token may be ``?token=``)."""

    model_config = ConfigDict(extra="ignore")
    newPassword: str
    token: str | None = None


class SignInBody(BaseModel):
    """Better Auth's ``/sign-in/email`` body, for the OpenAPI schema."""

    model_config = ConfigDict(extra="ignore")
    email: str
    password: str
    rememberMe: bool = True


def _openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}}


T = TypeVar("T")


async def _call(method: Callable[..., Any], *args: Any) -> Any:
    """Awaits an AsyncAuthExt method, or runs an AuthExt one in the thread pool."""
    if inspect.iscoroutinefunction(method):
        return await method(*args)
    return await run_in_threadpool(method, *args)


async def _callback(function: Callable[..., Awaitable[None] | None], *args: Any) -> None:
    """Calls an application callback, sync (in the thread pool) or async."""
    if inspect.iscoroutinefunction(function):
        await function(*args)
        return
    result = await run_in_threadpool(function, *args)
    if inspect.isawaitable(result):
        await result


def _with_token(url: str, token: str) -> str:
    """``url`` with ``token=<token>`` added to its query (Better Auth's redirect for a valid token)."""
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("token", token)])
    return urlunsplit(parts._replace(query=query))


def _mail_not_granted(function: str) -> AuthExtError:
    """The 500 for a role that may not mail account links (no grant_mail_role), logged with the fix.

    request_password_reset and create_email_verification_token hand out a token for any account:
    grant_app_role does not grant them, grant_mail_role does; a 500 naming the fix, not a bare 403.
    """
    message = (
        f"The database role may not call auth_ext.{function}: run SELECT "
        "auth_ext.grant_mail_role('<the application's role>') as the database owner"
    )
    logger.error(message)
    return AuthExtError(500, "AUTH_EXT_NOT_GRANTED", message)


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
    ip_address: IpAddress = IpAddress(),  # noqa: B008 (frozen, never mutated)
    send_reset_password: SendResetPassword | None = None,
    reset_password_token_expires_in: int = 3600,
    revoke_sessions_on_password_reset: bool = False,
    on_password_reset: OnPasswordReset | None = None,
    require_email_verification: bool = False,
    auto_sign_in: bool = True,
    email_verification: EmailVerification | None = None,
) -> APIRouter:
    """Routes mirroring Better Auth's email/password API under ``prefix``.

    ``session_cookie`` sets Better Auth's signed session cookie on sign-up and sign-in, signed by
    the extension with its ``better_auth_secret`` setting (``auth_ext.configure``; 503
    ``AUTH_NOT_CONFIGURED`` when it is not set). ``better_auth_secret`` is the older way to ask for
    it: any value enables the cookie (the extension's setting signs it; the value is not used).
    ``secure_cookies`` adds ``Secure`` and the ``__Secure-`` name prefix, as Better Auth does for an
    https base URL. Bodies are validated and refused exactly as Better Auth refuses them
    (:mod:`.validation`). ``rate_limit`` limits sign-in and sign-up as Better Auth does, on its
    ``rateLimit`` table, sharing the counters with it (:mod:`.rate_limit`), on every route it
    serves, each path with Better Auth's rule. ``ip_address`` says where the client address (the
    limit's key, the session's ``ipAddress``) comes from: the socket's peer unless proxy headers
    are named (:class:`~auth_ext_fastapi.IpAddress`, Better Auth's ``advanced.ipAddress``).

    Password reset, as Better Auth's ``emailAndPassword`` options: ``send_reset_password(user, url,
    token)`` mails the link (without it ``/request-password-reset`` answers 400
    ``RESET_PASSWORD_DISABLED``, as Better Auth does); ``reset_password_token_expires_in`` is
    ``resetPasswordTokenExpiresIn``; ``revoke_sessions_on_password_reset`` is
    ``revokeSessionsOnPasswordReset``; ``on_password_reset(user)`` is ``onPasswordReset``. Tokens
    are Better Auth's verification rows, so either server redeems the other's.

    ``require_email_verification`` and ``auto_sign_in`` are Better Auth's
    ``emailAndPassword.requireEmailVerification`` and ``autoSignIn``: with either
    (``require_email_verification=True`` or ``auto_sign_in=False``) sign-up creates no session and
    answers ``{"token": null, "user"}``, also for an email that is taken (a user that was never
    written, so sign-up does not tell who has an account); with ``require_email_verification`` the
    right password of an unverified user is 403 ``EMAIL_NOT_VERIFIED``. Sending the verification
    email is the application's (Better Auth's ``emailVerification.sendVerificationEmail``).

    ``email_verification`` adds ``GET /verify-email`` and ``POST /send-verification-email``
    (:class:`EmailVerification`), with Better Auth's tokens: a link either server mailed verifies on
    either.
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

    def client_ip(request: Request) -> str:
        """The session's ``ipAddress``: the client address, or ``""`` (as Better Auth stores it)."""
        return ip_address.client_ip(request) or ""

    async def limit(request: Request, path: str) -> None:
        """Better Auth's rate limit, checked before the body is read (as Better Auth does): one
        ``auth_ext.rate_limit_hit`` on its ``rateLimit`` row for this client and path (none with
        ``disable_ip_tracking``, as in Better Auth)."""
        if rate_limit is None or ip_address.disable_ip_tracking:
            return
        window, most = rate_limit.rule(path)
        key = rate_limit_key(ip_address.client_ip(request), path)
        await _run(auth, operations.rate_limit_hit(key, window, most))

    @router.post("/sign-up/email", openapi_extra=_openapi_body(SignUpBody))
    async def sign_up_email(request: Request) -> JSONResponse:
        """Creates a user with a credential account and a session: ``{token, user}``."""
        await limit(request, "/sign-up/email")
        body = await parse_sign_up(await request.body(), request.headers.get("content-type", ""))
        signs_in = auto_sign_in and not require_email_verification
        operation = operations.sign_up_email(
            body.email, body.password, body.name, body.image,
            client_ip(request), request.headers.get("user-agent", ""), body.remember_me, signs_in,
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
            body.email, body.password, client_ip(request), request.headers.get("user-agent", ""), body.remember_me,
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

    @router.post("/request-password-reset", openapi_extra=_openapi_body(RequestPasswordResetBody))
    async def request_password_reset(request: Request) -> dict[str, Any]:
        """Mails a reset link when the email is a user's; the same answer when it is not."""
        await limit(request, "/request-password-reset")
        own_origin = f"{request.url.scheme}://{request.url.netloc}"
        body = await parse_request_password_reset(
            await request.body(), request.headers.get("content-type", ""), own_origin, auth.trusted_origins
        )
        if send_reset_password is None:
            raise AuthExtError(400, "RESET_PASSWORD_DISABLED", "Reset password isn't enabled")
        try:
            issued = await _run(auth, operations.request_password_reset(body.email, reset_password_token_expires_in))
        except psycopg.errors.InsufficientPrivilege as exc:
            if error_code(exc) is not None:  # coded (UNTRUSTED_OBJECT): not a missing grant
                raise
            raise _mail_not_granted("request_password_reset") from exc
        if issued is not None:  # committed: the link works by the time the mail is read
            url = _with_token(body.redirect_to, issued["token"]) if body.redirect_to else ""
            await _callback(send_reset_password, issued["user"], url, issued["token"])
        return RESET_REQUESTED

    @router.post("/reset-password", openapi_extra=_openapi_body(ResetPasswordBody))
    async def reset_password(request: Request) -> dict[str, bool]:
        """Sets a new password with a reset token (body ``token`` or ``?token=``): ``{status: true}``."""
        await limit(request, "/reset-password")
        body = await parse_reset_password(await request.body(), request.headers.get("content-type", ""))
        token = body.token or request.query_params.get("token") or None
        result = await _run(auth, operations.reset_password(
            token, body.new_password, revoke_sessions_on_password_reset))
        if on_password_reset is not None:
            await _callback(on_password_reset, result["user"])
        return {"status": True}

    if email_verification is not None:
        _add_email_verification(router, auth, email_verification, with_cookie, session_response, client_ip)
    return router


def _verification_url(request: Request, token: str, callback_url: str | None) -> str:
    """Better Auth's link: ``<base>/verify-email?token=...&callbackURL=<encodeURIComponent(callbackURL or "/")>``."""
    link = str(request.url_for("auth_ext_verify_email"))
    return f"{link}?token={token}&callbackURL={quote(callback_url or '/', safe=_URI_COMPONENT_SAFE)}"


def _check_callback_url(request: Request, auth: AuthExt | AsyncAuthExt, callback_url: str | None) -> None:
    """Better Auth's originCheck on ``callbackURL``: a safe root-relative path, or a URL of this
    server's origin or of the client's ``trusted_origins``; else 403 ``INVALID_CALLBACK_URL``."""
    if not callback_url or _is_safe_relative_url(callback_url):
        return
    origin = _origin(callback_url)
    own = f"{request.url.scheme}://{request.url.netloc}".lower()
    if origin is None or (origin != own and origin not in {o.lower() for o in auth.trusted_origins}):
        raise AuthExtError(*_INVALID_CALLBACK_URL)


def _add_email_verification(
    router: APIRouter, auth: AuthExt | AsyncAuthExt, options: EmailVerification, with_cookie: bool,
    session_response: Callable[[SignUpResult, str | None, dict[str, Any], bool], JSONResponse],
    client_ip: Callable[[Request], str],
) -> None:
    """The two routes of Better Auth's email verification (see :func:`auth_router`)."""

    @router.get("/verify-email", response_model=None, name="auth_ext_verify_email")
    async def verify_email(request: Request) -> Response:
        """Verifies the token's email: ``{status, user: null}``, or a redirect to ``callbackURL``.

        As Better Auth: every refusal is 401 with its code (``TOKEN_EXPIRED``, ``INVALID_TOKEN``,
        ``USER_NOT_FOUND``), or, with ``callbackURL``, a redirect there with ``?error=CODE``.
        """
        token = request.query_params.get("token")
        callback_url = request.query_params.get("callbackURL")
        _check_callback_url(request, auth, callback_url)
        if token is None:
            raise AuthExtError(
                400, "VALIDATION_ERROR", "[query.token] Invalid input: expected string, received undefined"
            )
        operation = operations.verify_email(
            token, options.auto_sign_in_after_verification, client_ip(request), request.headers.get("user-agent", "")
        )
        try:
            if with_cookie and options.auto_sign_in_after_verification:
                result, signed = await _run(auth, operations.with_optional_signed_cookie(operation))
            else:
                result, signed = await _run(auth, operation), None
        except psycopg.Error as exc:
            code = error_code(exc)
            mapped = from_database_error(exc)
            if code not in ("TOKEN_EXPIRED", "INVALID_TOKEN", "USER_NOT_FOUND") or mapped is None:
                raise
            if callback_url:
                return RedirectResponse(_with_error(callback_url, code), status_code=302)
            raise AuthExtError(401, code, mapped.message) from None
        if "change_email" in result:  # a change-email token: Better Auth mails the next token and answers the user
            verification = result.get("verification")
            if verification is not None and options.send_verification_email is not None:
                await _call(options.send_verification_email, verification["user"],
                            _verification_url(request, verification["token"], callback_url), verification["token"])
            if callback_url:
                return RedirectResponse(callback_url, status_code=302)
            if result["change_email"] == "change-email-confirmation":
                return JSONResponse({"status": True})
            return JSONResponse({"status": True, "user": result["user"]})
        response: Response
        if "token" in result and "session" in result and result["user"] is not None:
            created: SignUpResult = {"token": result["token"], "user": result["user"], "session": result["session"]}
            response = session_response(created, signed, {"status": True, "user": None}, True)
        else:
            response = JSONResponse({"status": True, "user": None})
        if callback_url:
            redirect = RedirectResponse(callback_url, status_code=302)
            for name, value in response.headers.items():
                if name in ("set-cookie", "set-auth-token", "access-control-expose-headers"):
                    redirect.headers.append(name, value)
            return redirect
        return response

    async def send(email: str, callback_url: str | None, request: Request) -> None:
        """Creates the token and hands the mail to the application (Better Auth's link)."""
        assert options.send_verification_email is not None
        try:
            made = await _run(auth, operations.create_email_verification_token(email, options.expires_in))
        except psycopg.errors.InsufficientPrivilege as exc:
            if error_code(exc) is not None:  # coded (UNTRUSTED_OBJECT): not a missing grant
                raise
            raise _mail_not_granted("create_email_verification_token") from exc
        url = _verification_url(request, made["token"], callback_url)
        await _call(options.send_verification_email, made["user"], url, made["token"])

    @router.post("/send-verification-email")
    async def send_verification_email(request: Request) -> dict[str, bool]:
        """Mails a verification link: ``{status: true}``.

        With a session, for its own unverified email only (400 ``EMAIL_MISMATCH`` /
        ``EMAIL_ALREADY_VERIFIED``). Without one, the same answer, after the same minimum time,
        whether the email is unknown, verified or mailed.
        """
        body = await parse_send_verification_email(await request.body(), request.headers.get("content-type", ""))
        _check_callback_url(request, auth, body.callback_url)
        if options.send_verification_email is None:
            raise _NOT_ENABLED
        credential = read_credential(request, auth.cookie_names)
        session = None
        if credential is not None and credential.kind is CredentialKind.SESSION:
            if credential.source is CredentialSource.COOKIE:
                auth.check_origin(request)
            session = await _run(auth, operations.get_session(credential.value))
        if session is not None:
            if session["user"]["email"].lower() != body.email.lower():
                raise AuthExtError(400, "EMAIL_MISMATCH", "Email mismatch")
            if session["user"]["emailVerified"]:
                raise AuthExtError(400, "EMAIL_ALREADY_VERIFIED", "Email is already verified")
            await send(session["user"]["email"], body.callback_url, request)
            return {"status": True}
        start = time.monotonic()
        try:
            try:
                await send(body.email, body.callback_url, request)
            except psycopg.Error as exc:  # unknown or verified: the same answer as a sent mail
                if error_code(exc) not in ("USER_NOT_FOUND", "EMAIL_ALREADY_VERIFIED"):
                    raise
        finally:  # errors too (the application's sender's) are answered after the floor, as Better Auth does
            remaining = options.minimum_response_seconds - (time.monotonic() - start)
            if remaining > 0:
                await asyncio.sleep(remaining)
        return {"status": True}
