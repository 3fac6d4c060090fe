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

from citecheck.extract import dates
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
_TRIM = " ,;:.–—-，；：。、"
_TITLED = re.compile(
    r"(?P<publisher>[^〈《]{1,40}?)(?:新聞稿|新闻稿|聲明|声明|公報|公报|報告|报告|網站|网站|文章|的)?"
    r"[〈《](?P<title>[^〈〉《》]{1,120})[〉》]\s*$"
)
"""`美國國務院新聞稿〈TITLE〉`, `联合国亚太经社会《TITLE》`: a publisher, then a title."""
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
_APPOSITIVE = r"(?:,\s+(?:a|an|the)\s+[^,.;:“”\"()]{1,60},)?"
"""`The Riverside Gazette, a weekly published in Nakhon Phanom, reported …`"""
_REPORTED = re.compile(
    _APPOSITIVE + r"\s+(?:(?:has|had|also|first|previously|earlier|later)\s+)?"
    r"(?:reported|reports|revealed|said\s+in\s+a\s+report|wrote|quoted|called|described|"
    r"dismissed|said|says)\b"
)
_UNKNOWN_REPORTED = re.compile(
    r"(?:\b[Tt]he\s+)?(?P<name>"
    + _NAME
    + r")"
    + _APPOSITIVE
    + r"\s+(?:(?:has|had|also|first)\s+)?reported\b"
)
_DESCRIPTOR = re.compile(r"(?:[a-z][\w\-]*\s+){1,4}")
"""`according to the state news agency TASS`: words that describe the publisher before its name."""
_STATEMENT = re.compile(
    r"\b[Ii]n\s+(?:a|an|its|their)\s+(?:\w+\s+){0,2}?(?:statement|communiqué|communique|"
    r"press\s+release|post|readout)\b[^,.;]{0,60}(?:,\s*\d{4})?,\s+"
)
_AFTER_DATE = re.compile(r"\s*,?\s*(?:on|in|dated)?\s*")
_MONTH = re.compile(
    r"(?:(?:early|late|mid)[\s-]+)?(?P<month>January|February|March|April|May|June|July|August|"
    r"September|October|November|December)\b"
)
_TOLD = re.compile(r"\b(?:told|in\s+an\s+interview\s+with)\s+(?:the\s+)?")
_ZH_REPORTED = re.compile(
    r"(?:根據|根据|據|据)(?P<value>[^，,。；;\n「」“”]{1,30}?)(?:的)?"
    r"(?:報道|報導|报道|报导|消息|披露|引述|援引)"
)
_ZH_AFTER = re.compile(
    r"》?(?:[（(][A-Za-z]{2,12}[)）])?(?:海外版|中文網|中文网|網站|网站|官網|官网|客戶端|客户端|微博|"
    r"公眾號|公众号)?[ ]*(?:\d{1,4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?"
    r"(?:當天|当天|晚間|晚间|日前|近日)?"
    r"[亦也則则還还再]?[ ]*(?:(?P<statement>發布消息|发布消息|發表聲明|发表声明|發布聲明|发布声明|"
    r"發布公告|发布公告|發布新聞稿|发布新闻稿)|報道|報導|报道|报导|引述|援引|披露|消息稱|消息称|刊文|"
    r"刊發|刊发|發文|发文|撰文|發表社論|发表社论|發表評論|发表评论)(?:稱|称)?"
)
"""What follows a publisher that cites it: `路透社报道`, `克里姆林宫网站10日发布消息称`,
`《人民日報》海外版7月2日亦刊文稱`, `英国广播公司（BBC）中文网报道称`."""
_ZH_ARTICLE_TITLE = re.compile(
    r"(?:評論員文章|评论员文章|社論|社论|評論|评论|文章)?《(?P<title>[^《》\n]{2,80})》"
)
_ZH_TOLD_BEFORE = re.compile(r"(?:對|对|向)$")
_ZH_TOLD_AFTER = re.compile(
    r"(?:中文網|中文网|中文)?(?:記者|记者)?(?:這樣|这样)?"
    r"(?:表示|說|说|形容|透露|證實|证实|指出|稱|称|介紹|介绍|坦言)"
)
_ZH_REPORTER = re.compile(r"(?:記者|记者)")
_ZH_NAME = re.compile(r"[ ]?[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff]{0,1}(?:攝|摄))")
_TITLE = re.compile(r"《(?P<title>[^《》\n]{2,80})》")
_DOCUMENT_WORDS = re.compile(
    r"(?:^(?:關於|关于))|(?:通知|報告|报告|白皮書|白皮书|聲明|声明|公報|公报|決定|决定|意見|意见|"
    r"規定|规定|辦法|办法|條例|条例|公告|綱要|纲要|方案|計劃|计划|規劃|规划|宣言|講話|讲话|文件|"
    r"建議|建议|倡議|倡议|立場|立场|紀要|纪要|協議|协议|協定|协定|憲章|宪章|指引|指南|措施|"
    r"說明|说明|備忘錄|备忘录|調查|调查|法)$"
)
_DOCUMENT_KIND = re.compile(
    r"(?:白皮書|白皮书|報告|报告|文件|決議|决议|公報|公报|聲明|声明|倡議|倡议|綱要|纲要|規劃|规划)"
)
"""`《新时代的中国海上搜救》白皮书`: the kind of document written after its title."""
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
    titled = _TITLED.fullmatch(text)
    if titled is not None:
        title, written = titled.group("title"), titled.group("publisher")
    elif len(pieces) > 1:
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
    """`Source: …` opening the paragraph or one of its sentences (a chart's caption)."""
    found: list[Citation] = []
    for start, _ in paragraph.sentences or [(paragraph.start, paragraph.end)]:
        match = _SOURCE_LINE.match(scan.prose, start, paragraph.end)
        if match is not None:
            found.append(_source_at(scan, match))
    return found


def _source_at(scan: Scan, match: re.Match[str]) -> Citation:
    value_start, end = match.start("value"), match.end("value")
    title, publisher, domain, date, known = _fields(scan, value_start, end, title_first=False)
    return scan.citation(
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


def _verbal_date(scan: Scan, paragraph: Paragraph, start: int, end: int) -> str | None:
    """The date of a reference in running text: written right after it ("reported on 16 June",
    "reported in March"), else the first date of its sentence."""
    gap = _AFTER_DATE.match(scan.prose, end, paragraph.end)
    at = gap.end() if gap is not None else end
    written = scan.date_in(at, min(paragraph.end, at + 40))
    if written is not None and written.start == at:
        return scan.iso(written)
    month = _MONTH.match(scan.prose, at, paragraph.end)
    if month is not None:  # a month alone, which the date finder leaves to avoid "may", "march"
        date = dates.PartialDate(None, _MONTHS.index(month.group("month")) + 1, None)
        return scan.iso(dates.DateMatch(month.start(), month.end(), date))
    return _sentence_date(scan, paragraph, start)


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


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
                date=_verbal_date(scan, paragraph, start, end),
            )
        )

    patterns: tuple[tuple[re.Pattern[str], CitationForm], ...] = (
        (_ACCORDING, "according-to"),
        (_TOLD, "told"),
    )
    for pattern, form in patterns:
        for match in pattern.finditer(prose, paragraph.start, paragraph.end):
            name_start = match.end()
            known = scan.registry.match_at(prose, name_start, paragraph.end)
            described = _DESCRIPTOR.match(prose, name_start, paragraph.end)
            if known is None and described is not None:  # "the state news agency TASS"
                known = scan.registry.match_at(prose, described.end(), paragraph.end)
                if known is not None and known[0].type not in _NEWS:
                    known = None
                name_start = described.end()
            if known is not None and (form == "according-to" or known[0].type in _NEWS):
                add(form, match.start(), known[1], prose[name_start : known[1]], True)
                continue
            unknown = _UNKNOWN_NAME.match(prose, match.end(), paragraph.end)
            if unknown is not None:
                add(form, match.start(), unknown.end(), unknown.group(), False)
    for publisher, start, end in scan.publishers_in(paragraph.start, paragraph.end):
        after = _REPORTED.match(prose, end, paragraph.end)
        if after is not None and publisher.type in _NEWS:
            add("reported", start, after.end(), prose[start:end], True)
    for match in _STATEMENT.finditer(prose, paragraph.start, paragraph.end):
        # "In a statement posted on June 17, 2025, Ukraine's foreign ministry said"
        stated = scan.registry.match_at(prose, match.end(), paragraph.end)
        if stated is not None and stated[0].type not in _NEWS:
            date = scan.iso(scan.date_in(match.start(), match.end()))
            found.append(
                scan.citation(
                    "reference",
                    "statement",
                    match.start(),
                    stated[1],
                    confidence=0.8,
                    publisher=stated[0].name,
                    domain=stated[0].domain,
                    date=date,
                )
            )
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
    for entry, start, end in scan.publishers_in(paragraph.start, paragraph.end):
        opened = start - 1 if start > paragraph.start and prose[start - 1] in "《" else start
        told = _ZH_TOLD_BEFORE.search(prose, max(paragraph.start, start - 1), opened)
        if told is not None:  # `一名官員對美聯社表示`
            verb = _ZH_TOLD_AFTER.match(prose, end, paragraph.end)
            if verb is not None:
                found.append(
                    scan.citation(
                        "reference",
                        "told",
                        told.start(),
                        verb.end(),
                        confidence=0.75,
                        publisher=entry.name,
                        domain=entry.domain,
                        date=_sentence_date(scan, paragraph, start),
                    )
                )
                continue
        after = _ZH_AFTER.match(prose, end, paragraph.end)
        if after is not None:
            written = scan.date_in(start, after.end())
            titled = _ZH_ARTICLE_TITLE.match(prose, after.end(), paragraph.end)
            stop = titled.end() if titled is not None else after.end()
            found.append(
                scan.citation(
                    "reference",
                    "statement" if after.group("statement") else "reported",
                    opened,
                    stop,
                    confidence=0.8,
                    publisher=entry.name,
                    domain=entry.domain,
                    title=collapse(titled.group("title")) if titled is not None else None,
                    date=scan.iso(written)
                    if written is not None
                    else _sentence_date(scan, paragraph, start),
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
        kind = _DOCUMENT_KIND.match(prose, match.end(), paragraph.end)
        if scan.registry.lookup(title) is not None or not (
            _DOCUMENT_WORDS.search(title) or kind is not None
        ):
            continue
        sentence_start = paragraph.sentence_at(match.start())[0]
        window = max(sentence_start, match.start() - 30)
        before = scan.registry.find_all(prose, window, match.start())
        issuer = before[-1][0] if before else None
        # `国务院新闻办公室5日发布《…》白皮书`: dated by the clause that issues it, not by a
        # date written after the title (`到2027年…` is what the document asks for)
        written = scan.date_in(window, match.start(), last=True)
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
                date=scan.iso(written),
            )
        )
    return found
