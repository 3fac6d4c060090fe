"""One test per outcome code, against real servers on 127.0.0.1 reached through the checker's
own transport, pool, connect-time guard and (for named hosts) a fake resolver.

Nothing here leaves the machine: `fakeweb.Loopback`, the innermost network backend, fails the
test if asked to connect outside 127.0.0.0/8.
"""

from __future__ import annotations

import socket

import fakeweb
import pytest
from fakeweb import FakeWeb, fetcher_for, page

from citecheck.model import Target
from citecheck.settings import FetchSettings
from citecheck.targets import normalise


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


async def fetch(web: FakeWeb, url: str, settings: FetchSettings | None = None, **options: object):
    async with fetcher_for(web, settings, **options) as fetcher:  # type: ignore[arg-type]
        return (await fetcher.fetch(target(url))).outcome


@pytest.mark.trio
async def test_ok(web: FakeWeb) -> None:
    web.route("news.example", "/a", page("Budget passes"))
    outcome = await fetch(web, "https://news.example/a")
    assert (outcome.status, outcome.http_status) == ("ok", 200)
    assert [s.method for s in web.seen] == ["HEAD"]  # a HEAD was enough
    assert web.seen[0].tls
    assert web.seen[0].headers["User-Agent"].startswith("citecheck/")


@pytest.mark.trio
async def test_redirected_with_a_suggestion_for_a_permanent_redirect(web: FakeWeb) -> None:
    web.route("news.example", "/old", (301, {"Location": "/new"}, b""))
    web.route("news.example", "/new", page("Moved story"))
    outcome = await fetch(web, "http://news.example/old")
    assert outcome.status == "redirected"
    assert outcome.final_url == "http://news.example/new"
    assert [(hop.url, hop.status) for hop in outcome.redirects] == [
        ("http://news.example/old", 301)
    ]
    assert outcome.suggested_url == "http://news.example/new"


@pytest.mark.trio
async def test_dead_404_confirmed_with_get(web: FakeWeb) -> None:
    outcome = await fetch(web, "https://news.example/gone")
    assert (outcome.status, outcome.http_status) == ("dead", 404)
    assert [s.method for s in web.seen] == ["HEAD", "GET"]


@pytest.mark.trio
async def test_dead_410(web: FakeWeb) -> None:
    web.route("news.example", "/removed", page("Gone", status=410))
    outcome = await fetch(web, "https://news.example/removed")
    assert (outcome.status, outcome.http_status) == ("dead", 410)


@pytest.mark.trio
async def test_dead_for_a_host_that_does_not_exist(web: FakeWeb) -> None:
    outcome = await fetch(web, "https://no-such-host.example/")
    assert (outcome.status, outcome.reason) == ("dead", "nxdomain")
    assert outcome.http_status is None


@pytest.mark.trio
@pytest.mark.parametrize(
    ("route", "why"),
    [
        ((302, {"Location": "https://news.example/"}, b""), "home page"),
        ((302, {"Location": "/404.html"}, b""), "not-found page"),
        (page("Page not found – News Example"), "Page not found"),
        (page("新聞網", "<h1>找不到網頁</h1>"), "找不到網頁"),
        (page("新闻", "<div>抱歉，页面不存在</div>"), "页面不存在"),
    ],
)
async def test_soft_404(web: FakeWeb, route: fakeweb.Answer, why: str) -> None:
    web.route("news.example", "/2021/story", route)
    web.route("news.example", "/", page("News Example"))
    web.route("news.example", "/404.html", page("Oops"))
    settings = FetchSettings(retries=0, timeout=2.0, method="get")
    outcome = await fetch(web, "https://news.example/2021/story", settings)
    assert outcome.status == "soft-404"
    assert why in outcome.detail


@pytest.mark.trio
async def test_head_then_get_reads_a_not_found_page_behind_a_refused_head(web: FakeWeb) -> None:
    def story(seen: fakeweb.Seen) -> fakeweb.Answer:
        if seen.method == "HEAD":
            return 405, {}, b""
        return page("404 Not Found")

    web.route("news.example", "/x", story)
    outcome = await fetch(web, "https://news.example/x")
    assert outcome.status == "soft-404"
    assert [s.method for s in web.seen] == ["HEAD", "GET"]


@pytest.mark.trio
@pytest.mark.parametrize(
    ("route", "evidence"),
    [
        (page("Just a moment...", status=403, **{"cf-mitigated": "challenge"}), "cf-mitigated"),
        (page("Blocked", status=403, **{"x-datadome": "protected"}), "DataDome"),
        (page("Access", '<div id="px-captcha"></div>', status=403), "PerimeterX"),
        (page("Access Denied", "Reference #18", status=403, Server="AkamaiGHost"), "Akamai"),
        ((999, {}, b""), "LinkedIn"),
    ],
)
async def test_blocked_with_evidence(web: FakeWeb, route: fakeweb.Answer, evidence: str) -> None:
    web.route("shop.example", "/item", route)
    outcome = await fetch(web, "https://shop.example/item")
    assert outcome.status == "blocked"
    assert evidence in outcome.detail


@pytest.mark.trio
async def test_rate_limited(web: FakeWeb) -> None:
    web.route("shop.example", "/busy", (429, {"Retry-After": "1"}, b""))
    outcome = await fetch(web, "https://shop.example/busy")
    assert (outcome.status, outcome.http_status) == ("rate-limited", 429)
    assert "Retry-After: 1" in outcome.detail


@pytest.mark.trio
@pytest.mark.parametrize(
    ("host", "status"),
    [("paper.example", 401), ("paper.example", 402), ("www.nytimes.com", 403)],
)
async def test_paywalled(web: FakeWeb, host: str, status: int) -> None:
    web.route(host, "/2025/story", page("Subscribe", status=status))
    outcome = await fetch(web, f"https://{host}/2025/story")
    assert (outcome.status, outcome.http_status) == ("paywalled", status)


@pytest.mark.trio
async def test_plain_403_elsewhere_is_blocked_not_paywalled(web: FakeWeb) -> None:
    web.route("paper.example", "/story", page("Forbidden", status=403))
    outcome = await fetch(web, "https://paper.example/story")
    assert outcome.status == "blocked"
    assert "no bot-protection marker" in outcome.detail


@pytest.mark.trio
async def test_server_error(web: FakeWeb) -> None:
    web.route("news.example", "/broken", page("Error", status=500))
    outcome = await fetch(web, "https://news.example/broken")
    assert (outcome.status, outcome.http_status) == ("server-error", 500)


@pytest.mark.trio
async def test_timeout(web: FakeWeb) -> None:
    web.route("slow.example", "/", "hang")
    outcome = await fetch(web, "https://slow.example/", FetchSettings(retries=0, timeout=0.3))
    assert (outcome.status, outcome.reason) == ("timeout", "timeout")


@pytest.mark.trio
async def test_unreachable_refused(web: FakeWeb) -> None:
    port = fakeweb.closed_port()
    outcome = await fetch(
        web,
        "https://closed.example/",
        extra={(fakeweb.PUBLIC["closed.example"], 443): ("127.0.0.1", port)},
    )
    assert (outcome.status, outcome.reason) == ("unreachable", "refused")


@pytest.mark.trio
async def test_unreachable_reset(web: FakeWeb) -> None:
    web.route("news.example", "/reset", "reset")
    outcome = await fetch(web, "http://news.example/reset")
    assert outcome.status == "unreachable"
    assert outcome.reason in ("reset", "closed")


@pytest.mark.trio
async def test_unreachable_closed_without_an_answer(web: FakeWeb) -> None:
    web.route("news.example", "/drop", "drop")
    outcome = await fetch(web, "http://news.example/drop")
    assert (outcome.status, outcome.reason) == ("unreachable", "closed")


@pytest.mark.trio
async def test_unreachable_tls_certificate_not_trusted(web: FakeWeb) -> None:
    settings = FetchSettings(retries=0, timeout=2.0)
    from citecheck.fetch import GuardedBackend, PoolTransport, make_client, ssl_context

    context = ssl_context()  # the test CA is NOT trusted here
    backend = GuardedBackend(resolver=fakeweb.resolver(), inner=fakeweb.Loopback(web))
    transport = PoolTransport(settings, backend=backend, context=context)
    from citecheck.fetch import Fetcher

    async with make_client(settings, transport=transport) as client:
        outcome = (await Fetcher(client, settings).fetch(target("https://news.example/"))).outcome
    assert (outcome.status, outcome.reason) == ("unreachable", "tls-certificate")
    assert "certificate" in outcome.detail


@pytest.mark.trio
async def test_refused_private_redirect_to_loopback_and_metadata(web: FakeWeb) -> None:
    web.route("news.example", "/to-loopback", (302, {"Location": "http://127.0.0.1:9/"}, b""))
    web.route(
        "news.example", "/to-metadata", (302, {"Location": "http://169.254.169.254/latest"}, b"")
    )
    loopback = fakeweb.Loopback(web)
    for path in ("/to-loopback", "/to-metadata"):
        outcome = await fetch(web, f"https://news.example{path}", loopback=loopback)
        assert (outcome.status, outcome.reason) == ("refused-private", "private-address")
        assert len(outcome.redirects) == 1
    assert all(host == fakeweb.PUBLIC["news.example"] for host, _ in loopback.connected)


@pytest.mark.trio
async def test_refused_private_dns_answer_checked_at_connect_time(web: FakeWeb) -> None:
    loopback = fakeweb.Loopback(web)
    dns = {"rebind.example": ["93.184.215.30", "10.0.0.7"]}  # one public, one private answer
    outcome = await fetch(web, "https://rebind.example/", dns=dns, loopback=loopback)
    assert outcome.status == "refused-private"
    assert "10.0.0.7" in outcome.detail
    assert loopback.connected == []  # nothing was connected to


@pytest.mark.trio
async def test_allow_private_lifts_the_guard(web: FakeWeb) -> None:
    web.route("127.0.0.1", "/local", page("Intranet"))
    settings = FetchSettings(retries=0, timeout=2.0, allow_private=True)
    outcome = await fetch(web, f"http://127.0.0.1:{web.http_port}/local", settings)
    assert outcome.status == "ok"


@pytest.mark.trio
async def test_credentials_do_not_follow_a_redirect_to_another_host(web: FakeWeb) -> None:
    web.route("news.example", "/private", (302, {"Location": "https://other.example/x"}, b""))
    web.route("other.example", "/x", page("Elsewhere"))
    outcome = await fetch(web, "https://alice:s3cret@news.example/private")
    assert outcome.status == "redirected"
    first, second = web.seen
    assert first.headers.get("Authorization", "").startswith("Basic ")
    assert "Authorization" not in second.headers
    shown = str(outcome)
    assert "s3cret" not in shown
    assert "alice" not in shown


@pytest.mark.trio
async def test_dns_lookup_failure_is_unreachable(web: FakeWeb) -> None:
    dns = {"flaky.example": socket.gaierror(socket.EAI_AGAIN, "Temporary failure")}
    outcome = await fetch(web, "https://flaky.example/", dns=dns)
    assert (outcome.status, outcome.reason) == ("unreachable", "dns")
