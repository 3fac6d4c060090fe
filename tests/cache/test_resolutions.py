"""Searches for unlinked citations in the cache: the caller's bytes under its key, served for
their status's TTL, `unavailable` never kept, and counted and shed by stats, clear and prune."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from citecheck.cache import DAY, DEFAULT_TTL, RESOLUTION_STATUSES, Cache, Pruned

FOUND = b'{"url": "https://apnews.example/article/x", "score": 0.93}'
NOTHING = b'{"candidates": []}'


def rows_in(path: Path) -> list[tuple[str, str]]:
    """The (key, status) of every stored search, read as another process would."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [(str(k), str(s)) for k, s in db.execute("SELECT key, status FROM resolutions")]
    finally:
        db.close()


def test_the_kept_statuses_and_their_lifetimes() -> None:
    assert sorted(RESOLUTION_STATUSES) == ["resolved", "unresolved"]
    assert DEFAULT_TTL["resolved"] == 30 * DAY
    assert DEFAULT_TTL["unresolved"] == 1 * DAY
    assert "unavailable" not in DEFAULT_TTL


def test_values_round_trip_exactly_and_survive_reopening(tmp_path, open_cache) -> None:
    odd = bytes(range(256))  # not UTF-8, with a NUL: the value is opaque to the cache
    cache = open_cache(tmp_path / "c")
    cache.record_resolutions([("a", "resolved", FOUND), ("b", "unresolved", odd)])
    expected = {"a": FOUND, "b": odd}
    assert cache.resolutions_many(["a", "b", "missing"]) == expected
    cache.close()
    assert open_cache(tmp_path / "c").resolutions_many(["b", "a"]) == expected


@pytest.mark.parametrize("status", ["resolved", "unresolved"])
def test_served_until_its_statuss_ttl_ends(open_cache, clock, status) -> None:
    cache = open_cache()
    t = clock.t
    cache.record_resolutions([("k", status, FOUND)])
    clock.t = t + DEFAULT_TTL[status] - 0.001
    assert cache.resolutions_many(["k"]) == {"k": FOUND}
    clock.t = t + DEFAULT_TTL[status]
    assert cache.resolutions_many(["k"]) == {}


def test_a_failed_search_expires_long_before_a_found_page(open_cache, clock) -> None:
    cache = open_cache()
    cache.record_resolutions([("found", "resolved", FOUND), ("none", "unresolved", NOTHING)])
    clock.t += 2 * DAY
    assert cache.resolutions_many(["found", "none"]) == {"found": FOUND}


def test_ttl_given_replaces_the_default(open_cache, clock) -> None:
    cache = open_cache(ttl={"resolved": 60.0})
    t = clock.t
    cache.record_resolutions([("k", "resolved", FOUND)])
    clock.t = t + 59.999
    assert cache.resolutions_many(["k"]) == {"k": FOUND}
    clock.t = t + 60
    assert cache.resolutions_many(["k"]) == {}


def test_record_at_a_given_time(open_cache, clock) -> None:
    cache = open_cache()
    cache.record_resolutions([("old", "resolved", FOUND)], at=clock.t - 30 * DAY)
    cache.record_resolutions([("new", "resolved", FOUND)], at=clock.t - 29 * DAY)
    assert cache.resolutions_many(["old", "new"]) == {"new": FOUND}


@pytest.mark.parametrize("ttl", [None, {"unavailable": 7 * DAY}])
def test_an_unavailable_search_is_never_written(open_cache, ttl) -> None:
    cache = open_cache(ttl=ttl)
    cache.record_resolutions([("a", "unavailable", b"{}"), ("b", "resolved", FOUND)])
    cache.record_resolutions([("c", "unavailable", b"{}")])
    assert cache.resolutions_many(["a", "b", "c"]) == {"b": FOUND}
    assert rows_in(cache.path) == [("b", "resolved")]


@pytest.mark.parametrize("status", ["ok", "archive", "dead", "nonsense"])
def test_a_status_that_is_not_a_searchs_is_not_written(open_cache, status) -> None:
    cache = open_cache()
    cache.record_resolutions([("k", status, FOUND)])
    assert rows_in(cache.path) == []


def test_ttl_zero_is_neither_stored_nor_served(tmp_path, open_cache) -> None:
    open_cache(tmp_path / "c").record_resolutions([("old", "unresolved", NOTHING)])
    cache = open_cache(tmp_path / "c", ttl={"unresolved": 0.0})
    cache.record_resolutions([("new", "unresolved", NOTHING), ("r", "resolved", FOUND)])
    assert cache.resolutions_many(["old", "new", "r"]) == {"r": FOUND}
    assert sorted(rows_in(cache.path)) == [("old", "unresolved"), ("r", "resolved")]


def test_a_later_record_replaces_the_earlier_but_not_the_reverse(open_cache, clock) -> None:
    cache = open_cache()
    cache.record_resolutions([("k", "unresolved", NOTHING)], at=clock.t)
    cache.record_resolutions([("k", "resolved", FOUND)], at=clock.t + 10)
    cache.record_resolutions([("k", "unresolved", b"late arrival")], at=clock.t + 5)
    assert cache.resolutions_many(["k"]) == {"k": FOUND}
    assert rows_in(cache.path) == [("k", "resolved")]


def test_the_last_of_one_batch_wins(open_cache) -> None:
    cache = open_cache()
    cache.record_resolutions([("k", "unresolved", NOTHING), ("k", "resolved", FOUND)])
    assert cache.resolutions_many(["k"]) == {"k": FOUND}


def test_record_is_all_or_nothing(open_cache) -> None:
    cache = open_cache()
    bad = ("bad", "resolved", object())
    with pytest.raises(sqlite3.Error):
        cache.record_resolutions([("good", "resolved", FOUND), bad])  # type: ignore[list-item]
    assert cache.resolutions_many(["good"]) == {}
    cache.record_resolutions([("good", "resolved", FOUND)])
    assert cache.resolutions_many(["good"]) == {"good": FOUND}


def test_resolutions_many_over_many_keys(open_cache) -> None:
    cache = open_cache()
    cache.record_resolutions(
        (f"k{i}", "resolved" if i % 2 else "unresolved", str(i).encode()) for i in range(1500)
    )
    found = cache.resolutions_many(f"k{i}" for i in range(0, 1600, 3))
    assert len(found) == 500
    assert found["k3"] == b"3"


def fill(cache: Cache, t: float) -> None:
    """Two resolved (one stale), three unresolved (two stale)."""
    record = cache.record_resolutions
    record([("r-fresh", "resolved", FOUND)], at=t - 29 * DAY)
    record([("r-stale", "resolved", FOUND)], at=t - 31 * DAY)
    record([("u-fresh", "unresolved", NOTHING)], at=t - 1)
    record([("u-stale", "unresolved", NOTHING), ("u-older", "unresolved", NOTHING)], at=t - DAY)


def test_stats_counts_searches_per_status_and_fresh(open_cache, clock) -> None:
    cache = open_cache()
    empty = cache.stats()
    assert (empty.resolutions, empty.resolutions_fresh) == ({}, 0)
    fill(cache, clock.t)
    stats = cache.stats()
    assert stats.resolutions == {"resolved": 2, "unresolved": 3}
    assert stats.resolutions_fresh == 2
    # Searches are not check results.
    assert (stats.outcomes, stats.fresh, stats.stale) == ({}, 0, 0)


def test_clear_removes_the_searches_too(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    assert cache.clear() == 5
    assert cache.stats().resolutions == {}
    assert cache.resolutions_many(["r-fresh", "u-fresh"]) == {}


def test_prune_removes_the_searches_past_their_freshness(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    keys = ["r-fresh", "r-stale", "u-fresh", "u-stale", "u-older"]
    before = cache.resolutions_many(keys)
    assert cache.prune() == Pruned(0, 0, 0, 0, resolutions=3)
    assert sorted(k for k, _ in rows_in(cache.path)) == ["r-fresh", "u-fresh"]
    assert cache.resolutions_many(keys) == before  # nothing being served went away
    assert cache.prune().resolutions == 0


def test_prune_drops_every_search_of_a_status_no_longer_kept(tmp_path, open_cache, clock):
    fill(open_cache(tmp_path / "c"), clock.t)
    cache = open_cache(tmp_path / "c", ttl={"unresolved": 0.0})
    assert cache.prune().resolutions == 4  # three unresolved, the stale resolved
    assert rows_in(cache.path) == [("r-fresh", "resolved")]
