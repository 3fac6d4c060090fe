"""The sentence and the paragraph that cite a source, from the document's text. Pure.

A citation without a title — "(Associated Press, 15 March 2025)" — says what it cites only
through the words around it: "On 14 March, Russian President Vladimir Putin met with US envoy
Steve Witkoff to discuss the details of the 30-day ceasefire proposal". Those words are what the
index's URLs and the candidate pages are ranked by (`text.key_terms`).
"""

from __future__ import annotations

import html
import re

MAX_PARAGRAPH = 4000
"""The most characters of a paragraph kept (a "paragraph" with no blank lines around it may be
the whole document)."""

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_TAG = re.compile(r"<[^<>]{0,2000}>")
_SENTENCE_END = re.compile(r"[.!?。！？](?:[\"'”’)）\]]*)\s+|[。！？]")
_SPACE = re.compile(r"\s+")
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|li|h[1-6]|blockquote|section|article|br|tr|td)\b[^>]*>", re.I
)


def paragraph_at(text: str, start: int, end: int, *, markup: bool = False) -> tuple[str, str]:
    """The paragraph around `text[start:end]` (between blank lines, or block tags when `markup`)
    and the sentence in it that ends with the citation, both with whitespace collapsed (and
    tags removed when `markup`)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if markup:
        before, after = _last_block_edge(text, start), _next_block_edge(text, end)
    else:
        before = max((m.end() for m in _BLANK_LINE.finditer(text, 0, start)), default=0)
        found = _BLANK_LINE.search(text, end)
        after = found.start() if found else len(text)
    lo = max(before, start - MAX_PARAGRAPH // 2)
    hi = min(after, end + MAX_PARAGRAPH // 2)
    head, cited, tail = text[lo:start], text[start:end], text[end:hi]
    if markup:
        head, cited, tail = (html.unescape(_TAG.sub(" ", part)) for part in (head, cited, tail))
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    sentence = head[ends[-1] :] if ends else head
    # The sentence goes on after the citation to its own end ("… proposal (AP, 15 March)." ).
    stop = _SENTENCE_END.search(tail)
    sentence += cited + (tail[: stop.end()] if stop else tail)
    return _collapse(head + cited + tail), _collapse(sentence)


def _last_block_edge(text: str, start: int) -> int:
    window = max(0, start - MAX_PARAGRAPH)
    edges = [m.end() for m in _BLOCK_TAGS.finditer(text, window, start)]
    return edges[-1] if edges else window


def _next_block_edge(text: str, end: int) -> int:
    found = _BLOCK_TAGS.search(text, end, min(len(text), end + MAX_PARAGRAPH))
    return found.start() if found else min(len(text), end + MAX_PARAGRAPH)


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
