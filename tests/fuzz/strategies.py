"""Hypothesis strategies for hostile input, shared by the fuzz tests: article text that tries
every syntax the extractors read, and reports whose every untrusted string tries to break out
of the format a renderer writes (a terminal, JSON, SARIF, Markdown, JUnit XML, GitHub workflow
commands, HTML). Also the checks every extracted citation must pass, whatever the text was."""

from __future__ import annotations

import calendar
import os
import re
from collections.abc import Callable
from typing import TypeVar, get_args

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from citecheck.archive.model import ARCHIVE_STATUSES, ARCHIVES, ArchiveResult
from citecheck.archive.save import SaveResult, SaveStatus
from citecheck.cache.codec import Failure
from citecheck.confirm import Rule, judge
from citecheck.extract.dates import PartialDate
from citecheck.model import (
    STATUSES,
    CheckReport,
    Citation,
    CitationCheck,
    CitationForm,
    DocumentSummary,
    ExtractReport,
    InputProblem,
    Kind,
    LinkForm,
    Outcome,
    Redirect,
    Span,
)
from citecheck.resolve.model import Candidate, CandidateStatus, Resolution, ResolutionStatus
from citecheck.verify.model import CHECK_STATUSES, Verification

SCALE = int(os.environ.get("CITECHECK_FUZZ_SCALE", "1"))
"""How many times the usual examples to try: `CITECHECK_FUZZ_SCALE=10` hunts for 8 minutes."""


def fuzz(examples: int) -> settings:
    """`examples` examples (times `SCALE`), without a deadline: the machine is shared, and slow
    input is the linear-time tests' business (`test_adversarial.py`). Each test says what its
    examples take, measured on the shared 2-CPU machine."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Article text ------------------------------------------------------------------------------------

SYNTAX = [
    # brackets, parentheses and the link syntax of Markdown
    "[", "]", "(", ")", "[[[[", "((((", "]]]]", "))))", "](", "][", "![", "[x](", "[r]: ", "[r]",
    "<", ">", "<<", ">>", "!", "`", "``", "```", "~~~", "*", "**", "_", "__", "~~", "\\", "|",
    "# ", "> ", "- ", "1. ", "    ", "---", "===", ":", "::", '"', "'", "{", "}",
    # full-width and CJK punctuation, quotation marks of both languages
    "（", "）", "（（（", "）），", "「", "」", "『", "』", "《", "》", "“", "”", "‘", "’", "。",
    "，", "：", "、", "見", "据", "表示", "报道", "原文按此", "本文转载自", "記者",
    "據新華社報道，",
    # the words of citation rules, in English and Chinese
    "see: ", "(see ", "according to ", " said ", " told ", "Source: ", "Photo: ", "(Xinhua) ",
    "(AP, ", "Reuters", "BBC News", "originally published in ", "Reprinted with permission",
    " via ", "by ", "— ", "—", "MOSCOW, ",
    # dates in every form the date reader knows, and fragments of them
    "2025", "2025-03-11", "2025/3/11", "11 March 2025", "March 11, 2025", "Mar. 11 2025",
    "3月14日", "2025年3月11日", "二〇二五年三月十一日", "民國114年", "8日", "於8日", "月",
    "年", "日", "May ", "in 2024", "(2024)", "February 30, 2025", "13月5日", "０３", "２０２５年",
    # URLs, good and bad
    "https://a.org/x", "http://b.org/(y)", "https://c.org/wiki/Foo_(bar)", "www.d.org",
    "https://e.org/?q=1&r=2#f", "ftp://f.org", "http://", "https://", "www.", "http://[::1",
    "https://g.org:99999/", "javascript:alert(1)", "data:text/html,x", "mailto:a@b.org",
    "https://中文.example/路径", "HTTPS://H.ORG", "<https://i.org>", "//j.org/x", "#frag",
    # HTML and directives
    '<a href="', '<a href="https://k.org/a">', "</a>", '<img src="', "<img alt=x src=y>",
    '<blockquote cite="https://l.org/q">', "</blockquote>", '<q cite="', "<p>", "</p>", "<br>",
    "<div>", "</div>", "<script>", "</script>", "<style>", "<title>", "</title>", "<pre>",
    "</pre>", "<code>", "<!--", "-->", "<!-- citecheck-ignore -->", "<!-- citecheck-disable -->",
    "<!-- citecheck-enable -->", '<base href="https://m.org/">', "<![CDATA[", "]]>", "<?xml ?>",
    "<html>", "<body>", "<head>", "</head>", "&amp;", "&#x5B;", "&#0;", "&#", "&", "&lt;",
    "&nbsp;", "=", "onerror=",
    # white space, line breaks and invisible characters
    " ", "  ", "\t", "\n", "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029",
    "\u00a0", "\u3000", "\u200b", "\ufeff",
    # controls, escapes, bidi and what no encoder wants
    "\x00", "\x1b[31m", "\x1b]8;;https://evil.example\x07", "\x07", "\x7f", "\x9b", "\u202e",
    "\u2066", "\u061c", "\ud800", "\udcff", "\udfff", "\ufffe", "\uffff", "\U0001f600", "é",
    "e\u0301", "İ", "ß",
]  # fmt: skip
"""Pieces of hostile article text: every syntax some extractor reads, and what breaks readers."""

lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
any_character = st.one_of(
    st.characters(codec=None), lone_surrogates, st.sampled_from("\x00\x1b\r\n\u202e（「")
)
giant_urls = st.builds(
    lambda scheme, body, tail: scheme + body + tail,
    st.sampled_from(["https://", "http://", "www.", "ftp://", "https://["]),
    st.text(st.sampled_from("a.b-/?&=%()[]_~:@!$'*+,;"), min_size=200, max_size=3000),
    st.sampled_from(["", ")", ").", "。", "”", " ", "\n"]),
)
"""Very long URLs, in parts that a URL reader accepts, brackets included."""

article_text = st.lists(
    st.one_of(st.sampled_from(SYNTAX), st.text(any_character, max_size=6)), max_size=60
).map("".join)
"""Hostile article text: a few dozen pieces of syntax and random code points."""

with_giant_url = st.tuples(article_text, giant_urls, article_text).map("".join)
"""Hostile text around one very long URL."""


# Checks that every extracted citation passes -----------------------------------------------------

_BREAK = re.compile(r"\r\n|\r|\n")
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
KINDS = set(get_args(Kind))
FORMS = set(get_args(LinkForm)) | set(get_args(CitationForm))


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of `offset`, counted from scratch as an editor does: lines end at `\\r\\n`,
    `\\r` or `\\n`; columns count code points, 1-based."""
    breaks = list(_BREAK.finditer(text, 0, offset))
    if not breaks:
        return 1, offset + 1
    return len(breaks) + 1, offset - breaks[-1].end() + 1


def check_span(text: str, span: Span) -> None:
    """`span` lies in `text`, and its lines and columns are where its offsets are."""
    assert 0 <= span.start <= span.end <= len(text), span
    assert (span.line, span.column) == line_and_column(text, span.start), span
    assert (span.end_line, span.end_column) == line_and_column(text, span.end), span


def valid_iso(date: str) -> bool:
    """Whether `date` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and such a date exists."""
    match = _ISO.fullmatch(date)
    if match is None:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        assert year is not None
        assert month is not None
        return 1 <= day <= calendar.monthrange(year, month)[1]
    return year is not None and year >= 1


def date_exists(found: PartialDate) -> bool:
    """Whether a date, as precise as written, can exist (`3月31日` can; `2月30日` cannot)."""
    iso = found.iso()
    if iso is not None:
        return valid_iso(iso)
    if found.month is not None:
        leap = 29 if found.month == 2 else calendar.monthrange(2001, found.month)[1]
        return 1 <= found.month <= 12 and (found.day is None or 1 <= found.day <= leap)
    return found.day is not None and 1 <= found.day <= 31


def check_citation(text: str, path: str, citation: Citation, *, code: bool, html: bool) -> None:
    """Everything a citation found in `text` promises, whatever `text` held."""
    assert citation.path == path
    assert citation.kind in KINDS
    assert citation.form in FORMS
    check_span(text, citation.span)
    assert text[citation.span.start : citation.span.end] == citation.source
    if citation.url_span is not None:
        check_span(text, citation.url_span)
        assert text[citation.url_span.start : citation.url_span.end] == citation.url_raw
        if citation.form != "reference":  # a reference-style use points into its definition
            assert citation.span.start <= citation.url_span.start
            assert citation.url_span.end <= citation.span.end
    if citation.kind == "link":
        assert citation.url is not None or citation.local is not None or citation.invalid
    else:  # what a citation in words says is its words, white space collapsed
        assert citation.text == " ".join(citation.text.split()), citation
    if citation.form == "bare":
        assert citation.source == citation.url_raw == citation.text
    if citation.form == "autolink":
        assert citation.source == "<" + (citation.url_raw or "") + ">"
    assert 0.0 <= citation.confidence <= 1.0
    assert citation.date is None or valid_iso(citation.date), citation.date
    assert code or not citation.in_code  # code is reported only when asked for
    assert html or citation.role == "body"  # only a full HTML page has site chrome
    if citation.reference is not None:
        assert citation.kind == "quote"
        check_span(text, citation.reference.span)


# Hostile reports ---------------------------------------------------------------------------------

HOSTILE = [
    "\x1b[31mred\x1b[0m", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "\x1b]0;title\x07",
    "\x1b[2J\x1b[H", "\x9b31m", "\x1bP+q\x1b\\", "\r", "\n", "\r\n", "\t", "\t\t", "    ",
    "\x00", "\x07", "\x08", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u202d", "\u2066",
    "\u2069", "\u200e", "\u061c", "\u200b", "\ufeff", "\ud800", "\udcff", "\ufffe", "\uffff",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js>", "</title><script>", "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>', "' onmouseover='alert(1)", "<a href=javascript:alert(1)>x</a>",
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:x", "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)", "](javascript:alert(1))", "](evil)", "[x](https://evil.example)",
    "![i](https://evil.example/i.png)", "<https://evil.example>", "https://evil.example/x",
    "www.evil.example", "::error::", "::error file=x::pwned", "::add-mask::secret",
    "::stop-commands::token", "##[error]x", "##[stop-commands]", "%0A", "%0D", "%25", "%3A", "::",
    ",", ":", "]]>", "<![CDATA[", "&amp;", "&#x1b;", "&", "<", ">", '"', "'", "`", "```", "|",
    "@org/team", "#1", "**bold**", "_em_", "~~s~~", "# heading", "> quote", "- item", "\\", "[",
    "]", "(", ")", "{", "}", "[bold red]x[/]", ":smile:", "%SRCROOT%", "${{ secrets.X }}",
    "中文（）「」",
    "İ", "\U0001f600", " ", "x",
]  # fmt: skip
"""Pieces of hostile strings: terminal escapes, HTML, Markdown, workflow commands, what XML cannot
hold, bidi controls, lone surrogates."""

_PIECE = st.sampled_from(HOSTILE)
hostile = st.one_of(
    _PIECE,
    st.lists(_PIECE, min_size=2, max_size=6).map("".join),
    st.text(any_character, max_size=8),
    st.tuples(st.sampled_from(["    ", "\t", " \t ", "\n    "]), _PIECE).map("".join),
)
"""One hostile string (possibly empty): a piece, a few pieces, random code points, or a piece
indented (Markdown reads four spaces at the start of a block as code). (Kept cheap to draw: a
report draws a few hundred of them.)"""

hostile_url = st.one_of(
    hostile,
    st.builds(
        lambda scheme, rest: scheme + rest,
        st.sampled_from(["https://", "http://", "HTTP://", "javascript:", "data:", "ftp://", ""]),
        hostile,
    ),
)
"""A URL as an article or a page might write it: perhaps a web URL, with anything after."""

maybe = st.none() | hostile
maybe_url = st.none() | hostile_url
small = st.integers(min_value=1, max_value=10_000)


@st.composite
def spans(draw: st.DrawFn) -> Span:
    """A span as extraction makes one: lines and columns from 1, ending at or after its start."""
    start = draw(st.integers(0, 10**6))
    length = draw(st.integers(0, 5000))
    line, column = draw(small), draw(small)
    end_line = line + draw(st.integers(0, 3))
    end_column = column + length if end_line == line else draw(small)
    return Span(start, start + length, line, column, end_line, end_column)


@st.composite
def citations(draw: st.DrawFn, path: str, nested: bool = True) -> Citation:
    """A citation whose every string is hostile."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    form = draw(st.sampled_from(sorted(FORMS)))
    url = draw(maybe_url)
    return Citation(
        kind,
        path,
        draw(spans()),
        draw(hostile),
        draw(hostile),
        url,
        form,
        url_raw=draw(maybe_url),
        url_span=draw(st.none() | spans()),
        title=draw(maybe),
        local=draw(maybe),
        invalid=draw(maybe),
        label=draw(maybe),
        in_code=draw(st.booleans()),
        publisher=draw(maybe),
        domain=draw(maybe),
        date=draw(maybe),
        author=draw(maybe),
        confidence=draw(st.floats(0, 1)),
        attributed_to=draw(maybe),
        reference=draw(st.none() | citations(path, nested=False)) if nested else None,
        role=draw(st.sampled_from(["body", "boilerplate"])),
        link_missing=draw(st.booleans()),
        note=draw(maybe),
    )


outcomes = st.builds(
    Outcome,
    status=st.sampled_from(STATUSES),
    detail=hostile,
    http_status=st.none() | st.integers(100, 999),
    final_url=maybe_url,
    redirects=st.lists(
        st.builds(Redirect, hostile_url, st.sampled_from([301, 302, 303, 307, 308])), max_size=3
    ).map(tuple),
    suggested_url=maybe_url,
    reason=st.none() | st.sampled_from(["refused", "tls", "nxdomain", "private-address"]),
    attempts=st.integers(0, 5),
)
archives = st.builds(
    ArchiveResult,
    status=st.sampled_from(ARCHIVE_STATUSES),
    detail=hostile,
    url=maybe_url,
    timestamp=maybe,
    source=st.none() | st.sampled_from(ARCHIVES),
)
saves = st.builds(
    SaveResult,
    status=st.sampled_from(get_args(SaveStatus)),
    url=hostile_url,
    detail=hostile,
    snapshot=maybe_url,
    timestamp=maybe,
    job_id=maybe,
)
times = st.floats(0, 4_000_000_000)
histories = st.builds(
    judge,
    st.lists(
        st.builds(
            Failure,
            at=times,
            status=st.sampled_from(["dead", "soft-404", "timeout"]),
            http_status=st.none() | st.integers(100, 599),
            detail=hostile,
        ),
        max_size=3,
    ).map(lambda failures: sorted(failures, key=lambda f: f.at)),
    st.builds(Rule, st.integers(1, 5), st.floats(0, 30)),
)
resolutions = st.builds(
    Resolution,
    status=st.sampled_from(get_args(ResolutionStatus)),
    url=maybe_url,
    confidence=st.floats(0, 1),
    evidence=st.lists(hostile, max_size=3).map(tuple),
    candidates=st.lists(
        st.builds(
            Candidate,
            url=hostile_url,
            source=st.sampled_from(["pattern", "index", "search"]),
            score=st.floats(0, 100),
            status=st.sampled_from(get_args(CandidateStatus)),
            reason=hostile,
            title=maybe,
            date=maybe,
            snapshot=maybe_url,
            confidence=st.floats(0, 1),
        ),
        max_size=4,
    ).map(tuple),
)
verifications = st.sampled_from(
    [(check, status) for check, codes in CHECK_STATUSES.items() for status in codes]
).flatmap(
    lambda pair: st.builds(
        Verification, st.just(pair[0]), st.just(pair[1]), st.none() | st.floats(0, 100), hostile
    )
)


@st.composite
def checks(draw: st.DrawFn, path: str) -> CitationCheck:
    """A checked citation with hostile strings in everything checking and archiving add."""
    return CitationCheck(
        draw(citations(path)),
        draw(st.none() | outcomes),
        target=draw(maybe_url),
        archive=draw(st.none() | archives),
        saved=draw(st.none() | saves),
        history=draw(st.none() | histories),
        cached_at=draw(st.none() | times),
        resolution=draw(st.none() | resolutions),
        verification=draw(st.none() | st.lists(verifications, max_size=3).map(tuple)),
    )


PROBLEM_CODES = ["not-found", "no-match", "unreadable", "too-large", "binary", "undecodable"]
paths = st.one_of(hostile.filter(bool), st.sampled_from(["-", "docs/a.md", "/abs/b.html"]))
problems = st.builds(InputProblem, paths, hostile, st.sampled_from(PROBLEM_CODES))


def _summary(path: str, count: int, draw: st.DrawFn) -> DocumentSummary:
    return DocumentSummary(
        path,
        draw(st.sampled_from(["markdown", "html", "text"])),
        draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])),
        count,
        draw(st.integers(0, 3)),
        draw(maybe),
    )


T = TypeVar("T")


def _documents(
    draw: st.DrawFn, each: Callable[[str], st.SearchStrategy[T]], most: int
) -> tuple[list[str], list[DocumentSummary], list[T]]:
    """One or two documents' names, summaries and items (up to `most` each, drawn from
    `each(name)`), the items grouped by document in the order of the documents."""
    names = draw(st.lists(paths, min_size=1, max_size=2, unique=True))
    documents: list[DocumentSummary] = []
    found: list[T] = []
    for name in names:
        these = draw(st.lists(each(name), max_size=most))
        documents.append(_summary(name, len(these), draw))
        found += these
    return names, documents, found


@st.composite
def check_reports(draw: st.DrawFn) -> CheckReport:
    """A `check` report of one or two documents (and perhaps a citation of a document it
    does not list), every string in it hostile. Citations are grouped by document, in the
    order of the documents, as `check` makes them."""
    names, documents, found = _documents(draw, checks, 3)
    if draw(st.booleans()):  # citations stay grouped by document, as `check` reports them
        found += draw(st.lists(checks(draw(paths.filter(lambda p: p not in names))), max_size=1))
    return CheckReport(
        documents=tuple(documents),
        checks=tuple(found),
        problems=tuple(draw(st.lists(problems, max_size=2))),
        targets=draw(st.integers(0, 50)),
        offline=draw(st.booleans()),
        cached=draw(st.integers(0, 50)),
        notes=tuple(draw(st.lists(hostile, max_size=2))),
    )


@st.composite
def extract_reports(draw: st.DrawFn) -> ExtractReport:
    """An `extract` report of one or two documents, every string in it hostile."""
    _, documents, found = _documents(draw, citations, 4)
    return ExtractReport(
        tuple(documents), tuple(found), tuple(draw(st.lists(problems, max_size=2)))
    )


_BLOCK = st.sampled_from(
    ["p", "div", "li", "td", "h1", "h2", "blockquote", "nav", "footer", "figure"]
)
html_pages = st.builds(
    lambda head, blocks, tail: head + "".join(blocks) + tail,
    st.sampled_from(
        ["<html><head><title>t</title></head><body>", "<body>", "<!DOCTYPE html><html>", ""]
    ),
    st.lists(
        st.builds(
            lambda tag, text, href, more: f'<{tag}>{text}<a href="{href}">{more}</a></{tag}>',
            _BLOCK,
            article_text,
            st.sampled_from(
                ["https://n.org/a", "/rel", "#x", "javascript:x", '"', "https://o.org/"]
            ),
            article_text,
        ),
        min_size=10,
        max_size=30,
    ),
    st.sampled_from(["</body></html>", "", "<a href=", "<!--"]),
)
"""Whole web pages, long enough that extraction looks for the article body in them."""


FACTS = [
    '<meta property="og:title" content="', '<meta name="twitter:title" content="',
    '<meta property="og:site_name" content="', '<meta property="article:published_time" content="',
    '<meta name="date" content="', '<meta property="og:locale" content="', '<meta name="',
    '<meta http-equiv="content-language" content="', '" />', '">', '<html lang="',
    '<html lang="zh-',
    '<script type="application/ld+json">', '{"@type": "NewsArticle", "headline": "',
    '{"@graph": [', '{"@id": "#p", "name": "', '"publisher": {"@id": "#p"}', '"datePublished": "',
    "[", "]", "{", "}", ",", '"', "\\u0000", "</script>", '<link rel="canonical" href="',
    "https://web.archive.org/web/20200102030405/https://p.example/2019/03/04/story",
    '<time datetime="', '<time pubdate datetime="', "</time>", "<article>", "</article>",
    '<a href="/"><img alt="', "<h1>", "</h1>", "<title>", "</title>", " | ", " - ", " – ", "_",
    "｜", "::", "新华网", "BBC News", "2024-02-30", "2024-01-02T03:04:05Z", "1989-12-31",
    "2999-01-01", "20240102", "2024/1/2", "<?xml version=\"1.0\" encoding=\"latin-1\"?>",
    '<meta charset="gb18030">', "<body>", "<p>", "<script>", "<style>", "<noscript>", "<template>",
    "page not found", "404 Not Found", "找不到網頁", "页面不存在", "Just a moment...", "cf-chl",
    "px-captcha", "Access Denied", "<h2>", "</h2>",
]  # fmt: skip
"""Pieces of what a page says about itself: meta tags, JSON-LD, times, titles with site names,
and what soft-404 pages and bot walls say."""

page_text = st.lists(
    st.one_of(st.sampled_from(FACTS), st.sampled_from(SYNTAX), st.text(any_character, max_size=5)),
    max_size=60,
).map("".join)
"""A hostile fetched page."""
