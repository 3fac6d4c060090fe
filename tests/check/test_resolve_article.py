"""Resolving the reference article's citations in words, over the loopback fake web with the
hand-built imitation of its publishers and of the Wayback Machine (`publishers.py`): the three
titled references through their titles, the AP and CBS references through a date-window search
of the index among decoys; and what happens when the proof is missing, the budget is short, the
network is gone, or the cache already knows."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, unquote_plus

import pytest
from fakeweb import Answer, FakeWeb, Seen, transport_for
from publishers import (
    AP_URL,
    ARTICLE,
    CBS_URL,
    JEDDAH_URL,
    PLANALTO_URL,
    RUBIO_URL,
    Publishers,
    Story,
    needs_article,
)

from citecheck.archiving import ArchiveOptions
from citecheck.caching import CacheOptions
from citecheck.check import check_paths
from citecheck.cli import main
from citecheck.confirm import Rule
from citecheck.model import CheckReport, CitationCheck, Target
from citecheck.report import json as json_report
from citecheck.resolve.model import ResolveOptions
from citecheck.settings import FetchSettings
from citecheck.targets import normalise

SETTINGS = FetchSettings(retries=0, timeout=5.0)
QUICK = ResolveOptions(paced=False)

pytestmark = needs_article


def run(
    web: FakeWeb,
    path: Path = ARTICLE,
    options: ResolveOptions | None = QUICK,
    **more: object,
) -> CheckReport:
    return check_paths(
        [str(path)],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS),
        jobs=1,
        resolve=options,
        **more,  # type: ignore[arg-type]
    )


def by_line(report: CheckReport) -> dict[int, CitationCheck]:
    return {c.citation.span.line: c for c in report.checks if c.citation.kind == "reference"}


@pytest.fixture
def sites(web: FakeWeb) -> Publishers:
    imitation = Publishers()
    imitation.install(web)
    return imitation


def test_the_five_references_resolve_to_the_pages_they_mean(
    web: FakeWeb, sites: Publishers
) -> None:
    checks = by_line(run(web))
    expected = {
        62: JEDDAH_URL,  # through its title: the short URL redirects to the page
        76: RUBIO_URL,  # its title is shared by remarks of other days: the date decides
        78: PLANALTO_URL,  # through its title and the month cited
        80: AP_URL,  # no title: the index searched around 15 March, among decoys
        94: CBS_URL,  # no title: the same, around 13 March
    }
    for line, url in expected.items():
        resolution = checks[line].resolution
        assert resolution is not None, line
        assert (line, resolution.status, resolution.url) == (line, "resolved", url)
        assert resolution.requests <= QUICK.requests
        # Resolved pages are checked like links.
        target = normalise(url)
        assert isinstance(target, Target)
        assert checks[line].target == target.url
        assert checks[line].outcome is not None
        assert checks[line].outcome.status == "ok"
    # Titled: near certain. Untitled: never above 0.85, however well the terms fit.
    for line in (62, 76, 78):
        assert checks[line].resolution.confidence >= 0.9  # type: ignore[union-attr]
    for line in (80, 94):
        assert 0.5 <= checks[line].resolution.confidence <= 0.85  # type: ignore[union-attr]


def test_a_publisher_named_without_title_or_date_is_not_searched(
    web: FakeWeb, sites: Publishers, tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "It was first published by the Macau News Agency (MNA) and is republished here.\n",
        encoding="utf-8",
    )
    (check,) = by_line(run(web, article)).values()
    assert check.resolution is not None
    assert check.resolution.status == "unresolved"
    assert "neither a title nor a date" in check.resolution.evidence[0]
    assert check.resolution.requests == 0
    assert web.seen == []


def test_the_evidence_says_what_matched_and_which_candidates_lost(
    web: FakeWeb, sites: Publishers
) -> None:
    checks = by_line(run(web))
    rubio = checks[76].resolution
    assert rubio is not None
    assert "matches the cited title" in rubio.evidence[0]
    assert "the day cited" in " ".join(rubio.evidence)
    lost = {c.url: c for c in rubio.candidates if c.url != RUBIO_URL}
    # The same title a day earlier is proven too, but loses to the very day; in January it is
    # rejected by its date; once the very day is proven, the rest is not read.
    day_before = lost["https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-4/"]
    assert (day_before.status, day_before.date) == ("proven", "2025-03-11")
    assert day_before.confidence < rubio.confidence
    later = lost["https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press-6/"]
    assert later.status == "not-fetched"
    january = lost["https://www.state.gov/secretary-of-state-marco-rubio-remarks-to-press/"]
    assert (january.status, january.source) == ("rejected", "pattern")
    assert "not on the cited 2025-03-12" in january.reason
    ap = checks[80].resolution
    assert ap is not None
    assert "key terms" in ap.evidence[0]
    assert "witkoff" in ap.evidence[0]
    decoys = [c for c in ap.candidates if c.url != AP_URL and c.status != "not-fetched"]
    assert decoys  # decoys were read, and lost
    assert all(c.confidence < ap.confidence for c in decoys)


def test_the_index_is_searched_by_prefix_in_a_window_and_paged(
    web: FakeWeb, sites: Publishers
) -> None:
    run(web)
    queries = [
        {k: v[-1] for k, v in parse_qs(s.query).items()}
        for s in web.requests_to("web.archive.org", "/cdx/search/cdx")
    ]
    ap = [q for q in queries if q["url"] == "apnews.com/article/"]
    assert ap
    assert ap[0]["matchType"] == "prefix"
    assert (ap[0]["from"], ap[0]["to"]) == ("20250314000000", "20250322235959")
    assert ap[0]["filter"] == "statuscode:200"
    assert ap[0]["collapse"] == "urlkey"
    assert any("resumeKey" in q for q in ap)  # more than one page of AP's stories was read
    rubio = [q for q in queries if q["url"].startswith("state.gov/secretary-of-state-marco")]
    assert rubio
    assert rubio[0]["url"] == "state.gov/secretary-of-state-marco-rubio-remarks-to-press"


def test_a_citation_is_left_unresolved_rather_than_given_a_decoy(web: FakeWeb) -> None:
    # Without the story the paragraph describes, only decoys remain: they must not be chosen.
    Publishers(stories=[s for s in Publishers().stories if s.url not in (AP_URL, CBS_URL)]).install(
        web
    )
    checks = by_line(run(web))
    for line in (80, 94):
        resolution = checks[line].resolution
        assert resolution is not None
        assert (line, resolution.status, resolution.url) == (line, "unresolved", None)
        assert resolution.candidates  # the best candidates are listed, with why they lost
        assert checks[line].outcome is None


def test_a_resolved_page_is_archived_like_a_link(
    web: FakeWeb, sites: Publishers, tmp_path: Path
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "They met (see: Joint Statement on the United States-Ukraine Meeting in Jeddah – United"
        " States Department of State, March 11, 2025).\n",
        encoding="utf-8",
    )
    archive = ArchiveOptions(("wayback",), paced=False)
    (check,) = by_line(run(web, article, archive=archive)).values()
    assert check.resolution is not None
    assert check.resolution.url == JEDDAH_URL
    assert check.archive is not None
    assert check.archive.status == "archived"
    assert check.archive.url == f"https://web.archive.org/web/20250311190512/{JEDDAH_URL}"


def test_a_configured_search_endpoint_gives_candidates(
    web: FakeWeb, sites: Publishers, tmp_path: Path
) -> None:
    story = Story(
        "https://www.reuters.com/world/europe/ukraine-backs-us-ceasefire-plan-2025-03-11/",
        "Ukraine backs US ceasefire plan after Jeddah talks",
        "2025-03-11",
        "Ukraine said it was ready to accept a 30-day ceasefire proposed by the United States.",
        "Reuters",
    )
    Publishers(stories=[story]).install(web)
    asked: list[str] = []

    def search(seen: Seen) -> Answer:
        asked.append(unquote_plus(seen.query))
        body = (
            f'<a href="https://elsewhere.example/copy">a copy</a> <a href="{story.url}">hit</a>'
        ).encode()
        return 200, {"Content-Type": "text/html"}, body

    web.route("search.example", "/search", search)
    article = tmp_path / "a.txt"
    article.write_text(
        "Kyiv agreed (see: Ukraine backs US ceasefire plan after Jeddah talks – Reuters,"
        " March 11, 2025).\n",
        encoding="utf-8",
    )
    options = ResolveOptions(search="https://search.example/search?q={query}&site={site}")
    (check,) = by_line(run(web, article, options=replace(options, paced=False))).values()
    assert check.resolution is not None
    assert (check.resolution.status, check.resolution.url) == ("resolved", story.url)
    (query,) = asked
    assert "Ukraine backs US ceasefire plan after Jeddah talks Reuters" in query
    assert "site=reuters.com" in query
    (candidate,) = [c for c in check.resolution.candidates if c.url == story.url]
    assert candidate.source == "search"
    assert all("elsewhere.example" not in c.url for c in check.resolution.candidates)


def test_the_budget_bounds_a_search(web: FakeWeb, sites: Publishers) -> None:
    checks = by_line(run(web, options=ResolveOptions(requests=4, paced=False)))
    ap = checks[80].resolution
    assert ap is not None
    assert ap.requests <= 4
    # One page of the index (the rest of the budget is kept to read three candidates) ...
    assert "the index search stopped: the budget is for reading" in ap.evidence
    # ... so what the index listed beyond the three read is left unread, and said so.
    statuses = [c.status for c in ap.candidates]
    assert statuses.count("not-fetched") >= 1
    assert len([s for s in statuses if s != "not-fetched"]) <= 3
    tiny = by_line(run(web, options=ResolveOptions(requests=1, paced=False)))[80].resolution
    assert tiny is not None
    assert tiny.requests <= 1
    assert tiny.status == "unresolved"


def test_without_a_network_nothing_is_called_unresolved(web: FakeWeb, tmp_path: Path) -> None:
    # No route answers and no name resolves: the searches could not be made.
    article = tmp_path / "a.txt"
    article.write_text(
        "Putin met Witkoff about the ceasefire (Associated Press, 15 March 2025).\n",
        encoding="utf-8",
    )
    report = check_paths(
        [str(article)],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS, dns={"web.archive.org": OSError("no route")}),
        jobs=1,
        resolve=QUICK,
    )
    (check,) = [c for c in report.checks if c.citation.kind == "reference"]
    assert check.resolution is not None
    assert check.resolution.status == "unavailable"


def test_no_resolve_leaves_the_citations_alone(web: FakeWeb, sites: Publishers) -> None:
    checks = by_line(run(web, options=None))
    assert all(c.resolution is None and c.outcome is None for c in checks.values())
    # Only the article's one link (a bare `www.gov.br`) was checked.
    assert {(s.host, s.path) for s in web.seen} == {("www.gov.br", "/")}


def test_a_rerun_takes_the_resolutions_from_the_cache(
    web: FakeWeb, sites: Publishers, tmp_path: Path
) -> None:
    cache = CacheOptions(tmp_path / "cache", {}, Rule())
    first = by_line(run(web, cache=cache))
    web.seen.clear()
    second = by_line(run(web, cache=cache))
    assert [c.resolution for c in second.values()] == [c.resolution for c in first.values()]
    assert web.requests_to("web.archive.org") == []  # no search made again
    assert web.seen == []  # and the pages found were answered by the cache too


def test_json_and_table_show_the_resolution(web: FakeWeb, sites: Publishers) -> None:
    report = run(web)
    data = json.loads(json_report.render(report))
    cited = {c["line"]: c for c in data["citations"] if c["kind"] == "reference"}
    resolved = cited[76]["resolved"]
    assert resolved["status"] == "resolved"
    assert resolved["url"] == RUBIO_URL
    assert resolved["confidence"] >= 0.9
    assert resolved["evidence"]
    assert {"url", "source", "score", "status", "reason"} <= set(resolved["candidates"][0])
    assert cited[76]["status"] == "ok"
    links = [c for c in data["citations"] if c["kind"] != "reference"]
    assert all(c["resolved"] is None for c in links)
    from citecheck.report import table

    text = table.render(report, width=200)
    assert f"→ {RUBIO_URL}" in text
    assert "(resolved, 0.9" in text
    assert "5 resolved citations in words" in " ".join(text.split())


def test_the_cli_resolves_through_connect_to(
    web: FakeWeb, sites: Publishers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    article = tmp_path / "a.txt"
    article.write_text(
        "They met (see: Joint Statement on the United States-Ukraine Meeting in Jeddah – United"
        " States Department of State, March 11, 2025).\n",
        encoding="utf-8",
    )
    code = main(
        [
            "check", "--format", "json", "--no-cache", "--no-archive",
            "--connect-to", f"::127.0.0.1:{web.https_port}", "--cacert", str(ca),
            "--allow-private", "--retries", "0", "--resolve-budget", "4/30", str(article),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    (cited,) = [c for c in json.loads(out)["citations"] if c["kind"] == "reference"]
    assert cited["resolved"]["url"] == JEDDAH_URL
    assert cited["status"] == "ok"
    assert web.requests_to("web.archive.org") == []  # its URL pattern was enough


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("0", "above zero"),
        ("many", "COUNT or COUNT/SECONDS"),
        ("3/0", "above zero"),
    ],
)
def test_a_bad_budget_is_a_usage_error(
    flag: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text("x\n", encoding="utf-8")
    code = main(["check", "--no-cache", "--resolve-budget", flag, str(article)])
    assert code == 2
    assert message in capsys.readouterr().err


def test_a_run_with_nothing_to_resolve_does_not_load_the_resolver(tmp_path: Path) -> None:
    # Start-up is measured: the resolver (and rapidfuzz) load only when a citation needs them.
    import subprocess
    import sys

    article = tmp_path / "a.md"
    article.write_text("No sources here, only [a local file](a.md).\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from citecheck.check import check_paths\n"
        "from citecheck.resolve.model import ResolveOptions\n"
        f"check_paths([{str(article)!r}], resolve=ResolveOptions(), workers=1)\n"
        "print(sorted(m for m in ('citecheck.resolving', 'rapidfuzz') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_resolved_page_the_cache_answers_keeps_its_history(web: FakeWeb, tmp_path: Path) -> None:
    # CBS's story is gone (resolved through its archived copy): its first check is a strike.
    gone = Publishers()
    gone.stories = [replace(s, live=False) if s.url == CBS_URL else s for s in gone.stories]
    gone.install(web)
    cache = CacheOptions(tmp_path / "cache", {}, Rule())
    article = tmp_path / "a.txt"
    article.write_text(
        "Moscow dismissed the idea as “extremely confrontational” (CBS News, 13 March 2025).\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the second run: the cache answers the page, with checking workers
        (check,) = by_line(run(web, article, cache=cache, workers=2)).values()
        assert check.resolution is not None
        assert check.resolution.url == CBS_URL
        assert check.outcome is not None
        assert check.outcome.status == "failing"
        assert check.history is not None
        assert check.history.strikes == 1
    assert check.cached_at is not None


@needs_article
@pytest.mark.parametrize(
    ("confidence", "linked"),
    [
        ("0.5", (JEDDAH_URL, RUBIO_URL, PLANALTO_URL, AP_URL, CBS_URL)),
        ("0.9", (JEDDAH_URL, RUBIO_URL, PLANALTO_URL)),  # the default: titled references only
    ],
)
def test_fix_links_the_reference_article_to_the_pages_found(
    web: FakeWeb,
    sites: Publishers,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    confidence: str,
    linked: tuple[str, ...],
) -> None:
    """`citecheck fix --write` on the reference article (plain text): each citation in words
    resolved at the confidence asked for gains ` <URL>` after it, nothing else changes, and a
    second run changes nothing."""
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    article = tmp_path / ARTICLE.name
    original = ARTICLE.read_bytes()
    article.write_bytes(original)
    flags = [
        "fix", "--write", "--no-cache", "--no-archive", "--min-confidence", confidence,
        "--connect-to", f"::127.0.0.1:{web.https_port}", "--cacert", str(ca),
        "--allow-private", "--retries", "0", "--resolve-budget", "12/60", str(article),
    ]  # fmt: skip
    assert main(flags) == 0
    err = capsys.readouterr().err
    fixed = article.read_bytes()
    added = [f" <{url}>".encode() for url in linked]
    for insertion in added:
        assert fixed.count(insertion) == 1, insertion
    rebuilt = fixed
    for insertion in added:
        rebuilt = rebuilt.replace(insertion, b"", 1)
    assert rebuilt == original  # not a byte changed but the insertions
    assert fixed.count(b" <https://") == len(linked)
    assert "changed 1 document" in err
    assert main(flags) == 0
    assert article.read_bytes() == fixed
    assert "changed 0 documents" in capsys.readouterr().err


def test_fix_restores_the_missing_link_of_a_republication_note(
    web: FakeWeb, sites: Publishers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A republication note that names the original's title and date, and points at a link it
    lost (`原文按此`), is resolved like a reference; `fix` restores the link."""
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    note = (
        "本文原刊於美聯社（原標題：Putin meets Trump envoy Witkoff in Moscow to discuss US"
        " ceasefire proposal），2025年3月15日。原文按此"
    )
    article = tmp_path / "a.md"
    article.write_text(f"普京與特使會面。\n\n{note}\n", encoding="utf-8")
    flags = [
        "--no-cache", "--no-archive", "--connect-to", f"::127.0.0.1:{web.https_port}",
        "--cacert", str(ca), "--allow-private", "--retries", "0", str(article),
    ]  # fmt: skip
    assert main(["check", "--format", "json", *flags]) == 0
    (cited,) = [c for c in json.loads(capsys.readouterr().out)["citations"] if c["kind"] != "link"]
    assert cited["kind"] == "republication"
    assert (cited["resolved"]["status"], cited["resolved"]["url"]) == ("resolved", AP_URL)
    assert main(["fix", "--write", *flags]) == 0
    capsys.readouterr()
    assert article.read_text(encoding="utf-8") == (
        f"普京與特使會面。\n\n{note.replace('原文按此', f'[原文按此]({AP_URL})')}\n"
    )
