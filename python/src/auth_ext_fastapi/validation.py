"""Better Auth's request-body validation for ``/sign-up/email``, ``/sign-in/email`` and
``/send-verification-email``, answer for answer.

Better Auth 1.7.25 validates these bodies with zod 4 schemas and answers a failure with 400
``VALIDATION_ERROR`` and a message joining every issue as ``[body.<field>] <zod message>`` (in the
schema's field order, separated by ``; ``). A frontend that shows or switches on these answers
must see the same whichever server handled the request, so this module reproduces them exactly
(``python/tests/test_parity.py`` compares every case with the real Better Auth).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import AuthExtError

#: zod 4's ``z.email()`` pattern (the rule auth_ext's ``INVALID_EMAIL`` also implements).
EMAIL_PATTERN = re.compile(
    r"^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$"
)

_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"


def _received(value: Any) -> str:
    """zod 4's name for a value's type in ``expected X, received Y``."""
    if value is _MISSING:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Missing:
    pass


_MISSING = _Missing()


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str  # "string", "email", "nonempty", "boolean"
    optional: bool = False


_SIGN_UP_FIELDS = (
    _Field("name", "string"),
    _Field("email", "email"),
    _Field("password", "nonempty"),
    _Field("image", "string", optional=True),
    _Field("callbackURL", "string", optional=True),
    _Field("rememberMe", "boolean", optional=True),
)
_REQUEST_RESET_FIELDS = (
    _Field("email", "email"),
    _Field("redirectTo", "string", optional=True),
)
_RESET_FIELDS = (
    _Field("newPassword", "string"),
    _Field("token", "string", optional=True),
)
_SIGN_IN_FIELDS = (
    _Field("email", "string"),
    _Field("password", "string"),
    _Field("callbackURL", "string", optional=True),
    _Field("rememberMe", "boolean", optional=True),
)


_SEND_VERIFICATION_EMAIL_FIELDS = (
    _Field("email", "email"),
    _Field("callbackURL", "string", optional=True),
)


def _issues(body: Any, fields: tuple[_Field, ...], record_too: bool) -> list[str]:
    if not isinstance(body, dict):
        issues = [f"[body] Invalid input: expected object, received {_received(body)}"]
        if record_too:  # sign-up's schema is z.object(...).and(z.record(...))
            issues.append(f"[body] Invalid input: expected record, received {_received(body)}")
        return issues
    issues = []
    for field in fields:
        value = body.get(field.name, _MISSING)
        if value is _MISSING and field.optional:
            continue
        expected = "boolean" if field.kind == "boolean" else "string"
        if _received(value) != expected:
            issues.append(f"[body.{field.name}] Invalid input: expected {expected}, received {_received(value)}")
        elif field.kind == "email" and not EMAIL_PATTERN.match(value):
            issues.append(f"[body.{field.name}] Invalid email address")
        elif field.kind == "nonempty" and value == "":
            issues.append(f"[body.{field.name}] Too small: expected string to have >=1 characters")
    return issues


async def _read_body(raw: bytes, content_type: str) -> Any:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == _FORM:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if media_type != _JSON:
        raise AuthExtError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f'Content-Type "{media_type}" is not allowed. Allowed types: {_FORM}, {_JSON}',
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise AuthExtError(400, "BAD_REQUEST", "Invalid JSON in request body") from None


def _check_callback_url(body: Any) -> None:
    """Better Auth's origin check runs first and refuses a non-string ``callbackURL`` (no code)."""
    if isinstance(body, dict) and "callbackURL" in body and not isinstance(body["callbackURL"], str):
        raise AuthExtError(400, None, "Invalid callbackURL: expected a string")


@dataclass(frozen=True)
class SignUpBody:
    """A valid ``/sign-up/email`` body."""

    name: str
    email: str
    password: str
    image: str | None
    remember_me: bool


@dataclass(frozen=True)
class SignInBody:
    """A valid ``/sign-in/email`` body."""

    email: str
    password: str
    remember_me: bool


def _validate(body: Any, fields: tuple[_Field, ...], record_too: bool) -> dict[str, Any]:
    _check_callback_url(body)
    issues = _issues(body, fields, record_too)
    if issues:
        raise AuthExtError(400, "VALIDATION_ERROR", "; ".join(issues))
    assert isinstance(body, dict)
    return body


async def parse_sign_up(raw: bytes, content_type: str) -> SignUpBody:
    """The sign-up body, or Better Auth's own 400/415 for it."""
    body = _validate(await _read_body(raw, content_type), _SIGN_UP_FIELDS, record_too=True)
    return SignUpBody(body["name"], body["email"], body["password"], body.get("image"), body.get("rememberMe", True))


async def parse_sign_in(raw: bytes, content_type: str) -> SignInBody:
    """The sign-in body, or Better Auth's own 400/415 for it."""
    body = _validate(await _read_body(raw, content_type), _SIGN_IN_FIELDS, record_too=False)
    return SignInBody(body["email"], body["password"], body.get("rememberMe", True))


@dataclass(frozen=True)
class RequestPasswordResetBody:
    """A valid ``/request-password-reset`` body."""

    email: str
    redirect_to: str | None


@dataclass(frozen=True)
class ResetPasswordBody:
    """A valid ``/reset-password`` body (the token may come in the query instead)."""

    new_password: str
    token: str | None


#: A relative path Better Auth accepts as a redirect target ("/reset", not "//host" or "/\\host").
_RELATIVE_PATH = re.compile(r"^/(?![/\\])")


def _check_redirect_to(body: Any, own_origin: str, trusted_origins: frozenset[str]) -> None:
    """Better Auth's origin check of ``redirectTo``: a string, and a relative path or a trusted origin."""
    if not isinstance(body, dict) or body.get("redirectTo") in (None, ""):
        return
    url = body["redirectTo"]
    if not isinstance(url, str):
        raise AuthExtError(400, None, "Invalid redirectURL: expected a string")
    if _RELATIVE_PATH.match(url):
        return
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    if origin is None or (origin != own_origin and origin not in trusted_origins):
        raise AuthExtError(403, "INVALID_REDIRECT_URL", "Invalid redirectURL")


async def parse_request_password_reset(
    raw: bytes, content_type: str, own_origin: str, trusted_origins: frozenset[str]
) -> RequestPasswordResetBody:
    """The ``/request-password-reset`` body, or Better Auth's own 400/403/415 for it."""
    body = await _read_body(raw, content_type)
    _check_redirect_to(body, own_origin, trusted_origins)
    body = _validate(body, _REQUEST_RESET_FIELDS, record_too=False)
    return RequestPasswordResetBody(body["email"], body.get("redirectTo") or None)


async def parse_reset_password(raw: bytes, content_type: str) -> ResetPasswordBody:
    """The ``/reset-password`` body, or Better Auth's own 400/415 for it."""
    body = _validate(await _read_body(raw, content_type), _RESET_FIELDS, record_too=False)
    return ResetPasswordBody(body["newPassword"], body.get("token"))


@dataclass(frozen=True)
class SendVerificationEmailBody:
    """A valid ``/send-verification-email`` body."""

    email: str
    callback_url: str | None


async def parse_send_verification_email(raw: bytes, content_type: str) -> SendVerificationEmailBody:
    """The ``/send-verification-email`` body, or Better Auth's own 400/415 for it."""
    body = _validate(await _read_body(raw, content_type), _SEND_VERIFICATION_EMAIL_FIELDS, record_too=False)
    return SendVerificationEmailBody(body["email"], body.get("callbackURL"))
