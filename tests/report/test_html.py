"""The HTML report: what it shows for each kind of result, and that nothing an article or a page
says can become markup, a script or a link to anything but the web."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from citecheck.archive.model import ArchiveResult
from citecheck.cache import Failure
from citecheck.confirm import Rule, judge
from citecheck.model import (
    CheckReport,
    Citation,
    CitationCheck,
    DocumentSummary,
    Kind,
    Outcome,
    Redirect,
    Span,
)
from citecheck.report import check_summary, html

sys.path.insert(0, str(Path(__file__).parent))  # the hand-built reports, `reports.py`
from reports import ALLOWED_TAGS, Page

from citecheck.report.table import OFFLINE_MESSAGE
from citecheck.resolve.model import Candidate, Resolution
from citecheck.verify.model import Verification


def span(line: int, column: int = 1) -> Span:
    return Span(line * 100, line * 100 + 10, line, column, line, column + 10)


def cite(
    kind: Kind, line: int, text: str, url: str | None, path: str = "a.md", **more: object
) -> Citation:
    form = "inline" if kind == "link" else "attributed" if kind == "quote" else "see"
    return Citation(kind, path, span(line, 3), text, text, url, form, **more)  # type: ignore[arg-type]


DEAD = CitationCheck(
    cite("link", 1, "the old story", "https://news.example/gone"),
    Outcome("dead", "HTTP 404 Not Found", http_status=404, final_url="https://news.example/gone"),
    target="https://news.example/gone",
    archive=ArchiveResult(
        "archived",
        "wayback: captured 2024-01-02",
        url="https://web.archive.org/web/20240102030405/https://news.example/gone",
        timestamp="2024-01-02T03:04:05Z",
        source="wayback",
    ),
)
OK = CitationCheck(
    cite("link", 2, "a fine page", "https://news.example/ok"),
    Outcome("ok", "HTTP 200", http_status=200),
    target="https://news.example/ok",
)
REDIRECT = CitationCheck(
    cite("link", 3, "moved", "http://news.example/old"),
    Outcome(
        "redirected",
        "HTTP 200 after 1 redirect",
        http_status=200,
        final_url="https://news.example/new",
        redirects=(Redirect("http://news.example/old", 301),),
        suggested_url="https://news.example/new",
    ),
    target="http://news.example/old",
)
RESOLVED = CitationCheck(
    cite("reference", 4, "Joint Statement, March 11, 2025", None, title="Joint Statement"),
    Outcome("ok", "HTTP 200", http_status=200),
    target="https://www.state.gov/joint-statement/",
    resolution=Resolution(
        "resolved",
        "https://www.state.gov/joint-statement/",
        0.97,
        ("title 'Joint Statement' matches the cited title (100/100)",),
    ),
    verification=(Verification("title", "title-match", 100.0, "the page's title is 'Joint'"),),
)
UNRESOLVED = CitationCheck(
    cite("reference", 5, "Associated Press, 15 March 2025", None, publisher="Associated Press"),
    None,
    resolution=Resolution(
        "unresolved",
        None,
        0.0,
        ("no candidate proven",),
        (
            Candidate("https://apnews.com/article/a", "index", 61.0, "rejected", "wrong day"),
            Candidate("https://apnews.com/article/b", "index", 40.0, "not-fetched", "budget"),
        ),
    ),
)
QUOTE = CitationCheck(
    cite("quote", 6, "is the key to achieving peace", None, attributed_to="the statement"),
    None,
    verification=(
        Verification("quote", "quote-close", 95.0, "close (95/100): the quote adds 'the'"),
    ),
)
OTHER = CitationCheck(
    cite("link", 1, "elsewhere", "https://other.example/", path="b.md"),
    Outcome("timeout", "no answer in 5 s"),
    target="https://other.example/",
)
CHECKS = (DEAD, OK, REDIRECT, RESOLVED, UNRESOLVED, QUOTE)
REPORT = CheckReport(
    (
        DocumentSummary("a.md", "markdown", "utf-8", len(CHECKS), date="2025-04-26"),
        DocumentSummary("b.md", "markdown", "utf-8", 1),
        DocumentSummary("empty.md", "markdown", "utf-8", 0),
    ),
    (*CHECKS, OTHER),
    targets=6,
)


def assert_inert(text: str) -> Page:
    """The page parses; it has no script, no event handler, no inline style attribute, nothing
    loaded from anywhere, and links only to http(s) URLs."""
    page = Page(text)
    names = {name for name, _ in page.tags}
    assert names <= ALLOWED_TAGS, names - ALLOWED_TAGS
    assert not page.all("script")
    assert len(page.all("style")) == 1
    for _, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")]
        assert "style" not in attrs
        assert "src" not in attrs
    for attrs in page.all("a"):
        assert (attrs["href"] or "").startswith(("http://", "https://"))
        assert attrs["rel"] == "noopener noreferrer nofollow"
    return page


def test_the_page_is_self_contained_with_a_strict_policy() -> None:
    out = html.render(REPORT)
    page = assert_inert(out)
    assert out.startswith("<!DOCTYPE html>")
    metas = page.all("meta")
    assert {"charset": "utf-8"} in metas
    assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in metas
    assert {"name": "referrer", "content": "no-referrer"} in metas
    assert {
        "http-equiv": "Content-Security-Policy",
        "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    } in metas
    assert "overflow-wrap:anywhere" in out
    assert "prefers-color-scheme:dark" in out
    assert "<link" not in out
    assert "@import" not in out
    assert "url(" not in out


def test_summary_first_with_counts_and_findings() -> None:
    out = html.render(REPORT)
    page = Page(out)
    text = " ".join(page.text)
    assert check_summary(REPORT) in text
    assert text.index(check_summary(REPORT)) < text.index("a.md")
    # Chips: one per status, resolution and what was not checked.
    assert '<span class="badge bad">dead</span> 1' in out
    assert '<span class="badge good">ok</span> 2' in out
    assert '<span class="badge warn">timeout</span> 1' in out
    assert '<span class="badge warn">unresolved</span> 1' in out
    assert '<span class="badge muted">not checked</span> 1' in out
    # dead (error); redirect, resolved, unresolved (notes); quote-close, timeout (warnings).
    assert "Findings: 1 error, 2 warnings, 3 notes." in text
    assert OFFLINE_MESSAGE not in text


def test_documents_in_order_each_citation_a_card_in_line_order() -> None:
    out = html.render(REPORT)
    page = Page(out)
    assert out.index("<h2>a.md</h2>") < out.index("<h2>b.md</h2>") < out.index("<h2>empty.md</h2>")
    assert "No citations." in out.split("<h2>empty.md</h2>")[1]
    assert len(page.cards()) == len(REPORT.checks)
    places = [f"{c.citation.span.line}:{c.citation.span.column}" for c in CHECKS]
    positions = [out.index(f">{place}<") for place in places]
    assert positions == sorted(positions)
    for check in REPORT.checks:
        assert check.citation.text in out
    assert "dated 2025-04-26" in out


@pytest.mark.parametrize(
    ("check", "level"),
    [
        (DEAD, "error"),
        (OK, "fine"),
        (REDIRECT, "note"),
        (RESOLVED, "note"),
        (UNRESOLVED, "note"),
        (QUOTE, "warning"),
        (OTHER, "warning"),
    ],
)
def test_a_cards_border_is_its_loudest_finding(check: CitationCheck, level: str) -> None:
    (classes,) = Page(html.card(check)).cards()
    assert classes == f"card {level}"


def test_fail_on_decides_what_is_an_error() -> None:
    assert Page(html.card(DEAD, frozenset())).cards() == ["card warning"]
    assert Page(html.card(OTHER, frozenset({"timeout"}))).cards() == ["card error"]
    out = html.render(REPORT, fail_on=frozenset({"timeout", "quote-close"}))
    assert "Findings: 2 errors, 1 warning, 3 notes." in out


def test_a_dead_link_shows_its_archived_copy() -> None:
    out = html.card(DEAD)
    assert '<span class="badge bad">dead</span>' in out
    assert '<span class="level">error</span>' in out
    assert "dead, archived copy available" in out
    assert ">1:3<" in out
    snapshot = "https://web.archive.org/web/20240102030405/https://news.example/gone"
    assert (
        f'<a href="{snapshot}" rel="noopener noreferrer nofollow">2024-01-02T03:04:05Z</a>' in out
    )
    assert '<span class="badge good">archived</span>' in out
    assert "HTTP 404 Not Found" in out
    assert 'href="https://news.example/gone"' in out


def test_a_redirect_says_where_it_went_and_what_to_cite() -> None:
    out = html.card(REDIRECT)
    assert '<span class="badge info">redirected</span>' in out
    assert '→ <a href="https://news.example/new"' in out
    assert "(301)" in out
    assert "cite instead:" in out


def test_a_resolved_reference_shows_the_page_confidence_evidence_and_verification() -> None:
    out = html.card(RESOLVED)
    assert '<span class="badge good">resolved</span>' in out
    assert out.count('href="https://www.state.gov/joint-statement/"') == 1
    assert "(confidence 0.97)" in out
    assert "matches the cited title (100/100)" in out
    assert '<span class="badge good">title-match</span> 100/100' in out
    assert "“Joint Statement”" in out


def test_an_unresolved_reference_lists_the_best_candidates() -> None:
    out = html.card(UNRESOLVED)
    assert '<span class="badge warn">unresolved</span>' in out
    assert "no candidate proven" in out
    assert 'href="https://apnews.com/article/a"' in out
    assert "score 61: wrong day" in out
    assert '<span class="badge muted">not-fetched</span>' in out
    assert "Associated Press" in out


def test_a_quote_shows_its_words_and_result() -> None:
    out = html.card(QUOTE)
    assert "<blockquote>“is the key to achieving peace”</blockquote>" in out
    assert '<span class="badge warn">quote-close</span>' in out  # the card's own status
    assert "95/100" in out
    assert "the quote adds &#x27;the&#x27;" in out
    assert "said by <strong>the statement</strong>" in out


def test_history_cache_and_save_lines() -> None:
    history = judge([Failure(1_700_000_000.0, "dead", 404, "HTTP 404")], Rule())
    failing = replace(DEAD, outcome=replace(DEAD.outcome, status="failing"), history=history)
    out = html.card(replace(failing, cached_at=1_700_000_000.0))
    assert "<dt>History</dt><dd>failing since 2023-11-14: 1 of 3 strikes" in out
    assert "(cached, checked 2023-11-14)" in out


def test_an_offline_report_says_so_first() -> None:
    report = CheckReport(
        (DocumentSummary("a.md", "markdown", "utf-8", 1),),
        (CitationCheck(OK.citation, Outcome("offline", "not checked: offline", reason="dns")),),
        offline=True,
    )
    out = html.render(report)
    assert_inert(out)
    assert f'<p class="banner" role="alert">{OFFLINE_MESSAGE}</p>' in out
    assert out.index("banner") < out.index("<h2>")


HOSTILE_TITLE = "</title><script>alert(1)</script>"
HOSTILE_DETAIL = "<img src=x onerror=alert(1)>"


def hostile_report() -> CheckReport:
    huge = "A" * 1_000_000
    checks = (
        CitationCheck(
            cite("link", 1, HOSTILE_TITLE, "javascript:alert(1)", title=HOSTILE_TITLE),
            Outcome("unsupported-scheme", HOSTILE_DETAIL),
            target="javascript:alert(1)",
        ),
        CitationCheck(
            cite("link", 2, "evil\u202egnp.exe\u2066x\x00y\x1b[31m", "https://a.example/\u202ex"),
            Outcome(
                "dead",
                huge,
                final_url="data:text/html,<script>alert(1)</script>",
                redirects=(Redirect("https://a.example/x", 302),),
            ),
            target="https://a.example/\u202ex",
            archive=ArchiveResult("archived", "", url="vbscript:msgbox(1)", timestamp=huge),
        ),
        CitationCheck(
            cite("reference", 3, huge, None, publisher='"><svg onload=alert(1)>'),
            None,
            resolution=Resolution(
                "unresolved",
                None,
                0.0,
                (HOSTILE_DETAIL,),
                (Candidate("JaVaScRiPt:alert(1)", "search", 1.0, "rejected", HOSTILE_TITLE),),
            ),
            verification=(Verification("quote", "quote-not-found", 0.0, huge + HOSTILE_DETAIL),),
        ),
        CitationCheck(
            cite("link", 4, "spaced", " https://a.example/x"),
            Outcome("ok", "HTTP 200"),
            target=" https://a.example/x",
        ),
        CitationCheck(
            cite("link", 5, "quoted", 'https://a.example/"onmouseover="alert(1)'),
            Outcome("ok", "HTTP 200"),
        ),
    )
    path = "<script>alert(2)</script>.md"
    checks = tuple(replace(c, citation=replace(c.citation, path=path)) for c in checks)
    return CheckReport((DocumentSummary(path, "markdown", "utf-8", len(checks)),), checks)


def test_hostile_input_stays_inert_and_capped() -> None:
    out = html.render(hostile_report())
    page = assert_inert(out)
    assert len(out) < 100_000  # three 1 MB strings, each cut to MAX_CHARS
    assert out.count("A" * (html.MAX_CHARS - 1) + "…") >= 3
    assert "A" * (html.MAX_CHARS + 1) not in out
    assert not page.all("img")
    assert not page.all("svg")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "javascript:alert(1)" in out  # shown, not linked
    assert "JaVaScRiPt:alert(1)" in out
    hrefs = [attrs["href"] for attrs in page.all("a")]
    assert hrefs == ["https://a.example/x", 'https://a.example/"onmouseover="alert(1)']
    assert 'href="https://a.example/&quot;onmouseover=&quot;alert(1)"' in out
    for bad in ("\u202e", "\u2066", "\x00", "\x1b"):
        assert bad not in out
    assert "evilgnp.exexy[31m" in out
    assert "<h2>&lt;script&gt;alert(2)&lt;/script&gt;.md</h2>" in out
    assert '→ <span class="url">data:text/html,&lt;script&gt;' in out


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://a.example/", True),
        ("HTTP://A.EXAMPLE/x", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:msgbox(1)", False),
        ("//a.example/", False),
        ("https://a.example/\nx", False),
        ("https://", False),
        ("https://a.example/" + "x" * 10_000, False),
    ],
)
def test_only_web_urls_become_links(url: str, linked: bool) -> None:
    out = html.link(url)
    assert ("<a " in out) is linked
    assert "<b>" not in out


def test_clean_strips_controls_and_bidi_and_caps() -> None:
    assert html.clean("a\u202ab\u202ec\u2066d\u2069e\x00f\x7fg\x9fh") == "abcdefgh"
    assert html.clean("one\ntwo\r\n\tthree") == "one two three"
    assert html.clean("x" * 50, 10) == "x" * 9 + "…"
    assert html.esc("<a href='x'>&") == "&lt;a href=&#x27;x&#x27;&gt;&amp;"
