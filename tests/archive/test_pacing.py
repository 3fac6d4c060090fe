"""Pacing at 80% of the archives' published limits, and the pause after a 429, on trio's
mock clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import trio
import trio.testing

from citecheck.archive.pacing import Pacer, retry_after
from citecheck.archive.session import Unavailable


def test_intervals_are_80_percent_of_the_published_limits() -> None:
    pacer = Pacer()
    assert pacer.interval("cdx") == pytest.approx(2.5)  # 30 a minute -> 24 a minute
    assert pacer.interval("replay") == pytest.approx(0.125)  # 600 a minute -> 480
    assert Pacer({"cdx": 60.0}, share=0.5).interval("cdx") == pytest.approx(2.0)


@pytest.mark.trio
async def test_requests_to_one_service_are_spaced(autojump_clock: trio.testing.MockClock) -> None:
    pacer = Pacer()
    starts: list[float] = []
    for _ in range(3):
        await pacer.wait("cdx")
        starts.append(trio.current_time())
    assert [b - a for a, b in itertools.pairwise(starts)] == pytest.approx([2.5, 2.5])


@pytest.mark.trio
async def test_services_are_paced_apart(autojump_clock: trio.testing.MockClock) -> None:
    pacer = Pacer()
    start = trio.current_time()
    await pacer.wait("cdx")
    await pacer.wait("replay")
    await pacer.wait("archive-today")
    assert trio.current_time() == start  # each service's first request goes at once


@pytest.mark.trio
async def test_a_429_pauses_every_service(autojump_clock: trio.testing.MockClock) -> None:
    pacer = Pacer()
    start = trio.current_time()
    pacer.pause(30.0)
    await pacer.wait("replay")
    assert trio.current_time() - start == pytest.approx(30.0)
    pacer.pause(None)
    await pacer.wait("memento")
    assert trio.current_time() - start == pytest.approx(90.0)  # the default minute


@pytest.mark.trio
async def test_a_pause_that_arrives_while_waiting_holds_the_waiter(
    autojump_clock: trio.testing.MockClock,
) -> None:
    pacer = Pacer()
    await pacer.wait("cdx")
    start = trio.current_time()
    done: list[float] = []

    async def waiter() -> None:
        await pacer.wait("cdx")  # its turn is at +2.5 s
        done.append(trio.current_time() - start)

    async with trio.open_nursery() as nursery:
        nursery.start_soon(waiter)
        await trio.sleep(1.0)
        pacer.pause(20.0)  # until +21 s
    assert done == [pytest.approx(21.0)]


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Thu, 01 Jan 2026 12:01:30 GMT", now) == 90.0
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


@pytest.mark.trio
async def test_a_retry_after_too_long_stops_archive_traffic_for_the_run(
    mock: Any, autojump_clock: trio.testing.MockClock
) -> None:
    seen: list[str] = []

    def limited(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(429, headers={"Retry-After": "3600"})

    pacer = Pacer()
    session = mock(limited, pacer=pacer)
    with pytest.raises(Unavailable, match="3600"):
        await session.get("cdx", "https://web.archive.org/cdx/search/cdx")
    with pytest.raises(Unavailable, match="no more archive requests"):
        await session.get("replay", "https://web.archive.org/web/2020id_/https://a.example/")
    assert len(seen) == 1
    assert pacer.closed is not None
