"""A loopback "fake internet" for the checker's tests.

HTTP and HTTPS servers on 127.0.0.1 (started and stopped by the tests), answering per host name
and path from routes the test sets; TLS certificates from a `trustme` CA. Named hosts reach
them through the checker's own connect-time hook: a fake resolver gives each name a public
address, and `Loopback`, the inner network backend, maps those addresses onto the servers.
`Loopback` refuses to connect anywhere outside 127.0.0.0/8, so a bug in the code under test
cannot send a packet off this machine.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import ssl
import struct
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpcore
import trustme

from citecheck.fetch import Fetcher, GuardedBackend, PoolTransport, make_client, ssl_context
from citecheck.fetch.stream import LeanBackend
from citecheck.publishers import default_registry
from citecheck.settings import FetchSettings

Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[["Seen"], Answer | str]
"""A route: what to answer (status, headers, body), or "drop" / "reset" / "hang"."""


@dataclass
class Seen:
    """A request the fake web received."""

    method: str
    host: str
    path: str
    headers: dict[str, str]
    tls: bool
    query: str = ""
    """The query string, undecoded (`url=apnews.com%2Farticle%2F&matchType=prefix…`)."""


@dataclass
class FakeWeb:
    """The servers, their routes and what they saw."""

    ca: trustme.CA
    http_port: int = 0
    https_port: int = 0
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    servers: list[http.server.ThreadingHTTPServer] = field(default_factory=list)

    def route(self, host: str, path: str, handler: Handler | Answer | str) -> None:
        """Answer requests for `host` + `path` (path without query) with `handler`."""
        self.routes[(host, path)] = handler if callable(handler) else (lambda _seen: handler)

    def requests_to(self, host: str, path: str | None = None) -> list[Seen]:
        return [s for s in self.seen if s.host == host and (path is None or s.path == path)]


PUBLIC = {
    "news.example": "93.184.215.14",
    "www.news.example": "93.184.215.14",
    "shop.example": "93.184.215.15",
    "paper.example": "93.184.215.16",
    "other.example": "93.184.215.17",
    "www.nytimes.com": "93.184.215.18",
    "cdn.example": "93.184.215.19",
    "slow.example": "93.184.215.20",
    "badtls.example": "93.184.215.21",
    "closed.example": "93.184.215.22",
    # The publishers of the reference article and the Wayback Machine, imitated by
    # `publishers.py` for the resolution tests.
    "www.state.gov": "93.184.215.30",
    "www.gov.br": "93.184.215.31",
    "apnews.com": "93.184.215.32",
    "www.cbsnews.com": "93.184.215.33",
    "web.archive.org": "93.184.215.34",
    "www.reuters.com": "93.184.215.35",
    "search.example": "93.184.215.36",
}
"""Names the fake resolver knows, with the public-looking addresses it gives them."""


def page(title: str, body: str = "", status: int = 200, **headers: str) -> Answer:
    html = f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>"
    return status, {"Content-Type": "text/html; charset=utf-8", **headers}, html.encode()


def _handler_class(web: FakeWeb, tls: bool) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
            path, _, query = self.path.partition("?")
            seen = Seen(self.command, host, path, dict(self.headers.items()), tls, query)
            web.seen.append(seen)
            handler = web.routes.get((host, path))
            answer = handler(seen) if handler else page("404", "<h1>Not Found</h1>", 404)
            if answer == "drop":
                self.close_connection = True
                return
            if answer == "reset":
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                return
            if answer == "hang":
                time.sleep(3)
                self.close_connection = True
                return
            assert not isinstance(answer, str)
            status, headers, body = answer
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = _answer
        do_HEAD = _answer

    return Handler


def start(web: FakeWeb, names: Iterable[str]) -> None:
    """Start the HTTP and HTTPS servers (daemon threads)."""
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(web, False))
    secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(web, True))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    web.ca.issue_cert(*names).configure_cert(context)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    for server in (plain, secure):
        server.daemon_threads = True
        server.block_on_close = False
        threading.Thread(target=server.serve_forever, daemon=True).start()
        web.servers.append(server)
    web.http_port = plain.server_address[1]
    web.https_port = secure.server_address[1]


def stop(web: FakeWeb) -> None:
    for server in web.servers:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Loopback(httpcore.AsyncNetworkBackend):
    """The inner backend: maps the fake public addresses onto the loopback servers, and refuses
    (with an AssertionError, failing the test) any address outside 127.0.0.0/8."""

    def __init__(self, web: FakeWeb, extra: dict[tuple[str, int], tuple[str, int]] | None = None):
        self.web = web
        self.extra = extra or {}
        self.connected: list[tuple[str, int]] = []
        self._inner = LeanBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connected.append((host, port))
        if (host, port) in self.extra:
            host, port = self.extra[(host, port)]
        elif host in PUBLIC.values():
            port = self.web.https_port if port == 443 else self.web.http_port
            host = "127.0.0.1"
        assert ipaddress.ip_address(host) in ipaddress.ip_network("127.0.0.0/8"), host
        return await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise AssertionError("no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def resolver(
    overrides: dict[str, list[str] | Exception] | None = None,
) -> Callable[[str, int], Any]:
    """A resolver that knows `PUBLIC` (and `overrides`), answers IP literals as themselves, and
    says EAI_NONAME for anything else: the system resolver is never asked."""
    table: dict[str, list[str] | Exception] = {k: [v] for k, v in PUBLIC.items()}
    table.update(overrides or {})

    async def resolve(host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return [host]
        answer = table.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if isinstance(answer, Exception):
            raise answer
        return answer

    return resolve


def paywalled(url: str) -> bool:
    publisher = default_registry().for_url(url)
    return publisher is not None and publisher.paywall


def transport_for(
    web: FakeWeb,
    settings: FetchSettings,
    *,
    dns: dict[str, Any] | None = None,
    extra: dict[tuple[str, int], tuple[str, int]] | None = None,
    loopback: Loopback | None = None,
) -> PoolTransport:
    """The real transport (pool, guard, connect-to) over the fake web."""
    context = ssl_context()
    web.ca.configure_trust(context)
    backend = GuardedBackend(
        connect_to=settings.connect_to,
        allow_private=settings.allow_private,
        resolver=resolver(dns),
        inner=loopback if loopback is not None else Loopback(web, extra),
    )
    return PoolTransport(settings, backend=backend, context=context)


@asynccontextmanager
async def fetcher_for(
    web: FakeWeb,
    settings: FetchSettings | None = None,
    **options: Any,
) -> AsyncIterator[Fetcher]:
    settings = settings if settings is not None else FetchSettings(retries=0, timeout=2.0)
    transport = transport_for(web, settings, **options)
    async with make_client(settings, transport=transport) as client:
        yield Fetcher(client, settings, paywalled=paywalled)
