"""Markdown: every link form CommonMark knows, with the line and column where it is written.

markdown-it-py parses (CommonMark, plus GFM tables and strikethrough) and gives each block its
lines (`Token.map`), but an inline token carries no position of its own. We get one without
writing a second parser: every inline rule is wrapped so that, when it produces a token, the token
records where in its block's inline source the rule started and stopped (`_POSITION` in
`Token.meta`). The inline source of a block is its lines with the container prefixes (`> `, list
indentation, heading `#`s) taken off, so each of its lines is found again in the document's line
to turn inline offsets into document offsets.

What is reported: inline links and images, reference-style uses (`[text][label]`, `[label][]`,
`[label]`) and the definitions they use, autolinks (`<https://…>`, `<user@example.org>`), bare
URLs in text (by the rules of `urls.py`), and links in raw HTML, block or inline (by the HTML
reader). Code spans and code blocks are skipped unless code is included, and then only their bare
URLs count.

It also hands over the document's prose view (see `prose.py`): the text with code, link targets
and syntax, images, definitions, HTML tags and emphasis markers blanked, link text kept.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from citecheck.extract import html
from citecheck.extract.directives import Directive
from citecheck.extract.links import Context, make_link
from citecheck.extract.prose import hide
from citecheck.extract.sourcemap import InlineMap, locate
from citecheck.extract.text import extract_bare
from citecheck.model import Citation, LinkForm, Span

_POSITION = "citecheck_position"
# Emphasis and strikethrough markers, and the backslash of an escape: markup, not prose.
_MARKERS = re.compile(r"\*+|~~|(?<![\w])_+|_+(?![\w])|\\(?=[!-/:-@\[-`{-~])")


def _positioned(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """Wrap an inline rule so that the token it makes knows its source range."""

    @functools.wraps(rule)
    def positioned(state: StateInline, silent: bool) -> bool:
        if silent:
            return rule(state, silent)
        start = state.pos
        count = len(state.tokens)
        had_pending = bool(state.pending)
        matched = rule(state, silent)
        if matched and len(state.tokens) > count:
            # A rule's first push flushes pending text into a token of its own: skip that one.
            first = count + 1 if had_pending else count
            if first < len(state.tokens) and _POSITION not in state.tokens[first].meta:
                state.tokens[first].meta[_POSITION] = (start, state.pos)
        return matched

    return positioned


def _as_written(url: str) -> str:
    return url


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"inline_definitions": True, "store_labels": True})
    md.enable(["table", "strikethrough"])
    # markdown-it percent-encodes every destination for the HTML it would render (mdurl's
    # parse and encode: a third of the parse of a link-dense page). We report destinations as
    # written, so its own copy need not be encoded; `validateLink` still judges them.
    md.normalizeLink = _as_written  # type: ignore[method-assign]
    for rule in md.inline.ruler.__rules__:
        rule.fn = _positioned(rule.fn)
    md.inline.ruler.__cache__ = None
    return md


@dataclass(frozen=True, slots=True)
class _Definition:
    """Where a reference definition writes its URL."""

    url_raw: str
    url_written: str
    url_span: Span | None


class _Reader:
    """One pass over one Markdown document."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.md = _parser()
        self.citations: list[Citation] = []
        self.directives: list[Directive] = []
        self.definitions: dict[str, _Definition] = {}
        # Table cells share their row's line: find them left to right.
        self.cell_cursors: dict[int, int] = {}
        # What is not prose: code, link syntax, images, definitions, HTML tags.
        self.hidden: list[tuple[int, int]] = []

    def run(self) -> None:
        env: dict[str, object] = {}
        tokens = self.md.parse(self.context.document.text, env)
        table_depth = 0
        uses: list[tuple[Token, InlineMap, StateInline]] = []
        for token in tokens:
            if token.type == "table_open":
                table_depth += 1
            elif token.type == "table_close":
                table_depth -= 1
            elif token.type == "definition":
                self._hide_lines(token)
                self._definition(token)
            elif token.type == "inline" and token.map is not None:
                cursors = self.cell_cursors if table_depth else None
                mapping = InlineMap(self.context, token.content, token.map[0] + 1, cursors)
                state = StateInline(token.content, self.md, env, [])
                uses.append((token, mapping, state))
            elif token.type in ("fence", "code_block") and token.map is not None:
                self._hide_lines(token)
                self._code_block(token)
            elif token.type == "html_block" and token.map is not None:
                self._html_block(token)
        # Reference uses may come before their definitions: read inline content last.
        for token, mapping, state in uses:
            self._inline(token, mapping, state)

    def prose(self) -> str:
        """The document's prose view: what is not prose blanked, offsets kept."""
        view = hide(self.context.document.text, self.hidden)
        return _MARKERS.sub(lambda m: " " * len(m.group()), view)

    # -- blocks -------------------------------------------------------------------------------

    def _hide_lines(self, token: Token) -> None:
        assert token.map is not None
        lines = self.context.lines
        first, last = token.map[0] + 1, min(token.map[1], lines.line_count)
        if first <= last:
            end = lines.line_start(last) + len(lines.line_text(last))
            self.hidden.append((lines.line_start(first), end))

    def _definition(self, token: Token) -> None:
        assert token.map is not None
        meta = token.meta
        label = str(meta.get("label", ""))
        lines = self.context.lines
        first, last = token.map[0] + 1, min(token.map[1], lines.line_count)
        region_start = lines.line_start(first)
        region_end = lines.line_start(last) + len(lines.line_text(last))
        text = self.context.document.text
        opening = text.find("[" + label + "]:", region_start, region_end)
        if opening < 0:
            return
        position = opening + len(label) + 3
        while position < region_end and text[position] in " \t\r\n>":
            position += 1
        result = self.md.helpers.parseLinkDestination(text, position, region_end)
        if not result.ok or self.md.normalizeLink(result.str) != meta.get("url"):
            return
        raw_start, raw_end = position, result.pos
        if text[raw_start] == "<":
            raw_start, raw_end = raw_start + 1, raw_end - 1
        url_raw = text[raw_start:raw_end]
        url_span = self.context.span(raw_start, raw_end)
        key = str(meta.get("id", label))
        self.definitions.setdefault(key, _Definition(url_raw, result.str, url_span))
        self._keep(
            make_link(
                self.context,
                start=opening,
                end=result.pos,
                form="definition",
                url_raw=url_raw,
                url_written=result.str,
                url_span=url_span,
                text=label,
                title=str(meta.get("title") or "") or None,
                label=label,
            )
        )

    def _code_block(self, token: Token) -> None:
        if not self.context.include_code or token.map is None:
            return
        first = token.map[0] + (2 if token.type == "fence" else 1)
        content = token.content.removesuffix("\n")
        mapping = InlineMap(self.context, content, first, None)
        for start, end in mapping.pieces(0, len(content)):
            self.citations.extend(extract_bare(self.context, start, end, in_code=True))

    def _html_block(self, token: Token) -> None:
        assert token.map is not None
        lines = self.context.lines
        first, last = token.map[0] + 1, min(token.map[1], lines.line_count)
        content = token.content.removesuffix("\n")
        column = locate(lines.line_text(first), content.split("\n", 1)[0], None)
        start = lines.line_start(first) + column
        end = lines.line_start(last) + len(lines.line_text(last))
        self._html(start, end)

    def _html(self, start: int, end: int) -> None:
        fragment = html.extract_fragment(self.context, start, end)
        self.citations.extend(fragment.citations)
        self.directives.extend(fragment.directives)
        position = start
        for run_start, run_end in fragment.prose:
            self.hidden.append((position, run_start))
            position = run_end
        self.hidden.append((position, end))

    # -- inline -------------------------------------------------------------------------------

    def _inline(self, token: Token, mapping: InlineMap, state: StateInline) -> None:
        content = token.content
        covered: list[tuple[int, int]] = []
        children = token.children or []
        for index, child in enumerate(children):
            position = child.meta.get(_POSITION)
            if position is None:
                continue
            start, end = position
            if child.type == "link_open" or child.type == "image":
                covered.append((start, end))
                self._hide_syntax(child, start, end, mapping, state)
                self._link(child, children, index, start, end, content, mapping, state)
            elif child.type == "code_inline":
                covered.append((start, end))
                self.hidden.extend(mapping.pieces(start, end))
                if self.context.include_code:
                    for piece_start, piece_end in mapping.pieces(start, end):
                        self.citations.extend(
                            extract_bare(self.context, piece_start, piece_end, in_code=True)
                        )
            elif child.type == "html_inline":
                covered.append((start, end))
                self._html(mapping(start), mapping(end))
        for gap_start, gap_end in _gaps(covered, len(content)):
            for start, end in mapping.pieces(gap_start, gap_end):
                self.citations.extend(extract_bare(self.context, start, end, decode=unescapeAll))

    def _hide_syntax(self, token: Token, start: int, end: int, mapping: InlineMap,
                     state: StateInline) -> None:  # fmt: skip
        """Hide a link's brackets and target (its text stays prose), or a whole image."""
        if token.type == "link_open" and token.markup != "autolink":
            label_end = state.md.helpers.parseLinkLabel(state, start, False)
            if start < label_end <= end:
                self.hidden.extend(mapping.pieces(start, start + 1))
                self.hidden.extend(mapping.pieces(label_end, end))
                return
        self.hidden.extend(mapping.pieces(start, end))

    def _link(
        self,
        token: Token,
        children: list[Token],
        index: int,
        start: int,
        end: int,
        content: str,
        mapping: InlineMap,
        state: StateInline,
    ) -> None:
        href = token.attrGet("href") if token.type == "link_open" else token.attrGet("src")
        title = token.attrGet("title")
        if token.markup == "autolink":
            written = content[start + 1 : end - 1]
            url_start = mapping(start + 1)
            # As written: markdown-it's content has U+FFFD for each NUL of the document.
            url_raw = self.context.document.text[url_start : url_start + len(written)]
            if str(href).startswith("mailto:") and not written.lower().startswith("mailto:"):
                written = "mailto:" + written
            self._keep(
                make_link(
                    self.context,
                    start=mapping(start),
                    end=mapping(start) + len(content[start:end]),
                    form="autolink",
                    url_raw=url_raw,
                    url_written=written,
                    url_span=self.context.span(url_start, url_start + len(url_raw)),
                )
            )
            return
        image = token.type == "image"
        form: LinkForm = "image" if image else "inline"
        text = token.content if image else _anchor_text(children, index)
        label = token.meta.get("label")
        definition = self.definitions.get(str(label)) if label is not None else None
        if label is not None:
            form = "reference"
            if definition is None:
                return
            label = _label_as_written(state, content, start + (1 if image else 0)) or label
            url_raw, written, url_span = (
                definition.url_raw,
                definition.url_written,
                definition.url_span,
            )
        else:
            located = _destination(state, content, start + (1 if image else 0))
            if located is None:
                url_raw, written, url_span = str(href), str(href), None
            else:
                raw_start, raw_end, written = located
                doc_start = mapping(raw_start)  # as written, NULs and all (see autolinks)
                url_raw = self.context.document.text[doc_start : doc_start + raw_end - raw_start]
                url_span = self.context.span(doc_start, doc_start + len(url_raw))
        self._keep(
            make_link(
                self.context,
                start=mapping(start),
                end=mapping(end),
                form="image" if image else form,
                url_raw=url_raw,
                url_written=written,
                url_span=url_span,
                text=text,
                title=str(title) if title else None,
                label=str(label) if label is not None else None,
            )
        )

    def _keep(self, citation: Citation | None) -> None:
        if citation is not None:
            self.citations.append(citation)


_PLAIN_DESTINATION = re.compile(r"[^\x00-\x20()<>\\&\x7f]+")
"""A link destination with no brackets, parentheses, escapes or entities."""


def _destination(state: StateInline, content: str, label_at: int) -> tuple[int, int, str] | None:
    """Where the destination of an inline link starting at `label_at` (its `[`) is written."""
    label_end = state.md.helpers.parseLinkLabel(state, label_at, False)
    if label_end < 0:
        return None
    position = label_end + 1
    if position >= len(content) or content[position] != "(":
        return None
    position += 1
    while position < len(content) and content[position] in " \t\n":
        position += 1
    plain = _PLAIN_DESTINATION.match(content, position)
    if plain is not None and (plain.end() == len(content) or content[plain.end()] in " \t\n)"):
        # What markdown-it's parser would find (it stops at a space, a control character or
        # an unbalanced ")"), without escapes or entities to decode: the common case, faster.
        return position, plain.end(), plain.group()
    result = state.md.helpers.parseLinkDestination(content, position, len(content))
    if not result.ok:
        return None
    if content[position] == "<":
        return position + 1, result.pos - 1, result.str
    return position, result.pos, result.str


def _label_as_written(state: StateInline, content: str, label_at: int) -> str | None:
    """The reference label of `[text][label]`, `[label][]` or `[label]` as the author typed it."""
    label_end = state.md.helpers.parseLinkLabel(state, label_at, False)
    if label_end < 0:
        return None
    after = label_end + 1
    if after < len(content) and content[after] == "[":
        second_end = state.md.helpers.parseLinkLabel(state, after, False)
        if second_end > after + 1:
            return content[after + 1 : second_end]
    return content[label_at + 1 : label_end]


def _anchor_text(children: list[Token], index: int) -> str:
    """The text of a link whose `link_open` is at `index`."""
    parts: list[str] = []
    depth = 0
    for position in range(index, len(children)):  # not children[index:]: no copy per link
        child = children[position]
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
            if depth == 0:
                break
        elif child.type in ("text", "code_inline", "image", "text_special"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _gaps(covered: list[tuple[int, int]], length: int) -> Iterable[tuple[int, int]]:
    """The ranges of [0, length) outside the covered ranges."""
    position = 0
    for start, end in sorted(covered):
        if start > position:
            yield position, start
        position = max(position, end)
    if position < length:
        yield position, length


def extract(context: Context) -> tuple[list[Citation], list[Directive], str]:
    """Every link in a Markdown document, the directive comments in its HTML, and its prose."""
    reader = _Reader(context)
    reader.run()
    return reader.citations, reader.directives, reader.prose()
