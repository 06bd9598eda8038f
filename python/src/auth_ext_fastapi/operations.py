"""The account operations, each defined once: its SQL, its parameters and its result's type.

An :class:`Operation` is one SQL function call of the extension. The builders below make them
from a method's arguments; :class:`~auth_ext_fastapi.AuthExt` and
:class:`~auth_ext_fastapi.AsyncAuthExt` expose each builder as a method that runs the operation
(``run``), each in its own transaction, so the sync and async clients share every definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from .results import (
    ChangePasswordResult,
    EmailVerificationTokenResult,
    GetSessionResult,
    SignInResult,
    SignUpResult,
    VerifyEmailResult,
)

T = TypeVar("T")

#: A fetched row: the statement's one row, or None.
Row = tuple[Any, ...] | None


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One call of an extension function.

    ``call`` is the function call with ``%s`` placeholders for ``params`` (it is the statement's
    select list, or the ``FROM`` item of a statement built on it); ``convert`` makes the result from
    the fetched row. ``read``: the call only reads, and may run on a read replica; a None result
    there (a session not replayed yet) is asked again on the primary.
    """

    call: str
    params: tuple[object, ...]
    convert: Callable[[Row], T]
    read: bool = False

    @property
    def sql(self) -> str:
        """The statement."""
        return f"SELECT {self.call}"


def _value(row: Row) -> Any:
    return row[0] if row else None


def _sign_up_result(row: Row) -> SignUpResult:
    return cast(SignUpResult, _value(row))


def _get_session_result(row: Row) -> GetSessionResult | None:
    return cast("GetSessionResult | None", _value(row))


def _change_password_result(row: Row) -> ChangePasswordResult:
    return cast(ChangePasswordResult, _value(row))


def _boolean(row: Row) -> bool:
    return bool(_value(row))


def sign_up_email(
    email: str, password: str, name: str, image: str | None = None,
    ip_address: str | None = None, user_agent: str | None = None, remember_me: bool = True,
) -> Operation[SignUpResult]:
    """``auth_ext.sign_up_email``: ``{"token", "user", "session"}``."""
    return Operation(
        "auth_ext.sign_up_email(%s, %s, %s, %s, %s, %s, %s)",
        (email, password, name, image, ip_address, user_agent, remember_me), _sign_up_result,
    )


def sign_in_email(
    email: str, password: str, ip_address: str | None = None,
    user_agent: str | None = None, remember_me: bool = True,
) -> Operation[SignInResult]:
    """``auth_ext.sign_in_email``: ``{"token", "user", "session"}``."""
    return Operation(
        "auth_ext.sign_in_email(%s, %s, %s, %s, %s)",
        (email, password, ip_address, user_agent, remember_me), _sign_up_result,
    )


def get_session(credential: str) -> Operation[GetSessionResult | None]:
    """``auth_ext.get_session``: ``{"session", "user"}``, or None when there is no valid session.

    With a replica, asked there first (no sliding refresh on a replica), then on the primary
    when the replica has no such session (yet).
    """
    return Operation("auth_ext.get_session(%s)", (credential,), _get_session_result, read=True)


def sign_out(credential: str) -> Operation[bool]:
    """``auth_ext.sign_out``: deletes the session; True when there was one."""
    return Operation("auth_ext.sign_out(%s)", (credential,), _boolean)


def change_password(
    user_id: str, current_password: str, new_password: str, revoke_other_sessions: bool = True
) -> Operation[ChangePasswordResult]:
    """``auth_ext.change_password``: ``{"token", "session"}``, the new session when the others were revoked."""
    return Operation(
        "auth_ext.change_password(%s, %s, %s, %s)",
        (user_id, current_password, new_password, revoke_other_sessions), _change_password_result,
    )


def _email_verification_token_result(row: Row) -> EmailVerificationTokenResult:
    return cast(EmailVerificationTokenResult, _value(row))


def _verify_email_result(row: Row) -> VerifyEmailResult:
    return cast(VerifyEmailResult, _value(row))


def create_email_verification_token(email: str, expires_in: int = 3600) -> Operation[EmailVerificationTokenResult]:
    """``auth_ext.create_email_verification_token``: ``{"token", "user"}``, Better Auth's verification
    token for an existing, unverified user (``USER_NOT_FOUND`` / ``EMAIL_ALREADY_VERIFIED`` otherwise)."""
    return Operation(
        "auth_ext.create_email_verification_token(%s, %s)", (email, expires_in), _email_verification_token_result
    )


def verify_email(
    token: str, create_session: bool = False, ip_address: str | None = None,
    user_agent: str | None = None, session_expires_in: int | None = None,
) -> Operation[VerifyEmailResult]:
    """``auth_ext.verify_email``: ``{"status", "user"}`` (user ``None`` when already verified), plus
    ``"token"`` and ``"session"`` of a new session with ``create_session``."""
    return Operation(
        "auth_ext.verify_email(%s, %s, %s, %s, %s)",
        (token, create_session, ip_address, user_agent, session_expires_in), _verify_email_result,
    )


def with_optional_signed_cookie(
    operation: Operation[VerifyEmailResult],
) -> Operation[tuple[VerifyEmailResult, str | None]]:
    """:func:`verify_email` that also returns Better Auth's signed cookie value of the session it
    created, in the same statement; None when it created none (the email was already verified)."""

    def convert(row: Row) -> tuple[VerifyEmailResult, str | None]:
        signed = row[1] if row else None
        return operation.convert(row), signed if isinstance(signed, str) else None

    return Operation(
        f"r, auth_ext.sign_session_cookie(r->>'token') FROM {operation.call} AS r", operation.params, convert
    )


def with_signed_cookie(operation: Operation[SignUpResult]) -> Operation[tuple[SignUpResult, str]]:
    """A sign-up or sign-in that also returns Better Auth's signed cookie value for the new session,
    ``auth_ext.sign_session_cookie(token)``, in the same statement (the extension holds the secret)."""

    def convert(row: Row) -> tuple[SignUpResult, str]:
        result = operation.convert(row)
        signed = row[1] if row else None
        if not isinstance(signed, str):  # the session was created by this very statement
            raise RuntimeError("auth_ext.sign_session_cookie returned no value for a new session")
        return result, signed

    return Operation(
        f"r, auth_ext.sign_session_cookie(r->>'token') FROM {operation.call} AS r", operation.params, convert
    )
