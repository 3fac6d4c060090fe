"""Our HTTP/1.1 connections (`fetch/http11.py`) and the lean send path (`fetch/client.send`),
against the loopback fake web: connections are reused only when an answer was read to its end,
a server that hangs up is a value, and what `AsyncClient.send` did for us still happens."""

from __future__ import annotations

import pytest
from fakeweb import FakeWeb, Loopback, fetcher_for, page

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
