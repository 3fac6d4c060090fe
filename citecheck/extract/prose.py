"""The prose of a document: its running text, at the offsets it has in the document.

Citations written in words (references, credits, republication notes, quotes) are looked for in
what a reader reads, not in markup: not in code, not in a link's target, not in an HTML tag or a
script. Each reader therefore hands over a *prose view*, a string exactly as long as the document
text in which everything that is not prose is blanked to spaces. Line breaks stay where they were,
so an offset in the view is the same offset in the document and its line and column come for free;
and since blanks are spaces, a tag between two words separates them as a space would.

HTML block elements (`<p>`, `<li>`, `<br>`, ...) end a paragraph: their tag is blanked to a line
break followed by spaces, so that two paragraphs never read as one. Character references in HTML
text are decoded in place when the character is no longer than its reference (`&amp;` becomes
`&` and four spaces), which keeps the lengths equal.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_BREAKS = re.compile(r"[^\r\n]")
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
        "td", "th", "tr", "ul",
    }
)  # fmt: skip
"""HTML elements whose start or end tag ends a paragraph of prose."""


def collapse(text: str) -> str:
    """White space runs made single spaces, ends stripped."""
    return " ".join(text.split())


def blank(text: str) -> str:
    """`text` with every character but line breaks made a space."""
    return _BREAKS.sub(" ", text)


def hide(text: str, hidden: Iterable[tuple[int, int]]) -> str:
    """The prose view of `text` with the `hidden` ranges blanked (line breaks kept)."""
    pieces: list[str] = []
    position = 0
    for start, end in sorted(hidden):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        pieces.append(text[position:start])
        pieces.append(blank(text[start:end]))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def show(text: str, visible: Iterable[tuple[int, int]], breaks: Iterable[int] = ()) -> str:
    """The prose view of HTML `text` in which only the `visible` runs of text are kept.

    Character references in the runs are decoded in place; at each offset in `breaks` (where a
    block tag starts) a line break is put, unless the text already has one there.
    """
    view = list(blank(text))
    for start, end in visible:
        view[start:end] = _decoded(text[start:end])
    for at in breaks:
        if 0 <= at < len(view) and view[at] == " ":
            view[at] = "\n"
    return "".join(view)


def _decoded(run: str) -> str:
    """`run` with its character references decoded, padded to keep its length."""

    def one(match: re.Match[str]) -> str:
        written = match.group()
        meant = html.unescape(written)
        if meant == written or len(meant) > len(written):
            return written
        return meant + " " * (len(written) - len(meant))

    return _REFERENCE.sub(one, run) if "&" in run else run
