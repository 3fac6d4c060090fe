"""Facts read of cited pages in the cache: the caller's bytes and their source under the page's
URL, served for the `page` TTL, never for a URL with credentials or an outsized value, and counted
and shed by stats, clear and prune."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from citecheck.cache import DAY, DEFAULT_TTL, MAX_PAGE_BYTES, PAGE_SOURCES, Cache, Pruned

URL = "https://news.example/2025/03/15/story"
OTHER = "https://other.example/"
FACTS = b'{"title": "A story", "date": "2025-03-15", "site": "News", "text": "It happened."}'
LATER = b'{"title": "A story, updated", "date": "2025-03-16"}'


def rows_in(path: Path) -> list[tuple[str, str, float]]:
    """The (url, source, checked_at) of every stored page, read as another process would."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT url, source, checked_at FROM pages ORDER BY url")
        return [(str(u), str(s), float(t)) for u, s, t in rows]
    finally:
        db.close()


def test_the_sources_the_cache_limit_and_the_lifetime() -> None:
    assert sorted(PAGE_SOURCES) == ["archived", "live"]
    assert MAX_PAGE_BYTES == 1_000_000
    assert DEFAULT_TTL["page"] == 7 * DAY


def test_values_round_trip_exactly_with_their_source_and_survive_reopening(
    tmp_path, open_cache
) -> None:
    odd = bytes(range(256))  # not UTF-8, with a NUL: the value is opaque to the cache
    cache = open_cache(tmp_path / "c")
    cache.record_pages([(URL, "live", FACTS), (OTHER, "archived", odd)])
    expected = {URL: ("live", FACTS), OTHER: ("archived", odd)}
    assert cache.pages_many([URL, OTHER, "https://missing.example/"]) == expected
    cache.close()
    assert open_cache(tmp_path / "c").pages_many([OTHER, URL, URL]) == expected


def test_served_until_the_page_ttl_ends(open_cache, clock) -> None:
    cache = open_cache()
    t = clock.t
    cache.record_pages([(URL, "live", FACTS)])
    clock.t = t + 7 * DAY - 0.001
    assert cache.pages_many([URL]) == {URL: ("live", FACTS)}
    clock.t = t + 7 * DAY
    assert cache.pages_many([URL]) == {}
    assert len(rows_in(cache.path)) == 1  # still there for `stats`, until `prune`


def test_ttl_given_replaces_the_default(open_cache, clock) -> None:
    cache = open_cache(ttl={"page": 2 * DAY})
    t = clock.t
    cache.record_pages([(URL, "archived", FACTS)])
    clock.t = t + 2 * DAY - 0.001
    assert cache.pages_many([URL]) == {URL: ("archived", FACTS)}
    clock.t = t + 2 * DAY
    assert cache.pages_many([URL]) == {}


def test_record_at_a_given_time(open_cache, clock) -> None:
    cache = open_cache()
    cache.record_pages([(URL, "live", FACTS)], at=clock.t - 7 * DAY)
    cache.record_pages([(OTHER, "live", FACTS)], at=clock.t - 6 * DAY)
    assert cache.pages_many([URL, OTHER]) == {OTHER: ("live", FACTS)}


def test_ttl_zero_is_neither_stored_nor_served(tmp_path, open_cache) -> None:
    open_cache(tmp_path / "c").record_pages([(URL, "live", FACTS)])
    cache = open_cache(tmp_path / "c", ttl={"page": 0.0})
    cache.record_pages([(OTHER, "live", FACTS)])
    assert cache.pages_many([URL, OTHER]) == {}
    assert [url for url, _, _ in rows_in(cache.path)] == [URL]


def test_a_later_record_replaces_the_earlier_but_an_older_one_does_not(open_cache, clock) -> None:
    cache = open_cache()
    t = clock.t
    cache.record_pages([(URL, "archived", FACTS)], at=t - 10)
    cache.record_pages([(URL, "live", LATER)], at=t)
    cache.record_pages([(URL, "archived", b"late arrival")], at=t - 5)
    assert cache.pages_many([URL]) == {URL: ("live", LATER)}
    assert rows_in(cache.path) == [(URL, "live", t)]


def test_the_last_of_one_batch_wins(open_cache) -> None:
    cache = open_cache()
    cache.record_pages([(URL, "archived", FACTS), (URL, "live", LATER)])
    assert cache.pages_many([URL]) == {URL: ("live", LATER)}


def test_a_value_over_the_limit_is_not_written_and_the_others_are(open_cache) -> None:
    cache = open_cache()
    at_limit = b"x" * MAX_PAGE_BYTES
    over = b"x" * (MAX_PAGE_BYTES + 1)
    cache.record_pages([(URL, "live", at_limit), (OTHER, "live", over)])
    assert cache.pages_many([URL, OTHER]) == {URL: ("live", at_limit)}
    # Nor does an outsized value replace what was kept.
    cache.record_pages([(URL, "live", over)])
    assert cache.pages_many([URL]) == {URL: ("live", at_limit)}
    assert [url for url, _, _ in rows_in(cache.path)] == [URL]


@pytest.mark.parametrize(
    "url", ["https://user:secret@news.example/story", "https://secret@news.example/"]
)
def test_a_url_with_credentials_is_never_written(open_cache, url) -> None:
    cache = open_cache()
    cache.record_pages([(url, "live", FACTS), (OTHER, "live", FACTS)])
    assert cache.pages_many([url, OTHER]) == {OTHER: ("live", FACTS)}
    assert [u for u, _, _ in rows_in(cache.path)] == [OTHER]
    for name in ("cache.sqlite3", "cache.sqlite3-wal"):
        file = cache.path.with_name(name)
        assert not file.exists() or b"secret" not in file.read_bytes()


@pytest.mark.parametrize("source", ["archive", "LIVE", ""])
def test_another_source_is_refused_and_nothing_of_the_batch_written(open_cache, source) -> None:
    cache = open_cache()
    with pytest.raises(ValueError, match="page sources are"):
        cache.record_pages([(OTHER, "live", FACTS), (URL, source, FACTS)])
    assert rows_in(cache.path) == []


def test_record_is_all_or_nothing(open_cache) -> None:
    cache = open_cache()
    bad = ("bad", "live", [1, 2])  # sqlite cannot bind a list
    with pytest.raises(sqlite3.Error):
        cache.record_pages([(URL, "live", FACTS), bad])  # type: ignore[list-item]
    assert cache.pages_many([URL]) == {}
    cache.record_pages([(URL, "live", FACTS)])
    assert cache.pages_many([URL]) == {URL: ("live", FACTS)}


def test_pages_many_over_many_urls(open_cache) -> None:
    cache = open_cache()
    cache.record_pages(
        (f"https://e.example/{i}", "live" if i % 2 else "archived", str(i).encode())
        for i in range(1500)
    )
    found = cache.pages_many(f"https://e.example/{i}" for i in range(0, 1600, 3))
    assert len(found) == 500
    assert found["https://e.example/3"] == ("live", b"3")
    assert found["https://e.example/6"] == ("archived", b"6")


def fill(cache: Cache, t: float) -> None:
    """Four pages: two fresh (one read six days ago), two stale."""
    cache.record_pages([("https://a.example/", "live", FACTS)], at=t - 1)
    cache.record_pages([("https://b.example/", "archived", FACTS)], at=t - 6 * DAY)
    cache.record_pages([("https://c.example/", "live", FACTS)], at=t - 7 * DAY)
    cache.record_pages([("https://d.example/", "archived", FACTS)], at=t - 30 * DAY)


def test_stats_counts_pages_and_fresh(open_cache, clock) -> None:
    cache = open_cache()
    empty = cache.stats()
    assert (empty.pages, empty.pages_fresh) == (0, 0)
    fill(cache, clock.t)
    stats = cache.stats()
    assert (stats.pages, stats.pages_fresh) == (4, 2)
    # Pages are not check results nor searches.
    assert (stats.outcomes, stats.fresh, stats.stale, stats.resolutions) == ({}, 0, 0, {})


def test_stats_counts_no_page_fresh_under_ttl_zero(tmp_path, open_cache, clock) -> None:
    fill(open_cache(tmp_path / "c"), clock.t)
    stats = open_cache(tmp_path / "c", ttl={"page": 0.0}).stats()
    assert (stats.pages, stats.pages_fresh) == (4, 0)


def test_clear_removes_the_pages_too(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    cache.record_resolutions([("k", "resolved", b"{}")])
    assert cache.clear() == 5
    assert (cache.stats().pages, rows_in(cache.path)) == (0, [])


def test_prune_removes_the_pages_past_their_freshness(open_cache, clock) -> None:
    cache = open_cache()
    fill(cache, clock.t)
    urls = [f"https://{c}.example/" for c in "abcd"]
    before = cache.pages_many(urls)
    assert cache.prune() == Pruned(0, 0, 0, pages=2)
    assert [url for url, _, _ in rows_in(cache.path)] == urls[:2]
    assert cache.pages_many(urls) == before  # nothing being served went away
    assert cache.stats().pages_fresh == cache.stats().pages == 2
    assert cache.prune().pages == 0


def test_prune_drops_every_page_when_pages_are_no_longer_kept(tmp_path, open_cache, clock):
    fill(open_cache(tmp_path / "c"), clock.t)
    cache = open_cache(tmp_path / "c", ttl={"page": 0.0})
    assert cache.prune().pages == 4
    assert rows_in(cache.path) == []
