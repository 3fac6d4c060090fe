"""One connection to an origin: HTTP/1.1 spoken through h11 directly, HTTP/2 through httpcore.

httpcore's HTTP/1.1 connection wraps every step of a request in trace hooks, locks, shielded
cancel scopes and exception maps; measured on the benchmark (5,000 URLs, 128 in flight) that
was about half of the CPU a request cost, for a checker that sends one bodiless request at a
time on a connection. This class does the same exchange with h11 (which httpcore uses too):
connect through the network backend we were given (so `--connect-to` and the private-address
guard apply to every connection, `backend.py`), TLS with ALPN, and when the server chooses
HTTP/2 the rest is handed to httpcore's `AsyncHTTP2Connection` unchanged.

It keeps httpcore's interface and failures: it answers `httpcore.Request`s with
`httpcore.Response`s, network errors are the backend stream's (`httpcore.ReadError`, ...), a
garbled answer or one cut short is `httpcore.RemoteProtocolError`, so `errors.py` reads them as
before. A connection is reused only when the answer was read to its end and neither side asked
to close; anything else (an error, a cancelled request, a body left unread) closes it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator

import h11
import httpcore

READ_BYTES = 64 * 1024
"""How much is asked of the socket at a time (httpcore's figure)."""


class Connection:
    """A connection to one origin, opened by its first request; one request at a time."""

    def __init__(
        self,
        origin: httpcore.Origin,
        *,
        backend: httpcore.AsyncNetworkBackend,
        context: ssl.SSLContext,
        keepalive_expiry: float,
    ) -> None:
        self._origin = origin
        self._backend = backend
        self._context = context
        self._expiry = keepalive_expiry
        self._stream: httpcore.AsyncNetworkStream | None = None
        self._h11 = h11.Connection(h11.CLIENT)
        self._h2: httpcore.AsyncHTTP2Connection | None = None
        self._busy = False
        self._closed = False
        self._expire_at: float | None = None

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
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
                return await self._h2.handle_async_request(request)
            return await self._exchange(request)
        except BaseException:
            await self.aclose()
            raise

    async def _connect(self, request: httpcore.Request) -> None:
        timeout = request.extensions.get("timeout", {}).get("connect")
        host = self._origin.host.decode("ascii")
        stream = await self._backend.connect_tcp(host, self._origin.port, timeout=timeout)
        if self._origin.scheme == b"https":
            try:
                sni = request.extensions.get("sni_hostname") or host
                stream = await stream.start_tls(self._context, server_hostname=sni, timeout=timeout)
            except BaseException:
                await stream.aclose()
                raise
            tls = stream.get_extra_info("ssl_object")
            if tls is not None and tls.selected_alpn_protocol() == "h2":
                self._h2 = httpcore.AsyncHTTP2Connection(
                    origin=self._origin, stream=stream, keepalive_expiry=self._expiry
                )
        self._stream = stream

    async def _exchange(self, request: httpcore.Request) -> httpcore.Response:
        assert self._stream is not None
        state = self._h11
        head = h11.Request(
            method=request.method, target=request.url.target, headers=request.headers
        )
        data = state.send(head) or b""
        async for part in request.stream:  # type: ignore[union-attr]
            data += state.send(h11.Data(data=part)) or b""
        data += state.send(h11.EndOfMessage()) or b""
        await self._stream.write(data)
        while True:
            event = await self._event()
            if isinstance(event, h11.Response):
                break
            if isinstance(event, h11.InformationalResponse) and event.status_code == 101:
                break
        return httpcore.Response(
            status=event.status_code,
            headers=list(event.headers),
            content=_Body(self),
            extensions={
                "http_version": b"HTTP/" + event.http_version,
                "reason_phrase": event.reason,
                "network_stream": self._stream,
            },
        )

    async def _event(self) -> h11.Event | type[h11.PAUSED]:
        assert self._stream is not None
        state = self._h11
        while True:
            try:
                event = state.next_event()
            except h11.RemoteProtocolError as error:
                raise httpcore.RemoteProtocolError(str(error)) from error
            if event is not h11.NEED_DATA:
                return event  # type: ignore[return-value]  # (mypy does not narrow sentinels)
            data = await self._stream.read(READ_BYTES)
            if data == b"" and state.their_state == h11.SEND_RESPONSE:
                raise httpcore.RemoteProtocolError(
                    "Server disconnected without sending a response."
                )
            state.receive_data(data)

    async def _body(self) -> AsyncIterator[bytes]:
        while True:
            event = await self._event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage) or event is h11.PAUSED:
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise httpcore.RemoteProtocolError(
                    "Server disconnected before the end of the body."
                )
        state = self._h11
        if state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
            self._busy = False
            self._expire_at = time.monotonic() + self._expiry
        else:
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
    closed before, it closes it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._connection._body():
                yield part
            self._done = True
        except BaseException:
            await self._connection.aclose()
            raise

    async def aclose(self) -> None:
        """Close the body; the connection too, unless the body was read to its end."""
        if not self._done and not self._connection.is_closed():
            await self._connection.aclose()
