"""The connect-time hook: where `--connect-to` redirects a connection and the private-address
guard refuses one.

An article is untrusted input. A link (or a redirect, or a DNS answer) may point at
`127.0.0.1`, at a router on `192.168.0.1`, or at a cloud metadata service on `169.254.169.254`,
and a checker that fetches it is a server-side request forgery waiting to happen. Checking the
URL's host before the request is not enough: a redirect names a new host, and a name can resolve
to a public address when checked and a private one when connected (DNS rebinding). So the guard
sits in the one place every connection passes, the httpcore network backend: it resolves the
name itself, refuses if *any* address is private, and connects to an address it has checked,
never to the name again. TLS still verifies and sends the name from the URL (httpcore passes it
to `start_tls`), and the Host header is untouched.

`--connect-to` (curl's meaning) is applied first, so the guard judges the address actually used.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import trio

from citecheck.fetch.stream import LeanBackend, TcpBackend
from citecheck.policy import is_private_address
from citecheck.settings import ConnectTo, connect_address

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""Turns a host name and port into the IP addresses to try, in order."""


class PrivateAddressError(httpcore.ConnectError):
    """A connection would reach a private address; it was not made."""

    def __init__(self, host: str, address: str) -> None:
        shown = host if host == address else f"{host} ({address})"
        super().__init__(f"{shown} is a private, loopback or link-local address")
        self.host = host
        self.address = address


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`, duplicates removed, in its order."""
    answers = await trio.socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in answers))


class GuardedBackend(TcpBackend):
    """A network backend that applies `--connect-to` rules and the private-address guard, then
    connects through `inner` (`stream.LeanBackend` by default) to a checked IP address."""

    def __init__(
        self,
        *,
        connect_to: tuple[ConnectTo, ...] = (),
        allow_private: bool = False,
        resolver: Resolver | None = None,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._rules = connect_to
        self._allow_private = allow_private
        self._resolve = resolver if resolver is not None else system_resolver
        self._inner = inner if inner is not None else LeanBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to `host:port`, or where a `--connect-to` rule sends it, once its addresses
        have passed the guard."""
        to_host, to_port = connect_address(self._rules, host, port)
        try:
            addresses = await self._resolve(to_host.strip("[]"), to_port)
        except OSError as error:  # socket.gaierror included
            raise httpcore.ConnectError(f"cannot resolve {to_host}: {error}") from error
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {to_host}: no address")
        if not self._allow_private:
            for address in addresses:
                if is_private_address(address):
                    raise PrivateAddressError(host if to_host == host else to_host, address)
        for address in addresses[:-1]:
            try:
                return await self._inner.connect_tcp(
                    address, to_port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError:
                continue  # the next address may answer; the last one's failure is reported
        return await self._inner.connect_tcp(
            addresses[-1], to_port, timeout, local_address, socket_options
        )
