"""FastAPI integration for auth_ext: Better Auth credentials verified in PostgreSQL, identity set for RLS."""

from .client import AsyncAuthExt, AuthContext, AuthExt, AuthExtSetupError
from .client_ip import NO_TRUSTED_IP, IpAddress, normalize_ip
from .connection import connect_kwargs, is_pooled_url
from .credentials import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    Credential,
    CredentialKind,
    CredentialSource,
    read_credential,
)
from .errors import (
    AuthExtError,
    database_error_response,
    from_database_error,
    install_exception_handlers,
    unauthorized,
)
from .identity import Identity, UserTable, authenticate, authenticate_async
from .operations import Operation
from .rate_limit import RateLimit, rate_limit_key
from .results import (
    ChangePasswordResult,
    EmailVerificationTokenResult,
    GetSessionResult,
    RequestPasswordResetResult,
    ResetPasswordResult,
    Session,
    SignInResult,
    SignUpResult,
    User,
    VerifyEmailResult,
)
from .router import EmailVerification, SendVerificationEmail, auth_router

__all__ = [
    "NO_TRUSTED_IP",
    "SECURE_SESSION_COOKIE",
    "SESSION_COOKIE",
    "AsyncAuthExt",
    "AuthContext",
    "AuthExt",
    "AuthExtError",
    "AuthExtSetupError",
    "ChangePasswordResult",
    "Credential",
    "CredentialKind",
    "CredentialSource",
    "EmailVerification",
    "EmailVerificationTokenResult",
    "GetSessionResult",
    "Identity",
    "IpAddress",
    "Operation",
    "RateLimit",
    "RequestPasswordResetResult",
    "ResetPasswordResult",
    "SendVerificationEmail",
    "Session",
    "SignInResult",
    "SignUpResult",
    "User",
    "UserTable",
    "VerifyEmailResult",
    "auth_router",
    "authenticate",
    "authenticate_async",
    "connect_kwargs",
    "database_error_response",
    "from_database_error",
    "install_exception_handlers",
    "is_pooled_url",
    "normalize_ip",
    "rate_limit_key",
    "read_credential",
    "unauthorized",
]
