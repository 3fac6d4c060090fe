"""Paragraphs, sentences and bracket groups of a prose view, found in linear time.

Citations in words never cross a paragraph, so every search for a closing bracket or quotation
mark stops at the end of its paragraph: an opening bracket that is never closed cannot swallow the
rest of the article. Such a bracket's content runs to the first sentence end outside the closed
groups it holds (`(see: A — B (www.gov.br). Next sentence` ends after the `)`), at most
`MAX_GROUP` characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MAX_GROUP = 600
"""The longest bracket content read as a citation, in characters."""

_BREAK = re.compile(r"\r\n|\r|\n")
_NOT_SPACE = re.compile(r"\S")
# A sentence ends at . ! ? (with any closing quotes or brackets after them) followed by white space,
# or at a Chinese full stop, exclamation or question mark.
_SENTENCE_END = re.compile(r"""(?:[.!?…]+["”’」』)]*(?=\s|$)|[。！？]+[」』”’）)]*)""")
# Words whose period does not end a sentence: titles, initials, month and common abbreviations.
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Sen|Rep|Gov|Gen|Col|Lt|Sgt|Capt|Jr|Sr|Inc|Ltd|Co|Corp|No|vs|"
    r"etc|e\.g|i\.e|al|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$"
)
_OPEN = "(（"
_BRACKET = re.compile(r"[()（）]")
_TERMINATORS = re.compile(r"[.!?](?=\s|$)|[。！？\r\n]")


def paragraphs(prose: str) -> list[tuple[int, int]]:
    """The paragraphs of a prose view: runs of lines that are not blank, as (start, end), from
    the first character that is not white space to the end of the last line."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    position = 0
    lines = [(m.start(), m.end()) for m in _BREAK.finditer(prose)]
    lines.append((len(prose), len(prose)))
    for line_end, next_start in lines:
        first = _NOT_SPACE.search(prose, position, line_end)
        if first is not None:
            if start is None:
                start = first.start()  # a paragraph starts at its first character
            end = line_end
        elif start is not None:
            found.append((start, end))
            start = None
        position = next_start
    if start is not None:
        found.append((start, end))
    return found


def sentences(prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of `prose[start:end]`, as (start, end), white space at the ends trimmed."""
    found: list[tuple[int, int]] = []
    position = start
    for match in _SENTENCE_END.finditer(prose, start, end):
        window = max(position, match.start() - 12)
        if match.group().startswith(".") and _ABBREVIATION.search(prose, window, match.start()):
            continue
        found.append((position, match.end()))
        position = match.end()
    if position < end:
        found.append((position, end))
    trimmed = []
    for s, e in found:
        while s < e and prose[s].isspace():
            s += 1
        while e > s and prose[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


@dataclass(frozen=True, slots=True)
class Group:
    """A bracketed stretch of prose: `(…)` or `（…）`, half- and full-width alike."""

    start: int
    """Offset of the opening bracket."""
    end: int
    """Offset just past the closing bracket, or just past the content when never closed."""
    content_start: int
    """Offset of the first character inside."""
    content_end: int
    """Offset just past the last character inside."""
    closed: bool
    """Whether a closing bracket ends it."""


def groups(prose: str, start: int, end: int) -> list[Group]:
    """Every bracket group of the paragraph `prose[start:end]`, by opening position."""
    stack: list[int] = []
    closed: list[tuple[int, int]] = []
    unclosed: list[int] = []
    for match in _BRACKET.finditer(prose, start, end):
        index = match.start()
        if prose[index] in _OPEN:
            stack.append(index)
        elif stack:
            closed.append((stack.pop(), index + 1))
    unclosed = stack
    found = [Group(s, e, s + 1, e - 1, True) for s, e in closed]
    if unclosed:
        found.extend(_unclosed(prose, start, end, closed, unclosed))
    found.sort(key=lambda g: g.start)
    return found


def _unclosed(
    prose: str, start: int, end: int, closed: list[tuple[int, int]], opens: list[int]
) -> list[Group]:
    """Groups for brackets never closed: each runs to the next sentence end outside the closed
    groups."""
    depth = [0] * (end - start + 1)
    for s, e in closed:
        depth[s - start] += 1
        depth[e - start] -= 1
    inside = 0
    terminators: list[int] = []
    for match in _TERMINATORS.finditer(prose, start, end):
        terminators.append(match.start())
    outside: list[int] = []
    position = start
    for t in terminators:
        while position <= t:
            inside += depth[position - start]
            position += 1
        if inside == 0 or prose[t] in "\r\n":
            outside.append(t)
    found = []
    for opening in opens:
        index = bisect.bisect_right(outside, opening)
        stop = outside[index] if index < len(outside) else end
        stop = min(stop, end, opening + 1 + MAX_GROUP)
        content_end = stop
        while content_end > opening + 1 and prose[content_end - 1].isspace():
            content_end -= 1
        found.append(Group(opening, content_end, opening + 1, content_end, False))
    return found
