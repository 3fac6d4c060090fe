"""`fetch/stream.py`: connecting to an address written out goes straight to the socket (no
second look-up), with the same stream and the same failures as `trio.open_tcp_stream`."""

from __future__ import annotations

import socket

import httpcore
import pytest
import trio

from citecheck.fetch import stream as stream_module
from citecheck.fetch.stream import LeanBackend, LeanStream, _literal_family


def test_only_addresses_written_out_are_connected_to_directly() -> None:
    assert _literal_family("127.0.0.1") == socket.AF_INET
    assert _literal_family("::1") == socket.AF_INET6
    assert _literal_family("::ffff:127.0.0.1") == socket.AF_INET6
    assert _literal_family("localhost") is None
    assert _literal_family("example.com") is None
    assert _literal_family("fe80::1%eth0") is None  # (a zone: left to open_tcp_stream)
    assert _literal_family("127.1") is None


@pytest.mark.trio
async def test_a_connection_to_an_address_is_a_lean_stream_without_nagle() -> None:
    listener = trio.socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    await listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    stream = await LeanBackend().connect_tcp("127.0.0.1", port)
    try:
        assert isinstance(stream, LeanStream)
        assert stream.get_extra_info("server_addr") == ("127.0.0.1", port)
        sock = stream.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        server, _ = await listener.accept()
        with server:
            await stream.write(b"ping")
            assert await server.recv(4) == b"ping"
    finally:
        await stream.aclose()
        listener.close()


@pytest.mark.trio
async def test_a_refused_connection_to_an_address_is_a_connect_error() -> None:
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(httpcore.ConnectError):
        await LeanBackend().connect_tcp("127.0.0.1", port)


@pytest.mark.trio
async def test_a_connection_that_does_not_finish_in_time_is_a_connect_timeout(
    autojump_clock: trio.testing.MockClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def never(*args: object) -> None:
        await trio.sleep_forever()

    monkeypatch.setattr(stream_module, "_connect_address", never)
    with pytest.raises(httpcore.ConnectTimeout):
        await LeanBackend().connect_tcp("127.0.0.1", 9, timeout=5)
