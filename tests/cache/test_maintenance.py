"""`stats`, `clear` and `prune`: what the cache reports about itself and how it sheds rows."""

from __future__ import annotations

from typing import Any

from citecheck.archive.model import ArchiveResult
from citecheck.cache import DAY, HISTORY_DAYS, SCHEMA_VERSION, Check, Pruned
from citecheck.model import Outcome

FOUND = ArchiveResult("archived", "wayback has it", "https://web.archive.org/web/1/x")


def check(url: str, status: Any, at: float) -> Check:
    return Check(url, False, Outcome(status, status), at=at)


def fill(cache: Any, t: float) -> None:
    """Three ok (one stale), two dead (one stale), one paywalled, failures of three URLs, two
    archive records (one stale)."""
    cache.record(
        [
            check("https://a.example/", "ok", t - 8 * DAY),
            check("https://b.example/", "ok", t - 1 * DAY),
            check("https://c.example/", "ok", t),
            check("https://d.example/", "dead", t - 2 * DAY),
            check("https://e.example/", "dead", t - 1),
            check("https://f.example/", "paywalled", t - 3 * DAY),
            check("https://g.example/", "timeout", t - (HISTORY_DAYS + 1) * DAY),
            check("https://g.example/", "timeout", t - 1),
        ]
    )
    cache.record_archives([("old", FOUND)], at=t - 31 * DAY)
    cache.record_archives([("new", FOUND)], at=t - DAY)


def test_stats_counts_what_is_stored(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    stats = cache.stats()
    assert stats.path == cache.path
    assert stats.size >= cache.path.stat().st_size > 0
    assert stats.schema_version == SCHEMA_VERSION
    assert stats.outcomes == {"ok": 3, "dead": 2, "paywalled": 1}
    assert (stats.fresh, stats.stale) == (4, 2)
    assert stats.archives == 2
    assert (stats.failing, stats.failures) == (3, 4)  # d, e: dead; g: two timeouts
    assert (stats.oldest, stats.newest) == (clock.t - 8 * DAY, clock.t)


def test_stats_of_an_empty_cache(open_cache) -> None:
    stats = open_cache().stats()
    assert stats.outcomes == {}
    assert (stats.fresh, stats.stale, stats.archives, stats.failing, stats.failures) == (0,) * 5
    assert (stats.oldest, stats.newest) == (None, None)


def test_clear_removes_every_row_and_keeps_the_cache_usable(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    assert cache.clear() == 6 + 2 + 4
    stats = cache.stats()
    assert (stats.outcomes, stats.archives, stats.failures) == ({}, 0, 0)
    assert cache.clear() == 0
    cache.record([check("https://a.example/", "ok", clock.t)])
    assert cache.lookup("https://a.example/", want_page=False) is not None


def test_prune_removes_what_can_no_longer_be_served(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    before = cache.lookup_many((f"https://{c}.example/", False) for c in "abcdefg")
    assert cache.prune() == Pruned(outcomes=2, archives=1, failures=1)
    stats = cache.stats()
    assert stats.outcomes == {"ok": 2, "dead": 1, "paywalled": 1}
    assert stats.stale == 0
    assert (stats.archives, stats.failures) == (1, 3)
    # Nothing that was being served went away.
    assert cache.lookup_many(before) == before
    assert cache.archive_many(["old", "new"]).keys() == {"new"}
    assert cache.prune() == Pruned(0, 0, 0)


def test_prune_drops_rows_whose_status_is_no_longer_kept(tmp_path, open_cache, clock) -> None:
    directory = tmp_path / "c"
    fill(open_cache(directory), clock.t)
    pruned = open_cache(directory, ttl={"paywalled": 0.0, "archive": 0.0}).prune()
    assert pruned == Pruned(outcomes=3, archives=2, failures=1)


def test_prune_at_the_exact_end_of_freshness(open_cache, clock) -> None:
    cache = open_cache(ttl={"ok": 100.0})
    cache.record([check("https://a.example/", "ok", clock.t)])
    clock.t += 99.999
    assert cache.prune().outcomes == 0
    clock.t += 0.001
    assert cache.lookup("https://a.example/", want_page=False) is None
    assert cache.stats().stale == 1
    assert cache.prune().outcomes == 1


def test_prune_keeps_failures_younger_than_the_history(open_cache, clock) -> None:
    cache = open_cache()
    window = HISTORY_DAYS * DAY
    cache.record(
        [
            check("https://old.example/", "timeout", clock.t - window - 0.001),
            check("https://young.example/", "timeout", clock.t - window + 0.001),
        ]
    )
    assert cache.prune().failures == 1
    assert cache.failures_many(["https://old.example/", "https://young.example/"]).keys() == {
        "https://young.example/"
    }
