"""Every extractor over hostile text: it never raises, and what it finds is where it says.

Hostile means everything at once: random code points (controls, NUL, lone surrogates, bidi
overrides, CJK), the syntax each reader reads (brackets, parentheses, Markdown and HTML
metacharacters, directives, dates, the words of citation rules) cut and shuffled, and URLs
thousands of characters long. Beyond "no exception", each test asserts what the extractor
promises: spans inside the document whose lines and columns are counted again from scratch,
the text found at each span, dates that exist, the prose view as long as the document with
its line breaks in place, the links `read` reports first being the links `finish` returns.

Fetched pages are untrusted too: `pagefacts` (titles, dates, site names, language, text) and
`signals` (soft-404 and bot-wall evidence) get pages built of meta tags, JSON-LD, `<time>`,
titles with site names and hostile text.
"""

from __future__ import annotations

import itertools
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))  # the shared strategies, `strategies.py`
import strategies as hostile_input

from citecheck import pagefacts, signals
from citecheck.extract import extract, finish, read
from citecheck.extract.body import find_body
from citecheck.extract.dates import PartialDate, complete, document_date, find_dates, parse_date
from citecheck.extract.directives import find_directives
from citecheck.extract.segments import groups, paragraphs, sentences
from citecheck.extract.urls import find_urls, interpret
from citecheck.model import Document, Format

FORMATS: list[Format] = ["markdown", "html", "text"]
BASES = [None, "https://base.example/dir/page.html", "http://[::1", "javascript:alert(1)", ""]
texts = st.one_of(hostile_input.article_text, hostile_input.with_giant_url)


def _extract_and_check(text: str, fmt: Format, code: bool, base: str | None) -> None:
    document = Document("doc.x", fmt, text, "utf-8")
    reading = read(document, base_url=base, include_code=code)
    # The prose view: as long as the text, its line breaks where the text has them.
    assert len(reading.prose) == len(text)
    assert all(reading.prose[m.start()] == m.group() for m in re.finditer("[\r\n]", text))
    links = reading.reported_links()
    found, ignored = finish(reading)
    assert ignored >= 0
    assert [c for c in found if c.kind == "link"] == links  # what `check` requested first
    assert [(c.span.start, c.span.end) for c in found] == sorted(
        (c.span.start, c.span.end) for c in found
    )
    for citation in found:
        hostile_input.check_citation(text, "doc.x", citation, code=code, html=fmt == "html")
        if fmt == "text":
            assert citation.kind != "link" or citation.form == "bare"


@hostile_input.fuzz(600)  # ~5 s
@given(texts, st.sampled_from(FORMATS), st.booleans(), st.sampled_from(BASES))
def test_every_reader_keeps_its_promises_on_hostile_text(
    text: str, fmt: Format, code: bool, base: str | None
) -> None:
    _extract_and_check(text, fmt, code, base)


@hostile_input.fuzz(60)  # ~4 s: trafilatura reads each page, twice when it has an image
@given(hostile_input.html_pages, st.booleans())
def test_full_web_pages_with_site_chrome_keep_their_promises(page: str, code: bool) -> None:
    _extract_and_check(page, "html", code, "https://base.example/")


@hostile_input.fuzz(60)  # ~3 s
@given(hostile_input.html_pages, st.integers(0, 10**5), st.integers(0, 10**3))
def test_the_article_body_is_found_or_not_without_raising(page: str, at: int, size: int) -> None:
    body = find_body(page)
    if body is None:
        return
    assert len(body.tags) == len(body.tags_in_body)
    assert list(body.tags) == sorted(body.tags)
    assert all(0 <= start < end <= len(page) for start, end in (*body.tags, *body.blocks))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(body.blocks))
    body.contains(at % (len(page) + 1), at % (len(page) + 1) + size)


@hostile_input.fuzz(300)  # ~1 s
@given(texts, st.integers(0, 300), st.integers(0, 300))
def test_bare_urls_are_where_they_are_and_end_where_urls_end(
    text: str, start: int, length: int
) -> None:
    start = min(start, len(text))
    end = min(start + length, len(text))
    found = find_urls(text, start, end)
    previous = start
    for url in found:
        assert previous <= url.start < url.end <= end
        assert text[url.start : url.end] == url.raw
        assert not re.search(r"[\s\x00-\x1f\x7f<>\"`]", url.raw)
        assert url.raw[-1] not in ".,:;!?*_~'"
        previous = url.end
        interpret(url.raw, bare=True)


@hostile_input.fuzz(300)  # ~0.5 s
@given(hostile_input.hostile_url, st.sampled_from(BASES), st.booleans())
def test_a_target_is_a_url_a_local_path_an_invalid_url_or_nothing(
    written: str, base: str | None, bare: bool
) -> None:
    target = interpret(written, base, bare=bare)
    if target is None:
        return
    assert sum(value is not None for value in (target.url, target.local, target.invalid)) == 1
    if target.url is not None and re.match("(?i)(https?|ftp)://", target.url):
        parts = urlsplit(target.url)
        assert parts.hostname
        _ = parts.port  # in range


@hostile_input.fuzz(300)  # ~1 s
@given(texts, st.integers(0, 200), st.sampled_from(FORMATS))
def test_dates_found_exist_and_are_where_they_are(text: str, start: int, fmt: Format) -> None:
    start = min(start, len(text))
    previous = start
    for match in find_dates(text, start):
        assert previous <= match.start < match.end <= len(text)
        assert hostile_input.date_exists(match.date), match
        reparsed = parse_date(text[match.start : match.end])
        assert reparsed is not None
        assert reparsed == match.date
        previous = match.end
    own = document_date(text, fmt)
    assert own is None or (own.year is not None and hostile_input.date_exists(own))


@hostile_input.fuzz(300)  # ~0.3 s
@given(
    st.builds(
        PartialDate,
        st.none() | st.integers(1, 9999),
        st.none() | st.integers(1, 12),
        st.none() | st.integers(1, 31),
    ),
    st.none()
    | st.builds(
        PartialDate,
        st.integers(1, 9999),
        st.none() | st.integers(1, 12),
        st.none() | st.integers(1, 31),
    ),
    hostile_input.hostile,
)
def test_completing_a_date_never_makes_one_that_does_not_exist(
    partial: PartialDate, anchor: PartialDate | None, written: str
) -> None:
    parse_date(written)
    completed = complete(partial, anchor)
    if completed != partial:
        assert hostile_input.date_exists(completed)
        assert partial.year is None


@hostile_input.fuzz(300)  # ~0.5 s
@given(texts)
def test_directives_paragraphs_sentences_and_bracket_groups_lie_in_the_text(text: str) -> None:
    for directive in find_directives(text):
        assert text[directive.start : directive.end].startswith("<!--")
        assert text[directive.start : directive.end].endswith("-->")
    found = paragraphs(text)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(found))
    for start, end in found:
        assert 0 <= start < end <= len(text)
        assert not text[start].isspace()
        for s, e in sentences(text, start, end):
            assert start <= s < e <= end
        for group in groups(text, start, end):
            assert start <= group.start < group.content_start <= group.content_end <= group.end
            assert group.end <= end
            assert text[group.start] in "(（"
            assert not group.closed or text[group.end - 1] in ")）"


# Fetched pages --------------------------------------------------------------------------------

_CONTROLS = re.compile(pagefacts._CONTROLS)
_UNPARSABLE = re.compile(pagefacts._UNPARSABLE)
TODAY = date(2026, 1, 1)


def _name(value: str) -> None:
    """A title or site name as `PageFacts` promises it: one line, trimmed, capped."""
    assert value
    assert len(value) <= pagefacts.MAX_FIELD
    assert value == " ".join(value.split())
    assert not _CONTROLS.search(value)


@hostile_input.fuzz(200)  # ~10 s (lxml, htmldate and trafilatura read each page)
@given(
    st.one_of(hostile_input.page_text, hostile_input.html_pages),
    st.booleans(),
    st.none() | st.sampled_from(["https://www.bbc.co.uk/news/2024/01/02/x", "http://[::1", ""]),
    st.none() | st.sampled_from(["text/html; charset=gb18030", "text/html; charset=bogus", ""]),
)
def test_page_facts_of_a_hostile_page_are_well_formed(
    page: str, as_bytes: bool, url: str | None, content_type: str | None
) -> None:
    body: str | bytes = page.encode("utf-8", "surrogatepass") if as_bytes else page
    latest = TODAY + timedelta(days=2)
    # Not through `page_facts`, whose safety net would hide an exception as "says nothing".
    facts = pagefacts._facts(body, url, content_type, latest)
    assert facts.title == (facts.titles[0] if facts.titles else None)
    for title in facts.titles:
        _name(title)
    assert len({t.casefold() for t in facts.titles}) == len(facts.titles)
    if facts.site is not None:
        _name(facts.site)
    assert (facts.date is None) == (facts.date_source is None)
    if facts.date is not None:
        assert date(1990, 1, 1) <= date.fromisoformat(facts.date) <= latest
        assert re.fullmatch(r"json-ld|meta:[a-z:._-]+|time|htmldate|url", facts.date_source or "")
    if facts.language is not None:
        assert re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}", facts.language)
    assert len(facts.text) <= pagefacts.MAX_TEXT
    assert facts.text == facts.text.strip()
    assert not _UNPARSABLE.search(facts.text)


# `signals.not_found_text` as it was written with regular expressions that search to the end of
# the page from every opening tag (quadratic, fixed): what it found is what it still finds. But
# for one oddity: ignoring case, `re` matches `s` to `ſ` and `k` to `K` (Kelvin), and the old
# back reference `</\1` then wanted the same odd letter in the closing tag (`<ſtyle>…</ſtyle>`);
# the closing tag is now any `</style>`. Browsers read neither as a tag, so the pages drawn here
# have no such letters.
_OLD_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_OLD_HEADING = re.compile(r"<h[12][^>]*>(.*?)</h[12]\s*>", re.IGNORECASE | re.DOTALL)
_OLD_TAG = re.compile(r"<[^>]*>")
_OLD_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _old_visible(fragment: str) -> str:
    import html

    return re.sub(r"\s+", " ", html.unescape(_OLD_TAG.sub(" ", fragment))).strip()


def _old_not_found_text(page: str) -> str | None:
    places = [m.group(1) for m in _OLD_TITLE.finditer(page[:200_000])]
    places += [m.group(1) for m in _OLD_HEADING.finditer(page[:200_000])]
    for place in places:
        text = _old_visible(place)
        if signals._has_phrase(text):
            return text[:120]
    body = _old_visible(_OLD_SCRIPT.sub(" ", page[:200_000]))
    if len(body) < signals.SHORT_PAGE and signals._has_phrase(body):
        lowered = body.lower()
        for phrase in signals.NOT_FOUND_PHRASES:
            at = lowered.find(phrase)
            if at >= 0:
                return body[at : at + len(phrase)]
    return None


SIGNAL_SYNTAX = [
    "<title>", "</title>", "</TITLE >", "<title x='>'>", "<h1>", "</h1>", "<h2 class=a>", "</h2>",
    "<script>", "</script>", "<SCRIPT src=x>", "</script >", "<style>", "</style>", "<scripts>",
    "<", ">", "&amp;", "&#x34;04", " ", "\n", "page not found", "Page Not Found", "404 error",
    "页面不存在", "x", "İ", "<b>", "</b>",
]  # fmt: skip
SIGNAL_PIECES = st.sampled_from(SIGNAL_SYNTAX)
ODD_LETTERS = "ſKİı"  # what `re` takes for an ASCII letter ignoring case
signal_pages = st.lists(
    st.one_of(SIGNAL_PIECES, st.text(st.characters(exclude_characters=ODD_LETTERS), max_size=3)),
    max_size=40,
).map("".join)


@hostile_input.fuzz(500)  # ~1 s
@given(signal_pages)
def test_not_found_text_finds_what_the_regular_expressions_found(page: str) -> None:
    assert signals.not_found_text(page) == _old_not_found_text(page)


@hostile_input.fuzz(300)  # ~1 s
@given(
    st.one_of(hostile_input.page_text, signal_pages),
    hostile_input.hostile_url,
    hostile_input.hostile_url,
    st.booleans(),
    st.integers(100, 999),
    st.dictionaries(
        st.sampled_from(["server", "cf-mitigated", "x-amzn-waf-action", "x-datadome", "x-cdn"]),
        hostile_input.hostile,
    ),
)
def test_soft_404_and_bot_wall_evidence_never_raises(
    page: str, start: str, final: str, redirected: bool, status: int, headers: dict[str, str]
) -> None:
    for url in (start, final):
        signals.is_home(url)
        signals.not_found_path(url)
    soft = signals.soft_404(start, final, redirected, page)
    assert soft is None or soft.startswith(("redirected to", "the page says"))
    said = signals.not_found_text(page)
    assert said is None or len(said) <= 120
    signals.bot_wall(status, headers, page)


def test_a_url_no_parser_accepts_is_no_home_page_nor_a_not_found_page() -> None:
    # Found by the fuzz: `urlsplit` raises ValueError for `http://[::1`, and so did these.
    assert signals.soft_404("https://a.example/x", "http://[::1", True, None) is None
    assert not signals.is_home("http://[::1")
    assert not signals.not_found_path("https://[x/404")


def test_a_script_tag_spelt_with_a_long_s_is_no_crash() -> None:
    # `<ſcript` matches `<script` ignoring case; the first version of the linear rewrite looked
    # its closing tag up by the text matched, `ſcript`, and raised KeyError.
    assert signals.not_found_text("<ſcript>x</script><h2>Page not found</h2>") == "Page not found"
    assert signals.not_found_text("<ſtyle>page not found</style>") is None  # a style, unseen


def test_a_markdown_link_target_with_a_nul_is_reported_as_written() -> None:
    # Found by atheris (fuzz/extract.py): markdown-it reads NUL as U+FFFD (CommonMark), and the
    # target of an inline link, an image or an autolink was taken from its copy, so `url_raw`
    # was not the document's text at `url_span`.
    for text in [
        "[a](https://a.org/\x00x)",
        "![i](https://a.org/\x00.png)",
        "<https://a\x00.org/>",
    ]:
        (link,) = extract(Document("d", "markdown", text, "utf-8"))[0]
        assert link.url_span is not None
        assert link.url_raw == text[link.url_span.start : link.url_span.end]
        assert "\x00" in link.url_raw
