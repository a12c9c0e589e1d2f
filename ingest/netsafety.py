"""Which URLs eventline may fetch: http(s) only, and never the operator's own network.

A feed or a redirect pointing at 127.0.0.1, 10.x, 169.254.169.254 (cloud metadata) and the
like is server-side request forgery, so such URLs are refused unless
`Settings.allow_private_urls` is set. The check runs twice: on every URL before it is
requested (each redirect hop, for a clear message), and on the address actually connected to
(`GuardedBackend`), so a host name that re-resolves to a private address between the two
(DNS rebinding) is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore

SCHEMES = frozenset({"http", "https"})
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(Exception):
    """A URL eventline refuses to fetch (scheme or address); the message says why."""


class UnresolvedHost(UnsafeURL):
    """The host name does not resolve now (perhaps later: not a property of the URL)."""


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """What may be fetched: `allow_private` lifts the address check; `allowed_hosts` lifts it
    for named hosts only (tests allow "127.0.0.1" and still see "localhost" refused)."""

    allow_private: bool = False
    allowed_hosts: frozenset[str] = field(default_factory=frozenset)

    def host_allowed(self, host: str) -> bool:
        return self.allow_private or host.lower().strip("[]") in self.allowed_hosts


# NAT64 (RFC 6052 well-known prefix): the last 32 bits are the IPv4 address reached.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215): translates to whatever the operator's network holds.
NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, 6to4, Teredo (server and
    client) and NAT64. `2002:7f00:1::` is 6to4 for 127.0.0.1, so it is as loopback as that."""
    found = [a for a in (addr.ipv4_mapped, addr.sixtofour) if a is not None]
    if addr.teredo is not None:
        found.extend(addr.teredo)
    if addr in NAT64:
        found.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return found


def address_kind(addr: IPAddress) -> str | None:
    """Why an address is not public ("loopback", "private", ...), or None when it is."""
    problem = address_problem(addr)
    return problem[0] if problem else None


def address_problem(addr: IPAddress) -> tuple[str, ipaddress.IPv4Address | None] | None:
    """(kind, the embedded IPv4 address that has it or None), or None for a public address.
    An IPv6 address embedding an IPv4 one is judged by the IPv4 address too."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr in NAT64_LOCAL:
            return "local-use NAT64", None
        for inner in embedded_ipv4(addr):
            kind = _kind(inner)
            if kind is not None:
                return kind, inner
        if addr.ipv4_mapped is not None:
            return None  # judged by its IPv4 address alone
    kind = _kind(addr)
    return (kind, None) if kind else None


def _kind(addr: IPAddress) -> str | None:
    for kind in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(addr, f"is_{kind}"):
            return kind.replace("_", "-")
    if not addr.is_global:  # e.g. 100.64.0.0/10 (carrier-grade NAT)
        return "non-public"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host name resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UnresolvedHost(f"cannot resolve host {host!r}: {exc.strerror}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_addresses(host: str, addresses: Iterable[IPAddress], policy: UrlPolicy) -> None:
    """Refuse the host if any of its addresses is not public (all must be, or rebinding wins)."""
    if policy.host_allowed(host):
        return
    for addr in addresses:
        problem = address_problem(addr)
        if problem is not None:
            kind, inner = problem
            shown = host if str(addr) == host.strip("[]") else f"{host} ({addr})"
            within = f" {inner}, embedded in IPv6" if inner is not None else ""
            raise UnsafeURL(
                f"refused {shown}: {kind} address{within} "
                "(set EVENTLINE_ALLOW_PRIVATE_URLS=true to allow)"
            )


def check_url(url: str, policy: UrlPolicy) -> None:
    """Raise UnsafeURL unless `url` is http(s) with a host that resolves to public addresses."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise UnsafeURL(f"refused {url!r}: only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise UnsafeURL(f"refused {url!r}: no host name")
    if policy.host_allowed(host):
        return
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise UnsafeURL(f"refused {url!r}: invalid port") from None
    check_addresses(host, resolve(host, port), policy)


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to vetted addresses (closes DNS rebinding)."""

    def __init__(self, policy: UrlPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if self.policy.host_allowed(host):
            target = host
        else:
            addresses = resolve(host, port)
            check_addresses(host, addresses, self.policy)
            target = str(addresses[0])  # connect to the address we checked, not a re-resolve
        return super().connect_tcp(
            target,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
