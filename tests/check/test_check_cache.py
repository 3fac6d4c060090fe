"""`check_paths` with the result cache: what a rerun asks again, what it does not, and how a dead
link is confirmed by its history. Over the loopback fake web, on an injected clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb, Seen, page, transport_for

from citecheck.caching import CacheOptions
from citecheck.check import check_paths
from citecheck.confirm import NOW, Rule
from citecheck.model import CheckReport, CitationCheck
from citecheck.report import json as json_report
from citecheck.settings import FetchSettings

SETTINGS = FetchSettings(retries=0, timeout=2.0)
DAY = 86400.0
START = 1_780_000_000.0  # 2026-05-28


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def days(self, count: float) -> None:
        self.now += count * DAY


@pytest.fixture
def clock() -> Clock:
    return Clock()


def run(web: FakeWeb, paths: list[Path], cache: CacheOptions | None, **more: Any) -> CheckReport:
    """`check_paths` over the fake web with `cache` (and `more` of its options)."""
    return check_paths(
        [str(p) for p in paths],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS),  # type: ignore[arg-type]
        jobs=1,
        cache=cache,
        **more,
    )


def options(tmp_path: Path, clock: Clock, rule: Rule | None = None, **ttl: float) -> CacheOptions:
    return CacheOptions(tmp_path / "cache", ttl, rule or Rule(), clock)


def by_url(report: CheckReport) -> dict[str, CitationCheck]:
    return {c.citation.url or "": c for c in report.checks}


def article(tmp_path: Path, *urls: str) -> Path:
    path = tmp_path / "article.md"
    path.write_text("".join(f"[{n}]({u})\n" for n, u in enumerate(urls)), encoding="utf-8")
    return path


def test_a_rerun_asks_again_only_for_transient_outcomes(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/story", page("Fine"))
    web.route("news.example", "/moved", (301, {"Location": "https://news.example/story"}, b""))
    web.route("news.example", "/busy", (503, {}, b""))
    web.route("news.example", "/slow-down", (429, {}, b""))
    urls = ["https://news.example/story", "https://news.example/moved"]
    urls += ["https://news.example/busy", "https://news.example/slow-down"]
    doc = article(tmp_path, *urls)
    first = run(web, [doc], options(tmp_path, clock))
    assert first.targets == 4
    assert first.cached == 0
    statuses = {u: c.outcome.status for u, c in by_url(first).items() if c.outcome}
    assert statuses == {
        urls[0]: "ok",
        urls[1]: "redirected",
        urls[2]: "server-error",
        urls[3]: "rate-limited",
    }
    web.seen.clear()
    clock.days(1)
    second = run(web, [doc], options(tmp_path, clock))
    asked = sorted({s.path for s in web.seen})  # (a 503 to HEAD is confirmed with a GET)
    assert asked == ["/busy", "/slow-down"]
    assert second.targets == 2
    assert second.cached == 2
    checks = by_url(second)
    assert checks[urls[0]].outcome == by_url(first)[urls[0]].outcome
    assert checks[urls[1]].outcome == by_url(first)[urls[1]].outcome
    assert checks[urls[0]].cached_at == START
    assert checks[urls[2]].cached_at is None
    data = json_report.to_object(second)
    assert data["cached"] == 2
    assert {c["url"]: c["cached_at"] for c in data["citations"]}[urls[0]] == (
        "2026-05-28T20:26:40Z"
    )


def test_a_stale_result_is_asked_again(web: FakeWeb, tmp_path: Path, clock: Clock) -> None:
    web.route("news.example", "/story", page("Fine"))
    doc = article(tmp_path, "https://news.example/story")
    run(web, [doc], options(tmp_path, clock, ok=2 * DAY))
    web.seen.clear()
    clock.days(1.9)
    run(web, [doc], options(tmp_path, clock, ok=2 * DAY))
    assert web.seen == []
    clock.days(0.2)
    report = run(web, [doc], options(tmp_path, clock, ok=2 * DAY))
    assert [s.path for s in web.seen] == ["/story"]
    assert report.cached == 0


def test_without_a_cache_every_link_is_asked_and_dead_is_one_run(
    web: FakeWeb, tmp_path: Path
) -> None:
    web.route("news.example", "/gone", (404, {}, b""))
    doc = article(tmp_path, "https://news.example/gone")
    for _ in range(2):
        report = run(web, [doc], None)
        check = report.checks[0]
        assert check.outcome is not None
        assert check.outcome.status == "dead"
        assert check.history is None
    assert len(web.requests_to("news.example", "/gone")) >= 2


def test_dead_only_after_three_failed_checks_three_days_apart(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/gone", (404, {}, b""))
    doc = article(tmp_path, "https://news.example/gone")

    def check() -> CitationCheck:
        return run(web, [doc], options(tmp_path, clock, dead=0)).checks[0]

    first = check()
    assert first.outcome is not None
    assert first.outcome.status == "failing"
    assert first.outcome.http_status == 404
    assert "1 of 3 strikes" in first.outcome.detail
    assert "since 2026-05-28" in first.outcome.detail
    assert first.history is not None
    assert first.history.strikes == 1

    clock.days(1)  # too soon: recorded, but not a strike
    second = check()
    assert second.outcome is not None
    assert second.outcome.status == "failing"
    assert second.history is not None
    assert (second.history.strikes, len(second.history.failures)) == (1, 2)

    clock.days(2)  # three days after the first strike
    third = check()
    assert third.outcome is not None
    assert third.outcome.status == "failing"
    assert third.history is not None
    assert third.history.strikes == 2

    clock.days(3)
    fourth = check()
    assert fourth.outcome is not None
    assert fourth.outcome.status == "dead"
    assert fourth.history is not None
    assert fourth.history.confirmed
    assert "confirmed: 3 failed checks since 2026-05-28" in fourth.outcome.detail
    history = json_report.check_object(fourth)["history"]
    assert history["strikes"] == 3
    assert history["confirmed"] is True
    assert [f["status"] for f in history["failures"]] == ["dead"] * 4
    assert history["first_failure"] == "2026-05-28T20:26:40Z"


def test_a_success_clears_the_history(web: FakeWeb, tmp_path: Path, clock: Clock) -> None:
    answers = iter([(404, {}, b""), (404, {}, b""), page("Back"), (404, {}, b"")])

    def flaky(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        return next(answers)

    web.route("news.example", "/flaky", flaky)
    doc = article(tmp_path, "https://news.example/flaky")
    rule = Rule(2, 1.0)

    def status() -> tuple[str, int]:
        check = run(web, [doc], options(tmp_path, clock, rule, dead=0, ok=0)).checks[0]
        assert check.outcome is not None
        return check.outcome.status, check.history.strikes if check.history else 0

    # HEAD then GET confirm each failure: two answers a check
    assert status() == ("failing", 1)
    clock.days(1)
    web.route("news.example", "/flaky", page("Back"))
    assert status() == ("ok", 0)
    web.route("news.example", "/flaky", (404, {}, b""))
    clock.days(1)
    assert status() == ("failing", 1)  # the strikes before the success do not count


def test_transient_failures_are_history_but_not_strikes(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    doc = article(tmp_path, "https://news.example/x")
    rule = Rule(2, 1.0)
    web.route("news.example", "/x", (404, {}, b""))
    run(web, [doc], options(tmp_path, clock, rule, dead=0))
    clock.days(2)
    web.route("news.example", "/x", (503, {}, b""))
    busy = run(web, [doc], options(tmp_path, clock, rule, dead=0)).checks[0]
    assert busy.outcome is not None
    assert busy.outcome.status == "server-error"
    assert busy.history is not None
    assert busy.history.strikes == 1
    assert [f.status for f in busy.history.failures] == ["dead", "server-error"]
    clock.days(2)
    web.route("news.example", "/x", (404, {}, b""))
    dead = run(web, [doc], options(tmp_path, clock, rule, dead=0)).checks[0]
    assert dead.outcome is not None
    assert dead.outcome.status == "dead"
    assert "1 other failed check" not in dead.outcome.detail  # confirmed: no failing prose


def test_confirm_now_gives_one_run_verdicts_and_keeps_history(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/gone", (410, {}, b""))
    doc = article(tmp_path, "https://news.example/gone")
    check = run(web, [doc], options(tmp_path, clock, NOW)).checks[0]
    assert check.outcome is not None
    assert check.outcome.status == "dead"
    assert check.outcome.detail == "HTTP 410 Gone"
    assert check.history is not None
    assert check.history.confirmed


def test_a_cached_dead_link_adds_no_strike(web: FakeWeb, tmp_path: Path, clock: Clock) -> None:
    web.route("news.example", "/gone", (404, {}, b""))
    doc = article(tmp_path, "https://news.example/gone")
    run(web, [doc], options(tmp_path, clock))
    web.seen.clear()
    clock.days(0.5)
    again = run(web, [doc], options(tmp_path, clock)).checks[0]
    assert web.seen == []
    assert again.cached_at == START
    assert again.outcome is not None
    assert again.outcome.status == "failing"
    assert again.history is not None
    assert len(again.history.failures) == 1


def test_fragments_need_a_page_read_for_its_anchors(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/doc", page("Doc", '<h2 id="part">Part</h2>'))
    plain = tmp_path / "plain.md"
    plain.write_text("[a](https://news.example/doc)\n", encoding="utf-8")
    run(web, [plain], options(tmp_path, clock), check_fragments=True)
    web.seen.clear()
    anchored = tmp_path / "anchored.md"
    anchored.write_text(
        "[a](https://news.example/doc#part) [b](https://news.example/doc#nope)\n",
        encoding="utf-8",
    )
    first = run(web, [anchored], options(tmp_path, clock), check_fragments=True)
    assert [s.method for s in web.seen] == ["GET"]  # a HEAD result cannot answer for anchors
    assert [c.outcome.status for c in first.checks if c.outcome] == ["ok", "fragment-missing"]
    web.seen.clear()
    second = run(web, [anchored, plain], options(tmp_path, clock), check_fragments=True)
    assert web.seen == []
    assert [c.outcome.status for c in second.checks if c.outcome] == [
        "ok",
        "fragment-missing",
        "ok",
    ]


def test_credentials_are_never_cached(web: FakeWeb, tmp_path: Path, clock: Clock) -> None:
    web.route("news.example", "/private", page("Members"))
    doc = article(tmp_path, "https://user:secret@news.example/private")
    run(web, [doc], options(tmp_path, clock))
    web.seen.clear()
    run(web, [doc], options(tmp_path, clock))
    assert len(web.seen) == 1
    data = (tmp_path / "cache" / "cache.sqlite3").read_bytes()
    assert b"secret" not in data


def test_archive_look_ups_are_cached(tmp_path: Path, clock: Clock) -> None:
    import httpx

    from citecheck.archiving import ArchiveOptions

    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.url.host}{request.url.path}")
        if request.url.host == "news.example":
            return httpx.Response(200, headers={"Content-Type": "text/html"}, text="<title>x")
        if request.url.path == "/cdx/search/cdx":
            rows = [["timestamp", "original", "mimetype", "statuscode"]]
            rows.append(["20250301101010", "https://news.example/story", "text/html", "200"])
            return httpx.Response(200, json=rows)
        if request.url.path.startswith("/web/20250301101010id_/"):
            memento = {"Memento-Datetime": "Sat, 01 Mar 2025 10:10:10 GMT"}
            return httpx.Response(200, headers=memento, text="<title>x</title>")
        return httpx.Response(404)

    doc = article(tmp_path, "https://news.example/story")

    def once() -> CheckReport:
        return check_paths(
            [str(doc)],
            settings=SETTINGS,
            transport=httpx.MockTransport(answer),
            jobs=1,
            cache=options(tmp_path, clock),
            archive=ArchiveOptions(("wayback",), paced=False),
        )

    first = once()
    found = first.checks[0].archive
    assert found is not None
    assert found.status == "archived"
    assert any(s.startswith("web.archive.org") for s in seen)
    seen.clear()
    clock.days(1)
    second = once()
    assert seen == []
    assert second.checks[0].archive == found
    clock.days(30)
    once()
    assert any(s.startswith("web.archive.org") for s in seen)


def replace_stored(
    tmp_path: Path, clock: Clock, doc: Path, value: Callable[[bytes], bytes]
) -> bytes:
    """Put `value(what is stored)` in the cache for `doc`'s extraction; what was stored."""
    from citecheck.caching import RunCache
    from citecheck.collect import collect
    from citecheck.run import Extraction

    cache = RunCache(options(tmp_path, clock))
    try:
        (stored,) = cache.stored(collect([str(doc)]).documents, Extraction()).values()
        cache.store.record_documents([(cache.known[0], value(stored))], used=())
    finally:
        cache.close()
    return stored


def test_unchanged_documents_are_read_from_the_cache(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    from dataclasses import replace

    from citecheck.cache import Cache
    from citecheck.cache import documents as codec

    web.route("news.example", "/story", page("Fine"))
    one = article(tmp_path, "https://news.example/story")
    first = run(web, [one], options(tmp_path, clock))
    with Cache(tmp_path / "cache") as store:
        assert store.stats().documents == 1

    # What the cache holds for the document is what the next run reports: put a changed
    # extraction under the document's key, and the run shows it (so it did not read the file).
    def edited(stored: bytes) -> bytes:
        summary, citations = codec.decode(stored)
        assert [c.url for c in citations] == ["https://news.example/story"]
        return codec.encode(summary, [replace(citations[0], text="from the cache")])

    replace_stored(tmp_path, clock, one, edited)
    second = run(web, [one], options(tmp_path, clock))
    assert [c.citation.text for c in second.checks] == ["from the cache"]
    assert [c.citation.text for c in first.checks] == ["0"]
    # A changed document is read again.
    one.write_text("[new](https://news.example/story)\n", encoding="utf-8")
    third = run(web, [one], options(tmp_path, clock))
    assert [c.citation.text for c in third.checks] == ["new"]


def test_a_garbled_stored_extraction_is_read_again(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/story", page("Fine"))
    one = article(tmp_path, "https://news.example/story")
    run(web, [one], options(tmp_path, clock))
    replace_stored(tmp_path, clock, one, lambda _: b'[["not", "a summary"], 7]')
    report = run(web, [one], options(tmp_path, clock))
    assert [c.citation.url for c in report.checks] == ["https://news.example/story"]


def test_other_extraction_options_do_not_share_a_stored_extraction(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    from citecheck.run import Extraction

    web.route("news.example", "/story", page("Fine"))
    doc = tmp_path / "a.md"
    doc.write_text(
        "[x](https://news.example/story) (Associated Press, 15 March 2025)\n", encoding="utf-8"
    )

    def kinds(extraction: Extraction) -> list[str]:
        report = run(web, [doc], options(tmp_path, clock), extraction=extraction)
        return [c.citation.kind for c in report.checks]

    assert kinds(Extraction()) == ["link", "reference"]
    assert kinds(Extraction(kinds=("link",))) == ["link"]
    assert kinds(Extraction()) == ["link", "reference"]


def test_a_rerun_with_workers_that_the_cache_answers_whole(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    web.route("news.example", "/story", page("Fine"))
    web.route("news.example", "/busy", (503, {}, b""))
    doc = article(tmp_path, "https://news.example/story", "https://news.example/busy")

    def once() -> CheckReport:
        return run(web, [doc], options(tmp_path, clock), workers=2)

    first = once()
    web.seen.clear()
    second = once()  # the 503 is asked again, by a worker
    assert {s.path for s in web.seen} == {"/busy"}
    assert [c.outcome for c in second.checks] == [c.outcome for c in first.checks]
    doc.write_text("[a](https://news.example/story)\n", encoding="utf-8")
    once()
    web.seen.clear()
    third = once()  # nothing to ask: the worker is let go without checking anything
    assert web.seen == []
    assert third.cached == 1
    assert [c.outcome.status for c in third.checks if c.outcome] == ["ok"]


def test_a_rerun_with_workers_judges_what_the_cache_served_as_one_process_does(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    # With workers, the failures the cache served are judged while the others are checked.
    web.route("news.example", "/gone", page("Gone", status=404))
    web.route("news.example", "/busy", (503, {}, b""))
    doc = article(tmp_path, "https://news.example/gone", "https://news.example/busy")
    run(web, [doc], options(tmp_path, clock))
    clock.days(0.5)
    alone = run(web, [doc], options(tmp_path, clock), workers=1)
    web.seen.clear()
    sharded = run(web, [doc], options(tmp_path, clock), workers=2)
    assert {s.path for s in web.seen} == {"/busy"}
    gone = by_url(sharded)["https://news.example/gone"]
    assert gone.cached_at is not None
    assert gone.outcome is not None
    assert gone.outcome.status == "failing"
    assert gone.history is not None
    assert gone.history.strikes == 1
    assert json_report.check_object(gone) == json_report.check_object(
        by_url(alone)["https://news.example/gone"]
    )
    busy = by_url(sharded)["https://news.example/busy"]
    assert busy.cached_at is None
    assert busy.outcome is not None
    assert busy.outcome.status == "server-error"
    assert busy.history is not None
    assert len(busy.history.failures) == 3


def test_a_cache_another_run_keeps_locked_loses_no_result(
    web: FakeWeb, tmp_path: Path, clock: Clock
) -> None:
    import sqlite3

    web.route("news.example", "/story", page("Fine"))
    web.route("news.example", "/new", page("New"))
    run(web, [article(tmp_path, "https://news.example/story")], options(tmp_path, clock))
    doc = article(tmp_path, "https://news.example/story", "https://news.example/new")
    busy = CacheOptions(tmp_path / "cache", {}, Rule(), clock, busy_timeout=0.2)
    lock = sqlite3.connect(tmp_path / "cache" / "cache.sqlite3", isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another run, writing for longer than we wait
    try:
        report = run(web, [doc], busy)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert [c.outcome.status for c in report.checks if c.outcome] == ["ok", "ok"]
    assert report.cached == 1  # reading went on while the other run held the write lock
    assert any("not kept in the cache" in note for note in report.notes)
    web.seen.clear()
    again = run(web, [doc], options(tmp_path, clock))
    assert [s.path for s in web.seen] == ["/new"]  # what the locked-out run learned was lost
    assert again.notes == ()
