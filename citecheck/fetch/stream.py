"""TCP and TLS streams on trio for httpcore's interface, without per-call overhead.

httpcore's own trio backend wraps every read and write in a context manager that maps
exceptions and in a `trio.fail_after` cancel scope, even when there is no time limit; on the
benchmark that was about a tenth of the CPU a request cost. A request's time limit is a cancel
scope in the fetcher around the whole exchange, so a stream needs none of its own: reads and
writes here go straight to trio, with the same exceptions mapped by a plain `try`. Connecting
and the TLS handshake do honour a `timeout` when one is given.

The failures are httpcore's (`ConnectError`, `ConnectTimeout`, `ReadError`, `WriteError`), so
`errors.py` reads them as before.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import trio


class LeanStream(httpcore.AsyncNetworkStream):
    """A trio stream (TCP, or TLS over TCP) as httpcore expects one."""

    def __init__(self, stream: trio.SocketStream | trio.SSLStream[trio.SocketStream]) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to `max_bytes`; b"" at the end of the stream."""
        try:
            if timeout is None:
                data = await self._stream.receive_some(max_bytes)
            else:
                with trio.fail_after(timeout):
                    data = await self._stream.receive_some(max_bytes)
        except trio.TooSlowError as error:
            raise httpcore.ReadTimeout(error) from error
        except (trio.BrokenResourceError, trio.ClosedResourceError) as error:
            raise httpcore.ReadError(error) from error
        return data if isinstance(data, bytes) else bytes(data)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """All of `buffer`."""
        if not buffer:
            return
        try:
            if timeout is None:
                await self._stream.send_all(buffer)
                return
            with trio.fail_after(timeout):
                await self._stream.send_all(buffer)
        except trio.TooSlowError as error:
            raise httpcore.WriteTimeout(error) from error
        except (trio.BrokenResourceError, trio.ClosedResourceError) as error:
            raise httpcore.WriteError(error) from error

    async def aclose(self) -> None:
        """Close the stream (a TLS stream without waiting for the peer's close_notify)."""
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """The same connection, with TLS negotiated (certificate and name checked)."""
        assert isinstance(self._stream, trio.SocketStream)
        tls = trio.SSLStream(
            self._stream,
            ssl_context=ssl_context,
            server_hostname=server_hostname,
            https_compatible=True,
            server_side=False,
        )
        try:
            with trio.fail_after(float("inf") if timeout is None else timeout):
                await tls.do_handshake()
        except trio.TooSlowError as error:
            await self.aclose()
            raise httpcore.ConnectTimeout(error) from error
        except trio.BrokenResourceError as error:
            await self.aclose()
            raise httpcore.ConnectError(error) from error
        except BaseException:
            await self.aclose()
            raise
        return LeanStream(tls)

    def _socket_stream(self) -> trio.SocketStream:
        stream = self._stream
        if isinstance(stream, trio.SSLStream):
            inner = stream.transport_stream
            assert isinstance(inner, trio.SocketStream)
            return inner
        return stream

    def get_extra_info(self, info: str) -> Any:
        """What httpcore and the pool ask of a stream: the TLS object, the addresses, the
        socket, and whether the peer has sent something (or closed) while it was idle."""
        if info == "ssl_object":
            if isinstance(self._stream, trio.SSLStream):
                return self._stream._ssl_object  # (trio's __getattr__)
            return None
        socket = self._socket_stream().socket
        if info == "client_addr":
            return socket.getsockname()
        if info == "server_addr":
            return socket.getpeername()
        if info == "socket":
            return socket
        if info == "is_readable":
            return socket.is_readable()
        return None


class TcpBackend(httpcore.AsyncNetworkBackend):
    """What every backend here shares: TCP only, trio's clock."""

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never used for links."""
        raise httpcore.ConnectError("unix sockets are not used")

    async def sleep(self, seconds: float) -> None:
        """Sleep on trio's clock."""
        await trio.sleep(seconds)


class LeanBackend(TcpBackend):
    """Opens `LeanStream`s with trio (TCP_NODELAY is trio's default)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A TCP connection to `host:port`."""
        family = _literal_family(host) if local_address is None else None
        try:
            with trio.fail_after(float("inf") if timeout is None else timeout):
                if family is None:
                    stream = await trio.open_tcp_stream(host, port, local_address=local_address)
                else:
                    stream = await _connect_address(family, host, port)
        except trio.TooSlowError as error:
            raise httpcore.ConnectTimeout(error) from error
        except (OSError, trio.BrokenResourceError) as error:
            raise httpcore.ConnectError(error) from error
        for option in socket_options or ():
            stream.setsockopt(*option)
        return LeanStream(stream)


def _literal_family(host: str) -> socket.AddressFamily | None:
    """The address family of an IP address written out (what `backend.py` connects to, once it
    has resolved and checked a name); None for a name."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return family
    return None


async def _connect_address(
    family: socket.AddressFamily, address: str, port: int
) -> trio.SocketStream:
    """A TCP connection to an IP address: what `trio.open_tcp_stream` does for one address,
    without its second look-up and its happy-eyeballs nursery (0.5 ms of CPU a connection
    against 0.2 ms, measured on loopback)."""
    sock = trio.socket.socket(family, socket.SOCK_STREAM)
    try:
        await sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return trio.SocketStream(sock)  # (sets TCP_NODELAY, as open_tcp_stream does)
