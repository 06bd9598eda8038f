"""Better Auth's rate limit on its own ``rateLimit`` table: which rule a path has, and its key.

Better Auth 1.7.25 (``rateLimit: { storage: "database" }``) counts requests per ``<ip>|<path>``
key in a table ``rateLimit (id, key UNIQUE, count, "lastRequest" bigint milliseconds)``. The
counting is the extension's, ``auth_ext.rate_limit_hit(key, window, max)`` (one statement, Better
Auth's window and count rule on the same rows), so FastAPI and Better Auth share one counter per
client and path across every instance of either; over the limit it raises ``RATE_LIMITED``, which
:mod:`.errors` answers as Better Auth does: 429, ``X-Retry-After: <seconds>`` and
``{"message": "Too many requests. Please try again later."}``. This module only picks the rule
(Better Auth's default special rules) and builds the key.

The key is Better Auth's too, ``<ip>|<path>``, with the client address :mod:`.client_ip` finds
(the socket's peer unless proxy headers are configured; ``no-trusted-ip`` when none is trusted).
"""

from __future__ import annotations

from dataclasses import dataclass

from .client_ip import NO_TRUSTED_IP


def rate_limit_key(ip: str | None, path: str) -> str:
    """Better Auth's key (``createRateLimitKey``): ``<ip>|<path>``, the path relative to the auth
    base (``/sign-in/email``); ``no-trusted-ip`` for a request whose address is not known."""
    return f"{ip or NO_TRUSTED_IP}|{path}"


@dataclass(frozen=True)
class RateLimit:
    """Better Auth's rate-limit rules (window in seconds, max requests per window and key).

    The defaults are Better Auth 1.7.25's: ``/sign-in*``, ``/sign-up*``, ``/change-password*``,
    ``/change-email*``: ``window`` / ``max`` (10 s, 3); ``/request-password-reset``: 60 s, 3
    (``reset_window`` / ``reset_max``); any other path: ``rateLimit.window`` / ``rateLimit.max``
    (``default_window`` / ``default_max``: 10 s, 100). The rows live in Better Auth's ``rateLimit``
    table in its schema (the extension's ``better_auth_schema`` setting); the application role needs
    no privilege on it.
    """

    window: int = 10
    max: int = 3
    reset_window: int = 60
    reset_max: int = 3
    default_window: int = 10
    default_max: int = 100

    def rule(self, path: str) -> tuple[int, int]:
        """(window seconds, max requests) for ``path`` relative to the auth base, as Better Auth picks it."""
        if path.startswith(("/sign-in", "/sign-up", "/change-password", "/change-email")):
            return self.window, self.max
        if path in ("/request-password-reset", "/send-verification-email") or path.startswith("/forget-password"):
            return self.reset_window, self.reset_max
        return self.default_window, self.default_max
