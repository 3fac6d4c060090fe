"""Properties that hold for any text: extraction never raises, and every span is true."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.extract import extract
from citecheck.model import Citation, Document, Format

FRAGMENTS = [
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "!",
    "`",
    "```",
    "~~~",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "\t",
    "*",
    "_",
    "\\",
    "&amp;",
    "&#x5B;",
    "|",
    "---",
    ":",
    "#",
    " ",
    '"',
    "'",
    "https://a.org/x",
    "http://b.org/(y)",
    "www.c.org",
    "https://d.org/?q=1&r=2",
    "ftp://e.org",
    "見",
    "。",
    "「",
    "」",
    "（",
    "），",
    "[r]: ",
    "[r]",
    "][r]",
    "](",
    "<https://f.org>",
    '<a href="',
    '<img src="',
    "</a>",
    "<!-- citecheck-ignore -->",
    "<!-- citecheck-disable -->",
    "<!-- citecheck-enable -->",
    '<base href="https://g.org/">',
    "<!--",
    "-->",
    "<pre>",
    "</pre>",
    "\u202e",
    "\x00",
    "\ufeff",
    "é",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=40).map(
    "".join
)

_BREAK = re.compile(r"\r\n|\r|\n")


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Counted from scratch: how many line breaks come before, and how far from the last."""
    before = text[:offset]
    breaks = list(_BREAK.finditer(before))
    if not breaks:
        return 1, offset + 1
    # A `\r` right before the offset may be the first half of a `\r\n` that straddles it.
    return len(breaks) + 1, offset - breaks[-1].end() + 1


def check_spans(text: str, citations: list[Citation]) -> None:
    for citation in citations:
        span = citation.span
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start : span.end] == citation.source
        assert (span.line, span.column) == line_and_column(text, span.start)
        assert (span.end_line, span.end_column) == line_and_column(text, span.end)
        if citation.url_span is not None:
            url = citation.url_span
            assert text[url.start : url.end] == citation.url_raw
            assert (url.line, url.column) == line_and_column(text, url.start)
            if citation.form not in ("reference",):
                assert span.start <= url.start <= url.end <= span.end
        if citation.form == "bare":
            assert citation.source == citation.url_raw == citation.text
        if citation.form == "autolink":
            assert citation.source == "<" + citation.url_raw + ">"
        if citation.kind == "link":
            assert citation.url is not None or citation.local is not None or citation.invalid


@settings(max_examples=400, deadline=None)
@given(texts, st.sampled_from(["markdown", "html", "text"]), st.booleans())
def test_extraction_never_raises_and_spans_are_true(
    text: str, fmt: Format, include_code: bool
) -> None:
    citations, ignored = extract(Document("t", fmt, text, "utf-8"), include_code=include_code)
    assert ignored >= 0
    check_spans(text, citations)
    assert [c.span.start for c in citations] == sorted(c.span.start for c in citations)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["markdown", "html", "text"]))
def test_arbitrary_unicode_never_raises(text: str, fmt: Format) -> None:
    citations, _ = extract(Document("t", fmt, text, "utf-8"))
    check_spans(text, citations)
