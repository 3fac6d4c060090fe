"""The source side of `citecheck.extract.body`: one pass over a saved page that finds its links,
images, cited quotes and text blocks with their exact offsets, and what makes it a full page.

It reads a same-length sanitized copy with `html.parser` (as `citecheck.extract.html` does, so
offsets agree) and gives each link and image the attributes that name it in the copy trafilatura
reads. See `citecheck.extract.body` for how the two are put together.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from citecheck.extract.prose import collapse

MAX_LINK_WORK = 500_000
"""Budget for trafilatura's link-density tests, which cost ~2 µs per link per unit of depth: an
`<a href>` costs `LINK_COST` plus the containers it is in. Real pages use up to ~150,000."""

LINK_COST = 16
"""What one link costs towards `MAX_LINK_WORK`, besides its depth."""

_BLANK = "\x01"
_MAX_IMAGE_SRC = 8192 - 64  # trafilatura ignores longer sources; the token must not push one over
_TERMINATOR = "\"'-->"
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
# Tags that end a text block (trafilatura turns `<br>` into a line break, which may split one).
_BREAKS = frozenset(
    {
        "address", "article", "aside", "audio", "blockquote", "body", "br", "button", "canvas",
        "caption", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt", "embed",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "header", "hgroup", "hr", "html", "input", "label", "legend", "li", "main", "math",
        "menu", "nav", "noscript", "object", "ol", "option", "p", "pre", "section", "select",
        "summary", "svg", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video",
    }
)  # fmt: skip
# Block-level elements counted towards a full page.
_COUNTED = frozenset(
    {
        "article", "aside", "blockquote", "div", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "ul",
    }
)  # fmt: skip
# Containers whose end tag is never left out in practice: their depth prices a link.
_NESTING = frozenset(
    {
        "article", "aside", "blockquote", "div", "dl", "figure", "footer", "form", "header", "main",
        "nav", "ol", "section", "table", "ul",
    }
)  # fmt: skip


@dataclass(slots=True)
class Element:
    """A link, image or cited quote in the source."""

    kind: str
    """`a`, `img` or `quote`."""
    start: int
    """Offset of its `<`."""
    end: int
    """Offset just past its start tag."""
    insert: str
    """The attributes naming it, to write just after its tag name (first attributes win)."""
    parent: int = -1
    """For an image: the index of the `<a>` it stands in, or -1."""
    has_text: bool = False
    """For a link: whether it holds any text."""
    figure: int = -1
    """For an image: the number of the `<figure>` it stands in, or -1."""


class OverBudget(Exception):
    """The page has more links, more deeply nested, than `MAX_LINK_WORK` allows."""


class Walker(HTMLParser):
    """One pass over the source: link elements, text blocks, and what makes a full page."""

    def __init__(self, text: str, prefix: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.prefix = prefix
        self.elements: list[Element] = []
        self.blocks: list[tuple[int, int, str]] = []  # (start, end, normalised text)
        self.block_figures: list[int] = []  # for each block, the figure it is in, or -1
        self.block_count = 0
        self.has_root = False
        copy = re.sub(r"(?<=<!)\[", _BLANK, text.replace("&", _BLANK))
        self._copy = copy + _TERMINATOR
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._raw: str | None = None  # the raw-text element we are in
        self._depth = 0
        self._work = 0
        self._anchor = -1
        self._figures: list[int] = []  # the open `<figure>`s, innermost last
        self._figure_count = 0
        self._run: list[str] = []
        self._run_span = (-1, -1)

    def read(self) -> bool:
        """Parse the whole text; False when the parser gave up or the budget ran out."""
        try:
            self.feed(self._copy)
            self.close()
        except Exception:  # a parser slip on hostile input, or over budget: structure unknown
            return False
        self._flush()
        return True

    def _here(self) -> int:
        line, column = self.getpos()
        starts = self._line_starts
        return starts[min(max(line, 1), len(starts)) - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        here = self._here()
        there = here + len(self.get_starttag_text() or "")
        if self._raw is not None or there > len(self.text) or self._copy[here] != "<":
            return
        self.has_root = self.has_root or tag in ("html", "body")
        self.block_count += tag in _COUNTED
        self._depth += tag in _NESTING
        if tag in _BREAKS or tag in _RAW_TEXT:
            self._flush()
        if tag in _RAW_TEXT:
            self._raw = tag
        elif tag == "figure":
            self._figures.append(self._figure_count)
            self._figure_count += 1
        elif tag == "a":
            self._anchor = -1  # an `<a>` inside another closes it, as in browsers
            if any(name == "href" for name, _ in attrs):
                self._work += LINK_COST + self._depth
                if self._work > MAX_LINK_WORK:
                    raise OverBudget
                self._anchor = len(self.elements)
                token = f' href="{self.prefix}a{self._anchor}"'
                self.elements.append(Element("a", here, there, token))
        elif tag == "img" and any(name == "src" for name, _ in attrs):
            token = f"{self.prefix}i{len(self.elements)}/"
            insert = "".join(
                f' {name}="{token}{html.escape(value, quote=True)}"'
                for name, value in dict(reversed(attrs)).items()  # the first of a name wins
                if name == "src" or name.startswith("data-src")
                for value in [html.unescape((value or "").replace(_BLANK, "&"))]
                if 0 < len(value) < _MAX_IMAGE_SRC
            )
            figure = self._figures[-1] if self._figures else -1
            self.elements.append(Element("img", here, there, insert, self._anchor, figure=figure))
        elif tag in ("blockquote", "q") and any(name == "cite" for name, _ in attrs):
            self.elements.append(Element("quote", here, there, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # browsers ignore the `/` of `<div/>`, and so do we

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None:
            if tag == self._raw:
                self._raw = None
            return
        self._depth = max(0, self._depth - (tag in _NESTING))
        if tag in _BREAKS:
            self._flush()
        if tag == "a":
            self._anchor = -1
        elif tag == "figure" and self._figures:
            self._figures.pop()

    def handle_data(self, data: str) -> None:
        here = self._here()
        there = min(here + len(data), len(self.text))
        if self._raw is not None or here >= there or not self._copy.startswith(data, here):
            return
        if self._anchor >= 0 and not data.isspace():
            self.elements[self._anchor].has_text = True
        self._run_span = (here if self._run_span[0] < 0 else self._run_span[0], there)
        self._run.append(html.unescape(self.text[here:there]))

    def _flush(self) -> None:
        text = collapse("".join(self._run))
        if text:
            self.blocks.append((*self._run_span, text))
            self.block_figures.append(self._figures[-1] if self._figures else -1)
        self._run.clear()
        self._run_span = (-1, -1)
