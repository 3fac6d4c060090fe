"""HTTP/1.1 as `wire.py` writes and reads it: requests, heads, framing, chunked bodies."""

from __future__ import annotations

import pytest

from citecheck.fetch.wire import (
    MAX_CHUNK_LINE,
    Chunks,
    Framing,
    Head,
    WireError,
    head_end,
    request_bytes,
)


def test_request_is_written_with_its_headers_in_order() -> None:
    data = request_bytes(b"HEAD", b"/a?b=1", [(b"Host", b"example.org"), (b"User-Agent", b"x/1")])
    assert data == b"HEAD /a?b=1 HTTP/1.1\r\nHost: example.org\r\nUser-Agent: x/1\r\n\r\n"


def test_request_body_is_sent_as_its_headers_say() -> None:
    plain = request_bytes(b"POST", b"/save", [(b"Content-Length", b"3")], b"a=b")
    assert plain.endswith(b"\r\n\r\na=b")
    chunked = request_bytes(b"POST", b"/save", [(b"Transfer-Encoding", b"chunked")], b"a=b")
    assert chunked.endswith(b"\r\n\r\n3\r\na=b\r\n0\r\n\r\n")


@pytest.mark.parametrize(
    ("method", "target", "headers"),
    [
        (b"GET", b"/a\r\nX-Injected: 1", []),
        (b"GET", b"/a b", []),
        (b"GET", b"", []),
        (b"G ET", b"/", []),
        (b"GET", b"/", [(b"User-Agent", b"x\r\nX-Injected: 1")]),
        (b"GET", b"/", [(b"Bad Name", b"x")]),
        (b"GET", b"/", [(b"X", b"a\0b")]),
    ],
)
def test_nothing_that_would_break_the_message_is_sent(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    with pytest.raises(WireError):
        request_bytes(method, target, headers)


def test_head_end_waits_for_the_blank_line() -> None:
    assert head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n") == -1
    assert head_end(b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody") == len(
        b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n"
    )
    assert head_end(b"HTTP/1.1 200 OK\nA: b\n\nbody") == len(b"HTTP/1.1 200 OK\nA: b\n\n")


def test_head_is_parsed_with_folding_and_whitespace() -> None:
    head = Head.parse(
        b"HTTP/1.1 404 Not Found\r\nContent-Type:  text/html \r\nX-Long: a\r\n\t b\r\n"
        b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
    )
    assert (head.version, head.status, head.reason) == (b"1.1", 404, b"Not Found")
    assert head.headers == [
        (b"Content-Type", b"text/html"),
        (b"X-Long", b"a b"),
        (b"Set-Cookie", b"a=1"),
        (b"Set-Cookie", b"b=2"),
    ]
    assert Head.parse(b"HTTP/1.1 204\r\n\r\n").reason == b""


@pytest.mark.parametrize(
    "data",
    [
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"<html>not http</html>\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nSpace before : colon\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n folded first\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n",
    ],
)
def test_garbled_heads_are_errors(data: bytes) -> None:
    with pytest.raises(WireError):
        Head.parse(data)


def test_keep_alive_only_for_http11_without_close() -> None:
    assert Head.parse(b"HTTP/1.1 200 OK\r\n\r\n").keeps_alive()
    assert not Head.parse(b"HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\n\r\n").keeps_alive()
    assert not Head.parse(b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n").keeps_alive()


def framing(head: bytes, method: bytes = b"GET") -> Framing:
    return Framing.of(Head.parse(head), method)


def test_framing_follows_rfc_9112() -> None:
    assert framing(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", b"HEAD").kind == "none"
    assert framing(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").kind == "none"
    assert framing(b"HTTP/1.1 204 No Content\r\n\r\n").kind == "none"
    assert framing(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") == Framing("length", 5)
    assert framing(b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\n") == (
        Framing("length", 5)
    )
    both = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
    assert framing(both).kind == "chunked"
    assert framing(b"HTTP/1.1 200 OK\r\n\r\n").kind == "close"


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
    ],
)
def test_ambiguous_framing_is_an_error(head: bytes) -> None:
    with pytest.raises(WireError):
        framing(head)


def test_chunks_come_apart_whatever_the_pieces() -> None:
    coded = b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT"
    for size in (1, 2, 3, 7, len(coded)):
        chunks = Chunks()
        body = b""
        for start in range(0, len(coded), size):
            body += b"".join(chunks.feed(coded[start : start + size]))
        assert body == b"hello world", size
        assert chunks.done
        assert chunks.leftover() == b"NEXT"


def test_chunks_accept_bare_line_feeds() -> None:
    chunks = Chunks()
    assert b"".join(chunks.feed(b"3\nabc\n0\n\n")) == b"abc"
    assert chunks.done


@pytest.mark.parametrize(
    "coded",
    [b"zz\r\n", b"5\r\nhelloXX", b"-1\r\n", b"1" * 17 + b"\r\n", b"1" * (MAX_CHUNK_LINE + 1)],
)
def test_garbled_chunks_are_errors(coded: bytes) -> None:
    with pytest.raises(WireError):
        Chunks().feed(coded)
