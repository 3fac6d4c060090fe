"""References: a source the article names in words, with publisher, title and date.

Bracketed: `(see: TITLE – PUBLISHER, DATE)`, `(PUBLISHER, DATE)`, `(Source: …)`, `（來源：…）`, a
known news outlet alone `(Reuters)`. In running text: "according to PUBLISHER", "PUBLISHER
reported", "told PUBLISHER", a line `Source: …`, `据PUBLISHER报道`, `PUBLISHER記者…`, and a
document cited by its title, `《關於…的通知》`.

Precision first: a bracket is a reference only when its content reads as one (a `see:` or
`source:` marker, or a publisher followed by a date, or a known news outlet); a verbal pattern
counts only for a publisher the registry knows, or a name that ends like a news outlet's
("Riverside Gazette"), and then with a lower confidence.
"""

from __future__ import annotations

import re

from citecheck.extract.citations import Paragraph, Scan
from citecheck.extract.credits import DATELINE as _DATELINE
from citecheck.extract.prose import collapse
from citecheck.extract.segments import Group
from citecheck.model import Citation, CitationForm

_NEWS = frozenset({"wire", "broadcaster", "newspaper", "magazine", "online"})
_SEE = re.compile(r"(?:see(?:\s+also)?|cf\.?|via)\s*[:：]?\s+", re.IGNORECASE)
_SOURCE = re.compile(
    r"(?:sources?|來源|来源|資料來源|资料来源|消息來源|消息来源|出處|出处|引自|轉引自|转引自)"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(
    r"(?:Sources?|SOURCES?|來源|来源|資料來源|资料来源)[ ]*[:：][ ]*(?P<value>[^\n]{2,300})"
)
_DASH = re.compile(r"\s+[–—-]{1,2}\s+|\s*[|｜]\s*|——|\s+[–—]|[–—]\s+")
_DOMAIN_HINT = re.compile(r"\s*[(（]\s*(?P<domain>(?:[\w-]+\.)+[a-z]{2,})/?\s*[)）]?\s*$")
_TRIM = " ,;:.–—-"
_MEDIA = (
    r"(?:News|Times|Post|Journal|Gazette|Herald|Tribune|Daily|Press|Agency|Radio|TV|Television|"
    r"Network|Magazine|Observer|Chronicle|Courier|Telegraph|Guardian|Standard|Express|Mirror|"
    r"Monitor|Record|Reporter|Review|Weekly|Bulletin|Dispatch|Inquirer|Examiner|Register|Wire|"
    r"Broadcasting|Ministry|Department|Office|Bureau)"
)
_NAME = r"(?:[A-Z][\w&.'’\-]*\s+){0,5}" + _MEDIA
_UNKNOWN_NAME = re.compile(_NAME + r"\b")
_ACCORDING = re.compile(
    r"\b[Aa]ccording\s+to\s+(?:(?:a|an|the|new|recent|latest|report|reports|article|story|data|"
    r"figures|survey|poll|analysis|statement|exclusive|investigation|by|from|in|of)\s+){0,4}"
)
_REPORTED = re.compile(
    r"\s+(?:(?:has|had|also|first|previously|earlier|later)\s+)?"
    r"(?:reported|reports|revealed|said\s+in\s+a\s+report|wrote|quoted)\b"
)
_UNKNOWN_REPORTED = re.compile(
    r"(?:\b[Tt]he\s+)?(?P<name>" + _NAME + r")\s+(?:(?:has|had|also|first)\s+)?reported\b"
)
_TOLD = re.compile(r"\b(?:told|in\s+an\s+interview\s+with)\s+(?:the\s+)?")
_ZH_REPORTED = re.compile(
    r"(?:根據|根据|據|据)(?P<value>[^，,。；;\n「」“”]{1,30}?)(?:的)?"
    r"(?:報道|報導|报道|报导|消息|披露|引述|援引)"
)
_ZH_AFTER = re.compile(r"》?\s*(?:報道|報導|报道|报导|引述|援引|披露|消息稱|消息称)")
_ZH_REPORTER = re.compile(r"(?:記者|记者)")
_ZH_NAME = re.compile(r"[ ]?[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff]{0,1}(?:攝|摄))")
_TITLE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
_DOCUMENT_WORDS = re.compile(
    r"(?:^(?:關於|关于))|(?:通知|報告|报告|白皮書|白皮书|聲明|声明|公報|公报|決定|决定|意見|意见|"
    r"規定|规定|辦法|办法|條例|条例|公告|綱要|纲要|方案|計劃|计划|規劃|规划|宣言|講話|讲话|文件|"
    r"建議|建议|倡議|倡议|立場|立场|紀要|纪要|協議|协议|協定|协定|憲章|宪章|指引|指南|措施|"
    r"說明|说明|備忘錄|备忘录|調查|调查|法)$"
)
_UNKNOWN_ZH = re.compile(r"了解|悉|稱|称|說|说|介紹|介绍|統計|统计|調查|调查|報告|报告")


def find(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    """The references of one paragraph."""
    found: list[Citation] = []
    for group in paragraph.groups:
        reference = _bracketed(scan, paragraph, group)
        if reference is not None:
            found.append(reference)
    found += _source_line(scan, paragraph)
    found += _verbal(scan, paragraph)
    found += _chinese(scan, paragraph)
    return found


def _fields(
    scan: Scan, start: int, end: int, *, title_first: bool
) -> tuple[str | None, str | None, str | None, str | None, bool]:
    """(title, publisher, domain, date, known) read from `prose[start:end]`:
    `TITLE – PUBLISHER, DATE`, `PUBLISHER, DATE`, `TITLE — PUBLISHER (www.example.org)`."""
    prose = scan.prose
    date_match = scan.date_in(start, end, last=True)
    date: str | None = None
    if date_match is not None and not prose[date_match.end : end].strip(_TRIM + ")）"):
        date = scan.iso(date_match)
        end = date_match.start
    text = prose[start:end].rstrip(_TRIM + " ")
    hint = _DOMAIN_HINT.search(text)
    domain_hint = hint.group("domain") if hint else None
    if hint is not None:
        text = text[: hint.start()].rstrip(_TRIM)
    title: str | None = None
    written: str | None = None
    pieces = _DASH.split(text)
    if len(pieces) > 1:
        title, written = " – ".join(pieces[:-1]), pieces[-1]
    elif "," in text or "，" in text:
        parts = [p.strip() for p in re.split(r"[,，]", text) if p.strip()]
        if scan.registry.lookup(parts[-1]) is not None:
            title, written = ", ".join(parts[:-1]) or None, parts[-1]
        elif scan.registry.lookup(parts[0]) is not None:
            written, title = parts[0], ", ".join(parts[1:]) or None
        elif title_first:
            title = text
        else:
            written = text
    elif title_first and scan.registry.lookup(text) is None:
        title = text
    else:
        written = text
    publisher, domain, known = scan.publisher(written) if written else (None, None, None)
    if known is None and domain_hint is not None:
        by_url = scan.registry.for_url("https://" + domain_hint)
        if by_url is not None and publisher is None:
            publisher = by_url.name
        domain = by_url.domain if by_url is not None else domain_hint
    return collapse(title) if title else None, publisher, domain, date, known is not None


def _bracketed(scan: Scan, paragraph: Paragraph, group: Group) -> Citation | None:
    prose = scan.prose
    start, end = group.content_start, group.content_end
    while start < end and prose[start].isspace():
        start += 1
    if end - start < 2 or end - start > 400:
        return None
    form: CitationForm
    marker = _SEE.match(prose, start, end) or _SOURCE.match(prose, start, end)
    if marker is not None:
        form = "see" if marker.re is _SEE else "source"
        rest = prose[marker.end() : end].strip()
        if any(link.source.strip() == rest for link in scan.links_in(marker.end(), end)):
            return None  # "(see https://…)": the link itself is the citation
        title, publisher, domain, date, known = _fields(
            scan, marker.end(), end, title_first=form == "see"
        )
        if not (title or publisher):
            return None
        confidence = 0.95 if known else 0.8
        if date is None:
            # "…, put forward in May 2024, … (see: TITLE — PUBLISHER)": the sentence dates it.
            sentence_start = paragraph.sentence_at(group.start)[0]
            date = scan.iso(scan.date_in(sentence_start, group.start, last=True))
    else:
        title, publisher, domain, date, known = _fields(scan, start, end, title_first=False)
        if publisher is None or not _plausible_name(publisher):
            return None
        if date is not None:
            confidence = 0.9 if known else 0.6
        else:
            entry = scan.registry.lookup(publisher)
            if entry is None or entry.type not in _NEWS or title:
                return None
            dateline = _DATELINE.match(prose, paragraph.start, paragraph.end)
            if dateline is not None and dateline.end() >= group.end:
                return None  # "MOSCOW, March 21, 2023 (Xinhua) —": a dateline's agency
            before = scan.registry.match_before(prose, group.start, paragraph.start)
            spelled = prose[max(paragraph.start, group.start - 1) : group.start].strip()
            if (before is not None and before[0] is entry) or spelled.endswith(entry.name):
                return None  # "Macau News Agency (MNA)": a name spelled out, not a citation
            confidence = 0.5
        form = "parenthetical"
    url = _linked(scan, group.start, group.end)
    return scan.citation(
        "reference", form, group.start, group.end, confidence=confidence, text=collapse(
            prose[group.content_start : group.content_end]
        ), publisher=publisher, domain=domain, title=title, date=date, url=url,
    )  # fmt: skip


def _plausible_name(name: str) -> bool:
    """A publisher as written: a few capitalised words, or a short CJK name."""
    if re.fullmatch(r"[\u4e00-\u9fff·《》 A-Za-z]{1,20}", name) and re.search(
        "[\u4e00-\u9fff]", name
    ):
        return True
    words = name.split()
    return 0 < len(words) <= 8 and words[0][:1].isupper()


def _linked(scan: Scan, start: int, end: int) -> str | None:
    """The URL of a link written inside a reference, unless it is only a site's home page."""
    for link in scan.links_in(start, end):
        if link.url and link.url.split("://", 1)[-1].strip("/").count("/") > 0:
            return link.url
    return None


def _source_line(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    match = _SOURCE_LINE.match(scan.prose, paragraph.start, paragraph.end)
    if match is None:
        return []
    value_start, end = match.start("value"), match.end("value")
    title, publisher, domain, date, known = _fields(scan, value_start, end, title_first=False)
    return [
        scan.citation(
            "reference",
            "source",
            match.start(),
            end,
            confidence=0.9 if known else 0.7,
            text=collapse(match.group("value")),
            publisher=publisher,
            domain=domain,
            title=title,
            date=date,
            url=_linked(scan, match.start(), end),
        )
    ]


def _sentence_date(scan: Scan, paragraph: Paragraph, position: int) -> str | None:
    start, end = paragraph.sentence_at(position)
    return scan.iso(scan.date_in(start, end))


def _verbal(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    prose = scan.prose
    found: list[Citation] = []

    def add(form: CitationForm, start: int, end: int, name: str, known: bool) -> None:
        publisher, domain, _ = scan.publisher(name)
        found.append(
            scan.citation(
                "reference",
                form,
                start,
                end,
                confidence=0.8 if known else 0.55,
                publisher=publisher,
                domain=domain,
                date=_sentence_date(scan, paragraph, start),
            )
        )

    patterns: tuple[tuple[re.Pattern[str], CitationForm], ...] = (
        (_ACCORDING, "according-to"),
        (_TOLD, "told"),
    )
    for pattern, form in patterns:
        for match in pattern.finditer(prose, paragraph.start, paragraph.end):
            known = scan.registry.match_at(prose, match.end(), paragraph.end)
            if known is not None and (form == "according-to" or known[0].type in _NEWS):
                add(form, match.start(), known[1], prose[match.end() : known[1]], True)
                continue
            unknown = _UNKNOWN_NAME.match(prose, match.end(), paragraph.end)
            if unknown is not None:
                add(form, match.start(), unknown.end(), unknown.group(), False)
    for publisher, start, end in scan.registry.find_all(prose, paragraph.start, paragraph.end):
        after = _REPORTED.match(prose, end, paragraph.end)
        if after is not None and publisher.type in _NEWS:
            add("reported", start, after.end(), prose[start:end], True)
    for match in _UNKNOWN_REPORTED.finditer(prose, paragraph.start, paragraph.end):
        if scan.registry.lookup(match.group("name")) is None:
            add("reported", match.start("name"), match.end(), match.group("name"), False)
    return found


def _chinese(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    prose = scan.prose
    found: list[Citation] = []
    for match in _ZH_REPORTED.finditer(prose, paragraph.start, paragraph.end):
        value = match.group("value").strip("《》 ")
        publisher, domain, known = scan.publisher(value)
        if known is None:
            inner = scan.registry.find_all(value)
            if inner:
                known = inner[0][0]
                publisher, domain = known.name, known.domain
            elif _UNKNOWN_ZH.search(value) or len(value) > 15:
                continue
        found.append(
            scan.citation(
                "reference",
                "reported",
                match.start(),
                match.end(),
                confidence=0.85 if known else 0.5,
                publisher=publisher,
                domain=domain,
                date=_sentence_date(scan, paragraph, match.start()),
            )
        )
    for entry, start, end in scan.registry.find_all(prose, paragraph.start, paragraph.end):
        after = _ZH_AFTER.match(prose, end, paragraph.end)
        if after is not None:
            found.append(
                scan.citation(
                    "reference",
                    "reported",
                    start,
                    after.end(),
                    confidence=0.8,
                    publisher=entry.name,
                    domain=entry.domain,
                    date=_sentence_date(scan, paragraph, start),
                )
            )
            continue
        reporter = _ZH_REPORTER.match(prose, end, paragraph.end)
        if reporter is not None:
            name = _ZH_NAME.match(prose, reporter.end(), paragraph.end)
            stop = name.end() if name else reporter.end()
            found.append(
                scan.citation(
                    "reference",
                    "reporter",
                    start,
                    stop,
                    confidence=0.75,
                    publisher=entry.name,
                    domain=entry.domain,
                    author=name.group().strip() if name else None,
                    date=_sentence_date(scan, paragraph, start),
                )
            )
    for match in _TITLE.finditer(prose, paragraph.start, paragraph.end):
        title = collapse(match.group("title"))
        if scan.registry.lookup(title) is not None or not _DOCUMENT_WORDS.search(title):
            continue
        sentence_start = paragraph.sentence_at(match.start())[0]
        before = scan.registry.find_all(
            prose, max(sentence_start, match.start() - 30), match.start()
        )
        issuer = before[-1][0] if before else None
        found.append(
            scan.citation(
                "reference",
                "document-title",
                match.start(),
                match.end(),
                confidence=0.75,
                title=title,
                publisher=issuer.name if issuer else None,
                domain=issuer.domain if issuer else None,
                date=_sentence_date(scan, paragraph, match.start()),
            )
        )
    return found
