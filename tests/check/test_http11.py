"""Our HTTP/1.1 connections (`fetch/http11.py`, `fetch/wire.py`) and the direct send path
(`fetch/send.py`), against the loopback fake web and raw loopback servers: connections are
reused only when an answer was read to its end, a server that hangs up is a value, garbled
answers are outcomes, and what `AsyncClient.send` did for us still happens."""

from __future__ import annotations

import pytest
from fakeweb import FakeWeb, Loopback, fetcher_for, page, transport_for

from citecheck.fetch import Fetched, Fetcher, make_client
from citecheck.model import Target
from citecheck.settings import FetchSettings
from citecheck.targets import normalise


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


@pytest.mark.trio
@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_a_connection_is_reused_for_answers_read_to_the_end(
    web: FakeWeb, scheme: str
) -> None:
    web.route("news.example", "/a", page("A"))
    web.route("news.example", "/b", page("B"))
    loopback = Loopback(web)
    async with fetcher_for(web, loopback=loopback) as fetcher:
        for path in ("/a", "/b", "/a"):
            outcome = (await fetcher.fetch(target(f"{scheme}://news.example{path}"))).outcome
            assert outcome.status == "ok"
    assert len(loopback.connected) == 1


@pytest.mark.trio
async def test_idle_connections_are_kept_up_to_a_number_over_all_origins(web: FakeWeb) -> None:
    """The pool keeps at most `max_idle` idle connections in all, closing those of the origins
    unused for longest; the others are reused."""
    hosts = ["news.example", "shop.example", "paper.example", "other.example", "cdn.example"]
    for host in hosts:
        web.route(host, "/", page(host))
    loopback = Loopback(web)
    transport = transport_for(web, FetchSettings(retries=0, timeout=5.0), loopback=loopback)
    connections = transport.connections
    connections._max_idle = 3
    async with make_client(FetchSettings(), transport=transport) as client:
        fetcher = Fetcher(client, FetchSettings(retries=0, timeout=5.0))
        for host in hosts:
            assert (await fetcher.fetch(target(f"http://{host}/"))).outcome.status == "ok"
        assert connections._idle == 3
        assert sum(len(pool.idle) for pool in connections._origins.values()) == 3
        assert len(loopback.connected) == 5
        # The three most recent hosts reuse their connections; the first two connect again.
        for host in [*hosts[2:], *hosts[:2]]:
            assert (await fetcher.fetch(target(f"http://{host}/"))).outcome.status == "ok"
        assert len(loopback.connected) == 7
        assert connections._idle == 3


@pytest.mark.trio
async def test_a_body_left_unread_closes_its_connection(web: FakeWeb) -> None:
    big = b"<html><title>Long</title>" + b"x" * 200_000 + b"</html>"
    web.route("news.example", "/long", (200, {"Content-Type": "text/html"}, big))
    web.route("news.example", "/b", page("B"))
    loopback = Loopback(web)
    settings = FetchSettings(retries=0, timeout=2.0, method="get", max_body=1024)
    async with fetcher_for(web, settings, loopback=loopback) as fetcher:
        long = await fetcher.fetch(target("http://news.example/long"), want_page=True)
        assert long.outcome.status == "ok"
        assert not long.complete
        assert (await fetcher.fetch(target("http://news.example/b"))).outcome.status == "ok"
    assert len(loopback.connected) == 2


@pytest.mark.trio
async def test_a_server_that_hangs_up_on_a_kept_connection_is_not_an_error(web: FakeWeb) -> None:
    web.route("news.example", "/a", page("A", Connection="close"))
    web.route("news.example", "/b", page("B"))
    loopback = Loopback(web)
    async with fetcher_for(web, loopback=loopback) as fetcher:
        for path in ("/a", "/b"):
            outcome = (await fetcher.fetch(target(f"http://news.example{path}"))).outcome
            assert outcome.status == "ok"
    assert len(loopback.connected) == 2


@pytest.mark.trio
async def test_cookies_set_by_an_answer_are_sent_again_to_that_host(web: FakeWeb) -> None:
    web.route("news.example", "/in", (302, {"Location": "/home", "Set-Cookie": "s=1; Path=/"}, b""))
    web.route("news.example", "/home", page("Home"))
    async with fetcher_for(web) as fetcher:
        outcome = (await fetcher.fetch(target("http://news.example/in"))).outcome
    assert outcome.status == "redirected"
    cookies = [(s.path, s.headers.get("Cookie")) for s in web.seen]
    assert cookies[0] == ("/in", None)
    assert all(cookie == "s=1" for path, cookie in cookies if path == "/home")


@pytest.mark.trio
async def test_client_headers_and_the_user_agent_are_sent(web: FakeWeb) -> None:
    web.route("news.example", "/", page("A"))
    settings = FetchSettings(retries=0, timeout=2.0, user_agent="probe/1")
    async with fetcher_for(web, settings) as fetcher:
        await fetcher.fetch(target("http://news.example/"))
    headers = web.seen[0].headers
    assert headers["User-Agent"] == "probe/1"
    assert headers["Accept"].startswith("text/html")
    assert headers["Host"] == "news.example"


class RawServer:
    """A loopback server that answers each request it reads with the next canned bytes, then
    keeps the connection (or closes it after answers marked so)."""

    def __init__(self, answers: list[tuple[bytes, bool]]) -> None:
        import socket
        import threading

        self.answers = list(answers)
        self.requests: list[bytes] = []
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.answers:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                buffer = b""
                while self.answers:
                    while b"\r\n\r\n" not in buffer:
                        data = connection.recv(65536)
                        if not data:
                            break
                        buffer += data
                    if b"\r\n\r\n" not in buffer:
                        break
                    head, _, buffer = buffer.partition(b"\r\n\r\n")
                    self.requests.append(head)
                    answer, close = self.answers.pop(0)
                    connection.sendall(answer)
                    if close:
                        break

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


async def raw_fetch(
    web: FakeWeb, answers: list[tuple[bytes, bool]], paths: list[str], *, get: bool = False
) -> tuple[list[Fetched], RawServer]:
    import fakeweb

    server = RawServer(answers)
    try:
        extra = {(fakeweb.PUBLIC["other.example"], 80): ("127.0.0.1", server.port)}
        method = "get" if get else "auto"
        settings = FetchSettings(retries=0, timeout=2.0, method=method)
        async with fetcher_for(web, settings, extra=extra) as fetcher:
            results = [
                await fetcher.fetch(target(f"http://other.example{path}"), want_page=get)
                for path in paths
            ]
    finally:
        server.close()
    return results, server


PAGE = b"<html><head><title>T</title></head><body><p id='x'>hello</p></body></html>"


@pytest.mark.trio
async def test_chunked_and_length_bodies_are_read_and_the_connection_kept(web: FakeWeb) -> None:
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(PAGE[i : i + 10]), PAGE[i : i + 10])
                       for i in range(0, len(PAGE), 10))  # fmt: skip
    answers = [
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
         + chunked + b"0\r\n\r\n", False),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(PAGE)
         + PAGE, False),
    ]  # fmt: skip
    results, server = await raw_fetch(web, answers, ["/chunked", "/length"], get=True)
    assert [r.outcome.status for r in results] == ["ok", "ok"]
    assert all(r.anchors == frozenset({"x"}) and r.complete for r in results)
    assert server.connections == 1
    assert server.requests[0].startswith(b"GET /chunked HTTP/1.1\r\nHost: other.example\r\n")


@pytest.mark.trio
async def test_gzip_bodies_are_decoded(web: FakeWeb) -> None:
    import gzip

    packed = gzip.compress(PAGE)
    answers = [
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
         b"Content-Length: %d\r\n\r\n" % len(packed) + packed, False),
    ]  # fmt: skip
    results, _ = await raw_fetch(web, answers, ["/gz"], get=True)
    assert results[0].anchors == frozenset({"x"})


@pytest.mark.trio
async def test_a_body_until_close_and_an_http10_answer_are_not_reused(web: FakeWeb) -> None:
    answers = [
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE, True),
        (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(PAGE)
         + PAGE, False),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", False),
    ]  # fmt: skip
    results, server = await raw_fetch(web, answers, ["/a", "/b", "/c"], get=True)
    assert [r.outcome.status for r in results] == ["ok", "ok", "ok"]
    assert results[0].anchors == frozenset({"x"})
    assert server.connections == 3


@pytest.mark.trio
async def test_informational_answers_are_skipped(web: FakeWeb) -> None:
    answers = [
        (b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
         b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", False),
    ]  # fmt: skip
    results, _ = await raw_fetch(web, answers, ["/gone"], get=True)
    assert (results[0].outcome.status, results[0].outcome.http_status) == ("dead", 404)


@pytest.mark.trio
@pytest.mark.parametrize(
    "answer",
    [
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 12\r\n\r\n0123456789",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000,
        b"",
    ],
)
async def test_garbled_or_cut_answers_are_unreachable_not_errors(
    web: FakeWeb, answer: bytes
) -> None:
    results, _ = await raw_fetch(web, [(answer, True)], ["/x"], get=True)
    outcome = results[0].outcome
    assert outcome.status == "unreachable"
    assert outcome.reason == "closed"


FIELDS = [
    (b"Accept", b"text/html,*/*;q=0.8"),
    (b"Accept-Encoding", b"gzip, deflate"),
    (b"User-Agent", b"citecheck/1 (+https://example.org)"),
]


@pytest.mark.parametrize(
    ("method", "target", "host"),
    [(b"HEAD", b"/", b"news.example"), (b"GET", b"/a/b?c=1&d=%20", b"127.0.0.1:8080")],
)
def test_a_plain_request_is_the_bytes_its_httpcore_request_would_be(
    method: bytes, target: bytes, host: bytes
) -> None:
    import httpcore

    from citecheck.fetch.http11 import Fields, Plain
    from citecheck.fetch.wire import request_bytes

    url = httpcore.URL(scheme=b"http", host=host.split(b":")[0], port=80, target=target)
    plain = Plain(method, url, host, Fields.of(FIELDS))
    core = plain.core()
    assert core.method == method
    assert core.url == url
    assert core.headers == [(b"Host", host), *FIELDS]
    assert plain.data == request_bytes(method, target, core.headers)


def test_fields_are_checked_once_and_know_whether_they_close() -> None:
    from citecheck.fetch.http11 import Fields
    from citecheck.fetch.wire import WireError

    fields = Fields.of(FIELDS)
    assert fields.block == b"".join(name + b": " + value + b"\r\n" for name, value in FIELDS)
    assert not fields.closes
    assert Fields.of([*FIELDS, (b"Connection", b"Close")]).closes
    for bad in [(b"X-Note", b"a\r\nInjected: 1"), (b"Bad Name", b"1"), (b"X", b"nul\0")]:
        with pytest.raises(WireError):
            Fields.of([*FIELDS, bad])


@pytest.mark.parametrize("target", [b"/a b", b"/a\r\nInjected: 1", b""])
def test_a_plain_request_refuses_a_target_that_would_break_the_message(target: bytes) -> None:
    import httpcore

    from citecheck.fetch.http11 import Fields, Plain

    url = httpcore.URL(scheme=b"http", host=b"news.example", port=80, target=b"/")
    url.target = target  # (httpcore.URL checks nothing of it either)
    with pytest.raises(httpcore.LocalProtocolError):
        Plain(b"GET", url, b"news.example", Fields.of(FIELDS))


@pytest.mark.parametrize("host", [b"news example", b"news.example\r\nInjected: 1", b"a\0b"])
def test_a_plain_request_refuses_a_host_that_would_break_the_message(host: bytes) -> None:
    import httpcore

    from citecheck.fetch.http11 import Fields, Plain

    url = httpcore.URL(scheme=b"http", host=b"news.example", port=80, target=b"/")
    with pytest.raises(httpcore.LocalProtocolError):
        Plain(b"GET", url, host, Fields.of(FIELDS))


@pytest.mark.trio
async def test_requests_on_a_kept_connection_differ_only_in_their_target(web: FakeWeb) -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    results, server = await raw_fetch(web, [(answer, False), (answer, False)], ["/a", "/b?c=1"])
    assert [r.outcome.status for r in results] == ["ok", "ok"]
    assert server.connections == 1
    first, second = server.requests
    assert first.startswith(b"HEAD /a HTTP/1.1\r\nHost: other.example\r\n")
    assert second == first.replace(b"HEAD /a ", b"HEAD /b?c=1 ", 1)
    assert b"\r\nUser-Agent: citecheck/" in first


@pytest.mark.trio
async def test_an_extra_header_that_cannot_be_sent_fails_the_request_without_sending_it(
    web: FakeWeb,
) -> None:
    web.route("news.example", "/", page("A"))
    settings = FetchSettings(retries=0, timeout=2.0, headers=(("X-Note", "a\rb"),))
    async with fetcher_for(web, settings) as fetcher:
        fetched = await fetcher.fetch(target("http://news.example/"))
    # As before the direct path encoded its fields once: httpx's path, failed before sending.
    assert fetched.outcome.status == "unreachable"
    assert "cannot send the header b'X-Note'" in fetched.outcome.detail
    assert web.seen == []
