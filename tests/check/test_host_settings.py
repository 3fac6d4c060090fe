"""Per-host fetch settings and the global `headers` and `accept`: the parsers, which settings a
host gets, headers and User-Agents on the wire (over the loopback fake web), per-host limits and
pacing, and accepted HTTP statuses through `check_paths`."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import httpx
import pytest
import trio
import trio.testing
from fakeweb import Answer, FakeWeb, Seen, fetcher_for, page, transport_for

from citecheck.check import check_paths
from citecheck.fetch import Fetcher, make_client
from citecheck.model import CheckReport, Outcome, Redirect, Target
from citecheck.reporting import accepted
from citecheck.settings import (
    FetchSettings,
    HostSettings,
    parse_accept,
    parse_header,
    parse_host_pattern,
)
from citecheck.targets import normalise


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


# Parsers ----------------------------------------------------------------------------------------


def test_parse_header_takes_name_and_value() -> None:
    assert parse_header("X-Api-Key: abc123") == ("X-Api-Key", "abc123")
    assert parse_header("  Accept-Language :  fr-CH, fr;q=0.9 ") == (
        "Accept-Language",
        "fr-CH, fr;q=0.9",
    )
    assert parse_header("Authorization: Bearer a:b:c") == ("Authorization", "Bearer a:b:c")
    assert parse_header("Cookie:\tconsent=yes") == ("Cookie", "consent=yes")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("X-Api-Key abc", "expected NAME: VALUE"),
        (": abc", "expected NAME: VALUE"),
        ("X Api: abc", "not a valid header name"),
        ("X-Ä: abc", "not a valid header name"),
        ("X-A: a\r\nHost: evil.example", "CR, LF or NUL"),
        ("X-A: a\nb", "CR, LF or NUL"),
        ("X-A: a\0b", "CR, LF or NUL"),
        ("X-A: a\x01b", "control characters"),
        ("X-A:", "no value"),
        ("X-A:   ", "no value"),
        ("Host: other.example", "citecheck sets Host itself"),
        ("content-length: 5", "citecheck sets content-length itself"),
        ("Transfer-Encoding: chunked", "itself"),
        ("Connection: close", "itself"),
        ("Upgrade: h2c", "itself"),
        ("TE: trailers", "itself"),
        ("Trailer: X-A", "itself"),
        ("Keep-Alive: timeout=5", "itself"),
        ("Proxy-Authorization: Basic eDp5", "HTTPS_PROXY"),
        ("proxy-connection: keep-alive", "HTTPS_PROXY"),
        ("User-Agent: Mozilla/5.0", "--user-agent"),
    ],
)
def test_parse_header_refuses(value: str, says: str) -> None:
    with pytest.raises(ValueError, match="--header") as raised:
        parse_header(value)
    assert says in str(raised.value)


def test_parse_header_names_the_flag_it_was_given() -> None:
    with pytest.raises(ValueError, match=r"^hosts\.news\.example\.headers "):
        parse_header("Host: x", "hosts.news.example.headers")


def test_parse_accept_takes_codes_and_inclusive_ranges() -> None:
    assert parse_accept("200,403,500-503") == frozenset({200, 403, 500, 501, 502, 503})
    assert parse_accept(" 404 , 410 - 410 ") == frozenset({404, 410})
    assert parse_accept("100-101,599") == frozenset({100, 101, 599})
    assert parse_accept("none") == frozenset()
    assert parse_accept("NONE") == frozenset()


@pytest.mark.parametrize(
    "value",
    ["", "abc", "99", "600", "099", "503-500", "200,,403", "4040", "200-", "4xx", "٤٠٣", "1e3"],
)
def test_parse_accept_refuses(value: str) -> None:
    with pytest.raises(ValueError, match=r"^--accept "):
        parse_accept(value)


def test_parse_accept_names_the_flag_it_was_given() -> None:
    with pytest.raises(ValueError, match=r"^accept "):
        parse_accept("700", "accept")


def test_parse_host_pattern() -> None:
    assert parse_host_pattern("*.News.Example.COM.") == "news.example.com"
    assert parse_host_pattern("bücher.example") == "xn--bcher-kva.example"
    assert parse_host_pattern("[2001:DB8::1]") == "2001:db8::1"
    assert parse_host_pattern("192.0.2.1") == "192.0.2.1"
    for bad in ("", "*.", "https://news.example", "news.example/path", "a b.example"):
        with pytest.raises(ValueError, match=r"^host "):
            parse_host_pattern(bad)


# Which settings a host gets ---------------------------------------------------------------------

NEWS = HostSettings(
    "example.com",
    headers=(("X-Site", "example"), ("accept-language", "de")),
    user_agent="Site/1",
    accept=frozenset({403}),
)
DESK = HostSettings("news.example.com", headers=(("X-Desk", "news"),), accept=frozenset({404}))
LAYERED = FetchSettings(
    headers=(("Accept-Language", "en"), ("X-Run", "1")), accept=frozenset({401}), hosts=(NEWS, DESK)
)


def test_the_most_specific_pattern_is_the_host_settings() -> None:
    assert LAYERED.host_settings("example.com") is NEWS
    assert LAYERED.host_settings("www.example.com") is NEWS
    assert LAYERED.host_settings("news.example.com") is DESK
    assert LAYERED.host_settings("a.b.news.example.com") is DESK
    assert LAYERED.host_settings("notexample.com") is None
    assert LAYERED.host_settings("example.com.evil") is None
    reversed_order = FetchSettings(hosts=(DESK, NEWS))
    assert reversed_order.host_settings("news.example.com") is DESK
    first = HostSettings("example.com", user_agent="First")
    twice = FetchSettings(hosts=(first, HostSettings("example.com", user_agent="Second")))
    assert twice.host_settings("example.com") is first


def test_headers_are_the_global_ones_then_the_hosts_replacing_by_name() -> None:
    assert LAYERED.headers_for("other.org") == (("Accept-Language", "en"), ("X-Run", "1"))
    assert LAYERED.headers_for("www.example.com") == (
        ("X-Run", "1"),
        ("X-Site", "example"),
        ("accept-language", "de"),
    )
    # only the most specific host settings apply: not the headers of `example.com`
    assert LAYERED.headers_for("news.example.com") == (
        ("Accept-Language", "en"),
        ("X-Run", "1"),
        ("X-Desk", "news"),
    )
    assert FetchSettings(hosts=(NEWS,)).headers_for("example.com") == NEWS.headers
    assert FetchSettings().headers_for("example.com") == ()


def test_accepted_statuses_are_the_global_ones_and_the_hosts() -> None:
    assert LAYERED.accept_for("other.org") == frozenset({401})
    assert LAYERED.accept_for("www.example.com") == frozenset({401, 403})
    assert LAYERED.accept_for("news.example.com") == frozenset({401, 404})
    assert FetchSettings().accept_for("example.com") == frozenset()


def test_user_agent_the_most_specific_pattern_wins_the_flag_on_a_tie() -> None:
    settings = FetchSettings(
        user_agent="Global/1",
        host_user_agents=(("example.com", "Flag/1"), ("b.example.org", "Flag/2")),
        hosts=(
            HostSettings("news.example.com", user_agent="Host/1"),
            HostSettings("b.example.org", user_agent="Host/2"),
            HostSettings("example.org", user_agent="Host/3"),
            HostSettings("c.example.com", headers=(("X-A", "a"),)),
        ),
    )
    assert settings.user_agent_for("www.example.com") == "Flag/1"
    assert settings.user_agent_for("news.example.com") == "Host/1"  # longer than the flag's
    assert settings.user_agent_for("x.b.example.org") == "Flag/2"  # equal: the flag
    assert settings.user_agent_for("a.example.org") == "Host/3"
    assert settings.user_agent_for("c.example.com") == "Flag/1"  # sets no User-Agent
    assert settings.user_agent_for("other.net") == "Global/1"


def test_limits_come_from_the_most_specific_pattern_that_sets_them() -> None:
    settings = FetchSettings(
        host_concurrency=6,
        host_interval=0.5,
        hosts=(
            HostSettings("example.com", concurrency=2),
            HostSettings("news.example.com", headers=(("X-A", "a"),)),
            HostSettings("slow.example.com", interval=3.0),
        ),
    )
    assert settings.limits_for("www.example.com") == ("example.com", 2, 0.5)
    # news.example.com sets no limits: those of example.com still hold for it
    assert settings.limits_for("news.example.com") == ("example.com", 2, 0.5)
    assert settings.limits_for("a.slow.example.com") == ("slow.example.com", 6, 3.0)
    assert settings.limits_for("example.org") is None


# The accepted-status rule -----------------------------------------------------------------------


def test_an_accepted_status_becomes_ok_and_keeps_its_evidence() -> None:
    hops = (Redirect("https://a.example/old", 301),)
    blocked = Outcome(
        "blocked",
        "HTTP 403 with a bot challenge",
        http_status=403,
        final_url="https://a.example/new",
        redirects=hops,
        reason="challenge",
        attempts=2,
    )
    made = accepted(blocked, frozenset({403}))
    assert made.status == "ok"
    assert made.reason == "accepted"
    assert made.detail.startswith("HTTP 403 accepted by configuration")
    assert "blocked" in made.detail
    assert (made.http_status, made.final_url, made.redirects, made.attempts) == (
        403,
        "https://a.example/new",
        hops,
        2,
    )
    assert accepted(blocked, frozenset({404})) is blocked
    assert accepted(blocked, frozenset()) is blocked


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome("ok", "HTTP 200", http_status=200),
        Outcome("redirected", "moved", http_status=200),
        Outcome("fragment-missing", "no anchor #x on the page", http_status=200),
        Outcome("dead", "more than 10 redirects", http_status=302, reason="too-many-redirects"),
        Outcome("timeout", "no complete answer within 5 s", reason="timeout"),
    ],
)
def test_what_an_accepted_status_leaves_alone(outcome: Outcome) -> None:
    assert accepted(outcome, frozenset({200, 302})) is outcome


# On the wire: headers and User-Agents -----------------------------------------------------------


def _header(seen: Seen, name: str) -> list[str]:
    """Every value of the header `name` the server saw, whatever the case it was sent in."""
    return [value for key, value in seen.headers.items() if key.lower() == name.lower()]


@pytest.mark.trio
async def test_headers_and_user_agent_reach_matching_hosts_only(web: FakeWeb) -> None:
    for host in ("news.example", "www.news.example", "shop.example", "paper.example"):
        web.route(host, "/", page("Home"))
    web.route("www.news.example", "/cred", page("Members"))
    settings = FetchSettings(
        retries=0,
        timeout=5.0,
        user_agent="Global/1",
        headers=(("X-Run", "global"), ("Accept", "text/html")),
        hosts=(
            HostSettings(
                "news.example",
                headers=(("X-Token", "secret"), ("x-run", "news")),
                user_agent="NewsBot/1",
            ),
            HostSettings("paper.example", headers=(("X-Paper", "yes"),)),
        ),
    )
    async with fetcher_for(web, settings) as checker:
        for url in (
            "https://news.example/",
            "https://www.news.example/",
            "https://shop.example/",
            "https://paper.example/",
            "https://u:p@www.news.example/cred",  # credentials: the httpx path
        ):
            assert (await checker.fetch(target(url))).outcome.status == "ok"
    by_host = {(s.host, s.path): s for s in web.seen}
    for key in (("news.example", "/"), ("www.news.example", "/"), ("www.news.example", "/cred")):
        seen = by_host[key]
        assert _header(seen, "X-Token") == ["secret"]
        assert _header(seen, "X-Run") == ["news"]
        assert _header(seen, "User-Agent") == ["NewsBot/1"]
        assert _header(seen, "X-Paper") == []
    assert _header(by_host[("www.news.example", "/cred")], "Authorization") != []
    shop = by_host[("shop.example", "/")]
    assert _header(shop, "X-Token") == []
    assert _header(shop, "X-Run") == ["global"]
    assert _header(shop, "User-Agent") == ["Global/1"]
    # the same User-Agent as shop.example, other headers: sent with its own
    paper = by_host[("paper.example", "/")]
    assert _header(paper, "X-Paper") == ["yes"]
    assert _header(paper, "User-Agent") == ["Global/1"]
    assert _header(paper, "X-Run") == ["global"]
    # a configured header replaces the client's own of the same name, on both paths
    for seen in web.seen:
        assert _header(seen, "Accept") == ["text/html"]


@pytest.mark.trio
async def test_a_hosts_headers_do_not_follow_a_redirect_to_another_host(web: FakeWeb) -> None:
    web.route("news.example", "/away", (302, {"Location": "https://shop.example/landing"}, b""))
    web.route("shop.example", "/landing", page("Landing"))
    web.route("shop.example", "/back", (301, {"Location": "https://www.news.example/story"}, b""))
    web.route("www.news.example", "/story", page("Story"))
    settings = FetchSettings(
        retries=0,
        timeout=5.0,
        user_agent="Global/1",
        hosts=(
            HostSettings(
                "news.example",
                headers=(("Authorization", "Bearer news-only"),),
                user_agent="NewsBot/1",
            ),
        ),
    )
    async with fetcher_for(web, settings) as checker:
        away = (await checker.fetch(target("https://news.example/away"))).outcome
        back = (await checker.fetch(target("https://shop.example/back"))).outcome
    assert away.final_url == "https://shop.example/landing"
    assert back.final_url == "https://www.news.example/story"
    assert {s.host for s in web.seen} == {"news.example", "shop.example", "www.news.example"}
    for seen in web.seen:
        if seen.host == "shop.example":
            assert _header(seen, "Authorization") == []
            assert _header(seen, "User-Agent") == ["Global/1"]
        else:
            assert _header(seen, "Authorization") == ["Bearer news-only"]
            assert _header(seen, "User-Agent") == ["NewsBot/1"]


# Per-host limits and pacing ---------------------------------------------------------------------


@pytest.mark.trio
async def test_a_patterns_concurrency_serialises_its_hosts_over_the_wire(web: FakeWeb) -> None:
    lock = threading.Lock()
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}

    def slow(seen: Seen) -> Answer:
        # news.example and www.news.example are two groups (`.example` is no public
        # suffix), one pattern: they share its single slot
        who = "news" if seen.host.endswith("news.example") else seen.host
        with lock:
            in_flight[who] = in_flight.get(who, 0) + 1
            most[who] = max(most.get(who, 0), in_flight[who])
        time.sleep(0.05)
        with lock:
            in_flight[who] -= 1
        return page("Slow")

    for host in ("news.example", "www.news.example", "shop.example"):
        for n in range(4):
            web.route(host, f"/{n}", slow)
    settings = FetchSettings(
        retries=0,
        timeout=10.0,
        host_concurrency=8,
        hosts=(HostSettings("news.example", concurrency=1),),
    )
    async with fetcher_for(web, settings) as checker, trio.open_nursery() as nursery:
        for n in range(4):
            for host in ("news.example", "www.news.example", "shop.example"):
                nursery.start_soon(checker.fetch, target(f"https://{host}/{n}"))
    assert len(web.seen) == 12
    assert most["news"] == 1
    assert most["shop.example"] >= 2


@pytest.mark.trio
async def test_a_patterns_interval_spaces_its_requests_over_the_wire(web: FakeWeb) -> None:
    starts: dict[str, list[float]] = {}

    def timed(seen: Seen) -> Answer:
        starts.setdefault(seen.host, []).append(time.monotonic())
        return page("Timed")

    for host in ("news.example", "shop.example"):
        for n in range(3):
            web.route(host, f"/{n}", timed)
    settings = FetchSettings(
        retries=0, timeout=5.0, hosts=(HostSettings("news.example", interval=0.15),)
    )
    async with fetcher_for(web, settings) as checker, trio.open_nursery() as nursery:
        for n in range(3):
            for host in ("news.example", "shop.example"):
                nursery.start_soon(checker.fetch, target(f"https://{host}/{n}"))
    news = sorted(starts["news.example"])
    assert len(news) == 3
    assert all(b - a >= 0.12 for a, b in itertools.pairwise(news))
    shop = sorted(starts["shop.example"])
    assert shop[-1] - shop[0] < 0.15 * 2  # not paced: all three before news's third


def _mock_fetcher(handler: object, settings: FetchSettings) -> Fetcher:
    transport = httpx.MockTransport(handler)  # type: ignore[arg-type]
    return Fetcher(make_client(settings, transport=transport), settings, random=lambda: 0.0)


@pytest.mark.trio
async def test_a_subdomain_with_its_own_limits_gets_its_own_slot() -> None:
    live: dict[str, int] = {"news": 0, "group": 0, "both": 0}
    peak: dict[str, int] = {"news": 0, "group": 0, "both": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        who = "news" if request.url.host == "news.example.com" else "group"
        for key in (who, "both"):
            live[key] += 1
            peak[key] = max(peak[key], live[key])
        await trio.sleep(0.01)
        for key in (who, "both"):
            live[key] -= 1
        return httpx.Response(200)

    settings = FetchSettings(
        retries=0,
        max_concurrency=64,
        host_concurrency=3,
        hosts=(HostSettings("news.example.com", concurrency=1),),
    )
    checker = _mock_fetcher(handler, settings)
    async with trio.open_nursery() as nursery:
        for n in range(6):
            nursery.start_soon(checker.fetch, target(f"https://news.example.com/{n}"))
            nursery.start_soon(checker.fetch, target(f"https://www.example.com/{n}"))
            nursery.start_soon(checker.fetch, target(f"https://blog.example.com/{n}"))
    assert peak["news"] == 1
    assert peak["group"] == 3  # the rest of example.com keeps the global per-host limit
    assert peak["both"] == 4  # two slots, not one


@pytest.mark.trio
async def test_a_patterns_interval_and_the_global_one_stand_apart(
    autojump_clock: trio.testing.MockClock,
) -> None:
    times: dict[str, list[float]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        times.setdefault(request.url.host, []).append(trio.current_time())
        return httpx.Response(200)

    settings = FetchSettings(
        retries=0,
        host_interval=1.0,
        hosts=(
            HostSettings("slow.example.com", interval=3.0),
            HostSettings("one.example.com", concurrency=1),  # the global interval applies
        ),
    )
    checker = _mock_fetcher(handler, settings)
    async with trio.open_nursery() as nursery:
        for n in range(3):
            for host in ("slow.example.com", "one.example.com", "www.example.com", "a.example.org"):
                nursery.start_soon(checker.fetch, target(f"https://{host}/{n}"))
    assert sorted(times["slow.example.com"]) == [0.0, 3.0, 6.0]
    assert sorted(times["one.example.com"]) == [0.0, 1.0, 2.0]
    assert sorted(times["www.example.com"]) == [0.0, 1.0, 2.0]
    assert sorted(times["a.example.org"]) == [0.0, 1.0, 2.0]


@pytest.mark.trio
async def test_a_429_slows_the_patterns_hosts_not_the_group(
    autojump_clock: trio.testing.MockClock,
) -> None:
    log: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        log.append((f"{request.url.host}{request.url.path}", trio.current_time()))
        if request.url.path == "/limited":
            return httpx.Response(429, headers={"Retry-After": "30"})
        return httpx.Response(200)

    settings = FetchSettings(retries=1, hosts=(HostSettings("news.example.com", concurrency=8),))
    checker = _mock_fetcher(handler, settings)
    await checker.fetch(target("https://news.example.com/limited"))
    await checker.fetch(target("https://www.example.com/next"))
    await checker.fetch(target("https://news.example.com/next"))
    assert log == [
        ("news.example.com/limited", 0.0),
        ("news.example.com/limited", 30.0),
        ("www.example.com/next", 30.0),  # the group was not paused
        ("news.example.com/next", 60.0),
    ]
    assert checker._hosts["news.example.com"].limiter.total_tokens == 2  # halved twice
    assert checker._hosts["example.com"].limiter.total_tokens == 8


# Accepted statuses through check_paths ----------------------------------------------------------


def _check(web: FakeWeb, tmp_path: Path, settings: FetchSettings) -> CheckReport:
    article = tmp_path / "a.md"
    article.write_text(
        "[a](https://news.example/forbidden) [b](https://news.example/gone) "
        "[c](https://shop.example/forbidden) [d](https://shop.example/gone) "
        "[e](https://news.example/fine)\n",
        encoding="utf-8",
    )
    return check_paths(
        [str(article)],
        settings=settings,
        transport=transport_for(web, settings),  # type: ignore[arg-type]
        jobs=1,
    )


def _outcomes(report: CheckReport) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for check in report.checks:
        assert check.outcome is not None
        assert check.citation.url is not None
        found[check.citation.url] = check.outcome
    return found


@pytest.fixture
def forbidding(web: FakeWeb) -> FakeWeb:
    for host in ("news.example", "shop.example"):
        web.route(host, "/forbidden", page("Forbidden", "<h1>Forbidden</h1>", 403))
        web.route(host, "/gone", page("Gone", "<h1>Not here</h1>", 404))
    web.route("news.example", "/fine", page("Fine"))
    return web


def test_accepted_statuses_are_ok_only_for_the_configured_host(
    forbidding: FakeWeb, tmp_path: Path
) -> None:
    settings = FetchSettings(
        retries=0, timeout=5.0, hosts=(HostSettings("news.example", accept=frozenset({403, 404})),)
    )
    outcomes = _outcomes(_check(forbidding, tmp_path, settings))
    for path, code in (("forbidden", 403), ("gone", 404)):
        news = outcomes[f"https://news.example/{path}"]
        assert (news.status, news.reason, news.http_status) == ("ok", "accepted", code)
        assert news.detail.startswith(f"HTTP {code} accepted by configuration")
        shop = outcomes[f"https://shop.example/{path}"]
        assert shop.status != "ok"
        assert shop.reason != "accepted"
        assert shop.http_status == code
    fine = outcomes["https://news.example/fine"]
    assert (fine.status, fine.reason) == ("ok", None)


def test_the_global_accept_applies_to_every_host(forbidding: FakeWeb, tmp_path: Path) -> None:
    settings = FetchSettings(retries=0, timeout=5.0, accept=frozenset({403}))
    outcomes = _outcomes(_check(forbidding, tmp_path, settings))
    for host in ("news.example", "shop.example"):
        assert outcomes[f"https://{host}/forbidden"].reason == "accepted"
        assert outcomes[f"https://{host}/forbidden"].status == "ok"
        assert outcomes[f"https://{host}/gone"].status == "dead"


def test_without_accept_nothing_is_accepted(forbidding: FakeWeb, tmp_path: Path) -> None:
    outcomes = _outcomes(_check(forbidding, tmp_path, FetchSettings(retries=0, timeout=5.0)))
    assert {o.reason for o in outcomes.values()}.isdisjoint({"accepted"})
    assert outcomes["https://news.example/gone"].status == "dead"
