"""The client address of the rate limit and of new sessions: the socket's peer unless proxy headers
are configured (Better Auth's ``advanced.ipAddress``), and keys byte-identical to Better Auth's.

Better Auth's keys come from its own code (test/interop/scripts/rate-limit-keys.mjs calls
``getIP`` and ``createRateLimitKey`` of the pinned 1.7.25), for the same headers and options.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from starlette.requests import Request

from auth_ext_fastapi import AsyncAuthExt, IpAddress, RateLimit, auth_router, install_exception_handlers
from auth_ext_fastapi.rate_limit import rate_limit_key

from .test_parity import INTEROP_DIR, fresh_database

WRONG = {"email": "nobody-limited@example.com", "password": "wrong password!"}

# (headers, Better Auth's advanced.ipAddress options): every way a header can be read.
KEY_CASES: list[tuple[list[tuple[str, str]], dict[str, Any]]] = [
    ([("x-forwarded-for", "203.0.113.7")], {}),
    ([("x-forwarded-for", "  203.0.113.7 , ")], {}),
    ([("x-forwarded-for", "203.0.113.7, 10.0.0.1")], {}),  # two hops, no trusted proxy: not believed
    ([("x-forwarded-for", "203.0.113.7"), ("x-forwarded-for", "198.51.100.1")], {}),  # repeated header
    ([("x-forwarded-for", "2001:DB8:abcd:12:ff::1")], {}),  # IPv6: its /64
    ([("x-forwarded-for", "2001:db8:abcd:12::9")], {}),  # the same /64: the same key
    ([("x-forwarded-for", "2001:db8:abcd:12:ff::1")], {"ipv6Subnet": 48}),
    ([("x-forwarded-for", "2001:db8:abcd:12:ff::1")], {"ipv6Subnet": 128}),
    ([("x-forwarded-for", "2001:db8:abcd:12:ff::1")], {"ipv6Subnet": 0}),
    ([("x-forwarded-for", "::1")], {}),
    ([("x-forwarded-for", "::ffff:c000:201")], {}),  # IPv4-mapped: the IPv4 address
    ([("x-forwarded-for", "0:0:0:0:0:ffff:c000:0201")], {}),
    ([("x-forwarded-for", "::ffff:192.0.2.1")], {}),
    ([("x-forwarded-for", "::FFFF:c000:201")], {}),
    ([("x-forwarded-for", "64:ff9b::1.2.3.4")], {}),
    ([("x-forwarded-for", "64:ff9b::1.2.3.4")], {"ipv6Subnet": 128}),
    ([("x-forwarded-for", "2001:db8:1:2:3:4:5:6")], {"ipv6Subnet": 100}),
    ([("x-forwarded-for", "fe80::1%eth0")], {}),
    ([("x-forwarded-for", "01.2.3.4")], {}),
    ([("x-forwarded-for", "256.1.1.1")], {}),
    ([("x-forwarded-for", "unknown")], {}),
    ([("x-forwarded-for", "")], {}),
    ([], {}),
    ([("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.1.2.3")], {"trustedProxies": ["10.0.0.0/8"]}),
    ([("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.1.2.3")], {"trustedProxies": ["10.0.0.0/8", "203.0.113.9"]}),
    ([("x-forwarded-for", "10.1.2.3, 10.2.3.4")], {"trustedProxies": ["10.0.0.0/8"]}),  # all proxies
    ([("x-forwarded-for", "garbage, 10.1.2.3")], {"trustedProxies": ["10.0.0.0/8"]}),
    ([("x-forwarded-for", "2001:db8::5, fd00::1")], {"trustedProxies": ["fd00::/8"]}),
    ([("x-forwarded-for", "203.0.113.7"), ("x-real-ip", "198.51.100.2")], {"ipAddressHeaders": ["x-real-ip"]}),
    ([("x-forwarded-for", "203.0.113.7")], {"ipAddressHeaders": ["cf-connecting-ip", "x-forwarded-for"]}),
    ([("cf-connecting-ip", "a, b"), ("x-forwarded-for", "203.0.113.7")],
     {"ipAddressHeaders": ["cf-connecting-ip", "x-forwarded-for"]}),
    ([("x-forwarded-for", "203.0.113.7")], {"disableIpTracking": True}),
]


def _ip_address(options: dict[str, Any]) -> IpAddress:
    """The package's options for Better Auth's; Better Auth's default header named explicitly."""
    return IpAddress(
        ip_address_headers=tuple(options.get("ipAddressHeaders", ["x-forwarded-for"])),
        trusted_proxies=tuple(options.get("trustedProxies", [])),
        ipv6_subnet=options.get("ipv6Subnet", 64),
        disable_ip_tracking=options.get("disableIpTracking", False),
    )


def _request(headers: list[tuple[str, str]], client: tuple[str, int] = ("192.0.2.200", 4000)) -> Request:
    raw = [(name.encode(), value.encode("latin-1")) for name, value in headers]
    return Request({"type": "http", "method": "POST", "path": "/auth/sign-in/email", "headers": raw, "client": client})


def test_keys_are_better_auths_byte_for_byte() -> None:
    node = shutil.which("node")
    assert node, "node is required: the reference keys come from the real Better Auth"
    cases = [{"headers": headers, "ipAddress": options, "path": "/sign-in/email"} for headers, options in KEY_CASES]
    done = subprocess.run(
        [node, "scripts/rate-limit-keys.mjs"], cwd=INTEROP_DIR, input=json.dumps(cases), capture_output=True,
        text=True, timeout=60, check=False, env={**os.environ, "NODE_ENV": "production", "TEST": ""},
    )
    assert done.returncode == 0, done.stderr
    expected: list[str] = json.loads(done.stdout)
    got = [rate_limit_key(_ip_address(options).client_ip(_request(headers)), "/sign-in/email")
           for headers, options in KEY_CASES]
    assert got == expected
    assert len(set(expected)) > 12, "the cases cover many distinct keys"


def test_the_socket_address_unless_a_header_is_configured() -> None:
    forged = [("x-forwarded-for", "203.0.113.66")]
    assert IpAddress().client_ip(_request(forged)) == "192.0.2.200"
    assert IpAddress().client_ip(_request(forged, ("2001:db8:1:2:3::4", 1))) == "2001:0db8:0001:0002:0000:0000:0000:0000"
    assert IpAddress().client_ip(_request(forged, ("::ffff:c000:201", 1))) == "192.0.2.1"
    assert IpAddress().client_ip(_request([], ("testclient", 1))) is None
    assert IpAddress(ip_address_headers=("x-forwarded-for",)).client_ip(_request(forged)) == "203.0.113.66"
    assert IpAddress(ip_address_headers=("x-real-ip",)).client_ip(_request(forged)) is None
    assert IpAddress(disable_ip_tracking=True).client_ip(_request(forged)) is None
    with pytest.raises(ValueError, match=re.escape("not an IP address or CIDR range: 10.0.0.0/33, proxy")):
        IpAddress(trusted_proxies=("10.0.0.0/8", "10.0.0.0/33", "proxy"))


def _client(auth: AsyncAuthExt, host: str, rate_limit: RateLimit | None = RateLimit(), **options: Any) -> httpx.AsyncClient:  # noqa: B008
    app = FastAPI()
    install_exception_handlers(app)
    app.include_router(auth_router(auth, rate_limit=rate_limit, **options))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(host, 40000)), base_url="http://testserver")


async def _statuses(client: httpx.AsyncClient, forwarded: list[str], header: str = "x-forwarded-for") -> list[int]:
    return [(await client.post("/auth/sign-in/email", json=WRONG, headers={header: ip})).status_code for ip in forwarded]


async def test_a_forged_forwarded_for_does_not_escape_the_limit() -> None:
    dsn = fresh_database("auth_ext_client_ip")
    async with AsyncAuthExt(dsn, max_size=2) as auth:
        # No proxy configured: each request forges another X-Forwarded-For; one socket, one bucket.
        async with _client(auth, "198.51.100.10") as c:
            assert await _statuses(c, ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]) == [401, 401, 401, 429]
        # Another client (socket) has its own bucket.
        async with _client(auth, "198.51.100.11") as c:
            assert await _statuses(c, ["203.0.113.1"]) == [401]
        # Behind a proxy that sets X-Real-IP: that header is the client; X-Forwarded-For stays ignored.
        async with _client(auth, "10.0.0.1", ip_address=IpAddress(ip_address_headers=("x-real-ip",))) as c:
            assert await _statuses(c, ["198.51.100.20"] * 4, "x-real-ip") == [401, 401, 401, 429]
            assert await _statuses(c, ["198.51.100.21"], "x-real-ip") == [401]
            assert await _statuses(c, ["198.51.100.22", "198.51.100.23", "198.51.100.24", "198.51.100.25"]) \
                == [401, 401, 401, 429], "without X-Real-IP: the shared no-trusted-ip bucket, as in Better Auth"
        # disable_ip_tracking: no address, and no rate limit (Better Auth's rule).
        async with _client(auth, "198.51.100.10", ip_address=IpAddress(disable_ip_tracking=True)) as c:
            assert await _statuses(c, ["203.0.113.1"] * 4) == [401] * 4
    with psycopg.connect(dsn) as conn:
        keys = {row[0]: row[1] for row in conn.execute('SELECT key, count FROM "rateLimit"')}
    assert keys == {
        "198.51.100.10|/sign-in/email": 3, "198.51.100.11|/sign-in/email": 1,
        "198.51.100.20|/sign-in/email": 3, "198.51.100.21|/sign-in/email": 1, "no-trusted-ip|/sign-in/email": 3,
    }


async def test_the_session_records_the_same_address(async_auth: AsyncAuthExt) -> None:
    async with _client(async_auth, "198.51.100.30", rate_limit=None) as c:
        email = "client-ip-session@example.com"
        body = {"email": email, "password": "correct horse battery staple", "name": "IP"}
        r = await c.post("/auth/sign-up/email", json=body, headers={"x-forwarded-for": "203.0.113.99"})
        assert r.status_code == 200, r.text
        assert (await async_auth.get_session(r.json()["token"]) or {})["session"]["ipAddress"] == "198.51.100.30"
