"""The result cache's reads and writes: what is stored, what is served, and for how long."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import citecheck.cache
from citecheck.cache import (
    DEFAULT_TTL,
    FAILED,
    SUCCEEDED,
    Cache,
    Cached,
    CacheError,
    Check,
    Failure,
    default_dir,
)
from citecheck.model import Outcome, Redirect

URL = "https://news.example/story"


def check(
    url: str = URL,
    status: Any = "ok",
    *,
    at: float,
    want_page: bool = False,
    detail: str = "fine",
    http_status: int | None = 200,
    **kw: Any,
) -> Check:
    return Check(url, want_page, Outcome(status, detail, http_status=http_status), at=at, **kw)


def test_public_names() -> None:
    assert set(citecheck.cache.__all__) == {
        "DAY",
        "DEFAULT_TTL",
        "FAILED",
        "HISTORY_DAYS",
        "MAX_PAGE_BYTES",
        "PAGE_SOURCES",
        "RESOLUTION_STATUSES",
        "SCHEMA_VERSION",
        "SUCCEEDED",
        "Cache",
        "CacheError",
        "Cached",
        "Check",
        "Failure",
        "Pruned",
        "Stats",
        "default_dir",
    }
    for name in citecheck.cache.__all__:
        assert getattr(citecheck.cache, name) is not None


def test_default_dir_is_the_users_cache_directory_for_citecheck() -> None:
    assert default_dir().name == "citecheck"
    assert default_dir().is_absolute()


def test_outcome_round_trips_exactly(open_cache, clock) -> None:
    outcome = Outcome(
        status="redirected",
        detail="moved permanently to /new",
        http_status=200,
        final_url="https://news.example/new",
        redirects=(
            Redirect("https://news.example/story", 301),
            Redirect("https://n.example/", 308),
        ),
        suggested_url="https://news.example/new",
        reason=None,
        attempts=3,
    )
    anchors = frozenset({"intro", "section-2", "日本"})
    cache = open_cache()
    cache.record([Check(URL, True, outcome, anchors, complete=False, at=clock.t - 5)])
    expected = Cached(outcome, anchors, False, clock.t - 5)
    assert cache.lookup(URL, want_page=True) == expected
    cache.close()
    assert open_cache().lookup(URL, want_page=True) == expected


@pytest.mark.parametrize("anchors", [None, frozenset()])
def test_no_anchors_and_empty_anchors_stay_apart(open_cache, clock, anchors) -> None:
    cache = open_cache()
    cache.record([check(at=clock.t, want_page=True, anchors=anchors)])
    hit = cache.lookup(URL, want_page=True)
    assert hit is not None
    assert hit.anchors == anchors
    assert type(hit.anchors) is type(anchors)


def test_reason_and_no_http_status_round_trip(open_cache, clock) -> None:
    outcome = Outcome("dead", "no such host", reason="nxdomain", attempts=1)
    cache = open_cache()
    cache.record([Check(URL, False, outcome, at=clock.t)])
    assert cache.lookup(URL, want_page=False) == Cached(outcome, None, True, clock.t)


@pytest.mark.parametrize("status", ["ok", "redirected", "paywalled", "blocked", "dead", "soft-404"])
def test_served_until_its_ttl_ends(open_cache, clock, status) -> None:
    cache = open_cache()
    t = clock.t
    cache.record([check(status=status, at=t)])
    clock.t = t + DEFAULT_TTL[status] - 0.001
    assert cache.lookup(URL, want_page=False) is not None
    clock.t = t + DEFAULT_TTL[status]
    assert cache.lookup(URL, want_page=False) is None


def test_ttl_given_replaces_the_default(open_cache, clock) -> None:
    cache = open_cache(ttl={"ok": 60.0})
    t = clock.t
    cache.record([check(at=t)])
    clock.t = t + 59.999
    assert cache.lookup(URL, want_page=False) is not None
    clock.t = t + 60
    assert cache.lookup(URL, want_page=False) is None


def test_ttl_zero_is_neither_stored_nor_served(open_cache, clock) -> None:
    cache = open_cache(ttl={"ok": 0.0})
    cache.record([check(at=clock.t)])
    assert cache.lookup(URL, want_page=False) is None
    assert cache.stats().outcomes == {}


def test_a_row_stored_under_a_longer_ttl_is_not_served_under_zero(tmp_path, open_cache, clock):
    open_cache(tmp_path / "c").record([check(at=clock.t)])
    assert open_cache(tmp_path / "c", ttl={"ok": 0.0}).lookup(URL, want_page=False) is None


@pytest.mark.parametrize("status", ["server-error", "timeout", "unreachable", "rate-limited"])
def test_transient_failures_are_history_not_results(open_cache, clock, status) -> None:
    cache = open_cache()
    cache.record([check(status=status, at=clock.t, http_status=None, detail="boom")])
    assert cache.lookup(URL, want_page=False) is None
    assert cache.stats().outcomes == {}
    assert cache.failures_many([URL]) == {URL: (Failure(clock.t, status, None, "boom"),)}


@pytest.mark.parametrize("status", ["dead", "soft-404", "blocked"])
def test_lasting_failures_are_both_result_and_history(open_cache, clock, status) -> None:
    cache = open_cache()
    cache.record([check(status=status, at=clock.t, http_status=404, detail="gone")])
    hit = cache.lookup(URL, want_page=False)
    assert hit is not None
    assert hit.outcome.status == status
    assert cache.failures_many([URL]) == {URL: (Failure(clock.t, status, 404, "gone"),)}


@pytest.mark.parametrize(
    "status", ["offline", "excluded", "invalid-url", "refused-private", "fragment-missing"]
)
def test_statuses_outside_both_sets_touch_nothing(open_cache, clock, status) -> None:
    cache = open_cache()
    cache.record([check(status=status, at=clock.t)])
    stats = cache.stats()
    assert (stats.outcomes, stats.failures) == ({}, 0)


def test_paywalled_is_stored_but_not_a_failure(open_cache, clock) -> None:
    cache = open_cache()
    cache.record([check(status="paywalled", at=clock.t)])
    assert cache.stats().outcomes == {"paywalled": 1}
    assert cache.failures_many([URL]) == {}


def test_status_sets_are_disjoint_and_as_documented() -> None:
    assert not FAILED & SUCCEEDED
    assert {"server-error", "timeout", "unreachable", "rate-limited"} <= FAILED
    assert not {"server-error", "timeout", "unreachable", "rate-limited"} & set(DEFAULT_TTL)


def test_success_clears_failures_and_stale_failure_verdicts(open_cache, clock) -> None:
    other = "https://other.example/"
    cache = open_cache()
    t = clock.t
    cache.record([check(status="dead", at=t, want_page=True), check(status="timeout", at=t + 1)])
    cache.record([check(other, "dead", at=t)])
    cache.record([check(status="ok", at=t + 2)])
    assert cache.failures_many([URL, other]).keys() == {other}
    # The dead page-read row is gone: it must not outlive a success.
    assert cache.lookup(URL, want_page=True) is None
    hit = cache.lookup(URL, want_page=False)
    assert hit is not None
    assert hit.outcome.status == "ok"
    assert cache.lookup(other, want_page=False) is not None


def test_page_read_answers_a_head_question_but_not_the_reverse(open_cache, clock) -> None:
    cache = open_cache()
    cache.record([check(URL, at=clock.t, want_page=True, anchors=frozenset({"a"}))])
    cache.record([check("https://head.example/", at=clock.t, want_page=False)])
    hit = cache.lookup(URL, want_page=False)
    assert hit is not None
    assert hit.anchors == frozenset({"a"})
    assert cache.lookup("https://head.example/", want_page=True) is None


@pytest.mark.parametrize(("head_at", "page_at", "winner"), [(10, 20, "page"), (20, 10, "head")])
def test_head_question_gets_the_newer_of_two_answers(
    open_cache, clock, head_at, page_at, winner
) -> None:
    cache = open_cache()
    cache.record(
        [
            check(at=clock.t + head_at, want_page=False, detail="head"),
            check(at=clock.t + page_at, want_page=True, detail="page"),
        ]
    )
    hit = cache.lookup(URL, want_page=False)
    assert hit is not None
    assert hit.outcome.detail == winner


def test_a_newer_check_replaces_an_older_one_but_not_the_reverse(open_cache, clock) -> None:
    cache = open_cache()
    cache.record([check(at=clock.t, detail="first")])
    cache.record([check(at=clock.t + 10, detail="second")])
    cache.record([check(at=clock.t + 5, detail="late arrival")])
    hit = cache.lookup(URL, want_page=False)
    assert hit is not None
    assert hit.outcome.detail == "second"
    assert cache.stats().outcomes == {"ok": 1}


def test_lookup_many_answers_five_thousand_keys_at_once(open_cache, clock) -> None:
    cache = open_cache()
    urls = [f"https://site{i % 50}.example/page/{i}" for i in range(5000)]
    cache.record(check(u, at=clock.t, want_page=i % 2 == 0, detail=u) for i, u in enumerate(urls))
    keys = [(u, False) for u in urls] + [(f"https://missing.example/{i}", False) for i in range(99)]
    found = cache.lookup_many(keys)
    assert len(found) == 5000
    assert all(found[(u, False)].outcome.detail == u for u in urls)
    page_keys = [(u, True) for u in urls]
    assert len(cache.lookup_many(page_keys)) == 2500


def test_failures_come_oldest_first(open_cache, clock) -> None:
    cache = open_cache()
    t = clock.t
    for offset, status in ((20, "timeout"), (0, "dead"), (10, "server-error")):
        cache.record([check(status=status, at=t + offset, http_status=None, detail=status)])
    history = cache.failures_many([URL, "https://never.example/"])
    assert list(history) == [URL]
    assert [(f.at - t, f.status) for f in history[URL]] == [
        (0, "dead"),
        (10, "server-error"),
        (20, "timeout"),
    ]


def test_failures_many_over_many_urls(open_cache, clock) -> None:
    cache = open_cache()
    urls = [f"https://e.example/{i}" for i in range(1200)]
    cache.record(check(u, "timeout", at=clock.t) for u in urls[::2])
    assert set(cache.failures_many(urls)) == set(urls[::2])


@pytest.mark.parametrize("status", ["ok", "dead", "timeout"])
def test_urls_with_credentials_never_reach_the_disk(open_cache, clock, status) -> None:
    secret = "https://alice:hunter2@intranet.example/report"
    cache = open_cache()
    cache.record([check(secret, status, at=clock.t), check(URL, status, at=clock.t)])
    stats = cache.stats()
    assert sum(stats.outcomes.values()) + stats.failures == (2 if status == "dead" else 1)
    assert cache.lookup(secret, want_page=False) is None
    assert cache.failures_many([secret]) == {}
    cache.close()
    assert b"hunter2" not in b"".join(p.read_bytes() for p in cache.path.parent.iterdir())


def test_record_is_all_or_nothing_and_leaves_no_transaction_open(open_cache, clock) -> None:
    cache = open_cache()
    bad = Check("https://bad.example/", False, Outcome("ok", object()), at=clock.t)  # type: ignore[arg-type]
    with pytest.raises(sqlite3.Error):
        cache.record([check(at=clock.t), bad])
    assert cache.lookup(URL, want_page=False) is None
    cache.record([check(at=clock.t)])
    assert cache.lookup(URL, want_page=False) is not None


def test_a_locked_database_is_a_cache_error_and_the_cache_recovers(open_cache, clock) -> None:
    cache = open_cache(busy_timeout=0.05)
    other = sqlite3.connect(cache.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(CacheError, match=r"cache\.sqlite3.*locked"):
            cache.record([check(at=clock.t)])
        with pytest.raises(CacheError, match="locked"):
            cache.prune()
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.record([check(at=clock.t)])
    assert cache.lookup(URL, want_page=False) is not None


def test_the_cache_is_a_context_manager(tmp_path: Path, clock) -> None:
    with Cache(tmp_path, now=clock) as cache:
        cache.record([check(at=clock.t)])
    with pytest.raises(sqlite3.ProgrammingError):
        cache.lookup(URL, want_page=False)


def test_transient_failures_are_trimmed_to_the_latest_but_strikes_are_kept(
    tmp_path: Path,
) -> None:
    from citecheck.cache.policy import KEPT_FAILURES

    with Cache(tmp_path) as cache:
        url = "https://e.example/x"
        cache.record([Check(url, False, Outcome("dead", "HTTP 404"), at=1.0)])
        for n in range(KEPT_FAILURES + 5):
            cache.record([Check(url, False, Outcome("timeout", "slow"), at=10.0 + n)])
        failures = cache.failures_many([url])[url]
    assert [f.status for f in failures].count("dead") == 1
    timeouts = [f.at for f in failures if f.status == "timeout"]
    assert len(timeouts) == KEPT_FAILURES
    assert timeouts[0] == 10.0 + 5  # the oldest five went
