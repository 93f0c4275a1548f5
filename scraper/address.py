"""Which IP addresses the scraper may connect to, and the connection guard that enforces it."""

from __future__ import annotations

import ipaddress
import socket

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import BlockedAddressError

__all__ = ["address_problem", "resolve_allowed"]


def address_problem(address: str) -> str | None:
    """Return why ``address`` is not a public internet address (``"private"``, ...), or ``None``.

    Examples
    --------
    >>> address_problem("10.1.2.3"), address_problem("93.184.216.34")
    ('private', None)
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def resolve_allowed(host: str, port: int, *, allow_private: bool) -> list[tuple[str, int]]:
    """Resolve ``host`` and return its socket addresses ``(ip, port)``, refusing any the policy forbids.

    Raises
    ------
    socket.gaierror
        The name does not resolve.
    BlockedAddressError
        One of its addresses is loopback, private, link-local or reserved and
        ``allow_private`` is False. Every address is checked, so a name that mixes a public
        and a private address is refused as a whole.
    """
    infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys((info[4][0], info[4][1]) for info in infos))
    if not allow_private:
        for address, _ in addresses:
            reason = address_problem(address)
            if reason:
                raise BlockedAddressError(host, address, reason)
    return addresses


class _GuardedConnectionMixin:
    """Resolve, check and pin the address right before a socket is opened.

    Checking here, on the very address the socket connects to, closes the gap between a
    pre-flight check and the connection (DNS rebinding) and covers every redirect hop.
    TLS still verifies the certificate against the host name (``server_hostname``).
    """

    allow_private = False

    def _new_conn(self) -> socket.socket:
        # Connect to exactly the address that was checked (the Host header keeps the name).
        self._dns_host, self.port = resolve_allowed(self._dns_host, self.port, allow_private=self.allow_private)[0]
        return super()._new_conn()


def _guarded_pools(allow_private: bool) -> dict[str, type]:
    """Return connection-pool classes whose connections pass through the address guard."""
    flag = {"allow_private": allow_private}
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), flag)
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), flag)
    return {
        "http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


GUARDED_POOLS = {flag: _guarded_pools(flag) for flag in (False, True)}
