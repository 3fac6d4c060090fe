"""archive.today's TimeMap and the Memento aggregator's Time Travel JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from citecheck.archive import archive_today, memento, timemap
from citecheck.cassette import load

WIRED = "https://www.wired.com/story/pig-butchering-fbi-ic3-2022-report/"


def test_timemap_links_with_commas_in_dates_and_self_last(cassettes: Path) -> None:
    text = load(cassettes / "handbuilt" / "archive_today.yaml")[0].body.decode()
    links = list(timemap.links(text))
    assert [sorted(link.rels) for link in links] == [
        ["original"],
        ["timegate"],
        ["first", "memento"],
        ["last", "memento"],
        ["self"],
    ]
    assert links[-1].params["until"] == "Sat, 11 Mar 2023 15:24:40 GMT"
    captures = timemap.captures(text, "archive-today")
    assert [c.when for c in captures] == [
        datetime(2023, 3, 10, 2, 3, 48, tzinfo=UTC),
        datetime(2023, 3, 11, 15, 24, 40, tzinfo=UTC),
    ]
    assert all(c.original == WIRED and c.status is None for c in captures)


def test_a_single_capture_timemap_says_first_last_memento() -> None:
    text = (
        '<http://archive.md/2023/x>; rel="first last memento"; '
        'datetime="Fri, 10 Mar 2023 02:03:48 GMT"'
    )
    (one,) = timemap.captures(text, "archive-today")
    assert one.url == "http://archive.md/2023/x"


@pytest.mark.trio
async def test_archive_today_before_the_cited_date(replay: Any) -> None:
    session, _ = replay("handbuilt/archive_today.yaml")
    result = await archive_today.lookup(session, WIRED, date(2023, 3, 10))
    assert result.status == "archived"
    assert result.source == "archive-today"
    assert result.timestamp == "2023-03-10T02:03:48Z"
    assert result.url == "http://archive.md/20230310020348/" + WIRED


@pytest.mark.trio
async def test_archive_today_only_after_the_cited_date(replay: Any) -> None:
    session, _ = replay("handbuilt/archive_today.yaml")
    result = await archive_today.lookup(session, WIRED, date(2023, 1, 1))
    assert result.status == "archived-after"
    assert result.timestamp == "2023-03-10T02:03:48Z"


@pytest.mark.trio
async def test_archive_today_miss_is_not_archived(replay: Any) -> None:
    session, _ = replay("handbuilt/archive_today.yaml")
    result = await archive_today.lookup(session, "https://news.example/never", None)
    assert result.status == "not-archived"


@pytest.mark.trio
async def test_archive_today_captcha_is_unavailable(replay: Any, autojump_clock: Any) -> None:
    session, _ = replay("handbuilt/archive_today.yaml")
    result = await archive_today.lookup(session, "https://news.example/captcha", None)
    assert result.status == "archive-unavailable"
    assert "HTTP 429" in result.detail


def test_time_travel_json_slots(cassettes: Path) -> None:
    text = load(cassettes / "handbuilt" / "timetravel.yaml")[0].body.decode()
    captures = memento.parse(text)
    assert len(captures) == 5
    assert {c.source for c in captures} == {"memento"}
    closest = next(c for c in captures if c.when == datetime(2013, 1, 1, 12, 16, 43, tzinfo=UTC))
    assert closest.url == "http://web.archive.org/web/20130101121643/http://lib.ugent.be/"
    with pytest.raises(memento.TimeTravelFormatError):
        memento.parse('{"no": "mementos"}')


@pytest.mark.trio
async def test_memento_aggregator_gives_the_memento_before_the_date(replay: Any) -> None:
    session, _ = replay("handbuilt/timetravel.yaml")
    result = await memento.lookup(session, "http://lib.ugent.be", date(2013, 12, 31))
    assert result.status == "archived"
    assert result.source == "memento"
    assert result.timestamp == "2013-01-06T10:51:03Z"  # `next` is still before the bound
    assert result.url == "http://web.archive.org/web/20130106105103/http://lib.ugent.be/"


@pytest.mark.trio
async def test_memento_aggregator_404_is_not_archived(replay: Any) -> None:
    session, _ = replay("handbuilt/timetravel.yaml")
    result = await memento.lookup(session, "https://news.example/never", date(2013, 12, 31))
    assert result.status == "not-archived"
