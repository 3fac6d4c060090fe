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
import sys
from dataclasses import dataclass

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
_VERB_STARTS = "sSaAcCdDnNwWtTpPiIrReEhHlLqQuUvVbBmMfFgGkKoOyY" + "".join(
    sorted({c for c in _ZH_VERB.pattern if "\u4e00" <= c <= "\u9fff"})
)
# The lookahead lets the scan skip characters no verb starts with.
_VERB = re.compile(f"(?=[{_VERB_STARTS}])(?:{_EN_VERB.pattern}|{_ZH_VERB.pattern})")
_NOT_NAME = (
    r"(?!(?:that|which|who|whom|is|was|are|were|be|been|has|have|had|to|of|in|on|at|for|with|"
    r"as|by|from|after|before|during|when|while|and|but|or|if|this|these|those|last|yesterday|"
    r"today|it|its|so|not|no)\b)"
)
_PHRASE_WORD = _NOT_NAME + r"[A-Za-z][\w.'’\-]*"
_AFTER_EN = re.compile(
    r"[\s,.!?”\"]*(?:(?P<who>he|she|they|it|we|I|(?:(?:a|an|the|one|another)\s+)?"
    + _PHRASE_WORD
    + r"(?:\s+"
    + _PHRASE_WORD
    + r"){0,4})\s+"
    r"(?:said|says|added|told|wrote|noted|stated|asked|insisted|explained|replied|warned)\b"
    r"|(?:said|says|added|wrote|asked)\s+(?P<who2>(?:(?:the|a|an|one|another)\s+)?"
    + _PHRASE_WORD
    + r"(?:\s+"
    + _PHRASE_WORD
    + r"){0,4}))"
)
_AFTER_ZH = re.compile(
    r"[，,\s]*(?P<who>[\u4e00-\u9fffA-Za-z]{1,24}?)(?:說|说|表示|稱|称|指出|強調|强调|補充|补充|"
    r"形容|透露|坦言|寫道|写道)"
)
_ENDS_SENTENCE = re.compile(r"\s*(?:[(（][^()（）\n]{0,200}[)）])?\s*(?:[.!?。！？]|$)")
_CLAUSE = re.compile(r".*(?:[,;:—–(，；：、]|\bthat\b|\bwhile\b|\bwhich\b)", re.DOTALL)
_EN_TRAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|further|repeatedly|publicly|again|later|once|already|"
    r"previously|reportedly|recently|will|would|has\s+also|had\s+also|even|firmly|only))+$"
)
_EN_LEAD = re.compile(
    r"^(?:(?:and|but|while|whereas|however|moreover|meanwhile|so|yet)(?:\s+|$))+", re.IGNORECASE
)
_ZH_TRAIL = re.compile(r"[也亦還还則则並并更又已曾再均都就即便隨即随即其]+$")
_ZH_LEAD = re.compile(r"^(?:此外|另外|同時|同时|但是|但|而|並且|并且|且|隨後|随后)")
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:slogan|title|titled|entitled|headline|headlined|motto|theme|tagline|hashtag|banner|"
    r"phrase|dubbed|nicknamed|caption|sign\s+reading)|標語|标语|主題|主题|題為|题为|名為|名为|口號|"
    r"口号|標題|标题|寫着|写着|寫著|写著|打出)\s*[:：,，]?\s*$"
)
_LABEL_AFTER = re.compile(r"的|之")  # `“同舟共济”的主题标语`: words used as a name, not said
_TRAILING_NAME = re.compile(r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}$")
_TO = re.compile(r"\s+to\s")
_OF_REFERENCE = "no speaker named: attributed to the reference it is tied to"
_ONLY_URL = re.compile(r"(?:https?://|ftp://|www\.)\S*", re.IGNORECASE)
_PRONOUNS = frozenset(
    {"it", "he", "she", "they", "we", "i", "this", "its", "their"}
    | {"他", "她", "他們", "她們", "他们", "她们", "其", "對方", "对方", "渠"}
)
_APPOSITION = re.compile(
    r"^\s*(?P<name>[A-Z][\w.'’\-]*(?:\s+[\w.'’\-]+){0,4}),\s+[^,;:]{1,80},\s*$"
)
_ZH_ADVERBIAL = re.compile(
    r"(?<=..)(?:在|於|于|當天|当天|當日|当日|日前|近日|昨天|今天|此前|與|与|對|对|向|接受|通過|通过|"
    r"出席|會見|会见|[0-9０-９一二三四五六七八九十]+(?:年|月|日|號|号))"
)
_QUOTING = re.compile(r"^(?P<pre>.*?)(?:援引|引述|引用|轉述|转述)(?P<who>.+?)(?:的)?(?:話|话)?$")


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
        verbs = [m.span() for m in _VERB.finditer(prose, p_start, p_end)]
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
        after_match = _AFTER_EN.match(after) if han == 0 else _AFTER_ZH.match(after)
        if colon and content.endswith(("。", "！", "？", ".", "!", "?")):
            after_match = None  # `：「…。」他又稱` : what follows is the next sentence
        if after_match is not None:
            if reference is None:  # `「…」一名官員對BBC中文這樣形容`
                reference = _reference_in(own, quote.end, quote.end + after_match.end())
            speaker = after_match.groupdict().get("who") or after_match.groupdict().get("who2")
            if speaker is not None:
                speaker = _EN_LEAD.sub("", speaker) if han == 0 else _trim_zh(speaker)
            form, confidence = "attributed", 0.9
        elif reference is not None or colon:
            form, confidence = "attributed", 0.85
            if verb is not None and (not colon or _near_colon(before, verb)):
                speaker = _subject(before, verb[0])
            elif colon:
                speaker = _opening_subject(before)
        elif verb is not None:
            between = len(_WORD.findall(before[verb[1] :])) + len(_HAN.findall(before[verb[1] :]))
            ends = content.endswith((".", "!", "?", "。", "！", "？")) or _ENDS_SENTENCE.match(
                after
            )
            infinitive = _TO.match(before, verb[1]) is not None  # "claims to champion “…”"
            one_word = (han == 0 and words == 1) or (han > 0 and han <= 2)
            if not short or (not infinitive and (ends or (between <= 12 and not one_word))):
                form, confidence = "attributed", 0.85
                speaker = _subject(before, verb[0])
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
        speaker = _quoting(speaker, state.registry)
    vague = speaker is None or speaker.lower() in _PRONOUNS
    if form == "attributed" and vague:
        if state.speaker is not None:
            speaker = state.speaker  # the same speaker goes on, or `he` is the last one named
        elif speaker is not None and speaker.lower() in _PRONOUNS:
            speaker = _previous_subject(prose, spans, s_start) or speaker
    vague = speaker is None or speaker.lower() in _PRONOUNS
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


def _last_verb(text: str) -> tuple[int, int] | None:
    """Where the last verb of saying in `text` stands."""
    last = None
    for match in _VERB.finditer(text):
        last = match.span()
    return last


def _subject(before: str, verb_start: int) -> str | None:
    """Who speaks: the words of the verb's clause before it, less auxiliaries and adverbs."""
    head = before[:verb_start]
    apposition = _APPOSITION.match(head)
    if apposition is not None:  # "Dmitry Peskov, the Kremlin's spokesman, told …"
        return collapse(apposition.group("name"))
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
    if subject.lower() in ("who", "which") and clause is not None:
        # "… by UN spokesperson Stéphane Dujarric, who said …": the name before the comma
        named = _TRAILING_NAME.search(head[: clause.end() - 1].rstrip())
        return collapse(named.group()) if named is not None else None
    if _HAN.search(subject):
        quoting = _QUOTING.match(subject)
        if quoting is not None and not quoting.group("pre").strip() and clause is not None:
            # `岩屋毅在會上發言時，引述一位漁民的話說`: the one who quotes is the speaker
            return _subject(head[: clause.end() - 1], clause.end() - 1)
        cut = _ZH_ADVERBIAL.search(subject)
        if cut is not None and not (quoting is not None and cut.start() >= quoting.start("who")):
            subject = subject[: cut.start()]
    words = subject.split()
    if len(words) > 10:
        subject = " ".join(words[-6:])
    return subject or None


def _trim_zh(subject: str) -> str:
    """A Chinese subject without what follows the name: `在…時`, `對記者`, a date."""
    subject = _ZH_TRAIL.sub("", subject)
    cut = _ZH_ADVERBIAL.search(subject)
    return subject[: cut.start()] if cut is not None else subject


def _quoting(speaker: str, registry: Registry | None) -> str:
    """`X援引Y的話說`: Y when X is a publisher (a news agency quoting an official), else X."""
    match = _QUOTING.match(speaker)
    if match is None:
        return speaker
    pre = _ZH_TRAIL.sub("", match.group("pre").strip())
    who = match.group("who").strip()
    if not pre:
        return who
    if registry is not None:
        found = registry.find_all(pre)
        if found and found[-1][2] >= len(pre) - 1:
            return who
    return pre


def _near_colon(before: str, verb: tuple[int, int]) -> bool:
    """Whether a verb of saying stands right before the colon (`表示：`, `said:`); `namely:`
    introduces what the sentence's subject said, not a speaker of its own."""
    if before[verb[0] : verb[1]].lower() == "namely":
        return False
    return len(before[verb[1] :].strip(" \t:：,，")) <= 2


def _previous_subject(prose: str, spans: list[tuple[int, int]], s_start: int) -> str | None:
    """The subject of the sentence before the one at `s_start` (for `he said`)."""
    index = bisect.bisect_left(spans, (s_start, -1)) - 1
    if index < 0:
        return None
    start, end = spans[index]
    text = prose[start:end]
    if _HAN.search(text):
        verb = _last_verb(text)
        return _subject(text, verb[0]) if verb is not None else None
    match = _OPENING.match(text.strip())
    return collapse(match.group("subject")) if match is not None else None


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
