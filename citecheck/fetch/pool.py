"""Keep-alive connections, per origin: a small pool in place of httpcore's.

httpcore's `AsyncConnectionPool` serves every origin from one list and, each time it assigns a
request, scans that list and, for every idle connection, counts the list again and polls the
socket: quadratic work per request. Measured on the benchmark (5,000 URLs, 128 in flight), it
took 45 s of CPU for what the network does in 3 s. And when the shared pool is full it closes
one host's idle connection to open another's, so a run over many hosts reconnects for most
requests.

So connections are kept per origin (scheme, host, port), idle ones on a stack: a request takes
the most recently used idle connection (checking only that one for expiry or a server-side
close), or opens a new one, and gives it back when its response is closed. Each connection
serves one request at a time; HTTP/2 is still negotiated where the server offers it, but
requests are not multiplexed: the per-host limit keeps a host's connections few anyway. The
limits themselves are the fetcher's (`CapacityLimiter`s), so a pool never makes a request wait.
Idle connections are kept up to a number for all origins together (`max_idle`, from the
open-file limit): beyond it, those of the origins unused for longest are closed. (A cap on the
number of origins instead, each allowed a full share of idle connections, closed and reopened
connections on every other request of a run over 500 hosts, while each host had five in use.)
"""

from __future__ import annotations

import ssl
from collections import OrderedDict
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass, field

import httpcore
import trio

from citecheck.fetch.http11 import Connection, Request, Response

_NEW_CONNECTION_TRIES = 3
"""How many connections a request is offered to when each refuses it unsent (GOAWAY); then the
refusal is the request's failure (`errors.py`: `unreachable`, `closed`, retried)."""

Origin = tuple[bytes, bytes, int]
"""(scheme, host, port) as httpcore has them."""


@dataclass(slots=True)
class _OriginConnections:
    idle: list[Connection] = field(default_factory=list)
    active: int = 0


class Connections:
    """Every origin's connections."""

    def __init__(
        self,
        *,
        backend: httpcore.AsyncNetworkBackend,
        context: ssl.SSLContext | Callable[[], ssl.SSLContext],
        keep_per_origin: int,
        max_idle: int,
        keepalive_expiry: float = 30.0,
    ) -> None:
        self._backend = backend
        self._context: ssl.SSLContext | None = None
        self._make_context = context if callable(context) else lambda: context
        self._keep = max(keep_per_origin, 1)
        self._max_idle = max(max_idle, 1)
        self._idle = 0
        """Idle connections kept, over all origins."""
        self._expiry = keepalive_expiry
        self._origins: OrderedDict[Origin, _OriginConnections] = OrderedDict()

    def tls_context(self) -> ssl.SSLContext:
        """The TLS settings of every HTTPS connection, made on the first one (loading the CA
        certificates costs tens of milliseconds that a run of plain-HTTP links never needs)."""
        if self._context is None:
            context = self._make_context()
            context.set_alpn_protocols(["http/1.1", "h2"])  # as httpcore sets it
            self._context = context
        return self._context

    async def _take(self, origin: Origin) -> tuple[_OriginConnections, Connection]:
        pool = self._origins.get(origin)
        if pool is None:
            pool = self._origins[origin] = _OriginConnections()
        else:
            self._origins.move_to_end(origin)
        while pool.idle:
            connection = pool.idle.pop()
            self._idle -= 1
            if connection.is_idle() and not connection.has_expired():
                return pool, connection
            await _close(connection)
        scheme, host, port = origin
        return pool, Connection(
            httpcore.Origin(scheme, host, port),
            backend=self._backend,
            context=self.tls_context,
            keepalive_expiry=self._expiry,
        )

    async def _trim(self) -> None:
        """Close idle connections of the origins unused for longest (the front of the order:
        an origin moves to the back when used), while more are kept than `max_idle`, and
        forget origins left with none in use or idle."""
        while self._idle > self._max_idle and self._origins:
            key = next(iter(self._origins))
            pool = self._origins[key]
            while pool.idle and self._idle > self._max_idle:
                self._idle -= 1
                await _close(pool.idle.pop(0))
            if pool.idle or pool.active:
                self._origins.move_to_end(key)  # (in use: as good as used just now)
            else:
                del self._origins[key]

    async def request(self, request: Request) -> Response:
        """Send `request` on a connection to its origin; the connection comes back to the pool
        when the response's stream is closed."""
        url = request.url
        origin = (url.scheme, url.host, url.port or (443 if url.scheme == b"https" else 80))
        for attempt in range(_NEW_CONNECTION_TRIES):
            pool, connection = await self._take(origin)
            pool.active += 1
            try:
                response = await connection.handle_async_request(request)
                break
            except httpcore.ConnectionNotAvailable:
                # An HTTP/2 connection the server is closing (GOAWAY) refuses new streams, and
                # the server has not seen this request: send it on a new connection, as
                # httpcore's own pool does.
                await self._give_back(pool, connection)
                if attempt == _NEW_CONNECTION_TRIES - 1:
                    raise
            except BaseException:
                await self._give_back(pool, connection)
                raise
        assert isinstance(response.stream, AsyncIterable)
        response.stream = _Returning(response.stream, self, pool, connection)
        return response

    async def _give_back(self, pool: _OriginConnections, connection: Connection) -> None:
        pool.active -= 1
        if not connection.is_closed() and connection.is_idle() and len(pool.idle) < self._keep:
            pool.idle.append(connection)
            self._idle += 1
            if self._idle > self._max_idle:
                await self._trim()
        else:
            await _close(connection)

    async def aclose(self) -> None:
        """Close every idle connection."""
        while self._origins:
            for connection in self._origins.popitem()[1].idle:
                await _close(connection)
        self._idle = 0


async def _close(connection: Connection) -> None:
    with trio.CancelScope(shield=True):  # a cancelled request must still let its socket go
        await connection.aclose()


class _Returning(AsyncIterable[bytes]):
    """A response body that gives its connection back when closed."""

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        owner: Connections,
        pool: _OriginConnections,
        connection: Connection,
    ) -> None:
        self._stream = stream
        self._owner = owner
        self._pool: _OriginConnections | None = pool
        self._connection = connection

    def __aiter__(self) -> AsyncIterator[bytes]:
        return aiter(self._stream)

    async def aclose(self) -> None:
        """Close the body, then return (or close) its connection, once."""
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None and not getattr(self._stream, "settled", False):
                with trio.CancelScope(shield=True):
                    await close()
        finally:
            if self._pool is not None:
                pool, self._pool = self._pool, None
                await self._owner._give_back(pool, self._connection)
