"""Reads a Better Auth credential from a request: a JWT or a session token, as header or cookie."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from starlette.requests import HTTPConnection

#: Better Auth's session cookie names: plain, and with the prefix it uses over https
#: (docs/better-auth-compatibility.md §3).
SESSION_COOKIE = "better-auth.session_token"
SECURE_SESSION_COOKIE = "__Secure-better-auth.session_token"


class CredentialKind(str, Enum):
    """How a credential is verified."""

    JWT = "jwt"  # the jwt plugin's token: verified with auth_ext.authenticate
    SESSION = "session"  # a session token, bare or signed: auth_ext.authenticate_session


class CredentialSource(str, Enum):
    """Where a credential came from (a cookie is sent by the browser on its own: CSRF matters)."""

    HEADER = "header"
    COOKIE = "cookie"


@dataclass(frozen=True)
class Credential:
    """A credential as sent; its value is a secret and is left out of ``repr``."""

    kind: CredentialKind
    source: CredentialSource
    value: str

    def __repr__(self) -> str:
        return f"Credential(kind={self.kind.value}, source={self.source.value})"


def classify_bearer(value: str) -> CredentialKind:
    """A JWT has three dot-separated segments; anything else is a session token (``token`` or ``token.sig``)."""
    return CredentialKind.JWT if value.count(".") == 2 else CredentialKind.SESSION


def read_credential(
    connection: HTTPConnection,
    cookie_names: tuple[str, ...] = (SECURE_SESSION_COOKIE, SESSION_COOKIE),
) -> Credential | None:
    """The request's credential, or None.

    ``Authorization: Bearer`` wins over cookies, as with Better Auth's bearer plugin. Only the
    form is looked at here; the extension decides whether the credential is valid.
    """
    header = connection.headers.get("authorization")
    if header is not None and header[:7].lower() == "bearer ":
        value = header[7:].strip()
        if value:
            return Credential(classify_bearer(value), CredentialSource.HEADER, value)
    for name in cookie_names:
        cookie = connection.cookies.get(name)
        if cookie:
            return Credential(CredentialKind.SESSION, CredentialSource.COOKIE, cookie)
    return None
