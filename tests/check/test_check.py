"""`check_paths`: extraction, one request per target, local files, fragments, exclusions, offline
runs, and what the report shows. Over the loopback fake web."""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from pathlib import Path

import fakeweb
import pytest
from fakeweb import FakeWeb, page, transport_for

from citecheck.check import check_paths
from citecheck.model import CheckReport, Citation
from citecheck.report import json as json_report
from citecheck.settings import FetchSettings

SETTINGS = FetchSettings(retries=0, timeout=2.0)


def run(web: FakeWeb, paths: list[Path], **options: object) -> CheckReport:
    dns = options.pop("dns", None)
    settings = options.pop("settings", SETTINGS)
    assert isinstance(settings, FetchSettings)
    return check_paths(
        [str(p) for p in paths],
        settings=settings,
        transport=transport_for(web, settings, dns=dns),  # type: ignore[arg-type]
        jobs=options.pop("jobs", 1),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def statuses(report: CheckReport) -> dict[str, str | None]:
    return {
        (c.citation.url or c.citation.local or c.citation.url_raw or ""): (
            c.outcome.status if c.outcome else None
        )
        for c in report.checks
    }


def test_one_request_per_normalised_url_mapped_to_every_citation(
    web: FakeWeb, tmp_path: Path
) -> None:
    web.route("news.example", "/a", page("A story"))
    one = tmp_path / "one.md"
    one.write_text(
        "[x](https://news.example/a) [y](HTTPS://NEWS.EXAMPLE:443/a#part) <https://news.example/a>\n",
        encoding="utf-8",
    )
    two = tmp_path / "two.html"
    two.write_text('<p><a href="https://news.example/a">again</a></p>', encoding="utf-8")
    report = run(web, [one, two])
    assert len(web.seen) == 1
    assert report.targets == 1
    links = [c for c in report.checks if c.citation.kind == "link"]
    assert len(links) == 4
    assert {c.outcome.status for c in links if c.outcome} == {"ok"}
    assert {c.target for c in links} == {"https://news.example/a"}


def test_local_files_and_fragments(web: FakeWeb, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Setup\n\n## Use it\n", encoding="utf-8")
    (tmp_path / "page.html").write_text('<h2 id="faq">FAQ</h2>', encoding="utf-8")
    article = tmp_path / "article.md"
    article.write_text(
        "# Top part\n\n"
        "[a](docs/guide.md) [b](docs/guide.md#use-it) [c](docs/guide.md#nope) "
        "[d](missing.md) [e](page.html#faq) [f](#top-part) [g](#nowhere) [h](docs/)\n",
        encoding="utf-8",
    )
    report = run(web, [article], check_fragments=True)
    assert statuses(report) == {
        "docs/guide.md": "ok",
        "docs/guide.md#use-it": "ok",
        "docs/guide.md#nope": "fragment-missing",
        "missing.md": "dead",
        "page.html#faq": "ok",
        "#top-part": "ok",
        "#nowhere": "fragment-missing",
        "docs/": "ok",
    }
    assert web.seen == []


def test_fragments_on_fetched_pages(web: FakeWeb, tmp_path: Path) -> None:
    web.route("news.example", "/long", page("Long read", '<h2 id="chapter-2">Two</h2>'))
    article = tmp_path / "a.md"
    article.write_text(
        "[a](https://news.example/long#chapter-2) [b](https://news.example/long#chapter-9)\n",
        encoding="utf-8",
    )
    report = run(web, [article], check_fragments=True)
    assert [c.outcome.status for c in report.checks if c.outcome] == ["ok", "fragment-missing"]
    assert [s.method for s in web.seen] == ["GET"]  # one request, the page read once
    without = run(web, [article])  # without --check-fragments the page is not read
    assert [c.outcome.status for c in without.checks if c.outcome] == ["ok", "ok"]


def test_excluded_invalid_and_unsupported(web: FakeWeb, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        "[a](https://news.example/skip-me) [b](http://[::1) <mailto:desk@news.example> "
        "[c](tel:+15555550100)\n",
        encoding="utf-8",
    )
    report = run(web, [article], exclude=["skip-me$"])
    found = [(c.outcome.status if c.outcome else None) for c in report.checks]
    assert found == ["excluded", "invalid-url", "unsupported-scheme", "unsupported-scheme"]
    assert web.seen == []


def test_offline_run_says_so_and_is_not_all_dead(web: FakeWeb, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        "[a](https://news.example/a) [b](https://shop.example/b) [c](missing.md)\n",
        encoding="utf-8",
    )
    down = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    report = run(web, [article], dns={"news.example": down, "shop.example": down})
    assert report.offline
    assert [c.outcome.status for c in report.checks if c.outcome] == ["offline", "offline", "dead"]
    assert web.seen == []


def test_every_lookup_failing_as_nxdomain_is_offline_too(web: FakeWeb, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("[a](https://one.example/) [b](https://two.example/)\n", encoding="utf-8")
    report = run(web, [article])
    assert report.offline
    assert {c.outcome.status for c in report.checks if c.outcome} == {"offline"}


def test_a_missing_host_is_dead_when_the_network_works(web: FakeWeb, tmp_path: Path) -> None:
    web.route("news.example", "/a", page("A"))
    article = tmp_path / "a.md"
    article.write_text("[a](https://news.example/a) [b](https://gone.example/)\n", encoding="utf-8")
    report = run(web, [article])
    assert not report.offline
    assert [c.outcome.status for c in report.checks if c.outcome] == ["ok", "dead"]


def test_credentials_never_appear_in_the_report(web: FakeWeb, tmp_path: Path) -> None:
    web.route("news.example", "/members", page("Members"))
    article = tmp_path / "a.md"
    article.write_text("[m](https://editor:hunter2@news.example/members)\n", encoding="utf-8")
    report = run(web, [article])
    text = json_report.render(report)
    assert "hunter2" not in text
    assert "editor" not in text
    (check,) = report.checks
    assert check.outcome is not None
    assert check.outcome.status == "ok"
    assert web.seen[0].headers["Authorization"].startswith("Basic ")


def test_worker_processes_give_the_same_report(web: FakeWeb, tmp_path: Path) -> None:
    for n in range(1, 5):
        web.route("news.example", f"/{n}", page(f"Story {n}"))
    paths = []
    for n in range(4):
        path = tmp_path / f"p{n}.md"
        filler = "Lorem ipsum dolor sit amet. " * 500
        path.write_text(f"{filler}\n\n[s](https://news.example/{n + 1})\n", encoding="utf-8")
        paths.append(path)
    alone = run(web, paths, jobs=1)
    pooled = run(web, paths, jobs=2)
    assert json_report.to_object(alone) == json_report.to_object(pooled)
    assert [c.outcome.status for c in pooled.checks if c.outcome] == ["ok"] * 4


def test_json_check_fields(web: FakeWeb, tmp_path: Path) -> None:
    web.route("news.example", "/old", (308, {"Location": "/new"}, b""))
    web.route("news.example", "/new", page("New"))
    article = tmp_path / "a.md"
    article.write_text("[s](https://news.example/old)\n", encoding="utf-8")
    data = json.loads(json_report.render(run(web, [article])))
    (citation,) = data["citations"]
    assert data["command"] == "check"
    assert data["summary"] == {"redirected": 1}
    assert (data["targets"], data["offline"]) == (1, False)
    assert citation["status"] == "redirected"
    assert citation["http_status"] == 200
    assert citation["final_url"] == "https://news.example/new"
    assert citation["suggested_url"] == "https://news.example/new"
    assert citation["redirects"] == [{"url": "https://news.example/old", "status": 308}]
    assert citation["detail"] == "HTTP 200 after 1 redirect"


def test_citations_in_words_are_not_checked(web: FakeWeb, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Floods closed the bridge (Reuters, 3 May 2025).\n", encoding="utf-8")
    report = run(web, [article])
    assert [(c.citation.kind, c.outcome) for c in report.checks] == [("reference", None)]


@pytest.mark.parametrize("count", [3])
def test_progress_is_reported(web: FakeWeb, tmp_path: Path, count: int) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        " ".join(f"[{n}](https://news.example/{n})" for n in range(count)), encoding="utf-8"
    )
    seen: list[tuple[int, int]] = []
    check_paths(
        [str(article)],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS),
        jobs=1,
        progress=lambda done, known: seen.append((done, known)),
    )
    assert seen[-1] == (count, count)
    assert fakeweb.PUBLIC  # the fake web was used, not the network


def test_checking_workers_give_the_same_report_as_one_process(web: FakeWeb, tmp_path: Path) -> None:
    hosts = ["news.example", "shop.example", "paper.example", "other.example"]
    for host in hosts:
        for n in range(6):
            web.route(host, f"/{n}", page(f"{host} {n}"))
        web.route(host, "/gone", page("Gone", status=410))
    paths = []
    for p in range(3):
        path = tmp_path / f"p{p}.md"
        links = [f"[{h}](https://{h}/{n})" for n in range(6) for h in hosts]
        links += [f"[x](https://{h}/gone) [again](HTTPS://{h.upper()}/{p})" for h in hosts]
        path.write_text("\n\n".join(links) + "\n", encoding="utf-8")
        paths.append(path)
    # Reports compared whole must not depend on the machine's load: with the suite's 2 s timeout
    # a loaded two-core machine now and then timed one request out in one run and not the other.
    patient = FetchSettings(retries=0, timeout=10.0)
    alone = run(web, paths, workers=1, settings=patient)
    one_process = len(web.seen)
    web.seen.clear()
    sharded = run(web, paths, workers=3, settings=patient)
    assert json_report.to_object(alone) == json_report.to_object(sharded)
    assert len(web.seen) == one_process  # still one request (or HEAD + GET) per distinct URL
    requested = [(s.method, s.host, s.path) for s in web.seen]
    assert len(set(requested)) == len(requested)
    assert {c.outcome.status for c in sharded.checks if c.outcome} == {"ok", "dead"}


def test_idle_prepares_the_json_of_exactly_the_citations_the_report_shows(
    web: FakeWeb, tmp_path: Path
) -> None:
    for n in range(4):
        web.route("news.example", f"/{n}", page(f"story {n}"))
    web.route("news.example", "/gone", page("Gone", status=404))
    paths = []
    for p in range(2):
        path = tmp_path / f"p{p}.md"
        path.write_text(
            f"[a](https://news.example/{p}) [b](https://news.example/gone) "
            f"[c](https://user:secret@news.example/{p + 2}) (Reuters, 3 May 2025)\n",
            encoding="utf-8",
        )
        paths.append(path)
    calls: list[list[Citation]] = []
    prepared = json_report.Prepared()

    def idle(citations: Sequence[Citation]) -> None:
        calls.append(list(citations))
        prepared.add(citations)

    patient = FetchSettings(retries=0, timeout=10.0)
    report = run(web, paths, workers=2, settings=patient, idle=idle)
    (shown,) = calls  # once, in the run with checking workers
    assert len(shown) == len(report.checks) == 8
    assert all(a is b.citation for a, b in zip(shown, report.checks, strict=True))
    assert not any("secret" in (c.url or "") + c.text for c in shown)  # as the report shows them
    plain = json_report.to_object(report)
    assert json_report.to_object(report, prepared) == plain
    assert prepared._objects == {}  # every prepared object was used, once
    assert json_report.to_object(report, prepared) == plain  # and a second rendering is the same
    alone = run(web, paths, workers=1, settings=patient, idle=idle)
    assert len(calls) == 1  # one process checking has no wait to fill
    assert json_report.to_object(alone) == plain


def test_checking_workers_keep_the_per_host_limit(web: FakeWeb, tmp_path: Path) -> None:
    import threading
    import time

    lock = threading.Lock()
    in_flight: dict[str, int] = {}
    most: dict[str, int] = {}

    def slow(seen: fakeweb.Seen) -> fakeweb.Answer:
        group = seen.host  # `.example` is no public suffix: each host is its own group
        with lock:
            in_flight[group] = in_flight.get(group, 0) + 1
            most[group] = max(most.get(group, 0), in_flight[group])
        time.sleep(0.05)
        with lock:
            in_flight[group] -= 1
        return page("Slow")

    hosts = ["news.example", "www.news.example", "shop.example", "paper.example"]
    for host in hosts:
        for n in range(5):
            web.route(host, f"/{n}", slow)
    article = tmp_path / "a.md"
    article.write_text(
        " ".join(f"[{n}](https://{h}/{n})" for n in range(5) for h in hosts), encoding="utf-8"
    )
    settings = FetchSettings(retries=0, timeout=5.0, host_concurrency=1, max_concurrency=8)
    report = run(web, [article], settings=settings, workers=2)
    assert {c.outcome.status for c in report.checks if c.outcome} == {"ok"}
    assert most == dict.fromkeys(hosts, 1)
    assert len(web.seen) == 20


def test_one_checking_worker_is_still_forked_so_that_this_process_extracts_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without a transport (the command line), `--workers 1` means one forked checker beside
    # this process, which extracts: not both jobs in turn in this one. No request leaves: the
    # only link is a loopback literal, refused before any connection.
    from citecheck import check, shards

    counts: list[int] = []

    class Counted(shards.Shards):
        def __init__(self, settings: FetchSettings, workers: int, **options: object) -> None:
            counts.append(workers)
            super().__init__(settings, workers, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "Shards", Counted)
    path = tmp_path / "a.md"
    path.write_text("[x](http://127.0.0.1:9/page)\n", encoding="utf-8")
    report = check_paths([str(path)], settings=SETTINGS, workers=1, jobs=1)
    assert counts == [1]
    assert [c.outcome.status for c in report.checks if c.outcome] == ["refused-private"]
