"""Archive look-ups in the cache: stored under the caller's key, served for `ttl["archive"]`."""

from __future__ import annotations

import pytest

from citecheck.archive.model import ArchiveResult
from citecheck.cache import DAY, DEFAULT_TTL

RESULTS = [
    ArchiveResult(
        "archived",
        "wayback: 3 captures before 2020-01-01",
        url="https://web.archive.org/web/20191231000000/https://a.example/",
        timestamp="2019-12-31T00:00:00Z",
        source="wayback",
    ),
    ArchiveResult(
        "archived-after",
        "only later",
        "https://archive.ph/x",
        "2021-01-01T00:00:00Z",
        "archive-today",
    ),
    ArchiveResult("not-archived", "no archive has it"),
    ArchiveResult("archive-excluded", "the site asked not to be archived", source="memento"),
]


@pytest.mark.parametrize("result", RESULTS, ids=lambda r: r.status)
def test_archive_results_round_trip_exactly(open_cache, result) -> None:
    cache = open_cache()
    cache.record_archives([("wayback|https://a.example/|2020-01-01", result)])
    assert cache.archive_many(["wayback|https://a.example/|2020-01-01", "other"]) == {
        "wayback|https://a.example/|2020-01-01": result
    }


def test_an_unavailable_archive_is_not_an_answer_to_keep(open_cache) -> None:
    cache = open_cache()
    cache.record_archives(
        [("k1", ArchiveResult("archive-unavailable", "wayback timed out")), ("k2", RESULTS[2])]
    )
    assert cache.archive_many(["k1", "k2"]) == {"k2": RESULTS[2]}
    assert cache.stats().archives == 1


def test_archive_results_are_served_for_their_ttl(open_cache, clock) -> None:
    cache = open_cache()
    t = clock.t
    cache.record_archives([("k", RESULTS[0])])
    clock.t = t + DEFAULT_TTL["archive"] - 0.001
    assert cache.archive_many(["k"]) == {"k": RESULTS[0]}
    clock.t = t + DEFAULT_TTL["archive"]
    assert cache.archive_many(["k"]) == {}


def test_record_archives_at_a_given_time(open_cache, clock) -> None:
    cache = open_cache()
    cache.record_archives([("k", RESULTS[0])], at=clock.t - 30 * DAY)
    assert cache.archive_many(["k"]) == {}
    cache.record_archives([("k", RESULTS[2])], at=clock.t - DAY)
    assert cache.archive_many(["k"]) == {"k": RESULTS[2]}


def test_archive_ttl_zero_stores_nothing(open_cache) -> None:
    cache = open_cache(ttl={"archive": 0.0})
    cache.record_archives([("k", RESULTS[0])])
    assert cache.stats().archives == 0
    assert cache.archive_many(["k"]) == {}


def test_archive_many_over_many_keys(open_cache) -> None:
    cache = open_cache()
    cache.record_archives((f"k{i}", RESULTS[i % 4]) for i in range(1500))
    found = cache.archive_many(f"k{i}" for i in range(0, 1600, 3))
    assert len(found) == 500
    assert found["k3"] == RESULTS[3]
