"""The results of the extension's account functions, typed as Better Auth shapes them.

They are the JSON the SQL functions return, decoded by psycopg: plain dicts (``TypedDict`` only
names their keys). Timestamps are JavaScript date strings (``"2026-01-02T03:04:05.678Z"``), as
Better Auth's JSON has them. Columns an application added to Better Auth's tables
(``additionalFields``) are present as well, with their JSON values, but not typed here.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class User(TypedDict):
    """A row of Better Auth's ``user`` table."""

    id: str
    name: str
    email: str
    emailVerified: bool
    image: str | None
    createdAt: str
    updatedAt: str


class Session(TypedDict):
    """A row of Better Auth's ``session`` table (``ipAddress`` / ``userAgent``: ``""`` when unknown)."""

    id: str
    expiresAt: str
    token: str
    createdAt: str
    updatedAt: str
    ipAddress: str | None
    userAgent: str | None
    userId: str


class SignUpResult(TypedDict):
    """``auth_ext.sign_up_email`` and ``auth_ext.sign_in_email``: the new session, its token and its user.

    ``token`` and ``session`` are None when no session was created (``auto_sign_in=False``);
    ``existing_email`` (sign-up without a session only): the user is a synthetic one for a taken
    email. It is for the application, never for the client.
    """

    token: str | None
    user: User
    session: Session | None
    existing_email: NotRequired[bool]


#: ``auth_ext.sign_in_email``'s result: the same shape as sign-up's.
SignInResult = SignUpResult


class GetSessionResult(TypedDict):
    """``auth_ext.get_session``: a valid session and its user (``None`` when there is none)."""

    session: Session
    user: User


class ChangePasswordResult(TypedDict):
    """``auth_ext.change_password``: with ``revoke_other_sessions`` (the default) every session of the
    user is gone and this is the new one; otherwise both are ``None``."""

    token: str | None
    session: Session | None


class RequestPasswordResetResult(TypedDict):
    """``auth_ext.request_password_reset`` for a known email: the token to mail and its user."""

    token: str
    user: User


class EmailVerificationTokenResult(TypedDict):
    """``auth_ext.create_email_verification_token``: Better Auth's verification token for the user's
    email (an HS256 JWT signed with ``better_auth_secret``) and the user, for the mail."""

    token: str
    user: User


class ResetPasswordResult(TypedDict):
    """``auth_ext.reset_password``: ``status`` True, and the user whose password was reset."""

    status: bool
    user: User


class VerifyEmailResult(TypedDict):
    """``auth_ext.verify_email``: ``user`` is the updated user, or ``None`` when the email was
    already verified (nothing changed). With ``create_session`` (and a newly verified email), the new
    session and its token as well. For a change-email token, ``change_email`` names the flow
    (``"change-email-confirmation"``, ``"change-email-verification"`` or ``"legacy"``) and
    ``verification``, when present, is the token to mail to the new address and the user to mail."""

    status: bool
    user: User | None
    token: NotRequired[str]
    session: NotRequired[Session]
    change_email: NotRequired[str]
    verification: NotRequired[EmailVerificationTokenResult]
