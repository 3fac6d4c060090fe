"""Republication notes: where an article was first published, and with whose permission.

`Originally published in X`, `This article first appeared in X`, `Republished with permission
from X`, `原刊於X`, `本文转载自X`, `（原标题：…）`, `經作者授權轉載`. Everything of this kind in
one paragraph is one note: its publisher, the original title, a date, and the link back to the
original. Such notes often say where that link is (`(原文按此`, "Read the original here") after
the link itself was lost in copying; then the note is reported with `link_missing` set, since an
editor republishing the piece must restore it.
"""

from __future__ import annotations

import re

from citecheck.extract.citations import Paragraph, Scan
from citecheck.extract.prose import collapse
from citecheck.model import Citation, CitationForm

_TRIGGERS = re.compile(
    r"(?P<original>(?:(?:was|were)\s+)?(?:originally|first)\s+(?:published|appeared|ran|posted|"
    r"printed)(?:\s+(?:in|at|on|by))?|原刊[於于]?|原載[於于]?|原载于?|首[發发刊][於于]|"
    r"原(?:文)?(?:發表|发表|刊登)[於于]?)"
    r"|(?P<reprinted>(?:republished|reprinted|reposted|syndicated|reproduced)"
    r"(?:\s+with\s+(?:kind\s+|the\s+)?permission)?\s+(?:from|by|of)"
    r"|(?:本文)?(?:轉載|转载|轉引|转引)(?:自|於|于)|本文(?:轉|转|來|来)自"
    r"|本文(?:來源|来源|出處|出处)[ ]*[:：])"
    r"|(?P<permission>(?:republished|reprinted|reproduced|published)\s+with\s+(?:kind\s+|the\s+)?"
    r"permission|(?:經|经|獲|获|得到)(?:原)?(?:作者|出版方|版權方|版权方|原刊|該刊|该刊)?"
    r"(?:同意|授權|授权)(?:後|后)?(?:轉載|转载|刊登|刊出|發表|发表))"
    r"|(?P<title>[（(](?:原標題|原标题|原題|原题|原文標題|原文标题)[ ]*[:：][ ]*"
    r"(?P<title_text>[^()（）\n]{1,200})[)）])"
    r"|(?P<link>原文按此|原文連結|原文链接|閱讀原文|阅读原文|原文網址|原文网址|原文地址|"
    r"Read the original(?:\s+(?:article|story|piece|post))?(?:\s+here)?|"
    r"Click here to read the original(?:\s+(?:article|story))?)",
    re.IGNORECASE,
)
_FORMS: dict[str, CitationForm] = {
    "original": "originally-published",
    "reprinted": "reprinted",
    "permission": "permission",
    "title": "original-title",
    "link": "original-link",
}
# What ends a publisher's name after "originally published in".
_NAME_END = re.compile(r"[,.;:。，；：()（）\n]|\s+on\s+|\s+in\s+\d|網站|网站|\s+website")
# An English note speaks of the article itself: "This article was first published in", "It
# originally appeared on", or begins its sentence ("Originally published by"). "The study, first
# published in The Lancet" is a reference, not a republication note.
_ABOUT_ITSELF = re.compile(
    r"(?:(?:this|the|a version of this|an earlier version of this)\s+(?:article|story|piece|essay|"
    r"op-ed|column|commentary|post|interview|report|text|analysis|translation)\s+|it\s+)?",
    re.IGNORECASE,
)
_LEADING = re.compile(r"(?:the\s+)", re.IGNORECASE)


def find(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    """The republication note of one paragraph, if it has one."""
    prose = scan.prose
    matches = [
        m
        for m in _TRIGGERS.finditer(prose, paragraph.start, paragraph.end)
        if not m.group().isascii()
        or m.lastgroup == "link"
        or _ABOUT_ITSELF.fullmatch(prose, paragraph.sentence_at(m.start())[0], m.start())
    ]
    if not matches:
        return []
    first, last = matches[0], matches[-1]
    kind = first.lastgroup if first.lastgroup != "title_text" else "title"
    form = _FORMS.get(kind or "", "originally-published")
    publisher: str | None = None
    domain: str | None = None
    title: str | None = None
    end = last.end()
    for match in matches:
        if match.group("title_text") and title is None:
            title = collapse(match.group("title_text")).strip("《》〈〉「」“”")
        if publisher is None and (match.group("original") or match.group("reprinted")):
            publisher, domain, name_end = _publisher(scan, match.end(), paragraph.end)
            end = max(end, name_end)
    sentence_start = paragraph.sentence_at(first.start())[0]
    start = sentence_start if first.start() - sentence_start <= 40 else first.start()
    links = scan.links_in(paragraph.start, paragraph.end)
    pointer = any(m.group("link") for m in matches)
    missing = pointer and not links
    date = scan.iso(scan.date_in(start, paragraph.end))
    confidence = 0.9 if kind in ("original", "reprinted", "title") else 0.8
    if kind == "link":
        confidence = 0.6
    return [
        scan.citation(
            "republication",
            form,
            start,
            end,
            confidence=confidence,
            publisher=publisher,
            domain=domain,
            title=title,
            date=date,
            url=links[0].url if links else None,
            link_missing=missing,
            note="the note points at the original, but the link to it is missing"
            if missing
            else None,
        )
    ]


def _publisher(scan: Scan, start: int, limit: int) -> tuple[str | None, str | None, int]:
    """The publisher named from `start` on: (name, domain, end offset)."""
    prose = scan.prose
    position = start
    while position < limit and prose[position] in " \t":
        position += 1
    leading = _LEADING.match(prose, position, limit)
    if leading is not None:
        position = leading.end()
    known = scan.registry.match_at(prose, position, limit)
    if known is not None:
        publisher, end = known
        return publisher.name, publisher.domain, end
    stop = _NAME_END.search(prose, position, min(limit, position + 80))
    end = stop.start() if stop is not None else min(limit, position + 80)
    name, domain, _ = scan.publisher(prose[position:end])
    if name is None or len(name) > 60:
        return None, None, start
    return name, domain, end
