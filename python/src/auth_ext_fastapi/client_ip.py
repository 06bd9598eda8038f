"""Which address a request comes from: Better Auth's ``advanced.ipAddress`` model.

The address keys the rate limit (``<ip>|<path>`` rows of Better Auth's ``rateLimit`` table, shared
with Better Auth) and is stored as a new session's ``ipAddress``. By default it is the socket's
peer (``request.client.host``): a header a client can write, such as ``X-Forwarded-For``, is not
trusted unless :class:`IpAddress` names it (``ip_address_headers``), for an app behind a proxy
that sets it. A header is then read exactly as Better Auth 1.7.25 reads it (``getIP`` in
``@better-auth/core/utils/ip``): a single address, or with ``trusted_proxies`` the right-most hop
that is not a trusted proxy; IPv4-mapped IPv6 as IPv4; IPv6 reduced to its ``ipv6_subnet`` (/64)
in Better Auth's spelling, so both servers key one client alike.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from starlette.requests import HTTPConnection

#: The key's address when none can be trusted: Better Auth's one shared bucket per path.
NO_TRUSTED_IP = "no-trusted-ip"

# zod's ipv4 format and ipv6 check, which Better Auth validates with (``z.ipv4()``: no leading
# zeros; ``z.ipv6()``: these characters and an address the URL parser takes, so no zone).
_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4 = re.compile(rf"^(?:{_OCTET}\.){{3}}{_OCTET}$")
_IPV6_ALPHABET = re.compile(r"^[0-9a-fA-F:.]+$")
_HEX = re.compile(r"^[0-9a-fA-F]+")
_PREFIX = re.compile(r"^\d+$")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _is_ipv6(text: str) -> bool:
    if not _IPV6_ALPHABET.match(text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _expand_ipv6(ip: str) -> list[str]:
    """Better Auth's ``expandIPv6``: the groups, each padded to 4 digits (a dotted tail kept as is)."""
    if "::" not in ip:
        return [group.rjust(4, "0") for group in ip.split(":")]
    left, right = (side.split(":") if side else [] for side in ip.split("::")[:2])
    zeros = ["0000"] * (8 - len(left) - len(right))
    return [group.rjust(4, "0") for group in left] + zeros + [group.rjust(4, "0") for group in right]


def _parse_hex(text: str) -> int | None:
    """JavaScript's ``parseInt(text, 16)``: the leading hex digits, None for NaN."""
    digits = _HEX.match(text)
    return int(digits.group(), 16) if digits else None


def _mapped_ipv4(ip: str) -> str | None:
    """Better Auth's ``extractIPv4FromMapped``: the IPv4 address of an IPv4-mapped IPv6 one."""
    lower = ip.lower()
    if lower.startswith("::ffff:") and _IPV4.match(lower[7:]):
        return lower[7:]
    parts = ip.split(":")
    if len(parts) == 7 and parts[5].lower() == "ffff" and _IPV4.match(parts[6]):
        return parts[6]
    if "::ffff:" in lower or ":ffff:" in lower:
        groups = _expand_ipv6(ip)
        if len(groups) == 8 and groups[:5] == ["0000"] * 5 and groups[5] == "ffff" and groups[6] and groups[7]:
            octets = (_parse_hex(group[i:i + 2]) for group in groups[6:] for i in (0, 2))
            return ".".join("NaN" if octet is None else str(octet) for octet in octets)
    return None


def _normalize_ipv6(ip: str, subnet: int) -> str:
    """Better Auth's ``normalizeIPv6``: the groups, the bits past ``subnet`` zeroed."""
    groups = _expand_ipv6(ip)
    if subnet >= 128:
        return ":".join(groups).lower()
    remaining = max(0, subnet)
    masked = []
    for group in groups:
        if remaining <= 0:
            masked.append("0000")
        elif remaining >= 16:
            remaining -= 16
            masked.append(group)
        else:
            value = (_parse_hex(group) or 0) & (0xFFFF << (16 - remaining) & 0xFFFF)
            remaining = 0
            masked.append(f"{value:04x}")
    return ":".join(masked).lower()


def _address(text: str) -> Address | None:
    """The address a hop or a proxy entry stands for (Better Auth's ``ipToBytes``): IPv4, or IPv6
    with an IPv4-mapped one as IPv4; None when it is not an address."""
    if _IPV4.match(text):
        return ipaddress.IPv4Address(text)
    if not _is_ipv6(text):
        return None
    mapped = _mapped_ipv4(text)
    return ipaddress.IPv4Address(mapped) if mapped and _IPV4.match(mapped) else ipaddress.IPv6Address(text)


def normalize_ip(ip: str, ipv6_subnet: int = 64) -> str:
    """Better Auth's ``normalizeIP``, character for character: IPv4 as is, IPv4-mapped IPv6 as
    IPv4, other IPv6 reduced to its ``ipv6_subnet`` network in 8 groups of 4 lower-case digits."""
    if _IPV4.match(ip) or not _is_ipv6(ip):
        return ip.lower()
    mapped = _mapped_ipv4(ip)
    return mapped.lower() if mapped else _normalize_ipv6(ip, int(ipv6_subnet))


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """Better Auth's ``parseCIDR``: an address or ``address/prefix`` (digits only), else None."""
    text, slash, prefix = entry.rpartition("/")
    address = _address(text if slash else entry)
    if address is None or (slash and not _PREFIX.match(prefix)):
        return None
    bits = int(prefix) if slash else address.max_prefixlen
    if bits > address.max_prefixlen:
        return None
    return ipaddress.ip_network((address, bits), strict=False)


def ip_from_header(value: str, trusted_proxies: tuple[str, ...] = (), ipv6_subnet: int = 64) -> str | None:
    """Better Auth's ``getIPFromHeader``: the client address in a forwarding header, or None.

    Without ``trusted_proxies`` only a header with a single address is believed; with them, the
    right-most hop that is not a trusted proxy (the left-most hops are whatever the client sent).
    """
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    proxies = [network for network in map(_network, trusted_proxies) if network is not None]
    if proxies:
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return None
            if not any(address.version == net.version and address in net for net in proxies):
                return normalize_ip(hop, ipv6_subnet)
        return None
    if len(hops) != 1 or _address(hops[0]) is None:
        return None
    return normalize_ip(hops[0], ipv6_subnet)


@dataclass(frozen=True)
class IpAddress:
    """Where the client address comes from (Better Auth's ``advanced.ipAddress`` options).

    ``ip_address_headers``: the headers a proxy in front of the app sets (e.g.
    ``("x-forwarded-for",)``), read in order; empty (the default), the socket's peer address, and
    no header is trusted. Name a header only when every request comes through a proxy that
    overwrites it: a client can send any value. ``trusted_proxies``: addresses or CIDR ranges of
    the proxies, stripped from the right of a multi-hop header. ``ipv6_subnet``: the prefix an IPv6
    client is counted by (/64: one home or host). ``disable_ip_tracking``: no address at all: the
    session's ``ipAddress`` is empty and, as in Better Auth, requests are not rate limited.
    """

    ip_address_headers: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    ipv6_subnet: int = 64
    disable_ip_tracking: bool = False

    def __post_init__(self) -> None:
        invalid = [entry for entry in self.trusted_proxies if _network(entry) is None]
        if invalid:
            raise ValueError(f"trusted_proxies: not an IP address or CIDR range: {', '.join(invalid)}")

    def client_ip(self, request: HTTPConnection) -> str | None:
        """The request's client address, normalised as Better Auth does, or None when none is trusted."""
        if self.disable_ip_tracking:
            return None
        if not self.ip_address_headers:
            host = request.client.host if request.client is not None else ""
            return normalize_ip(host, self.ipv6_subnet) if _address(host) is not None else None
        for name in self.ip_address_headers:
            values = request.headers.getlist(name)
            if values:  # a repeated header reads as one, as fetch's Headers.get joins it
                ip = ip_from_header(", ".join(values), self.trusted_proxies, self.ipv6_subnet)
                if ip is not None:
                    return ip
        return None
