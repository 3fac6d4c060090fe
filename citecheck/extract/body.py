"""Where a saved web page's article body lies, so that site chrome is not taken for citations.

Approach. A saved news page links to hundreds of places its article does not cite: navigation,
section and tag pages, author profiles, share buttons, related stories, footers. Telling an
article from its frame has well-kept tools, so we write no heuristics of our own: trafilatura
(link density, markup patterns, readability and jusText fallbacks) decides what the article is.
It cannot say where: it parses with lxml, rewrites the tree and returns content without
positions. So we ask it about a copy of the page in which every link and image carries a name:

- One `html.parser` pass (`citecheck.extract.body_source`) over a same-length sanitized copy
  (as in `citecheck.extract.html`, so offsets agree) finds each `<a href>`, `<img src>` and
  cited `<blockquote>`/`<q>` start tag, and each text block (the text between block boundaries:
  `<p>`, `<li>`, `<td>`, `<br>`, ...).
- trafilatura reads a copy in which each `<a>` starts with an `href` naming it
  (`https://citecheck.invalid/a17`) and each `<img>` with `src`/`data-src*` values that put such
  a name before the original value (which its image-extension test still sees); of two equal
  attributes the first wins. It reads hrefs only to copy them, never to decide, so it keeps what
  it keeps on the original (checked on every fixture page), and the names in its `<ref>` and
  `<graphic>` output say exactly which elements it kept: a nav link and a body link to the same
  place with the same words are told apart, as matching hrefs and texts could not.
- trafilatura is asked twice, with the same options but for images. Links and text come from
  the extraction without images: asked for images, trafilatura spares every container holding
  one from its link-density test, so teaser lists with thumbnails and layout tables with a logo
  are kept whole (on the fixture pages, 20 of the 48 chrome links kept in one pass). Images come
  from the extraction with them, run only when the page has an `<img>`.
- Text cannot be named without changing the decision, so blocks are matched by text: a block is
  kept when its whitespace-normalised text is a kept block, or, if `MIN_MATCH` characters long,
  occurs in one at word boundaries. A text the source repeats (a label, a headline) is kept only
  as often as trafilatura kept it, where it lies nearest the blocks matched without doubt. A
  block holding a kept link is kept, and so is a caption whose figure's image is (trafilatura
  drops captions, which hold photo credits).
- `contains` decides a range starting at a link, image or quote start tag by that element (a
  quote by its first text block), and any other range by the kept blocks and links it overlaps.

`find_body` returns None, "treat everything as the body", for what is not a full page (with
`<html>` or `<body>`, fewer than `MIN_BLOCKS` block elements; without, `MIN_BLOCKS_WITHOUT_ROOT`):
hand-written HTML has no chrome, and trafilatura drops lists of bare links, a common way to list
sources. Also past the cost guards (`MAX_CHARS`, `body_source.MAX_LINK_WORK`), when trafilatura
finds nothing or fails, and when nothing it found can be placed.

Measured and not taken (benchmarks/body_links.py): `favor_precision` drops every article link
of the CBS page; without tables the links of a table of sources go; readability-lxml and
jusText, as a second opinion, drop the bulleted advice (with its links) of the Foreign Office
page. No trafilatura option drops the link lists set into stories (BBC, Correio, Infobae).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

import trafilatura

from citecheck.extract.body_source import Walker
from citecheck.extract.prose import collapse

MAX_CHARS = 10_000_000
"""Longer texts get no body (our pass takes ~0.1 s per MB, trafilatura as much again per pass)."""

MIN_BLOCKS = 12
"""With `<html>` or `<body>`, a page needs this many block-level elements to count as full."""

MIN_BLOCKS_WITHOUT_ROOT = 200
"""Without `<html>` or `<body>`, this many block-level elements still make a full page."""

MIN_MATCH = 20
"""A text block this long (in characters) may match inside a kept block, not only a whole one."""

SEARCH_BUDGET = 20_000_000
"""How many characters of kept text may be scanned in all, matching blocks inside kept blocks."""

OPTIONS: dict[str, Any] = {
    "output_format": "xml", "favor_recall": True, "include_comments": False,
    "include_tables": True, "include_images": False, "include_links": True,
    "with_metadata": False,
}  # fmt: skip
"""How trafilatura is asked which text and links are the article. `favor_recall` keeps reference
lists that have words besides their links (and, on the fixture pages, drops more boilerplate text
at no cost in links); tables stay in, or the links of a table of sources would go. Images stay
out: trafilatura spares every container holding an image from its link-density test, so asked
for images it keeps teaser lists with thumbnails and layout tables with a logo whole."""

IMAGE_OPTIONS: dict[str, Any] = {**OPTIONS, "include_images": True}
"""How trafilatura is asked, a second time and only on pages with images, which images it keeps."""

# trafilatura output elements that do not end a block.
_INLINE_OUTPUT = frozenset({"b", "del", "em", "hi", "i", "ref", "span", "strong", "sub", "sup"})
_MAX_REPEATS = 64  # a text repeated more often is placed in document order, not by anchors
_TOKEN_HOST = "citecheck{}.invalid"


@dataclass(frozen=True, slots=True)
class Body:
    """Where a page's article body lies, as ranges of its text."""

    tags: tuple[tuple[int, int], ...]
    """Start tags (start, end) of the page's links, images and cited quotes, in document order."""
    tags_in_body: tuple[bool, ...]
    """For each of `tags`, whether its element is part of the body."""
    blocks: tuple[tuple[int, int], ...]
    """The body's text blocks (start, end), in document order, disjoint."""

    def contains(self, start: int, end: int) -> bool:
        """Whether the document range [start, end) lies in the article body.

        A range starting at a link, image or cited-quote start tag is that element's; any other
        range is in the body when it overlaps a text block or a link of the body. An empty range
        is the point at `start`.
        """
        end = max(end, start + 1)
        index = bisect_left(self.tags, start, key=_first)
        if index < len(self.tags) and self.tags[index][0] == start:
            return self.tags_in_body[index]
        index = bisect_left(self.tags, end, key=_first) - 1
        while index >= 0 and self.tags[index][1] > start:
            if self.tags_in_body[index]:
                return True
            index -= 1
        index = bisect_left(self.blocks, end, key=_first) - 1
        return index >= 0 and self.blocks[index][1] > start


def find_body(html_text: str, *, url: str | None = None) -> Body | None:
    """The article body of a full web page, or None when there is none to find.

    None means the caller should treat the whole document as the body: the text is not a full
    page or is past a cost guard, or trafilatura found no main content (or failed), or nothing
    it found could be placed. `url` is where the page came from, if known. Never raises for what
    the text holds.
    """
    if len(html_text) > MAX_CHARS:
        return None
    prefix = _token_prefix(html_text)
    page = Walker(html_text, prefix)
    if not page.read():
        return None
    needed = MIN_BLOCKS if page.has_root else MIN_BLOCKS_WITHOUT_ROOT
    if page.block_count < needed:
        return None
    has_images = any(element.kind == "img" for element in page.elements)
    answer = _ask(_tagged(html_text, page), url, prefix, has_images)
    return None if answer is None else _place(page, *answer)


# -- asking trafilatura ------------------------------------------------------------------------


def _token_prefix(text: str) -> str:
    """A token URL prefix found nowhere in `text`, so that the page cannot forge a token."""
    number = 0
    while _TOKEN_HOST.format(number or "") in text:
        number += 1
    return f"https://{_TOKEN_HOST.format(number or '')}/"


def _tagged(text: str, page: Walker) -> str:
    """`text` with each link and image named by attributes put first in its start tag."""
    parts: list[str] = []
    position = 0
    for element in page.elements:
        if element.insert:
            after_name = element.start + 1 + len(element.kind)
            parts += [text[position:after_name], element.insert]
            position = after_name
    parts.append(text[position:])
    return "".join(parts)


def _ask(
    text: str, url: str | None, prefix: str, has_images: bool
) -> tuple[set[int], set[int], list[str]] | None:
    """What trafilatura keeps: links and images (by name) and text blocks, or None for nothing.

    Links and text come from one extraction without images, images from one with them.
    """
    try:
        body = _extract(text, url, OPTIONS)
        if body is None:
            return None
        links, _, pieces = _read_output(body, prefix)
        with_images = _extract(text, url, IMAGE_OPTIONS) if has_images else None
        images = set() if with_images is None else _read_output(with_images, prefix)[1]
        return links, images, pieces
    except Exception:  # whatever trafilatura or lxml raise on hostile input: no body found
        return None


def _extract(text: str, url: str | None, options: dict[str, Any]) -> Any:
    """trafilatura's XML body for `text`, or None when it found nothing."""
    body = getattr(trafilatura.bare_extraction(text, url=url, **options), "body", None)
    return body if body is not None and len(body) else None


def _read_output(body: Any, prefix: str) -> tuple[set[int], set[int], list[str]]:
    """The links and images named in trafilatura's output, and its text blocks, normalised."""
    links: set[int] = set()
    images: set[int] = set()
    pieces: list[str] = []
    run: list[str] = []

    def end_piece() -> None:
        if text := collapse("".join(run)):
            pieces.append(text)
        run.clear()

    def visit(element: Any) -> None:  # a RecursionError on a freak tree means no body
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "ref":
            links.update(_token(element.get("target") or "", prefix + "a"))
        elif tag == "graphic":
            images.update(_token(element.get("src") or "", prefix + "i"))
        if tag not in _INLINE_OUTPUT:
            end_piece()
        run.append(element.text if element.text and tag else "")
        for child in element:
            visit(child)
        if tag not in _INLINE_OUTPUT:
            end_piece()
        run.append(element.tail or "")

    visit(body)
    end_piece()
    return links, images, pieces


def _token(value: str, prefix: str) -> list[int]:
    """The element index a token names, if `value` is one of ours."""
    digits = value[len(prefix) :].split("/", 1)[0] if value.startswith(prefix) else ""
    return [int(digits)] if digits.isdigit() and len(digits) < 10 else []


# -- placing the answer ------------------------------------------------------------------------


def _place(page: Walker, links: set[int], images: set[int], pieces: list[str]) -> Body | None:
    """The body: what trafilatura kept, in source ranges; None when nothing can be placed."""
    elements = page.elements
    kept = [
        (element.kind == "a" and index in links) or (element.kind == "img" and index in images)
        for index, element in enumerate(elements)
    ]
    for index, element in enumerate(elements):
        # trafilatura moves images out of links, and drops a link left with no text
        if kept[index] and element.parent >= 0 and not elements[element.parent].has_text:
            kept[element.parent] = True
    link_starts = [e.start for i, e in enumerate(elements) if kept[i] and e.kind == "a"]
    matched = _match_blocks(page.blocks, pieces)
    # trafilatura drops captions: a caption is kept with its figure's image
    figures = {e.figure for i, e in enumerate(elements) if kept[i] and e.kind == "img"}
    for index, (start, end, _) in enumerate(page.blocks):
        in_figure = page.block_figures[index] in figures and page.block_figures[index] >= 0
        matched[index] = matched[index] or in_figure or _any_within(link_starts, start, end)
    if not any(matched) and not any(kept):
        return None
    block_starts = [start for start, _, _ in page.blocks]
    for index, element in enumerate(elements):
        if element.kind == "quote":  # a quote is where its first text is
            position = bisect_left(block_starts, element.end)
            kept[index] = position < len(matched) and matched[position]
    blocks = [
        (start, end) for (start, end, _), hit in zip(page.blocks, matched, strict=True) if hit
    ]
    return Body(
        tags=tuple((element.start, element.end) for element in elements),
        tags_in_body=tuple(kept),
        blocks=tuple(blocks),
    )


def _match_blocks(blocks: list[tuple[int, int, str]], pieces: list[str]) -> list[bool]:
    """Which source text blocks trafilatura kept, by their text.

    A text found once in the source is kept outright and becomes an anchor: its offset in the
    kept text and in the source. A text the source repeats is kept as many times as it was found,
    each time in the first of its blocks after the anchor that precedes it in the kept text.
    """
    joined = " ".join(pieces)
    where: dict[str, list[int]] = {}
    offset = 0
    for piece in pieces:
        where.setdefault(piece, []).append(offset)
        offset += len(piece) + 1
    sources: dict[str, list[int]] = {}
    for index, (_, _, text) in enumerate(blocks):
        sources.setdefault(text, []).append(index)
    kept = [False] * len(blocks)
    anchors: list[tuple[int, int]] = []  # (offset in kept text, source start)
    repeated: list[tuple[list[int], list[int]]] = []
    budget = SEARCH_BUDGET
    for text, indices in sources.items():
        found = where.get(text, [])
        if not found and len(text) >= MIN_MATCH and budget > 0:
            budget -= len(joined)
            found = _occurrences(joined, text)
        if len(indices) == 1 and found:
            kept[indices[0]] = True
            anchors.append((found[0], blocks[indices[0]][0]))
        elif found:
            repeated.append((indices, found))
    anchors.sort()
    for indices, found in repeated:
        if len(indices) > _MAX_REPEATS:  # a degenerate page: the first ones, not worth placing
            for index in indices[: len(found)]:
                kept[index] = True
            continue
        free = list(indices)
        for offset in found[: len(indices)]:
            # the first repeat after the source block of the anchor before it in the kept text
            position = bisect_left(anchors, (offset, -1))
            after = anchors[position - 1][1] if position else -1
            choice = next((i for i, index in enumerate(free) if blocks[index][0] > after), 0)
            kept[free.pop(choice)] = True
    return kept


def _any_within(starts: list[int], start: int, end: int) -> bool:
    """Whether a sorted list of offsets has one in [start, end)."""
    position = bisect_left(starts, start)
    return position < len(starts) and starts[position] < end


def _occurrences(haystack: str, needle: str) -> list[int]:
    """Where `needle` occurs in `haystack` beginning and ending at word boundaries (first 16)."""
    found: list[int] = []
    position = haystack.find(needle)
    tries = 0
    while position >= 0 and tries < 16 and len(found) < 16:
        after = position + len(needle)
        if _boundary(haystack, position - 1, position) and _boundary(haystack, after - 1, after):
            found.append(position)
        position = haystack.find(needle, position + 1)
        tries += 1
    return found


def _boundary(text: str, left: int, right: int) -> bool:
    """Whether a word may end between `text[left]` and `text[right]` (either may be outside).

    Between two letters or digits it may not, except in scripts written without spaces.
    """
    if left < 0 or right >= len(text):
        return True
    a, b = text[left], text[right]
    return not (a.isalnum() and b.isalnum()) or a >= "\u2e80" or b >= "\u2e80"


def _first(pair: tuple[int, int]) -> int:
    return pair[0]
