"""The account operations, each defined once: its SQL, its parameters and its result's type.

An :class:`Operation` is one SQL function call of the extension. The builders below make them
from a method's arguments; :class:`~auth_ext_fastapi.AuthExt` and
:class:`~auth_ext_fastapi.AsyncAuthExt` expose each builder as a method that runs the operation
(``run``), each in its own transaction, so the sync and async clients share every definition.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from .results import (
    ChangePasswordResult,
    EmailVerificationTokenResult,
    GetSessionResult,
    RequestPasswordResetResult,
    ResetPasswordResult,
    SignInResult,
    SignUpResult,
    VerifyEmailResult,
)

T = TypeVar("T")
U = TypeVar("U")

#: A fetched row: the statement's one row, or None.
Row = tuple[Any, ...] | None


def _options(**options: Any) -> str:
    """The SQL functions' ``options`` argument: a JSON object of option name: value (None: the
    function's default)."""
    return json.dumps(options)


@dataclass(frozen=True)
class ProofStep(Generic[T]):
    """The password work of an operation, done on a read replica.

    ``call`` / ``params`` make a password proof there (``auth_ext.password_proof`` or
    ``auth_ext.password_hash_proof``: the scrypt runs on the replica); ``then`` builds the
    operation the primary runs with that proof instead of the password (no scrypt there).
    """

    call: str
    params: tuple[object, ...]
    then: Callable[[str], Operation[T]]
    #: The error codes whose answer from the replica is the answer (verdicts on the user's input,
    #: exactly what the primary's one-statement path would give); any other error there
    #: (unreachable, not configured, views not built yet) sends the operation to the primary whole.
    final: frozenset[str] = frozenset()

    @property
    def sql(self) -> str:
        """The replica's statement."""
        return f"SELECT {self.call}"

    def wrapped(self, wrap: Callable[[Operation[T]], Operation[U]]) -> ProofStep[U]:
        """The same step for an operation built on this one (e.g. :func:`with_signed_cookie`)."""
        return ProofStep(self.call, self.params, lambda proof: wrap(self.then(proof)), self.final)


#: password_proof refuses exactly as sign_in_email does, in the same order (one shared check in the
#: extension): its refusals are final, so a wrong password never costs the primary a scrypt.
SIGN_IN_VERDICTS = frozenset(
    {"INVALID_EMAIL_OR_PASSWORD", "INVALID_EMAIL", "PASSWORD_TOO_LONG", "VALIDATION_ERROR"}
)


@dataclass(frozen=True)
class Operation(Generic[T]):
    """One call of an extension function.

    ``call`` is the function call with ``%s`` placeholders for ``params`` (it is the statement's
    select list, or the ``FROM`` item of a statement built on it); ``convert`` makes the result from
    the fetched row. ``read``: the call only reads, and may run on a read replica; a None result
    there (a session not replayed yet) is asked again on the primary. ``proof``: with a replica,
    the password work runs there first (:class:`ProofStep`) and the primary gets the proof.
    """

    call: str
    params: tuple[object, ...]
    convert: Callable[[Row], T]
    read: bool = False
    proof: ProofStep[T] | None = None

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
    auto_sign_in: bool = True,
) -> Operation[SignUpResult]:
    """``auth_ext.sign_up_email``: ``{"token", "user", "session"}``.

    ``auto_sign_in=False`` (Better Auth's ``autoSignIn: false`` or ``requireEmailVerification``):
    no session (``token`` and ``session`` None), and a taken email is not an error but a user that
    was never written, with ``existing_email`` True (never to be shown to the client).
    """
    options = _options(image=image, ip_address=ip_address, user_agent=user_agent,
                       remember_me=remember_me, auto_sign_in=auto_sign_in)

    def with_proof(proof: str) -> Operation[SignUpResult]:
        return Operation("auth_ext.sign_up_email(%s, NULL, %s, CAST(%s AS jsonb), %s)",
                         (email, name, options, proof), _sign_up_result)

    return Operation(
        "auth_ext.sign_up_email(%s, %s, %s, CAST(%s AS jsonb))", (email, password, name, options), _sign_up_result,
        # Sign-up checks the email and name before the password: a replica's refusal of the password
        # is not final; the primary's one statement answers in its own order (and refuses a bad
        # password before any scrypt).
        proof=ProofStep("auth_ext.password_hash_proof(%s)", (password,), with_proof),
    )


def sign_in_email(
    email: str, password: str, ip_address: str | None = None,
    user_agent: str | None = None, remember_me: bool = True, require_email_verification: bool = False,
) -> Operation[SignInResult]:
    """``auth_ext.sign_in_email``: ``{"token", "user", "session"}``.

    ``require_email_verification`` (Better Auth's ``requireEmailVerification``): the right password
    of a user whose email is not verified raises ``EMAIL_NOT_VERIFIED`` (403).
    """
    options = _options(ip_address=ip_address, user_agent=user_agent, remember_me=remember_me,
                       require_email_verification=require_email_verification)

    def with_proof(proof: str) -> Operation[SignInResult]:
        return Operation("auth_ext.sign_in_email(%s, NULL, CAST(%s AS jsonb), %s)", (email, options, proof),
                         _sign_up_result)

    return Operation(
        "auth_ext.sign_in_email(%s, %s, CAST(%s AS jsonb))", (email, password, options), _sign_up_result,
        proof=ProofStep("auth_ext.password_proof(%s, %s)", (email, password), with_proof, SIGN_IN_VERDICTS),
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
        "auth_ext.change_password(%s, %s, %s, CAST(%s AS jsonb))",
        (user_id, current_password, new_password, _options(revoke_other_sessions=revoke_other_sessions)),
        _change_password_result,
    )


def _request_password_reset_result(row: Row) -> RequestPasswordResetResult | None:
    return cast("RequestPasswordResetResult | None", _value(row))


def _reset_password_result(row: Row) -> ResetPasswordResult:
    return cast(ResetPasswordResult, _value(row))


def _integer(row: Row) -> int:
    return int(_value(row))


def request_password_reset(email: str, expires_in: int = 3600) -> Operation[RequestPasswordResetResult | None]:
    """``auth_ext.request_password_reset``: ``{"token", "user"}`` to mail, or None for an unknown email.

    Answer the client the same either way (Better Auth's body does not say whether the email exists).
    ``expires_in``: seconds the token is valid (Better Auth's ``resetPasswordTokenExpiresIn``).
    """
    return Operation("auth_ext.request_password_reset(%s, CAST(%s AS jsonb))",
                     (email, _options(expires_in=expires_in)), _request_password_reset_result)


def reset_password(
    token: str | None, new_password: str, revoke_sessions: bool = False
) -> Operation[ResetPasswordResult]:
    """``auth_ext.reset_password``: redeems a reset token once, ``{"status": True, "user"}``.

    ``revoke_sessions``: Better Auth's ``revokeSessionsOnPasswordReset`` (every session of the user goes).
    """
    return Operation(
        "auth_ext.reset_password(%s, %s, CAST(%s AS jsonb))",
        (token, new_password, _options(revoke_sessions=revoke_sessions)), _reset_password_result,
    )


def rate_limit_hit(key: str, window_seconds: int, max_requests: int) -> Operation[int]:
    """``auth_ext.rate_limit_hit``: counts a request on Better Auth's ``rateLimit`` row for ``key``.

    Returns the count in the window; over the limit the extension raises ``RATE_LIMITED`` (answered
    429 with ``X-Retry-After`` by :mod:`.errors`).
    """
    return Operation("auth_ext.rate_limit_hit(%s, %s, %s)", (key, window_seconds, max_requests), _integer)
def _email_verification_token_result(row: Row) -> EmailVerificationTokenResult:
    return cast(EmailVerificationTokenResult, _value(row))


def _verify_email_result(row: Row) -> VerifyEmailResult:
    return cast(VerifyEmailResult, _value(row))


def create_email_verification_token(email: str, expires_in: int = 3600) -> Operation[EmailVerificationTokenResult]:
    """``auth_ext.create_email_verification_token``: ``{"token", "user"}``, Better Auth's verification
    token for an existing, unverified user (``USER_NOT_FOUND`` / ``EMAIL_ALREADY_VERIFIED`` otherwise)."""
    return Operation(
        "auth_ext.create_email_verification_token(%s, CAST(%s AS jsonb))",
        (email, _options(expires_in=expires_in)), _email_verification_token_result,
    )


def verify_email(
    token: str, create_session: bool = False, ip_address: str | None = None,
    user_agent: str | None = None, session_expires_in: int | None = None,
) -> Operation[VerifyEmailResult]:
    """``auth_ext.verify_email``: ``{"status", "user"}`` (user ``None`` when already verified), plus
    ``"token"`` and ``"session"`` of a new session with ``create_session``."""
    return Operation(
        "auth_ext.verify_email(%s, CAST(%s AS jsonb))",
        (token, _options(create_session=create_session, ip_address=ip_address, user_agent=user_agent,
                         session_expires_in=session_expires_in)),
        _verify_email_result,
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
        f"r, auth_ext.sign_session_cookie(r->>'token') FROM {operation.call} AS r", operation.params, convert,
        proof=operation.proof.wrapped(with_signed_cookie) if operation.proof is not None else None,
    )
