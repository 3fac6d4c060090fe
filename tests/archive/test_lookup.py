"""The look-up across archives: order, combination, the memo, never raising."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import trio
import trio.testing

import citecheck.archive as archive
from citecheck.archive import ArchiveResult, Archives, Memo, combine, find_snapshot, headline
from citecheck.archive.lookup import parse_archives
from citecheck.archive.pacing import Pacer
from citecheck.archive.session import Session
from citecheck.cassette import RecordingTransport, ReplayTransport


def test_parse_archives_keeps_order_and_refuses_unknown_names() -> None:
    assert parse_archives("memento, wayback,memento") == ("memento", "wayback")
    with pytest.raises(ValueError, match="unknown archive 'archive-is'"):
        parse_archives("wayback,archive-is")
    with pytest.raises(ValueError, match="at least one"):
        parse_archives(" , ")


def test_could_not_tell_outranks_no_copy() -> None:
    results = [
        ArchiveResult("not-archived", "wayback: none"),
        ArchiveResult("archive-unavailable", "archive-today: CAPTCHA"),
        ArchiveResult("archive-excluded", "memento: x"),
    ]
    combined = combine(results)
    assert combined.status == "archive-unavailable"
    assert combined.detail.startswith("archive-today: CAPTCHA; wayback: none")
    after = ArchiveResult("archived-after", "a", "u", "2020-01-01T00:00:00Z", "memento")
    assert combine([*results, after]).status == "archived-after"
    assert combine([]).status == "archive-unavailable"


def test_json_fields_and_the_dead_headline() -> None:
    found = ArchiveResult("archived", "d", "https://w/1", "2017-11-24T15:13:15Z", "wayback")
    assert found.to_json() == {
        "status": "archived",
        "url": "https://w/1",
        "timestamp": "2017-11-24T15:13:15Z",
        "source": "wayback",
        "detail": "d",
    }
    assert headline("dead", found) == "dead, archived copy available"
    assert headline("ok", found) is None
    assert headline("dead", ArchiveResult("not-archived", "none")) is None


def test_public_names() -> None:
    for name in archive.__all__:
        assert getattr(archive, name) is not None
    assert set(archive.ARCHIVE_STATUSES) == {
        "archived",
        "archived-after",
        "not-archived",
        "archive-excluded",
        "archive-unavailable",
    }


@pytest.mark.trio
async def test_asking_stops_at_the_first_archived_answer(
    replay: Any, autojump_clock: trio.testing.MockClock
) -> None:
    session, transport = replay("handbuilt/cdx_json_lookup.yaml")
    result = await Archives(session).find("archive.org", cited=date(1997, 12, 31))
    assert result.status == "archived"
    assert result.source == "wayback"
    assert all(r.url.host == "web.archive.org" for r in transport.requests)


@pytest.mark.trio
async def test_the_next_archive_is_asked_when_one_cannot_tell(
    replay: Any, autojump_clock: trio.testing.MockClock
) -> None:
    session, _ = replay("handbuilt/archive_today.yaml")  # no Wayback answers: misses
    url = "https://www.wired.com/story/pig-butchering-fbi-ic3-2022-report/"
    result = await Archives(session, archives=("wayback", "archive-today")).find(
        url, cited=date(2023, 3, 11)
    )
    assert result.status == "archived"
    assert result.source == "archive-today"
    assert result.timestamp == "2023-03-11T15:24:40Z"
    assert "wayback: CDX:" in result.detail
    assert "handbuilt/archive_today.yaml" in result.detail


@pytest.mark.trio
async def test_failures_never_raise_and_never_read_as_not_archived(
    autojump_clock: trio.testing.MockClock,
) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    client = httpx.AsyncClient(transport=httpx.MockTransport(down))
    result = await find_snapshot(
        Session(client, Pacer()),
        "https://a.example/",
        cited=None,
        article=date(2024, 1, 1),
        archives=("wayback", "archive-today", "memento"),
    )
    assert result.status == "archive-unavailable"
    assert "wayback:" in result.detail
    assert "archive-today:" in result.detail
    assert "memento:" in result.detail


@pytest.mark.trio
async def test_the_memo_asks_once_per_url_and_date(
    replay: Any, autojump_clock: trio.testing.MockClock
) -> None:
    session, transport = replay("handbuilt/cdx_json_lookup.yaml")
    archives = Archives(session, memo=Memo())
    async with trio.open_nursery() as nursery:
        for _ in range(3):
            nursery.start_soon(lambda: archives.find("archive.org", cited=date(1997, 12, 31)))
    again = await archives.find("archive.org", cited=None, article=date(1997, 12, 31))
    assert again.status == "archived"
    assert len(transport.requests) == 2  # one CDX query, one replay


@pytest.mark.trio
async def test_could_not_tell_is_not_memoised(autojump_clock: trio.testing.MockClock) -> None:
    calls: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(503)

    session = Session(httpx.AsyncClient(transport=httpx.MockTransport(down)), Pacer())
    archives = Archives(session, archives=("memento",))
    first = await archives.find("https://a.example/")
    second = await archives.find("https://a.example/")
    assert first.status == second.status == "archive-unavailable"
    assert len(calls) == 2


@pytest.mark.trio
async def test_a_recorded_run_replays_offline_to_the_same_result(
    tmp_path: Path, cassettes: Path, autojump_clock: trio.testing.MockClock
) -> None:
    # "Live" archives: the hand-built answers, behind a recording transport.
    live = ReplayTransport(cassettes / "handbuilt" / "capture_after_only.yaml")
    path = tmp_path / "run.yaml"
    recorder = RecordingTransport(live, path)
    async with httpx.AsyncClient(transport=recorder) as client:
        first = await Archives(Session(client, Pacer()), archives=("wayback",)).find(
            "https://news.example/late", cited=date(2020, 1, 31)
        )
    async with httpx.AsyncClient(transport=ReplayTransport(path)) as client:
        again = await Archives(Session(client, Pacer()), archives=("wayback",)).find(
            "https://news.example/late", cited=date(2020, 1, 31)
        )
    assert first.status == "archived-after"
    assert again == first
