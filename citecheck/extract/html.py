"""HTML: the links a page's markup makes, the bare URLs in its text, and directive comments.

What is reported: `<a href>` (with its text), `<img src>` (with its alt), `<blockquote cite>` and
`<q cite>`, each spanning its whole start tag; the first `<base href>` resolves the relative URLs
after it. A link's text runs to its `</a>`, to the next `<a>`, or to the end of what is read.
Bare URLs count in running text only: not inside a link's text (that text is the link), nor in
`<script>`, `<style>`, `<template>`, `<title>`, `<textarea>` and the other raw-text elements, nor
in the `<head>` (which ends at `</head>`, `<body>` or any tag that has no place in it); inside
`<code>` and `<pre>` only when code is asked for. Links written as attributes are reported inside
code too: they are markup, not text. Character references are decoded in what a URL or a text
means, never in `url_raw` or `source`, which are always the document text at their span.

Why `html.parser`: it is the standard library's parser and the one that says where each piece
stands, as line and column (lxml gives only a line, selectolax no position at all). We use it for
structure and positions only; every value reported is read back from the document text at the
offsets it gives, so spans are exact by construction. Three things make it safe on hostile input,
all done on a copy of the text of the same length, so that offsets still agree:

- every `&` is blanked out: we decode references ourselves, and older parsers (CPython 3.11) stop
  at a second malformed `&#` and hand over the rest of the document as text;
- `<![` loses its `[`: the parser would raise on an unknown marked section; browsers read it as a
  bogus comment up to the next `>`, and that is what the parser then does too;
- `"'-->` is appended, so that every quote, comment and tag left open finds an end there. Without
  it an unclosed construct is searched for to the end of the text again from each later `<`,
  which is quadratic (fixed only in later CPython patch releases). What runs into the terminator
  was never closed, and browsers drop it as well.

Anything the parser still raises stops the reading, keeping what was found before.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from citecheck.extract.directives import Directive, find_directives
from citecheck.extract.links import Context, make_link
from citecheck.extract.prose import BLOCK_TAGS, collapse, show
from citecheck.extract.text import extract_bare
from citecheck.model import Citation, LinkForm, Span

_BLANK = "\x01"  # not markup, not white space, not a letter: the parser passes it over as text
_TERMINATOR = "\"'-->"
_TAG_NAME = re.compile(r"<[^\t\n\r\f />]*")
_ATTRIBUTE = re.compile(
    r"""[\s/]*(?P<name>[^\s/>][^\s/=>]*)"""
    r"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>(?!['"])[^\s>]*)))?"""
)
# Elements whose content is text to a browser, where a `<` starts no tag.
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
# Elements that may stand in `<head>`; any other start tag ends it, as in browsers.
_HEAD_ELEMENTS = frozenset(
    {"base", "basefont", "bgsound", "link", "meta", "noscript", "script", "style", "template"}
    | {"title", "head"}
)
_CITE_FORMS: dict[str, LinkForm] = {"blockquote": "html-blockquote", "q": "html-q"}
_WANTED = frozenset({"href", "src", "cite", "alt", "title"})


def extract(context: Context) -> tuple[list[Citation], list[Directive], str]:
    """Every link in an HTML document, the directive comments in it, and its prose view."""
    text = context.document.text
    fragment = extract_fragment(context, 0, len(text))
    return fragment.citations, fragment.directives, show(text, fragment.prose, fragment.breaks)


@dataclass(slots=True)
class Fragment:
    """What reading a stretch of HTML found."""

    citations: list[Citation] = field(default_factory=list)
    """The links, in the order read."""
    directives: list[Directive] = field(default_factory=list)
    """The directive comments."""
    prose: list[tuple[int, int]] = field(default_factory=list)
    """The runs of text a reader reads (not code, scripts, the head), as document offsets."""
    breaks: list[int] = field(default_factory=list)
    """Where block tags stand: each ends a paragraph of prose."""


def extract_fragment(context: Context, start: int, end: int) -> Fragment:
    """The links, directives and prose of the HTML in `context.document.text[start:end]`.

    Offsets are into the whole document text. A `<base href>` counts within this call only; a link
    whose `</a>` lies beyond `end` takes the text found up to `end`.
    """
    length = len(context.document.text)
    start, end = max(0, min(start, length)), max(0, min(end, length))
    if start >= end:
        return Fragment()
    reader = _Reader(context, start, end)
    reader.read()
    return reader.found


@dataclass(slots=True)
class _Anchor:
    """An `<a href>` whose text is still being read."""

    start: int
    """Offset of its `<`."""
    end: int
    """Offset just past its `>`."""
    href: tuple[int, int]
    """Where the `href` value stands."""
    title: str | None
    """Its `title`, decoded."""
    texts: list[str] = field(default_factory=list)
    """Its text so far, decoded, a piece per run of text."""
    alt: str | None = None
    """The alt of the first image inside it that has one."""


class _Reader(HTMLParser):
    """Reads one stretch of HTML; `citations` and `directives` hold what `read` found."""

    def __init__(self, context: Context, start: int, end: int) -> None:
        super().__init__(convert_charrefs=False)
        self.found = Fragment()
        self.citations = self.found.citations
        self.directives = self.found.directives
        self._context = context
        self._text = context.document.text
        self._origin = start
        self._limit = end - start
        fragment = self._text[start:end]
        copy = fragment.replace("&", _BLANK)
        copy = re.sub(r"(?<=<!)\[", _BLANK, copy)
        self._copy = copy + _TERMINATOR
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", fragment))]
        self._base: str | None = None
        self._base_seen = False
        self._raw: str | None = None  # the raw-text element we are in
        self._in_head = False
        self._code = 0
        self._pre = 0
        self._template = 0
        self._anchor: _Anchor | None = None
        self._run: tuple[int, int, bool] | None = None  # text not yet searched for URLs

    def read(self) -> None:
        """Parse the whole stretch; never raises for what the HTML holds."""
        try:
            self.feed(self._copy)
            self.close()
        except Exception:  # a parser slip on hostile input: keep what was found
            pass
        try:
            self._close_anchor()
        finally:
            self._flush()

    # -- positions ---------------------------------------------------------------------------

    def _here(self) -> int:
        """Where the piece being handled starts, as an offset into the fragment."""
        line, column = self.getpos()
        starts = self._line_starts
        return starts[min(max(line, 1), len(starts)) - 1] + column

    def _span(self, start: int, end: int) -> Span:
        return self._context.span(start, end)

    # -- handlers ----------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        here = self._here()
        there = here + len(self.get_starttag_text() or "")
        if self._raw is not None or there > self._limit or self._copy[here : here + 1] != "<":
            return  # in raw text, or never closed before the end
        start, end = self._origin + here, self._origin + there
        if tag in BLOCK_TAGS:
            self.found.breaks.append(start)
        if self._in_head and tag not in _HEAD_ELEMENTS:
            self._in_head = False
        if tag in _RAW_TEXT:
            self._raw = tag
            return
        if tag == "head":
            self._in_head = True
        elif tag == "code":
            self._code += 1
        elif tag == "pre":
            self._pre += 1
        elif tag == "template":
            self._template += 1
        if tag not in ("a", "img", "base", "blockquote", "q"):
            return
        found = _attributes(self._text, start, end)
        title = _decoded(found, self._text, "title")
        if tag == "a":
            self._close_anchor()  # an `<a>` inside another closes it, as in browsers
            if "href" in found:
                self._anchor = _Anchor(start, end, found["href"], title)
        elif tag == "img" and "src" in found:
            alt = _decoded(found, self._text, "alt")
            if alt and self._anchor is not None and self._anchor.alt is None:
                self._anchor.alt = alt
            self._add(self._link("html-img", start, end, found["src"], alt, title))
        elif tag in _CITE_FORMS and "cite" in found:
            self._add(self._link(_CITE_FORMS[tag], start, end, found["cite"], None, title))
        elif tag == "base" and "href" in found and not self._base_seen:
            self._base_seen = True
            self._base = self._resolve_base(_decoded(found, self._text, "href") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Browsers ignore `/>` on elements that are not void: `<a href=x/>` opens a link.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None:
            if tag == self._raw:
                self._raw = None
            return
        if tag in BLOCK_TAGS:
            self.found.breaks.append(self._origin + self._here())
        if tag == "a":
            self._close_anchor()
        elif tag == "code":
            self._code = max(0, self._code - 1)
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "template":
            self._template = max(0, self._template - 1)
        elif tag == "head":
            self._in_head = False

    def handle_data(self, data: str) -> None:
        here = self._here()
        there = min(here + len(data), self._limit)
        if self._raw is not None or here >= there or not self._copy.startswith(data, here):
            return
        start, end = self._origin + here, self._origin + there
        in_code = bool(self._code or self._pre)
        if not (self._template or self._in_head or in_code):
            self.found.prose.append((start, end))
        if self._anchor is not None:
            self._anchor.texts.append(html.unescape(self._text[start:end]))
            return
        if self._template or self._in_head:
            return
        if in_code and not self._context.include_code:
            return
        if self._run is not None and self._run[1] == start and self._run[2] == in_code:
            self._run = (self._run[0], end, in_code)
            return
        self._flush()
        self._run = (start, end, in_code)

    def handle_comment(self, data: str) -> None:
        here = self._here()
        if self._raw is not None or not self._copy.startswith("<!--", here):
            return
        close = self._copy.find(">", here + 4 + len(data))
        if close < 0 or close >= self._limit:
            return  # never closed: the rest is a comment, and no directive
        start, end = self._origin + here, self._origin + close + 1
        found = find_directives(self._text, start, end)
        self.directives.extend(d for d in found if d.start == start)

    # -- building citations --------------------------------------------------------------------

    def _link(
        self,
        form: LinkForm,
        start: int,
        end: int,
        value: tuple[int, int],
        text: str | None,
        title: str | None,
    ) -> Citation | None:
        url_raw = self._text[value[0] : value[1]]
        return make_link(
            self._context,
            start=start,
            end=end,
            form=form,
            url_raw=url_raw,
            url_written=html.unescape(url_raw),
            url_span=self._span(*value),
            text=text,
            title=title,
            base_url=self._base,
        )

    def _add(self, citation: Citation | None) -> None:
        if citation is not None:
            self.citations.append(citation)

    def _close_anchor(self) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        text = collapse("".join(anchor.texts)) or collapse(anchor.alt or "")
        self._add(self._link("html-a", anchor.start, anchor.end, anchor.href, text, anchor.title))

    def _flush(self) -> None:
        run, self._run = self._run, None
        if run is not None:
            start, end, in_code = run
            found = extract_bare(self._context, start, end, decode=html.unescape, in_code=in_code)
            self.citations.extend(found)

    def _resolve_base(self, href: str) -> str | None:
        """The base URL a `<base href>` sets, or None when it cannot be made absolute."""
        try:
            base = self._context.base_url
            resolved = urljoin(base, href.strip()) if base else href.strip()
            parts = urlsplit(resolved)
        except ValueError:
            return None
        return resolved if parts.scheme and parts.netloc else None


def _attributes(text: str, start: int, end: int) -> dict[str, tuple[int, int]]:
    """Where the values of the attributes we read stand in the start tag `text[start:end]`.

    Names are matched without regard to case; the first of a repeated attribute wins, as in
    browsers; an attribute without a value has an empty one.
    """
    found: dict[str, tuple[int, int]] = {}
    name_match = _TAG_NAME.match(text, start, end)
    position = name_match.end() if name_match else start
    while position < end:
        match = _ATTRIBUTE.match(text, position, end)
        if match is None or match.end() <= position:
            break
        position = match.end()
        name = match.group("name").lower()
        if name not in _WANTED or name in found:
            continue
        group = next((g for g in ("dq", "sq", "uq") if match.group(g) is not None), None)
        found[name] = match.span(group) if group else (position, position)
    return found


def _decoded(found: dict[str, tuple[int, int]], text: str, name: str) -> str | None:
    """An attribute's value with its character references decoded, if it is there."""
    where = found.get(name)
    return None if where is None else html.unescape(text[where[0] : where[1]])
