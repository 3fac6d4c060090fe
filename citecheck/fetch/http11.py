"""One connection to an origin: HTTP/1.1 spoken by `wire.py`, HTTP/2 through httpcore.

httpcore's HTTP/1.1 connection wraps every step of a request in trace hooks, locks, shielded
cancel scopes and exception maps, over h11; measured on the benchmark (5,000 URLs, 128 in
flight) those were most of the CPU a request cost, for a checker that sends one small request
at a time on a connection. This class does the same exchange with `wire.py`: connect through
the network backend we were given (so `--connect-to` and the private-address
guard apply to every connection, `backend.py`), TLS with ALPN, and when the server chooses
HTTP/2 the rest is handed to httpcore's `AsyncHTTP2Connection` unchanged.

It keeps httpcore's interface and failures: it answers `httpcore.Request`s (and `Plain`
ones, `send.py`'s, whose header fields were checked and encoded once for all) with what an
`httpcore.Response` holds (`Answer`; HTTP/2's are httpcore's own), network errors are the
backend stream's (`httpcore.ReadError`, ...), a garbled answer or one cut short is
`httpcore.RemoteProtocolError`, so `errors.py` reads them as before. A connection is reused
only when the answer was read to its end and neither side asked to close; anything else (an
error, a cancelled request, a body left unread) closes it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpcore

from citecheck.fetch.wire import (
    MAX_HEAD,
    Chunks,
    Framing,
    Head,
    WireError,
    asks_close,
    head_end,
    header_block,
    request_bytes,
    request_line,
)

READ_BYTES = 64 * 1024
"""How much is asked of the socket at a time (httpcore's figure)."""


@dataclass(frozen=True, slots=True)
class Fields:
    """The header fields of every request of one kind (the client's, the extra ones and the
    User-Agent: `send.py` keeps one per User-Agent and extra headers), checked and encoded
    once."""

    headers: list[tuple[bytes, bytes]]
    block: bytes
    """The fields as sent (`wire.header_block`)."""
    closes: bool
    """Whether one asks the server to close the connection after the answer."""

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]]) -> Fields:
        """Raises WireError for a field that cannot be sent (`wire.header_block`)."""
        return cls(headers, header_block(headers), asks_close(headers))


class Plain:
    """A request without a body, its fields a `Fields` and a `Host`: what `Connection` needs
    of an `httpcore.Request`, without checking and encoding the same fields for every request
    (with `Answer`, an eighth of the CPU a check cost: BENCHMARKS.md, round 9). `core` is the
    `httpcore.Request` it stands for. Raises LocalProtocolError for a target or host that
    would break the message."""

    __slots__ = ("data", "extensions", "fields", "host", "method", "url")

    def __init__(self, method: bytes, url: httpcore.URL, host: bytes, fields: Fields) -> None:
        try:
            if b" " in host:  # (a field value may hold one; a host never does)
                raise WireError(f"cannot send the host {host!r}")
            start = request_line(method, url.target) + header_block([(b"Host", host)])
        except WireError as error:
            raise httpcore.LocalProtocolError(str(error)) from error
        self.method = method
        self.url = url
        self.host = host
        self.fields = fields
        self.extensions: dict[str, Any] = {}
        self.data = b"".join((start, fields.block, b"\r\n"))
        """The request as sent."""

    def core(self) -> httpcore.Request:
        """The same request as httpcore has them (HTTP/2 sends those)."""
        return httpcore.Request(
            self.method, self.url, headers=[(b"Host", self.host), *self.fields.headers]
        )


class Answer:
    """An HTTP/1.1 answer's status, header fields (as sent) and body stream: what an
    `httpcore.Response` holds, without checking the fields again (`Head.parse` did)."""

    __slots__ = ("extensions", "headers", "status", "stream")

    def __init__(
        self,
        status: int,
        headers: list[tuple[bytes, bytes]],
        stream: AsyncIterable[bytes],
        extensions: dict[str, Any],
    ) -> None:
        self.status = status
        self.headers = headers
        self.stream = stream
        self.extensions = extensions


Request = httpcore.Request | Plain
Response = httpcore.Response | Answer


class Connection:
    """A connection to one origin, opened by its first request; one request at a time."""

    def __init__(
        self,
        origin: httpcore.Origin,
        *,
        backend: httpcore.AsyncNetworkBackend,
        context: Callable[[], ssl.SSLContext],
        keepalive_expiry: float,
    ) -> None:
        self._origin = origin
        self._backend = backend
        self._context = context
        self._expiry = keepalive_expiry
        self._stream: httpcore.AsyncNetworkStream | None = None
        self._buffer = b""
        """What the server sent that is not read yet."""
        self._h2: httpcore.AsyncHTTP2Connection | None = None
        self._busy = False
        self._closed = False
        self._expire_at: float | None = None

    async def handle_async_request(self, request: Request) -> Response:
        """Send `request` and read its answer's head; the body is read through the response's
        stream, whose closing frees the connection."""
        if self._closed or self._busy:
            raise httpcore.ConnectionNotAvailable()
        self._busy = True
        try:
            if self._stream is None:
                await self._connect(request)
            if self._h2 is not None:
                self._busy = False
                core = request.core() if isinstance(request, Plain) else request
                return await self._h2.handle_async_request(core)
            return await self._exchange(request)
        except BaseException:
            await self.aclose()
            raise

    async def _connect(self, request: Request) -> None:
        timeout = request.extensions.get("timeout", {}).get("connect")
        host = self._origin.host.decode("ascii")
        stream = await self._backend.connect_tcp(host, self._origin.port, timeout=timeout)
        if self._origin.scheme == b"https":
            try:
                sni = request.extensions.get("sni_hostname") or host
                stream = await stream.start_tls(
                    self._context(), server_hostname=sni, timeout=timeout
                )
            except BaseException:
                await stream.aclose()
                raise
            tls = stream.get_extra_info("ssl_object")
            if tls is not None and tls.selected_alpn_protocol() == "h2":
                self._h2 = httpcore.AsyncHTTP2Connection(
                    origin=self._origin, stream=stream, keepalive_expiry=self._expiry
                )
        self._stream = stream

    async def _exchange(self, request: Request) -> Answer:
        assert self._stream is not None
        method = request.method
        if isinstance(request, Plain):
            data, closes = request.data, request.fields.closes
        else:
            body = b""
            async for part in request.stream:  # type: ignore[union-attr]
                body += part
            try:
                data = request_bytes(method, request.url.target, list(request.headers), body)
            except WireError as error:
                raise httpcore.LocalProtocolError(str(error)) from error
            closes = asks_close(request.headers)
        await self._stream.write(data)
        while True:
            head = await self._head()
            if head.status >= 200 or head.status == 101:
                break  # (100 Continue, 103 Early Hints: the answer follows)
        try:
            framing = Framing.of(head, method)
        except WireError as error:
            raise httpcore.RemoteProtocolError(str(error)) from error
        keep = head.status != 101 and head.keeps_alive() and not closes
        return Answer(
            head.status,
            head.headers,
            _Body(self, framing, keep and framing.kind != "close"),
            {
                "http_version": b"HTTP/" + head.version,
                "reason_phrase": head.reason,
                "network_stream": self._stream,
            },
        )

    async def _head(self) -> Head:
        assert self._stream is not None
        buffer = self._buffer
        while True:
            end = head_end(buffer)
            if end >= 0:
                break
            if len(buffer) > MAX_HEAD:
                raise httpcore.RemoteProtocolError("the answer's head is too long")
            data = await self._stream.read(READ_BYTES)
            if not data:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            buffer += data
        self._buffer = buffer[end:]
        try:
            return Head.parse(buffer[:end])
        except WireError as error:
            raise httpcore.RemoteProtocolError(str(error)) from error

    async def _read(self) -> bytes:
        """What was left over, else what the socket gives next (b"" once closed)."""
        assert self._stream is not None
        if self._buffer:
            data, self._buffer = self._buffer, b""
            return data
        return await self._stream.read(READ_BYTES)

    async def _finish(self, keep: bool) -> None:
        """The answer was read to its end: free the connection, or close it."""
        if keep and not self._buffer:
            self._busy = False
            self._expire_at = time.monotonic() + self._expiry
        else:
            # The server closes, or sent more than the answer: the connection is not reused.
            await self.aclose()

    def is_idle(self) -> bool:
        """Whether a request may be sent on it now."""
        if self._h2 is not None:
            return self._h2.is_idle()
        return not self._busy and not self._closed

    def has_expired(self) -> bool:
        """Whether it has been idle too long, or the server has closed it (or sent something
        unasked) since."""
        if self._h2 is not None:
            return self._h2.has_expired()
        if self._stream is None:
            return False
        if self._expire_at is not None and time.monotonic() > self._expire_at:
            return True
        return not self._busy and bool(self._stream.get_extra_info("is_readable"))

    def is_closed(self) -> bool:
        """Whether it can no longer be used."""
        if self._h2 is not None:
            return self._h2.is_closed()
        return self._closed

    async def aclose(self) -> None:
        """Close the socket (the caller shields this from cancellation)."""
        self._closed = True
        if self._h2 is not None:
            self._stream = None
            await self._h2.aclose()
        if self._stream is not None:
            stream, self._stream = self._stream, None
            await stream.aclose()


class _Body:
    """A response body on an HTTP/1.1 connection: read to its end, it frees the connection;
    closed before, it closes it. An iterator object, not an async generator: a generator's
    set-up and trio's hooks for it cost more than a small body's reading (most answers to a
    check have none: HEAD)."""

    def __init__(self, connection: Connection, framing: Framing, keep: bool) -> None:
        self._connection = connection
        self._framing = framing
        self._keep = keep
        self._left = framing.length if framing.kind == "length" else 0
        self._chunks = Chunks() if framing.kind == "chunked" else None
        self._parts: list[bytes] = []
        """Decoded chunks not given yet, the next last."""
        self._done = False

    @property
    def settled(self) -> bool:
        """Whether closing it has nothing left to do: read to its end, or its connection
        closed."""
        return self._done or self._connection.is_closed()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            part = await self._next()
            if not part:
                self._done = True
                await self._connection._finish(self._keep)
        except BaseException:
            await self._connection.aclose()
            raise
        if not part:
            raise StopAsyncIteration
        return part

    async def _next(self) -> bytes:
        """The next part of the body; b"" at its end."""
        connection = self._connection
        kind = self._framing.kind
        if kind == "length":
            if not self._left:
                return b""
            data = await connection._read()
            if not data:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected before the end of the body."
                )
            if len(data) > self._left:
                data, connection._buffer = data[: self._left], data[self._left :]
            self._left -= len(data)
            return data
        chunks = self._chunks
        if chunks is not None:
            while not self._parts:
                if chunks.done:
                    connection._buffer = chunks.leftover()
                    return b""
                data = await connection._read()
                if not data:
                    raise httpcore.RemoteProtocolError(
                        "Server disconnected before the end of the body."
                    )
                try:
                    parts = chunks.feed(data)
                except WireError as error:
                    raise httpcore.RemoteProtocolError(str(error)) from error
                self._parts = [part for part in reversed(parts) if part]
            return self._parts.pop()
        if kind == "close":
            return await connection._read()  # until the server closes
        return b""  # "none": no body (HEAD, 204, 304)

    async def aclose(self) -> None:
        """Close the body; the connection too, unless the body was read to its end."""
        if not self.settled:
            await self._connection.aclose()
