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
auxiliaries and adverbs). A quotation is tied to a reference written right after it, or before it
in its paragraph, or, when the paragraph has no reference, to the reference of the paragraphs
before it for as long as each of them goes on quoting: an article that cites a statement and then
quotes it paragraph after paragraph ties every one of those quotations to it, while a later
paragraph that quotes someone after a stretch without quotations is on its own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from citecheck.extract.links import Context
from citecheck.extract.prose import collapse
from citecheck.extract.segments import paragraphs, sentences
from citecheck.model import Citation, CitationForm

MAX_QUOTE = 3000
"""The longest quotation read, in characters."""

_MARKS = re.compile(r"[“”「」『』\"]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_SCARE_BEFORE = re.compile(
    r"(?:\bso-called|\bso called|所謂|所谓|號稱|号称|俗稱|俗称|自稱|自称)\s*$"
)
_EN_VERB = re.compile(
    r"\b(?:said|says|say|saying|stated|states|told|tells|added|adds|asserted|asserts|argued|"
    r"argues|claimed|claims|declared|declares|announced|announces|noted|notes|warned|warns|wrote|"
    r"writes|tweeted|posted|insisted|insists|repeated|repeats|reiterated|reiterates|expressed|"
    r"expresses|praised|praises|(?<!so-)called|calls|described|describes|dismissed|dismisses|"
    r"urged|urges|pledged|pledges|promised|promises|vowed|vows|stressed|stresses|emphasi[sz]ed|"
    r"emphasi[sz]es|highlighted|acknowledged|admitted|explained|explains|replied|replies|"
    r"responded|responds|answered|confirmed|confirms|denied|denies|demanded|demands|critici[sz]ed|"
    r"condemned|condemns|labell?ed|termed|branded|discussed|discusses|mentioned|recalled|welcomed|"
    r"quoted|quoting|according\s+to|namely)\b"
)
_ZH_VERB = re.compile(
    r"稱讚|称赞|讚揚|赞扬|聲稱|声称|堅稱|坚称|宣稱|宣称|揚言|扬言|表示|指出|強調|强调|重申|認為|认为|"
    r"呼籲|呼吁|警告|坦言|直言|形容|駁斥|驳斥|宣布|宣佈|承諾|承诺|討論|讨论|提到|透露|批評|批评|譴責|"
    r"谴责|回應|回应|補充|补充|寫道|写道|回答|主張|主张|提出|感謝|感谢|建議|建议|質疑|质疑|否認|否认|"
    r"證實|证实|說|说|稱|称"
)
_VERB = re.compile(f"{_EN_VERB.pattern}|{_ZH_VERB.pattern}")
_AFTER_EN = re.compile(
    r"[\s,.!?”\"]*(?:(?P<who>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}|he|she|they|it|we|I)\s+"
    r"(?:said|says|added|told|wrote|noted|stated|asked|insisted|explained|replied|warned)\b"
    r"|(?:said|says|added|wrote|asked)\s+(?P<who2>[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}))"
)
_AFTER_ZH = re.compile(
    r"[，,\s]*(?P<who>[\u4e00-\u9fff]{1,10}?)(?:說|说|表示|稱|称|指出|強調|强调|補充|补充)"
)
_ENDS_SENTENCE = re.compile(r"\s*(?:[(（][^()（）\n]{0,200}[)）])?\s*(?:[.!?。！？]|$)")
_CLAUSE = re.compile(r".*(?:[,;:—–(，；：、]|\bthat\b|\bwhile\b|\bwhich\b)", re.DOTALL)
_EN_TRAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|further|repeatedly|publicly|again|later|once|already|"
    r"previously|reportedly|recently|will|would|has\s+also|had\s+also|even|firmly|only))+$"
)
_EN_LEAD = re.compile(r"^(?:(?:and|but|while|whereas|however|moreover|meanwhile|so|yet)\s+)+")
_ZH_TRAIL = re.compile(r"[也亦還还則则並并更又已曾再均都就即便隨即随即其]+$")
_ZH_LEAD = re.compile(r"^(?:此外|另外|同時|同时|但是|但|而|並且|并且|且|隨後|随后)")
_ONLY_URL = re.compile(r"(?:https?://|ftp://|www\.)\S*", re.IGNORECASE)
_PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i", "this", "its", "their"})


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


def find(context: Context, prose: str, references: list[Citation]) -> list[Citation]:
    """The quotations in a document's prose view, each classified and attributed."""
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
        previous = p_start
        for quote in _quotes(prose, p_start, p_end):
            citation = _classify(context, prose, quote, spans, cited, chain, previous, p_end)
            previous = quote.end
            if citation is not None:
                found.append(citation)
                quoted = quoted or citation.form != "scare"
        chain = own[-1] if own else (chain if quoted else None)
    return found


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
    p_start: int,  # the paragraph start, or the end of the quotation before this one
    p_end: int,
) -> Citation | None:
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
    verb = _last_verb(before)
    if _SCARE_BEFORE.search(before[-16:]):
        form, confidence = "scare", 0.2
    else:
        after_match = _AFTER_EN.match(after) if han == 0 else _AFTER_ZH.match(after)
        colon = before.rstrip().endswith((":", "："))
        if after_match is not None:
            speaker = after_match.groupdict().get("who") or after_match.groupdict().get("who2")
            form, confidence = "attributed", 0.9
        elif reference is not None or colon:
            form, confidence = "attributed", 0.85
            if verb is not None and not colon:
                speaker = _subject(before, verb[0])
            elif colon:
                speaker = _opening_subject(before)
        elif verb is not None:
            between = len(_WORD.findall(before[verb[1] :])) + len(_HAN.findall(before[verb[1] :]))
            ends = content.endswith((".", "!", "?", "。", "！", "？")) or _ENDS_SENTENCE.match(
                after
            )
            if not short or between <= 12 or ends:
                form, confidence = "attributed", 0.85
                speaker = _subject(before, verb[0])
        if form == "unattributed" and short:
            form, confidence = "scare", 0.2
    if form != "scare" and reference is None:
        reference = _reference_before(own, quote.start) or _reference_in(own, s_start, s_end)
        if reference is None:
            reference = chain
    if form == "unattributed" and reference is not None:
        form, confidence = "attributed", 0.7
    if form == "scare":
        reference = None
    vague = speaker is None or speaker.lower() in _PRONOUNS
    if form == "attributed" and vague and reference is not None:
        speaker = reference.title or reference.publisher or speaker
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
            form
        ),
    )


def _last_verb(text: str) -> tuple[int, int] | None:
    """Where the last verb of saying in `text` stands."""
    last = None
    for match in _VERB.finditer(text):
        last = match.span()
    return last


def _subject(before: str, verb_start: int) -> str | None:
    """Who speaks: the words of the verb's clause before it, less auxiliaries and adverbs."""
    head = before[:verb_start]
    clause = _CLAUSE.match(head)
    subject = head[clause.end() :] if clause else head
    subject = _ZH_LEAD.sub(
        "", _EN_LEAD.sub("", _ZH_TRAIL.sub("", _EN_TRAIL.sub("", subject.strip())))
    )
    subject = collapse(subject)
    if not subject and clause is not None:
        previous = head[: clause.end() - 1]
        verb = _last_verb(previous)
        if verb is not None:
            return _subject(previous, verb[0])
        inner = _CLAUSE.match(previous)
        subject = collapse(previous[inner.end() :] if inner else previous)
    words = subject.split()
    if len(words) > 10:
        subject = " ".join(words[-6:])
    return subject or None


_OPENING = re.compile(
    r"^(?P<subject>.{1,120}?)\s+(?:included|includes|contained|contains|said|says|stated|states|"
    r"reads|read|noted|notes|added|adds|is|was|are|were|has|had|have|made|makes)\b"
)


def _opening_subject(before: str) -> str | None:
    """The subject a sentence opens with, for a quote after a colon ("X included …, namely:")."""
    match = _OPENING.match(before.strip())
    if match is None:
        return _subject(before, len(before.rstrip().rstrip(":：")))
    return collapse(match.group("subject"))


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
