"""Who said a quotation: the verbs of saying, and the speaker read around them.

`quotes.py` decides whether words in quotation marks are a quotation and which reference they
are tied to; this module reads who speaks, in English and Chinese: the subject of a verb of
saying before the quotation (less auxiliaries, adverbs and, in Chinese, the circumstances after
the name), a speaker named after it (`“…,” said one fisherman`), an apposition or a relative
clause back to the name, and `X援引Y的話說`.
"""

from __future__ import annotations

import bisect
import re

from citecheck.extract.prose import collapse
from citecheck.publishers import Registry

_HAN = re.compile(r"[\u4e00-\u9fff]")


EN_VERB = re.compile(
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


ZH_VERB = re.compile(
    r"稱讚|称赞|讚揚|赞扬|聲稱|声称|堅稱|坚称|宣稱|宣称|揚言|扬言|表示|指出|強調|强调|重申|認為|认为|"
    r"呼籲|呼吁|警告|坦言|直言|形容|駁斥|驳斥|宣布|宣佈|承諾|承诺|討論|讨论|提到|透露|批評|批评|譴責|"
    r"谴责|回應|回应|補充|补充|寫道|写道|回答|主張|主张|提出|感謝|感谢|建議|建议|質疑|质疑|否認|否认|"
    r"證實|证实|說|说|稱|称"
)


_VERB_STARTS = "sSaAcCdDnNwWtTpPiIrReEhHlLqQuUvVbBmMfFgGkKoOyY" + "".join(
    sorted({c for c in ZH_VERB.pattern if "\u4e00" <= c <= "\u9fff"})
)


# The lookahead lets the scan skip characters no verb starts with.
VERB = re.compile(f"(?=[{_VERB_STARTS}])(?:{EN_VERB.pattern}|{ZH_VERB.pattern})")


_NOT_NAME = (
    r"(?!(?:that|which|who|whom|is|was|are|were|be|been|has|have|had|to|of|in|on|at|for|with|"
    r"as|by|from|after|before|during|when|while|and|but|or|if|this|these|those|last|yesterday|"
    r"today|it|its|so|not|no)\b)"
)


_PHRASE_WORD = _NOT_NAME + r"[A-Za-z][\w.'’\-]*"


AFTER_EN = re.compile(
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


AFTER_ZH = re.compile(
    r"[，,\s]*(?P<who>[\u4e00-\u9fffA-Za-z]{1,24}?)(?:說|说|表示|稱|称|指出|強調|强调|補充|补充|"
    r"形容|透露|坦言|寫道|写道)"
)


_CLAUSE = re.compile(r".*(?:[,;:—–(，；：、]|\bthat\b|\bwhile\b|\bwhich\b)", re.DOTALL)


_EN_TRAIL = re.compile(
    r"(?:\s+(?:has|have|had|also|then|further|repeatedly|publicly|again|later|once|already|"
    r"previously|reportedly|recently|will|would|has\s+also|had\s+also|even|firmly|only))+$"
)


EN_LEAD = re.compile(
    r"^(?:(?:and|but|while|whereas|however|moreover|meanwhile|so|yet)(?:\s+|$))+", re.IGNORECASE
)


_ZH_TRAIL = re.compile(r"[也亦還还則则並并更又已曾再均都就即便隨即随即其]+$")


_ZH_LEAD = re.compile(r"^(?:此外|另外|同時|同时|但是|但|而|並且|并且|且|隨後|随后)")


_TRAILING_NAME = re.compile(r"[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,4}$")


PRONOUNS = frozenset(
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


def last_verb(text: str) -> tuple[int, int] | None:
    """Where the last verb of saying in `text` stands."""
    last = None
    for match in VERB.finditer(text):
        last = match.span()
    return last


def subject_of(before: str, verb_start: int) -> str | None:
    """Who speaks: the words of the verb's clause before it, less auxiliaries and adverbs."""
    head = before[:verb_start]
    apposition = _APPOSITION.match(head)
    if apposition is not None:  # "Dmitry Peskov, the Kremlin's spokesman, told …"
        return collapse(apposition.group("name"))
    clause = _CLAUSE.match(head)
    subject = head[clause.end() :] if clause else head
    subject = _ZH_LEAD.sub(
        "", EN_LEAD.sub("", _ZH_TRAIL.sub("", _EN_TRAIL.sub("", subject.strip())))
    )
    subject = collapse(subject)
    if not subject and clause is not None:
        previous = head[: clause.end() - 1]
        verb = last_verb(previous)
        if verb is not None:
            return subject_of(previous, verb[0])
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
            return subject_of(head[: clause.end() - 1], clause.end() - 1)
        cut = _ZH_ADVERBIAL.search(subject)
        if cut is not None and not (quoting is not None and cut.start() >= quoting.start("who")):
            subject = subject[: cut.start()]
    words = subject.split()
    if len(words) > 10:
        subject = " ".join(words[-6:])
    return subject or None


def trim_zh(subject: str) -> str:
    """A Chinese subject without what follows the name: `在…時`, `對記者`, a date."""
    subject = _ZH_TRAIL.sub("", subject)
    cut = _ZH_ADVERBIAL.search(subject)
    return subject[: cut.start()] if cut is not None else subject


def quoting(speaker: str, registry: Registry | None) -> str:
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


def near_colon(before: str, verb: tuple[int, int]) -> bool:
    """Whether a verb of saying stands right before the colon (`表示：`, `said:`); `namely:`
    introduces what the sentence's subject said, not a speaker of its own."""
    if before[verb[0] : verb[1]].lower() == "namely":
        return False
    return len(before[verb[1] :].strip(" \t:：,，")) <= 2


def previous_subject(prose: str, spans: list[tuple[int, int]], s_start: int) -> str | None:
    """The subject of the sentence before the one at `s_start` (for `he said`)."""
    index = bisect.bisect_left(spans, (s_start, -1)) - 1
    if index < 0:
        return None
    start, end = spans[index]
    text = prose[start:end]
    if _HAN.search(text):
        verb = last_verb(text)
        return subject_of(text, verb[0]) if verb is not None else None
    match = _OPENING.match(text.strip())
    return collapse(match.group("subject")) if match is not None else None


_OPENING = re.compile(
    r"^(?P<subject>.{1,120}?)\s+(?:included|includes|contained|contains|said|says|stated|states|"
    r"reads|read|noted|notes|added|adds|is|was|are|were|has|had|have|made|makes)\b"
)


def opening_subject(before: str) -> str | None:
    """The subject a sentence opens with, for a quote after a colon ("X included …, namely:")."""
    match = _OPENING.match(before.strip())
    if match is None:
        return subject_of(before, len(before.rstrip().rstrip(":：")))
    return collapse(match.group("subject"))
