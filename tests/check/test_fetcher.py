"""The fetcher with `httpx.MockTransport`: method choice, redirects, retries and backoff on
trio's mock clock, limits, body cap. No sockets at all."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
import trio
import trio.testing

from citecheck.fetch import Fetcher, make_client
from citecheck.model import Target
from citecheck.settings import FetchSettings
from citecheck.targets import normalise

Handler = Callable[[httpx.Request], httpx.Response]


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


def fetcher(handler: Handler, settings: FetchSettings, **options: object) -> Fetcher:
    client = make_client(settings, transport=httpx.MockTransport(handler))
    return Fetcher(client, settings, random=lambda: 0.0, **options)  # type: ignore[arg-type]


@pytest.mark.trio
async def test_head_405_falls_back_to_get_and_the_host_is_remembered() -> None:
    methods: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        methods.append(request.method)
        if request.method == "HEAD":
            return httpx.Response(405)
        return httpx.Response(200, html="<title>Story</title>")

    checker = fetcher(handler, FetchSettings(retries=0))
    first = await checker.fetch(target("https://a.example/1"))
    second = await checker.fetch(target("https://a.example/2"))
    assert (first.outcome.status, second.outcome.status) == ("ok", "ok")
    assert methods == ["HEAD", "GET", "GET"]


@pytest.mark.trio
async def test_redirect_chain_is_recorded_and_capped_at_ten() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        step = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{step + 1}"})

    outcome = (
        await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://a.example/0"))
    ).outcome
    assert (outcome.status, outcome.reason) == ("dead", "too-many-redirects")
    assert len(outcome.redirects) == 10
    assert outcome.redirects[0].url == "https://a.example/0"


@pytest.mark.trio
async def test_temporary_redirect_suggests_nothing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(301, headers={"Location": "/b"})
        if request.url.path == "/b":
            return httpx.Response(302, headers={"Location": "/c"})
        return httpx.Response(200)

    outcome = (
        await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://a.example/a"))
    ).outcome
    assert outcome.status == "redirected"
    assert [hop.status for hop in outcome.redirects] == [301, 302]
    assert outcome.suggested_url is None


@pytest.mark.trio
async def test_redirect_to_ftp_is_unsupported_scheme() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "ftp://a.example/file.pdf"})

    outcome = (
        await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://a.example/"))
    ).outcome
    assert (outcome.status, outcome.reason) == ("unsupported-scheme", "ftp")
    assert len(outcome.redirects) == 1


@pytest.mark.trio
async def test_a_location_httpx_cannot_parse_is_an_outcome() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "mailto:desk@a.example"})

    outcome = (
        await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://a.example/"))
    ).outcome
    assert (outcome.status, outcome.reason) == ("invalid-url", "syntax")


@pytest.mark.trio
async def test_credentials_stay_on_the_same_origin_redirect() -> None:
    seen: list[tuple[str, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.path, request.headers.get("Authorization")))
        if request.url.path == "/a":
            return httpx.Response(302, headers={"Location": "/b"})
        return httpx.Response(200)

    await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://u:p@a.example/a"))
    assert [path for path, _ in seen] == ["/a", "/b"]
    assert all(auth is not None and auth.startswith("Basic ") for _, auth in seen)


@pytest.mark.trio
async def test_retry_after_seconds_is_honoured_on_the_mock_clock(
    autojump_clock: trio.testing.MockClock,
) -> None:
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(trio.current_time())
        if len(times) < 3:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200)

    settings = FetchSettings(retries=3, host_concurrency=4)
    outcome = (await fetcher(handler, settings).fetch(target("https://a.example/"))).outcome
    assert (outcome.status, outcome.attempts) == ("ok", 3)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    assert gaps == [7.0, 7.0]


@pytest.mark.trio
async def test_retry_after_http_date_is_honoured_and_capped(
    autojump_clock: trio.testing.MockClock,
) -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(trio.current_time())
        when = (
            "Thu, 01 Jan 2026 12:00:20 GMT" if len(times) == 1 else "Thu, 01 Jan 2026 14:00:00 GMT"
        )
        return httpx.Response(429, headers={"Retry-After": when})

    settings = FetchSettings(retries=2)
    checker = fetcher(handler, settings, now=lambda: now)
    outcome = (await checker.fetch(target("https://a.example/"))).outcome
    assert (outcome.status, outcome.attempts) == ("rate-limited", 3)
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(times)]
    assert gaps == [20.0, 60.0]  # the second asks for two hours: capped at 60 s


@pytest.mark.trio
async def test_exponential_backoff_with_jitter(autojump_clock: trio.testing.MockClock) -> None:
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(trio.current_time())
        return httpx.Response(500)

    settings = FetchSettings(retries=3)
    client = make_client(settings, transport=httpx.MockTransport(handler))
    checker = Fetcher(client, settings, random=lambda: 0.999)  # near the top of the jitter
    outcome = (await checker.fetch(target("https://a.example/"))).outcome
    assert (outcome.status, outcome.attempts) == ("server-error", 4)
    # 4 requests: HEAD then GET each time (a 500 to HEAD is confirmed with GET)
    starts = times[::2]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert [round(g, 2) for g in gaps] == [0.5, 1.0, 2.0]


@pytest.mark.trio
async def test_a_429_slows_the_whole_host(autojump_clock: trio.testing.MockClock) -> None:
    log: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append((request.url.path, trio.current_time()))
        if request.url.path == "/limited":
            return httpx.Response(429, headers={"Retry-After": "30"})
        return httpx.Response(200)

    settings = FetchSettings(retries=1, host_concurrency=8)
    checker = fetcher(handler, settings)
    await checker.fetch(target("https://a.example/limited"))
    await checker.fetch(target("https://a.example/next"))
    await checker.fetch(target("https://b.example/other"))
    # the retry waited what was asked, and so did the next link of the same host
    assert [(path, when) for path, when in log] == [
        ("/limited", 0.0),
        ("/limited", 30.0),
        ("/next", 60.0),
        ("/other", 60.0),
    ]
    assert checker._hosts["a.example"].limiter.total_tokens == 2


@pytest.mark.trio
async def test_timeout_on_the_mock_clock(autojump_clock: trio.testing.MockClock) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await trio.sleep(100)
        return httpx.Response(200)

    settings = FetchSettings(retries=1, timeout=5)
    client = make_client(settings, transport=httpx.MockTransport(slow))
    checker = Fetcher(client, settings, random=lambda: 0.0)
    outcome = (await checker.fetch(target("https://a.example/"))).outcome
    assert (outcome.status, outcome.attempts) == ("timeout", 2)
    assert trio.current_time() == pytest.approx(10.25)  # 5 s, backoff 0.25 s, 5 s


@pytest.mark.trio
async def test_host_interval_spaces_requests(autojump_clock: trio.testing.MockClock) -> None:
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(trio.current_time())
        return httpx.Response(200)

    checker = fetcher(handler, FetchSettings(retries=0, host_interval=2.0))
    async with trio.open_nursery() as nursery:
        for n in range(3):
            nursery.start_soon(checker.fetch, target(f"https://a.example/{n}"))
    assert sorted(times) == [0.0, 2.0, 4.0]


@pytest.mark.trio
async def test_global_and_host_concurrency_limits() -> None:
    live = {"all": 0, "peak": 0, "a": 0, "peak_a": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = "a" if request.url.host == "a.example" else "b"
        live["all"] += 1
        live["peak"] = max(live["peak"], live["all"])
        if host == "a":
            live["a"] += 1
            live["peak_a"] = max(live["peak_a"], live["a"])
        await trio.sleep(0.01)
        live["all"] -= 1
        if host == "a":
            live["a"] -= 1
        return httpx.Response(200)

    settings = FetchSettings(retries=0, max_concurrency=5, host_concurrency=2)
    client = make_client(settings, transport=httpx.MockTransport(handler))
    checker = Fetcher(client, settings)
    async with trio.open_nursery() as nursery:
        for n in range(10):
            nursery.start_soon(checker.fetch, target(f"https://a.example/{n}"))
            nursery.start_soon(checker.fetch, target(f"https://x{n}.example/"))
    assert live["peak"] == 5
    assert live["peak_a"] == 2


@pytest.mark.trio
async def test_body_cap_and_anchors() -> None:
    filler = "x" * 5000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html=f'<h2 id="early">a</h2>{filler}<h2 id="late">b</h2>')

    checker = fetcher(handler, FetchSettings(retries=0, max_body=2048))
    fetched = await checker.fetch(target("https://a.example/"), want_page=True)
    assert fetched.anchors is not None
    assert "early" in fetched.anchors
    assert "late" not in fetched.anchors
    assert not fetched.complete


@pytest.mark.trio
async def test_user_agent_per_host() -> None:
    agents: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        agents[request.url.host] = request.headers["User-Agent"]
        return httpx.Response(200)

    settings = FetchSettings(
        retries=0, user_agent="Global/1", host_user_agents=(("b.example", "Special/2"),)
    )
    checker = fetcher(handler, settings)
    await checker.fetch(target("https://a.example/"))
    await checker.fetch(target("https://www.b.example/"))
    assert agents == {"a.example": "Global/1", "www.b.example": "Special/2"}


@pytest.mark.trio
async def test_network_errors_are_outcomes_not_exceptions() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("boom", request=request)

    outcome = (
        await fetcher(handler, FetchSettings(retries=0)).fetch(target("https://a.example/"))
    ).outcome
    assert (outcome.status, outcome.reason) == ("unreachable", "network")


@pytest.mark.trio
async def test_without_retries_a_429_slows_nothing(autojump_clock: trio.testing.MockClock) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/limited":
            return httpx.Response(429, headers={"Retry-After": "30"})
        return httpx.Response(200)

    checker = fetcher(handler, FetchSettings(retries=0))
    assert (
        await checker.fetch(target("https://a.example/limited"))
    ).outcome.status == "rate-limited"
    await checker.fetch(target("https://a.example/next"))
    assert trio.current_time() == 0.0
