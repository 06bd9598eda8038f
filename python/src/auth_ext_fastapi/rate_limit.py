"""Better Auth's rate limit for sign-in and sign-up, on its own ``rateLimit`` table.

Better Auth 1.7.25 (``rateLimit: { storage: "database" }``) counts requests per ``<ip>|<path>``
key in a table ``rateLimit (id, key UNIQUE, count, "lastRequest" bigint milliseconds)``: for
``/sign-in/*`` and ``/sign-up/*`` a window of 10 s and at most 3 requests. A request in a window
that has seen ``max`` is answered 429 with ``X-Retry-After: <seconds>`` and
``{"message": "Too many requests. Please try again later."}``; the first request after the window
starts a new one. This module applies the same rule to the same rows, so FastAPI and Better Auth
share one counter per client and path across every instance of either.

The key's IP is Better Auth's: a single valid ``x-forwarded-for`` address (IPv6 reduced to its
/64), else ``no-trusted-ip``. Run the app behind a proxy that sets that header.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from .errors import AuthExtError

NO_TRUSTED_IP = "no-trusted-ip"
TOO_MANY_REQUESTS = "Too many requests. Please try again later."


def client_ip(forwarded_for: str | None) -> str | None:
    """The client IP as Better Auth's ``getIP`` finds it without trusted proxies, or None."""
    if forwarded_for is None:
        return None
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if len(hops) != 1:
        return None
    try:
        address = ipaddress.ip_address(hops[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return ipaddress.IPv6Network((address, 64), strict=False).network_address.exploded
    return str(address)


def rate_limit_key(forwarded_for: str | None, path: str) -> str:
    """Better Auth's key: ``<ip>|<path>``, the path relative to the auth base (``/sign-in/email``)."""
    return f"{client_ip(forwarded_for) or NO_TRUSTED_IP}|{path}"


@dataclass(frozen=True)
class RateLimit:
    """Where Better Auth's ``rateLimit`` table is and the rule for sign-in and sign-up.

    The application role needs ``SELECT, INSERT, UPDATE`` on the table (and ``DELETE`` lets it
    prune rows older than the window, as Better Auth does).
    """

    schema: str = "public"
    table: str = "rateLimit"
    window: int = 10
    max: int = 3

    def _table(self) -> sql.Composable:
        return sql.Identifier(self.schema, self.table)

    def _statements(self) -> tuple[sql.Composed, sql.Composed, sql.Composed]:
        table = self._table()
        insert = sql.SQL(
            'INSERT INTO {} (id, key, count, "lastRequest") VALUES (%s, %s, 1, %s) ON CONFLICT (key) DO NOTHING'
        ).format(table)
        lock = sql.SQL('SELECT count, "lastRequest" FROM {} WHERE key = %s FOR UPDATE').format(table)
        update = sql.SQL('UPDATE {} SET count = %s, "lastRequest" = %s WHERE key = %s').format(table)
        return insert, lock, update

    def _decide(self, row: tuple[Any, ...], now: int) -> tuple[bool, tuple[int, int] | None, int]:
        """(allowed, new (count, lastRequest) or None, retry-after seconds): Better Auth's rule."""
        count, last = int(row[0]), int(row[1])
        window_ms = self.window * 1000
        if now - last >= window_ms:
            return True, (1, now), 0
        if count >= self.max:
            return False, None, max(0, -(-(last + window_ms - now) // 1000))
        return True, (count + 1, now), 0

    def _refusal(self, retry_after: int) -> AuthExtError:
        return AuthExtError(429, None, TOO_MANY_REQUESTS, {"X-Retry-After": str(retry_after)})

    def consume(self, conn: psycopg.Connection[Any], key: str, new_id: str) -> None:
        """Counts one request for ``key`` in its own transaction; raises 429 over the limit."""
        insert, lock, update = self._statements()
        now = int(time.time() * 1000)
        with conn.transaction():
            if conn.execute(insert, (new_id, key, now)).rowcount == 1:
                return
            row = conn.execute(lock, (key,)).fetchone()
            if row is None:
                return
            allowed, new, retry_after = self._decide(row, now)
            if new is not None:
                conn.execute(update, (new[0], new[1], key))
        if not allowed:
            raise self._refusal(retry_after)

    async def consume_async(self, conn: psycopg.AsyncConnection[Any], key: str, new_id: str) -> None:
        """The async form of :meth:`consume`."""
        insert, lock, update = self._statements()
        now = int(time.time() * 1000)
        async with conn.transaction():
            if (await conn.execute(insert, (new_id, key, now))).rowcount == 1:
                return
            row = await (await conn.execute(lock, (key,))).fetchone()
            if row is None:
                return
            allowed, new, retry_after = self._decide(row, now)
            if new is not None:
                await conn.execute(update, (new[0], new[1], key))
        if not allowed:
            raise self._refusal(retry_after)
