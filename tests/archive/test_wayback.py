"""The Wayback Machine look-up, replayed from the EDGI recordings and hand-built cassettes:
every trap in ../shared/fixtures/archive/README.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import trio
import trio.testing

from citecheck.archive import cdx, wayback
from citecheck.archive.model import Capture
from citecheck.archive.pacing import Pacer
from citecheck.archive.session import Session, Unavailable

Replay = Callable[..., tuple[Session, Any]]

FWS = "https://www.fws.gov/birds/"


def capture(stamp: str, original: str) -> Capture:
    when = cdx.parse_timestamp(stamp)
    assert when is not None
    return Capture(when, original, "wayback", 200)


# Replay confirmation ---------------------------------------------------------------------------


@pytest.mark.trio
async def test_a_memento_is_confirmed_by_its_memento_datetime(replay: Replay) -> None:
    session, _ = replay("edgi-wayback/test_get_memento.yaml")
    verdict = await wayback.confirm(session, capture("20171124151315", FWS))
    assert isinstance(verdict, wayback.Confirmed)
    assert verdict.capture.when == datetime(2017, 11, 24, 15, 13, 15, tzinfo=UTC)
    assert verdict.capture.url == "https://web.archive.org/web/20171124151315/" + FWS


@pytest.mark.trio
async def test_replay_sends_an_identifying_user_agent(replay: Replay) -> None:
    session, transport = replay("edgi-wayback/test_get_memento.yaml")
    await wayback.confirm(session, capture("20171124151315", FWS))
    agent = transport.requests[0].headers["user-agent"]
    assert agent.startswith("citecheck/")
    assert "+http" in agent


@pytest.mark.trio
async def test_an_excluded_site_answers_200_without_memento_datetime(replay: Replay) -> None:
    session, _ = replay("edgi-wayback/test_get_memento_raises_blocked_error.yaml")
    with pytest.raises(wayback.Excluded, match="excluded from the Wayback Machine"):
        await wayback.confirm(
            session, capture("20170929002712", "https://nationalpost.com/health/")
        )


@pytest.mark.trio
async def test_a_plain_200_without_memento_datetime_is_not_a_memento(mock: Any) -> None:
    session = mock(lambda request: httpx.Response(200, text="<html>hello</html>"))
    with pytest.raises(Unavailable, match="not a memento"):
        await wayback.confirm(session, capture("20200101000000", "https://a.example/"))


@pytest.mark.trio
async def test_a_404_from_replay_rejects_the_capture(replay: Replay) -> None:
    session, _ = replay("edgi-wayback/test_get_memento_raises_no_memento_error.yaml")
    verdict = await wayback.confirm(
        session, capture("20170929002712", "https://this-is-not-real-url.whatever/")
    )
    assert isinstance(verdict, wayback.Rejected)
    assert "HTTP 404" in verdict.reason


@pytest.mark.trio
async def test_an_archived_429_is_a_record_not_the_archive_rate_limiting(replay: Replay) -> None:
    pacer = Pacer()
    session, transport = replay(
        "edgi-wayback/test_get_memento_works_on_archived_rate_limit_responses.yaml", pacer=pacer
    )
    verdict = await wayback.confirm(
        session, capture("20150129034904", "http://www.reddit.com/r/PokemonGiveaway")
    )
    assert isinstance(verdict, wayback.Rejected)
    assert "archived HTTP 429" in verdict.reason
    assert pacer.pauses == 0  # nothing paused, nothing retried
    assert pacer.paused_until == 0.0
    assert len(transport.requests) == 1


@pytest.mark.trio
async def test_a_historical_redirect_is_not_followed(replay: Replay) -> None:
    session, transport = replay(
        "edgi-wayback/test_get_memento_follow_redirects_does_not_follow_historical_redirects.yaml"
    )
    verdict = await wayback.confirm(
        session, capture("20200201020357", "http://epa.gov/climatechange")
    )
    assert isinstance(verdict, wayback.Rejected)
    assert "archived HTTP 301 redirect" in verdict.reason
    assert "signpost/cc.html" in verdict.reason
    assert len(transport.requests) == 2  # the archive's 302 was followed, the page's 301 not


@pytest.mark.trio
async def test_a_path_based_archived_redirect_is_rejected_at_once(replay: Replay) -> None:
    session, transport = replay("edgi-wayback/test_get_memento_with_path_based_redirects.yaml")
    url = "https://www.whitehouse.gov/administration/eop/ostp/about/student/faqs"
    verdict = await wayback.confirm(session, capture("20201027215555", url))
    assert isinstance(verdict, wayback.Rejected)
    assert "HTTP 301" in verdict.reason
    assert len(transport.requests) == 1


@pytest.mark.trio
async def test_a_302_outside_the_window_reports_the_real_capture_after(replay: Replay) -> None:
    session, _ = replay(
        "handbuilt/cdx_for_edgi_replays.yaml",
        "edgi-wayback/test_get_memento_raises_when_memento_is_outside_target_window.yaml",
        "edgi-wayback/test_get_memento.yaml",
    )
    result = await wayback.lookup(session, FWS, date(2017, 11, 10))
    assert result.status == "archived-after"
    assert result.timestamp == "2017-11-24T15:13:15Z"  # the capture served, not the one listed
    assert result.url == "https://web.archive.org/web/20171124151315/" + FWS


@pytest.mark.trio
async def test_a_non_playbackable_capture_is_followed_to_the_one_served(replay: Replay) -> None:
    session, _ = replay(
        "edgi-wayback/test_get_memento_should_fail_for_non_playbackable_mementos.yaml",
        "handbuilt/replay_nearest_capture.yaml",
    )
    verdict = await wayback.confirm(session, capture("20150509080314", FWS))
    assert isinstance(verdict, wayback.Confirmed)
    assert verdict.capture.when == datetime(2015, 5, 3, 9, 1, 25, tzinfo=UTC)
    assert verdict.capture.original == "http://www.fws.gov/birds/"


@pytest.mark.trio
async def test_an_unmatched_request_under_replay_is_unavailable_naming_the_cassette(
    replay: Replay,
) -> None:
    session, _ = replay(
        "edgi-wayback/test_get_memento_should_fail_for_non_playbackable_mementos.yaml"
    )
    with pytest.raises(Unavailable, match="test_get_memento_should_fail_for_non_playbackable"):
        await wayback.confirm(session, capture("20150509080314", FWS))


# The CDX index ---------------------------------------------------------------------------------


@pytest.mark.trio
async def test_a_blocked_site_403_from_cdx_is_excluded(replay: Replay) -> None:
    session, _ = replay("edgi-wayback/test_search_raises_for_blocked_urls.yaml")
    params = {
        "url": "https://nationalpost.com/health",
        "limit": "1000",
        "from": "20191001000000",
        "to": "20191002000000",
        "showResumeKey": "true",
        "resolveRevisits": "true",
    }
    with pytest.raises(wayback.Excluded, match="Blocked Site Error"):
        await wayback.search(session, params)


@pytest.mark.trio
async def test_resume_keys_are_followed_page_by_page(replay: Replay, autojump_clock: Any) -> None:
    session, transport = replay("edgi-wayback/test_search_multipage.yaml")
    params = {
        "url": "cnn.com",
        "limit": "25",
        "from": "20010410000000",
        "to": "20010510000000",
        "showResumeKey": "true",
        "resolveRevisits": "true",
    }
    started = trio.current_time()
    page = await wayback.search(session, params, max_pages=20)
    assert len(transport.requests) == 15
    assert page.resume_key is None
    assert len(page.captures) > 300
    # 15 CDX requests at 80% of 30 a minute: 2.5 s apart.
    assert trio.current_time() - started == pytest.approx(14 * 2.5)


@pytest.mark.trio
async def test_json_resume_key_is_sent_back(replay: Replay, autojump_clock: Any) -> None:
    session, transport = replay("handbuilt/cdx_json_resume_key.yaml")
    params = {"url": "archive.org", "limit": "5", "showResumeKey": "true", "output": "json"}
    page = await wayback.search(session, params, max_pages=3)
    assert len(page.captures) == 5
    assert transport.requests[1].url.params["resumeKey"] == (
        "org%2Carchive%29%2F+19980109140106%21"
    )


# Whole look-ups --------------------------------------------------------------------------------


@pytest.mark.trio
async def test_lookup_finds_the_capture_before_the_cited_date(replay: Replay) -> None:
    session, _ = replay("handbuilt/cdx_json_lookup.yaml")
    result = await wayback.lookup(session, "archive.org", date(1997, 12, 31))
    assert result.status == "archived"
    assert result.source == "wayback"
    assert result.timestamp == "1997-12-11T12:29:53Z"
    assert result.url == "https://web.archive.org/web/19971211122953/http://www.archive.org:80/"


@pytest.mark.trio
async def test_lookup_flags_a_capture_after_the_cited_date(
    replay: Replay, autojump_clock: Any
) -> None:
    session, _ = replay("handbuilt/capture_after_only.yaml")
    result = await wayback.lookup(session, "https://news.example/late", date(2020, 1, 31))
    assert result.status == "archived-after"
    assert result.timestamp == "2020-03-15T08:00:00Z"


@pytest.mark.trio
async def test_a_capture_of_a_not_found_page_does_not_count(replay: Replay) -> None:
    session, _ = replay("handbuilt/soft404_capture.yaml")
    result = await wayback.lookup(session, "https://news.example/gone", date(2023, 6, 30))
    assert result.status == "not-archived"
    assert "not-found page" in result.detail
    assert "Page Not Found" in result.detail


@pytest.mark.trio
async def test_lookup_of_an_excluded_site(replay: Replay) -> None:
    session, _ = replay(
        "handbuilt/cdx_for_edgi_replays.yaml",
        "edgi-wayback/test_get_memento_raises_blocked_error.yaml",
    )
    result = await wayback.lookup(session, "https://nationalpost.com/health/", date(2017, 10, 1))
    assert result.status == "archive-excluded"
    assert result.url is None


@pytest.mark.trio
async def test_lookup_with_only_an_archived_429_is_not_archived(replay: Replay) -> None:
    session, _ = replay(
        "handbuilt/cdx_for_edgi_replays.yaml",
        "edgi-wayback/test_get_memento_works_on_archived_rate_limit_responses.yaml",
    )
    url = "http://www.reddit.com/r/PokemonGiveaway"
    result = await wayback.lookup(session, url, date(2015, 1, 31))
    assert result.status == "not-archived"
    assert "archived HTTP 429" in result.detail


@pytest.mark.trio
async def test_lookup_with_only_a_historical_redirect_is_not_archived(replay: Replay) -> None:
    session, _ = replay(
        "handbuilt/cdx_for_edgi_replays.yaml",
        "edgi-wayback/test_get_memento_follow_redirects_does_not_follow_historical_redirects.yaml",
    )
    result = await wayback.lookup(session, "http://epa.gov/climatechange", date(2020, 2, 15))
    assert result.status == "not-archived"
    assert "historical redirect" in result.detail


@pytest.mark.trio
async def test_an_archive_429_pauses_everything_for_its_retry_after(
    replay: Replay, autojump_clock: trio.testing.MockClock
) -> None:
    pacer = Pacer()
    session, transport = replay("handbuilt/cdx_429_then_ok.yaml", pacer=pacer)
    started = trio.current_time()
    result = await wayback.lookup(session, "https://news.example/2024/story", date(2024, 3, 31))
    assert result.status == "archived"
    assert pacer.pauses == 1
    assert len(transport.requests) == 3  # CDX 429, CDX again after the pause, replay
    assert trio.current_time() - started >= 30.0


@pytest.mark.trio
async def test_an_empty_availability_answer_is_not_trusted(
    replay: Replay, autojump_clock: Any
) -> None:
    session, transport = replay("handbuilt/availability_empty_but_archived.yaml")
    url = "http://address.com/some_disappeared_but_archived_image.jpg"
    result = await wayback.lookup(session, url, date(1994, 2, 15))
    assert result.status == "archive-unavailable"
    assert "does not mean not archived" in result.detail
    assert "HTTP 503" in result.detail
    assert len(transport.requests) == 3  # CDX, Availability, Availability without the scheme


@pytest.mark.trio
async def test_an_https_prefix_miss_is_retried_without_the_scheme(
    replay: Replay, autojump_clock: Any
) -> None:
    session, _ = replay("handbuilt/availability_https_prefix_miss.yaml")
    url = "https://www.reddit.com/r/duckduckgo/"
    result = await wayback.lookup(session, url, date(2025, 9, 20))
    assert result.status == "archived"
    assert result.timestamp == "2025-09-01T12:00:00Z"
    assert "Availability" in result.detail


@pytest.mark.trio
async def test_network_failures_are_unavailable_never_not_archived(
    mock: Any, autojump_clock: Any
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    result = await wayback.lookup(mock(refuse), "https://a.example/", None)
    assert result.status == "archive-unavailable"
    assert "CDX: web.archive.org: " in result.detail
    assert "Availability: archive.org: " in result.detail


@pytest.mark.trio
async def test_a_request_time_limit_is_unavailable(
    mock: Any, autojump_clock: trio.testing.MockClock
) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await trio.sleep(1000)
        raise AssertionError("not reached")

    session = Session(httpx.AsyncClient(transport=httpx.MockTransport(hang)), Pacer(), timeout=5)
    with pytest.raises(Unavailable, match="within 5 s"):
        await session.get("cdx", cdx.CDX_URL)
