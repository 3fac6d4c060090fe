"""A megabyte of worst-case input, for every extractor and for the readers of fetched pages, in
time linear in its size.

Each case is a piece of syntax that makes some reader look ahead for what never comes (an
unclosed bracket, tag, quote or comment), or repeats what a reader keeps state for (nested
tags, links, dates, table cells), filling 1 MB. Linear time is told from quadratic without a
flaky absolute figure: the case runs at a quarter of its size and at its full size; linear time
makes that ratio about 4, quadratic about 16, and the test asserts it is under 10 (a full-size
time under half a second passes whatever the ratio: timer noise, no blow-up). A case that fails
is measured again and the best of two runs of each size counts: a busy moment of the shared
machine is not a blow-up. An absolute bound, generous, catches what the ratio cannot: a reader
that caps its input (`signals` reads 200,000 characters) is timed at a quarter of its cap, and
a blow-up inside the cap would take minutes.

Typical figures on the shared 2-CPU machine (full size; the ratio in brackets): text 1.4-4.2 s
[3-5]; Markdown 0.3-5.4 s [3-6]; HTML 0.3-11 s [2-6]; pagefacts 0.3-1.9 s [0.1-5: trafilatura is
not asked past 50,000 elements, so a bigger page can be quicker]; signals 0.01-0.03 s [3-6]
(11 s for 1 MB of `<title` or `<h2 x`, and 54-143 s for 200,000 characters of `<h1>`,
`<title>`, `<script`, `<style>` or `<`, before its fix). The file runs in about 80 s.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from citecheck import signals
from citecheck.extract import extract
from citecheck.model import Document, Format
from citecheck.pagefacts import page_facts

SIZE = 1_000_000
"""Characters (or bytes) of each input."""
RATIO = 10.0
"""Full-size time over quarter-size time above which a reader is not linear."""
FLOOR = 0.5
"""Seconds under which a full-size run passes whatever its ratio."""


@dataclass(frozen=True)
class Case:
    """One reader and one worst-case input for it."""

    name: str
    run: Callable[[str], object]
    build: Callable[[int], str]
    """The input, about the given number of characters long."""
    limit: float = 30.0
    """Seconds the full-size input may take at most."""
    quarter: int = SIZE // 4
    """The size of the smaller input the ratio is taken against."""


def repeat(piece: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    """`piece` repeated to fill the size, between `head` and `tail`."""
    return lambda size: head + piece * max(1, (size - len(head) - len(tail)) // len(piece)) + tail


def reader(fmt: Format) -> Callable[[str], object]:
    """Extraction of a document in `fmt`, code included (its bare URLs are read too)."""
    return lambda text: extract(Document("big", fmt, text, "utf-8"), include_code=True)


def facts(text: str) -> object:
    return page_facts(text, url="https://news.example/2024/01/02/story")


def facts_of_bytes(text: str) -> object:
    return page_facts(text.encode("utf-8", "surrogateescape"), content_type="text/html")


def soft_404(text: str) -> object:
    """What a 200 answer's page is read for: its not-found phrases and bot-wall markers."""
    signals.bot_wall(403, {"server": "AkamaiGHost"}, text)
    return signals.soft_404("https://a.example/x", "https://a.example/x", False, text)


TEXT, MARKDOWN, HTML = reader("text"), reader("markdown"), reader("html")
PAGE = "<html><head><title>A page</title></head><body>"
DATES = "11 March 2025, 3月14日 於8日 (2024) 2025-03-11 二〇二五年三月 Mar. 5 "
LD = '<script type="application/ld+json">{"@graph": ['
CAP = 200_000  # what `signals` reads of a page

CASES = [
    # Citation rules, quotations, dates and bare URLs read the prose view the same way whatever
    # the format: plain text, which has no markup to parse, puts them to the test.
    Case("text: ((((see:", TEXT, repeat("((((see: ")),
    Case("text: [", TEXT, repeat("[")),
    Case("text: full-width (see:", TEXT, repeat("（見：新華社，")),
    Case("text: http://", TEXT, repeat("http://")),
    Case("text: a giant URL", TEXT, repeat("a/(b)", "see https://x.org/", ").")),
    Case("text: dates", TEXT, repeat(DATES)),
    # Markdown: emphasis, code, HTML inside, a table's cells on one line, nesting. (1 MB of `[`
    # is left out: markdown-it tries each `[` as a link label, 29-36 s a megabyte, ratio 4.)
    Case("markdown: **", MARKDOWN, repeat("**")),
    Case("markdown: `", MARKDOWN, repeat("`")),
    Case("markdown: unclosed <a href", MARKDOWN, repeat('<a href="')),
    Case("markdown: a table of one row", MARKDOWN, repeat("| [x](https://a.org/x) ", "|a|\n|-|\n")),
    Case("markdown: nested quotes", MARKDOWN, repeat(">")),
    # HTML: tags never closed, nesting, whole pages with an article body to find
    Case("html: unclosed <a href", HTML, repeat('<a href="')),
    Case("html: nested tags", HTML, repeat("<b>")),
    Case("html: <", HTML, repeat("<")),
    Case("html: <!--", HTML, repeat("<!--")),
    Case("html: &#", HTML, repeat("&#")),
    Case("html: a page of nested divs", HTML, repeat("<div>", PAGE)),
    Case("html: a page of linked paragraphs", HTML, repeat('<p>x <a href="/a">y</a></p>', PAGE)),
    # Fetched pages: what a page says about itself
    Case("pagefacts: <title>", facts, repeat("<title>")),
    Case("pagefacts: <", facts, repeat("<")),
    Case("pagefacts: meta tags", facts, repeat('<meta property="og:title" content="A - B">')),
    Case("pagefacts: JSON-LD", facts, repeat('{"@type": "NewsArticle", "headline": "h"},', LD)),
    Case("pagefacts: <time>", facts, repeat('<time datetime="2020-01-02">x</time>', "<article>")),
    Case("pagefacts: undecodable bytes", facts_of_bytes, repeat("\udcff\udc81<p>é中")),
    # Soft-404 and bot-wall evidence (quadratic before: every opening searched to the end)
    *(
        Case(f"signals: {piece}", soft_404, repeat(piece), limit=5.0, quarter=CAP // 4)
        for piece in ("<title>", "<title", "<h1>", "<h2 x", "<", "<script", "<style>", "&amp;")
    ),
]


def timed(case: Case, text: str, runs: int) -> float:
    """The best of `runs` runs of `case` on `text`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        case.run(text)
        best = min(best, time.perf_counter() - started)
    return best


def linear(full: float, quarter: float) -> bool:
    return full < max(RATIO * quarter, FLOOR)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_megabyte_of_worst_case_input_takes_linear_time(case: Case) -> None:
    case.run(case.build(100))  # imports and caches are not the input's cost
    small, big = case.build(case.quarter), case.build(SIZE)
    assert SIZE - 200 <= len(big) <= SIZE
    quarter, full = timed(case, small, 1), timed(case, big, 1)
    if not (linear(full, quarter) and full < case.limit):  # measured again: best of two each
        quarter, full = min(quarter, timed(case, small, 1)), min(full, timed(case, big, 1))
    figures = f"{case.name}: {full:.2f} s for {len(big):,}, {quarter:.2f} s for {len(small):,}"
    assert full < case.limit, figures
    assert linear(full, quarter), figures


def test_each_input_is_its_piece_repeated_between_its_head_and_tail() -> None:
    assert repeat("ab", "<", ">")(10) == "<abababab>"
    assert repeat("abc")(2) == "abc"  # never empty
    assert len({case.name for case in CASES}) == len(CASES)
