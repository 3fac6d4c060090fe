"""Quotations, and to whom (and to which cited reference) the article attributes them.

Quotation marks: “…”, "…", 「…」 (with 『…』 inside it), and 『…』 on its own. A mark that is
never closed within its paragraph opens nothing; nested quotations belong to the outer one.

Not every pair of quotation marks is a quotation. Writers put marks around a word to distance
themselves from it (scare quotes: the “democratic” world, an implicit “apology”, 所謂「和平」),
and those are not claims to check. What tells them apart, by the order we try:

1. `so-called`, `所謂` before the marks: scare quotes, always;
2. attribution after the marks (`“…,” Scott said`, `“…” (CBS News, 13 March 2025)`,
   `「…」，他說`) or a colon before them (`namely: “…”`, `表示：「…」`): a quotation;
3. a verb of saying before the marks in the same sentence (said, stated, praised, dismissed …
   as, 稱, 表示, 重申, 揚言 …). For a long quotation (four words or more; five Chinese
   characters or more) that suffices. A short one must also stand close to the verb (within
   twelve words) or end its sentence: "praised the people for their “bravery.”" is a quotation,
   "Rubio stated that … after the “disastrous” meeting" is not;
4. a long quotation with none of these, in a paragraph that continues a cited reference (see
   below), is attributed to that reference; otherwise it is reported as `unattributed`. Short
   ones are scare quotes.

The speaker is the subject of the verb of saying (the words of its clause before the verb, less
auxiliaries and adverbs), or one named after the quotation: `speakers.py` reads it.
A quotation is tied to a reference written right after it, or before it
in its paragraph, or, when the paragraph has no reference, to the reference of the paragraphs
before it for as long as each of them goes on quoting: an article that cites a statement and then
quotes it paragraph after paragraph ties every one of those quotations to it, while a later
paragraph that quotes someone after a stretch without quotations is on its own.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass

from citecheck.extract import speakers
from citecheck.extract.links import Context
from citecheck.extract.prose import collapse
from citecheck.extract.segments import paragraphs, sentences
from citecheck.model import Citation, CitationForm
from citecheck.publishers import Registry

MAX_QUOTE = 3000
"""The longest quotation read, in characters."""

_MARKS = re.compile(r"[“”「」『』\"]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_SCARE_BEFORE = re.compile(
    r"(?:\bso-called|\bso called|所謂|所谓|號稱|号称|俗稱|俗称|自稱|自称)\s*$"
)
_ENDS_SENTENCE = re.compile(r"\s*(?:[(（][^()（）\n]{0,200}[)）])?\s*(?:[.!?。！？]|$)")
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:slogan|title|titled|entitled|headline|headlined|motto|theme|tagline|hashtag|banner|"
    r"phrase|dubbed|nicknamed|caption|sign\s+reading)|標語|标语|主題|主题|題為|题为|名為|名为|口號|"
    r"口号|標題|标题|寫着|写着|寫著|写著|打出)\s*[:：,，]?\s*$"
)
_LABEL_AFTER = re.compile(r"的|之")  # `“同舟共济”的主题标语`: words used as a name, not said
_TO = re.compile(r"\s+to\s")
_OF_REFERENCE = "no speaker named: attributed to the reference it is tied to"
_ONLY_URL = re.compile(r"(?:https?://|ftp://|www\.)\S*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Quote:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Cited:
    """The references of one paragraph, by position."""

    references: list[Citation]
    starts: list[int]
    ends: list[int]


def find(
    context: Context, prose: str, references: list[Citation], registry: Registry | None = None
) -> list[Citation]:
    """The quotations in a document's prose view, each classified and attributed.

    `references` are what a quotation can be tied to: the references found in words and the
    links of the text. `registry` tells a publisher from a person in `X援引Y的話說`.
    """
    references = sorted(references, key=lambda c: c.span.start)
    starts = [r.span.start for r in references]
    found: list[Citation] = []
    chain: Citation | None = None
    for p_start, p_end in paragraphs(prose):
        spans = sentences(prose, p_start, p_end)
        low, high = bisect.bisect_left(starts, p_start), bisect.bisect_left(starts, p_end)
        own = references[low:high]
        cited = _Cited(own, [r.span.start for r in own], [r.span.end for r in own])
        quoted = False
        verbs = [m.span() for m in speakers.VERB.finditer(prose, p_start, p_end)]
        state = _State(p_start, None, registry, verbs, [v[0] for v in verbs])
        for quote in _quotes(prose, p_start, p_end):
            citation = _classify(context, prose, quote, spans, cited, chain, state, p_end)
            if citation is not None:
                found.append(citation)
                quoted = quoted or citation.form != "scare"
                if citation.form != "scare":
                    # scare quotes do not end the clause that attributes the next quotation
                    state.previous = quote.end
                    if citation.attributed_to is not None and citation.note != _OF_REFERENCE:
                        state.speaker = citation.attributed_to
                    if citation.form == "attributed":
                        state.sentence = _sentence_of(spans, quote.start)
        # links tie quotations in their own paragraph only; references in words go on
        named = [r for r in own if r.kind == "reference"]
        chain = named[-1] if named else (chain if quoted else None)
    return found


@dataclass(slots=True)
class _State:
    """What the quotations of one paragraph so far leave for the next one."""

    previous: int
    """Where the window before a quotation starts: the paragraph start, or the end of the
    quotation before."""
    speaker: str | None
    """The last speaker named in the paragraph: a quotation that goes on (`“…,” he said.
    “…”`) or a pronoun (`he said`) refers to it."""
    registry: Registry | None
    """The publishers known."""
    verbs: list[tuple[int, int]]
    """The verbs of saying of the paragraph, found once: each quotation looks up the last one
    before it instead of searching its own window again."""
    verb_starts: list[int]
    """Their start offsets."""
    sentence: tuple[int, int] | None = None
    """The sentence of the last attributed quotation."""


def _quotes(prose: str, start: int, end: int) -> list[_Quote]:
    """The outermost quotation mark pairs of one paragraph."""
    found: list[_Quote] = []
    curly: int | None = None
    straight: int | None = None
    corner: list[int] = []
    double_corner: list[int] = []
    for match in _MARKS.finditer(prose, start, end):
        at, mark = match.start(), match.group()
        if mark == "“":
            curly = at
        elif mark == "”" and curly is not None:
            found.append(_Quote(curly, at + 1))
            curly = None
        elif mark == "「":
            corner.append(at)
        elif mark == "」" and corner:
            opened = corner.pop()
            if not corner:
                found.append(_Quote(opened, at + 1))
        elif mark == "『" and not corner:
            double_corner.append(at)
        elif mark == "』" and double_corner and not corner:
            opened = double_corner.pop()
            if not double_corner:
                found.append(_Quote(opened, at + 1))
        elif mark == '"':
            if straight is None:
                previous = prose[at - 1] if at > start else " "
                if not previous.isalnum():
                    straight = at
            elif not prose[at - 1].isspace():
                found.append(_Quote(straight, at + 1))
                straight = None
    found.sort(key=lambda q: (q.start, -q.end))
    outer: list[_Quote] = []
    for quote in found:
        if quote.end - quote.start - 2 > MAX_QUOTE or quote.end - quote.start <= 2:
            continue
        if outer and quote.start < outer[-1].end:
            continue  # inside (or across) the previous one
        outer.append(quote)
    return outer


def _classify(
    context: Context,
    prose: str,
    quote: _Quote,
    spans: list[tuple[int, int]],
    own: _Cited,
    chain: Citation | None,
    state: _State,
    p_end: int,
) -> Citation | None:
    p_start = state.previous
    content = collapse(prose[quote.start + 1 : quote.end - 1])
    if not content or _ONLY_URL.fullmatch(content):
        return None  # a URL in quotation marks is a link, not words anyone said
    index = bisect.bisect_right(spans, (quote.start, len(prose))) - 1
    s_start, s_end = (
        spans[index] if index >= 0 and quote.start < spans[index][1] else (p_start, p_end)
    )
    # Read a bounded stretch before the marks, from the sentence start or the quotation before:
    # enough for a clause, and linear over the document however dense the quotation marks.
    before = prose[max(s_start, p_start, quote.start - 240) : quote.start]
    after = prose[quote.end : min(p_end, quote.end + 200)]
    han = len(_HAN.findall(content))
    words = len(_WORD.findall(content))
    short = (han == 0 and words <= 3) or (han > 0 and han <= 4 and words <= 1)
    reference = _reference_after(own, quote.end, prose)
    speaker: str | None = None
    form: CitationForm = "unattributed"
    confidence = 0.4
    verb = _verb_before(state, quote.start - len(before), quote.start)
    # words named rather than said: `the slogan “…”`, `題為「…」`, `“…”的主题标语`
    named = bool(_LABEL_BEFORE.search(before[-40:]) or _LABEL_AFTER.match(after))
    if _SCARE_BEFORE.search(before[-16:]):
        form, confidence = "scare", 0.2
    else:
        colon = before.rstrip().endswith((":", "："))
        after_match = speakers.AFTER_EN.match(after) if han == 0 else speakers.AFTER_ZH.match(after)
        if colon and content.endswith(("。", "！", "？", ".", "!", "?")):
            after_match = None  # `：「…。」他又稱` : what follows is the next sentence
        if after_match is not None:
            if reference is None:  # `「…」一名官員對BBC中文這樣形容`
                reference = _reference_in(own, quote.end, quote.end + after_match.end())
            speaker = after_match.groupdict().get("who") or after_match.groupdict().get("who2")
            if speaker is not None:
                speaker = (
                    speakers.EN_LEAD.sub("", speaker) if han == 0 else speakers.trim_zh(speaker)
                )
            form, confidence = "attributed", 0.9
        elif reference is not None or colon:
            form, confidence = "attributed", 0.85
            if verb is not None and (not colon or speakers.near_colon(before, verb)):
                speaker = speakers.subject_of(before, verb[0])
            elif colon:
                speaker = speakers.opening_subject(before)
        elif verb is not None:
            between = len(_WORD.findall(before[verb[1] :])) + len(_HAN.findall(before[verb[1] :]))
            ends = content.endswith((".", "!", "?", "。", "！", "？")) or _ENDS_SENTENCE.match(
                after
            )
            infinitive = _TO.match(before, verb[1]) is not None  # "claims to champion “…”"
            one_word = (han == 0 and words == 1) or (han > 0 and han <= 2)
            if not short or (not infinitive and (ends or (between <= 12 and not one_word))):
                form, confidence = "attributed", 0.85
                speaker = speakers.subject_of(before, verb[0])
        if (
            form == "unattributed"
            and not short
            and not named
            and state.sentence == (s_start, s_end)
        ):
            # `… said Kyiv was “open to …” but would accept “no limits …”`: the sentence's
            # speaker goes on
            form, confidence = "attributed", 0.8
        if (
            form == "unattributed"
            and not short
            and not named
            and state.speaker is not None
            and not before.strip()  # a quotation that opens the sentence after the speaker's
        ):
            form, confidence = "attributed", 0.7
        if form == "unattributed" and short:
            form, confidence = "scare", 0.2
    if form != "scare" and reference is None:
        reference = _reference_before(own, quote.start) or _reference_in(own, s_start, s_end)
        if reference is None and not named:
            reference = chain
    if form == "unattributed" and reference is not None:
        form, confidence = "attributed", 0.7
    if form == "scare":
        reference = None
    note: str | None = None
    if form == "attributed" and speaker is not None:
        speaker = speakers.quoting(speaker, state.registry)
    vague = speaker is None or speaker.lower() in speakers.PRONOUNS
    if form == "attributed" and vague:
        if state.speaker is not None:
            speaker = state.speaker  # the same speaker goes on, or `he` is the last one named
        elif speaker is not None and speaker.lower() in speakers.PRONOUNS:
            speaker = speakers.previous_subject(prose, spans, s_start) or speaker
    vague = speaker is None or speaker.lower() in speakers.PRONOUNS
    if form == "attributed" and vague and reference is not None:
        speaker = reference.publisher or reference.title or speaker
        note = _OF_REFERENCE
    document = context.document
    return Citation(
        kind="quote",
        path=document.path,
        span=context.span(quote.start, quote.end),
        source=document.text[quote.start : quote.end],
        text=content,
        url=None,
        form=form,
        confidence=confidence,
        attributed_to=speaker if form == "attributed" else None,
        reference=reference,
        publisher=reference.publisher if reference is not None else None,
        domain=reference.domain if reference is not None else None,
        title=reference.title if reference is not None else None,
        date=reference.date if reference is not None else None,
        note={"scare": "scare quotes: not a quotation", "unattributed": "no speaker found"}.get(
            form, note
        ),
    )


def _verb_before(state: _State, start: int, end: int) -> tuple[int, int] | None:
    """The last verb of saying in `prose[start:end]`, relative to `start`."""
    index = bisect.bisect_left(state.verb_starts, end) - 1
    while index >= 0 and state.verbs[index][1] > end:
        index -= 1
    if index < 0 or state.verbs[index][0] < start:
        return None
    verb_start, verb_end = state.verbs[index]
    return verb_start - start, verb_end - start


def _sentence_of(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    """The sentence holding `position`."""
    index = bisect.bisect_right(spans, (position, sys.maxsize)) - 1
    if index >= 0 and spans[index][0] <= position < spans[index][1]:
        return spans[index]
    return None


def _reference_after(own: _Cited, end: int, prose: str) -> Citation | None:
    """A reference written right after a quotation (punctuation and space between)."""
    index = bisect.bisect_left(own.starts, end)
    if index < len(own.starts):
        reference = own.references[index]
        if not prose[end : reference.span.start].strip(" \t,.;:，。；："):
            return reference
    return None


def _reference_before(own: _Cited, start: int) -> Citation | None:
    """The last reference of the paragraph that ends before `start`."""
    index = bisect.bisect_right(own.ends, start)
    return own.references[index - 1] if index > 0 else None


def _reference_in(own: _Cited, start: int, end: int) -> Citation | None:
    """The first reference that starts inside `[start, end)`."""
    index = bisect.bisect_left(own.starts, start)
    if index < len(own.starts) and own.starts[index] < end:
        return own.references[index]
    return None
