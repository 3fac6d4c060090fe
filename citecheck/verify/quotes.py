"""Whether a source says what an article quotes it as saying: pure functions, no I/O.

Policy. The question is whether the words are the source's, not whether the article typed
them the same way, so quote and source are normalised alike before they are compared
(citecheck.verify.normal: quotation marks, dashes, case, accents, full-width forms and
punctuation).

A quote is then found (it is in the normalised source), close (the best-aligned passage scores
at least CLOSE = 85 on rapidfuzz's partial ratio: a word in ten changed, a typo, a dropped
article, a character of a Chinese sentence), or not found. Below 85, passages of the same text
on the same subject share enough words to look alike without being the quote. A quote of one
or two Latin words must reach CLOSE_SHORT = 95, in effect exact: one letter off "bravery" is
another word. Under MIN_LENGTH = 3 characters (one or two Chinese characters) a quote is only
looked for exactly, as the similarity of tiny strings says nothing.

A quote written with an ellipsis is several fragments, each looked for after the previous one;
the quote is as good as its worst fragment.

A quote in another script than its source, or a Chinese quote of a page the publisher marks as
English, is a translation: the Chinese half of an article quotes the English statement in
Chinese. It cannot be compared word for word, and saying "not found" would accuse the article of
an error it did not make, so it is reported as quote-translated, for a person to check the sense.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import Literal

from citecheck.verify.normal import (
    CJK_CHAR,
    CJK_LANGUAGES,
    describe,
    dominant,
    normalise,
    normalise_mapped,
    primary,
    script_of,
)

__all__ = [
    "CHUNK",
    "CLOSE",
    "CLOSE_SHORT",
    "MAX_CHANGES",
    "MAX_QUOTE",
    "MIN_LENGTH",
    "PASSAGE_LIMIT",
    "SHORT_WORDS",
    "QuoteMatch",
    "QuoteStatus",
    "match_quote",
    "normalise",
    "script_of",
]

QuoteStatus = Literal["quote-found", "quote-close", "quote-not-found", "quote-translated"]

CLOSE = 85.0
CLOSE_SHORT = 95.0
SHORT_WORDS = 2
MIN_LENGTH = 3
PASSAGE_LIMIT = 300
# Longer is a copy of the page rather than a quote, and would take seconds to align.
MAX_QUOTE = 5000
# Quotes longer than this are aligned piece by piece: alignment time grows with the square of
# the quote's length, and a changed word shows as well in a piece as in the whole.
CHUNK = 1000
MAX_CHANGES = 3
_LONG_WORD = 40  # how far a passage is widened to the ends of the words it cuts

# Words for the difference: Chinese and Japanese characters one by one, as they have no spaces.
_TOKENS = re.compile(f"[{CJK_CHAR}]|[^ {CJK_CHAR}]+")
_CJK_ONE = re.compile(f"[{CJK_CHAR}]")
_ELLIPSIS = re.compile(r"[\[(（]?\s*(?:[…⋯]+|\.(?:\s?\.){2,})\s*[\])）]?")
_RANK = {"quote-found": 0, "quote-close": 1, "quote-not-found": 2}


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """What the source says of a quote, with the evidence for a person."""

    status: QuoteStatus
    """quote-found, quote-close, quote-not-found or quote-translated."""
    score: float
    """0–100: 100 when found, otherwise the best similarity (0 when translated)."""
    passage: str | None
    """The best-matching passage as the source writes it, at most ~300 characters; None when
    nothing is comparable."""
    difference: str | None
    """For quote-close, the changed words: "the quote says 'lasting', the source 'durable'"."""
    evidence: str
    """One line saying what was found, for the report."""


@dataclass(frozen=True, slots=True)
class _Hit:
    """How one fragment of a quote fared in the normalised source."""

    status: QuoteStatus
    """Found, close or not found: one fragment's outcome."""
    score: float
    """As QuoteMatch.score."""
    start: int
    """Where the passage begins in the normalised source; -1 when there is none."""
    end: int
    """Where the passage ends in the normalised source (exclusive)."""
    difference: tuple[str, ...] = ()
    """The changed words, for a close fragment."""
    after: int = 0
    """Where the match itself ends: the next fragment is looked for from there."""
    inside: bool = False
    """Whether a found fragment is only part of longer words of the source."""


def _partial(quote: str, hay: str) -> tuple[float, int, int]:
    """rapidfuzz's best alignment of `quote` within `hay`, which is not shorter."""
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(quote, hay)
    return (0.0, 0, 0) if found is None else (found.score, found.dest_start, found.dest_end)


def _align(quote: str, text: str, low: int) -> tuple[float, int, int]:
    """The best similarity of `quote` to a passage of `text[low:]`, and where that passage is."""
    from rapidfuzz import fuzz, process

    hay = text[low:]
    size = len(quote)
    if len(hay) <= size:
        # partial_ratio would align the source inside the quote, and call a fragment a match.
        return fuzz.ratio(quote, hay), low, len(text)
    if size <= 64 or len(hay) <= 4 * size:
        score, start, end = _partial(quote, hay)
        return score, low + start, low + end
    # A long quote in a long text: rank windows of 1.5 quote lengths (every passage of the
    # quote's length lies inside one) by plain ratio, which costs little and puts the passage
    # sought well ahead of the rest, then align only within the best three.
    step = size // 2
    width = size + step
    offsets = list(range(0, len(hay) - size + 1, step))
    windows = [hay[offset : offset + width] for offset in offsets]
    best = (-1.0, 0, 0)
    for _, _, index in process.extract(quote, windows, scorer=fuzz.ratio, limit=3):
        a = max(0, offsets[index] - step)
        score, start, end = _partial(quote, hay[a : offsets[index] + width + step])
        if score > best[0]:
            best = (score, low + a + start, low + a + end)
    return best


def _in_word(char: str) -> bool:
    """Whether `char` belongs to a word with its neighbours: a letter or digit, not a Chinese
    or Japanese character (each of which is a token of its own)."""
    return char.isalnum() and not _CJK_ONE.match(char)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`, `end` moved out to the ends of the words they cut."""
    # No further than a long word: in "abababab…" of a hostile page there is no word's end.
    for _ in range(_LONG_WORD):
        if not (0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start])):
            break
        start -= 1
    for _ in range(_LONG_WORD):
        if not (0 < end < len(text) and _in_word(text[end]) and _in_word(text[end - 1])):
            break
        end += 1
    return start, end


def _join(tokens: list[str]) -> str:
    """Tokens as text: spaces between words, none next to Chinese or Japanese characters."""
    out = ""
    for token in tokens:
        together = not out or _CJK_ONE.match(token) or _CJK_ONE.match(out[-1])
        out += token if together else " " + token
    return out


def _compare(
    quote: str, text: str, low: int, start: int, end: int
) -> tuple[int, int, tuple[str, ...]]:
    """The passage around `text[start:end]` (not before `low`) that holds the quote's words,
    trimmed to the first and last of them, and the changes between the quote and it, word by
    word."""
    import difflib  # only for close quotes: start-up time is measured

    slack = max(10, len(quote) // 5)  # room for words the alignment window cut off
    a, b = _widen(text, max(low, start - slack), min(len(text), end + slack))
    a = max(a, low)
    spans = [(m.start() + a, m.end() + a) for m in _TOKENS.finditer(text[a:b])]
    mine = _TOKENS.findall(quote)
    theirs = [text[s:e] for s, e in spans]
    matcher = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    if not blocks:
        return *_widen(text, start, end), ()
    # As many words of the source before the first match as the quote has before it: the
    # quote's first word changed is a word replaced, not one added.
    first = max(0, blocks[0].b - blocks[0].a)
    tail = len(mine) - blocks[-1].a - blocks[-1].size
    last = min(len(theirs), blocks[-1].b + blocks[-1].size + tail)
    matcher.set_seq2(theirs[first:last])
    changes: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        said, written = _join(mine[i1:i2]), _join(theirs[first + j1 : first + j2])
        if tag == "replace":
            changes.append(f"the quote says '{said}', the source '{written}'")
        elif tag == "delete":
            changes.append(f"the quote adds '{said}'")
        elif tag == "insert":
            changes.append(f"the quote leaves out '{written}'")
    return spans[first][0], spans[last - 1][1], tuple(changes)


def _look_for(quote: str, text: str, low: int) -> _Hit:
    """One fragment of a quote, looked for in normalised `text` after `low`."""
    at = first = text.find(quote, low)
    if at >= 0:
        # Prefer an occurrence that is whole words: "war" in "war", not in "warning".
        for _ in range(100):
            if _widen(text, at, at + len(quote)) == (at, at + len(quote)):
                break
            at = text.find(quote, at + 1)
            if at < 0:
                at = first
                break
        a, b = _widen(text, at, at + len(quote))
        inside = (a, b) != (at, at + len(quote))
        return _Hit("quote-found", 100.0, a, b, after=at + len(quote), inside=inside)
    if len(quote) < MIN_LENGTH:
        return _Hit("quote-not-found", 0.0, -1, -1)
    score, start, end = _align(quote, text, low)
    if start >= end:
        return _Hit("quote-not-found", 0.0, -1, -1)  # nothing left after the previous fragment
    short = dominant(quote) != "cjk" and quote.count(" ") < SHORT_WORDS
    a, b, changes = _compare(quote, text, low, start, end)
    if score >= (CLOSE_SHORT if short else CLOSE):
        return _Hit("quote-close", score, a, b, changes or ("the wording differs",), after=end)
    return _Hit("quote-not-found", score, a, b)


def _fragments(quote: str) -> list[str]:
    """The normalised fragments of `quote` between its ellipses, long ones cut into pieces."""
    pieces = [normalise(part) for part in _ELLIPSIS.split(quote)]
    kept = [piece for piece in pieces if len(piece) >= MIN_LENGTH]
    if not kept:
        return [" ".join(piece for piece in pieces if piece)]
    out: list[str] = []
    for piece in kept:
        while len(piece) > CHUNK:
            cut = piece.rfind(" ", CHUNK // 2, CHUNK) + 1 or CHUNK
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        out.append(piece)
    return [piece for piece in out if piece]


def _passage(source: str, starts: array[int], a: int, b: int) -> str:
    """`source` from normalised position `a` to `b`, at most PASSAGE_LIMIT characters."""
    end = starts[b - 1] + 1
    while end < len(source) and unicodedata.combining(source[end]):
        end += 1  # the accents of the last letter
    text = source[starts[a] : end].strip()
    if len(text) <= PASSAGE_LIMIT:
        return text
    half = PASSAGE_LIMIT // 2 - 2
    return f"{text[:half].rstrip()} … {text[-half:].lstrip()}"


def _line(text: str) -> str:
    return " ".join(text.split())


def match_quote(quote: str, source: str, *, source_language: str | None = None) -> QuoteMatch:
    """Whether `source` (the text of the page cited) says `quote`. `source_language` is the
    page's language tag ('en', 'zh-CN'), if known. Never raises."""
    text, starts = normalise_mapped(source)
    if not text:
        return QuoteMatch("quote-not-found", 0.0, None, None, "the source's text could not be read")
    wanted = normalise(quote)
    if not wanted:
        return QuoteMatch("quote-not-found", 0.0, None, None, "the quote has no words to look for")
    if len(wanted) > MAX_QUOTE:
        evidence = f"the quote is too long to compare ({len(wanted)} characters)"
        return QuoteMatch("quote-not-found", 0.0, None, None, evidence)
    fragments = _fragments(quote)
    hits: list[_Hit] = []
    low = 0
    for fragment in fragments:
        hit = _look_for(fragment, text, low)
        hits.append(hit)
        if hit.status != "quote-not-found":
            low = hit.after
    worst, wanting = max(
        zip(hits, fragments, strict=True), key=lambda pair: (_RANK[pair[0].status], -pair[0].score)
    )
    if worst.status == "quote-not-found":
        ours, theirs = dominant(wanted), dominant(text)
        language = primary(source_language)
        definite = ours not in ("mixed", "none") and theirs not in ("mixed", "none")
        # The text's own script outranks the page's lang attribute, which sites often leave
        # at their default: a Chinese quote of a Chinese text marked lang="en" is compared.
        by_language = ours == "cjk" and theirs != "cjk" and language not in CJK_LANGUAGES
        if (definite and ours != theirs) or (language is not None and by_language):
            said = describe(wanted, ours, None)
            written = describe(text, theirs, language)
            evidence = (
                f"the quote is in {said}, the source in {written}: "
                "a translation, not compared word for word"
            )
            return QuoteMatch("quote-translated", 0.0, None, None, evidence)
        passage = None if worst.start < 0 else _passage(source, starts, worst.start, worst.end)
        if len(hits) > 1 and all(text.find(fragment) >= 0 for fragment in fragments):
            evidence = "the parts of the quote are in the source, but not in this order"
        elif len(wanting) < MIN_LENGTH:
            evidence = "too short to look for closely, and not in the source exactly"
        elif passage is None:
            evidence = f"not in the source after the part quoted before it: '{wanting}'"
        else:
            evidence = f"not in the source (best {worst.score:.0f}/100: '{_line(passage)}')"
        return QuoteMatch("quote-not-found", round(worst.score, 1), passage, None, evidence)
    passage = _passage(source, starts, hits[0].start, hits[-1].end)
    if worst.status == "quote-found":
        note = ", but only as part of longer words" if any(hit.inside for hit in hits) else ""
        evidence = f"found in the source{note}: '{_line(passage)}'"
        return QuoteMatch("quote-found", 100.0, passage, None, evidence)
    changes = [change for hit in hits for change in hit.difference]
    difference = "; ".join(changes[:MAX_CHANGES])
    if len(changes) > MAX_CHANGES:
        difference += f"; and {len(changes) - MAX_CHANGES} more"
    evidence = f"close ({worst.score:.0f}/100) to '{_line(passage)}': {difference}"
    return QuoteMatch("quote-close", round(worst.score, 1), passage, difference, evidence)
