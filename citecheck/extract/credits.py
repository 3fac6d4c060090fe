"""Credits: photo and video credits, datelines and bylines, in English and Chinese.

A credit names who made or sent what the article shows; it is not a claim to verify, but an
editor republishing a piece must see every one (rights, and the agency a caption came from).

- bracketed credits: `(Xinhua/Xie Huanchi)`, `(AP Photo/Evan Vucci)`, an account on a platform
  `(北約Facebook)`, a labelled one `(Photo: …)`, `（新华社记者 张三 摄）`;
- labelled credits in running text: `Photograph: Name/Reuters`, `攝：…`, `图片来源：…`;
- datelines at the start of a paragraph: `MOSCOW, March 21, 2023 (Xinhua) —`, `LONDON (AP) —`,
  `新华社北京3月5日电`. A dateline and a photo credit of the same agency in one paragraph are one
  credit (the caption of that agency's photo): the photo credit takes the dateline's date;
- bylines: a line `By Name`, `文：…`, `譯寫:羅耀強`, and a name alone on the article's last line.
"""

from __future__ import annotations

import dataclasses
import re

from citecheck.extract import dates
from citecheck.extract.citations import Paragraph, Scan
from citecheck.extract.prose import collapse
from citecheck.extract.segments import Group
from citecheck.model import Citation

_CREDIT_TYPES = frozenset({"wire", "broadcaster", "newspaper", "magazine", "online", "platform"})
_PHOTO_WORDS = re.compile(r"\b(?:Photo|Photos|Pool|Getty|Images|EPA|Shutterstock|Handout)\b")
_EN_LABEL = (
    r"(?:Photograph|Photographs|Photo|Photos|Picture|Pictures|Image|Images|Video|Footage|"
    r"Illustration|Credit|Photo credit|Image credit|PHOTO|VIDEO|IMAGE)"
)
_ZH_LABEL = (
    r"(?:攝影|摄影|圖片來源|图片来源|圖片提供|图片提供|圖源|图源|圖片|图片|圖|图|攝|摄|"
    r"視頻來源|视频来源|影片來源|視頻|视频|影片)"
)
# A label opening a credit: at the start of a bracket group or of a line, or after a sentence.
_LABELLED = re.compile(
    rf"(?:(?<![\w\u4e00-\u9fff])(?P<en>{_EN_LABEL})(?:[ ]+by[ ]+|[ ]*[:：][ ]*)"
    rf"|(?<![\u4e00-\u9fff])(?P<zh>{_ZH_LABEL})[ ]*[:：][ ]*)"
    r"(?P<value>[^\n()（）]{1,120}?)[ ]*(?=[)）\n]|[.。;；](?:\s|$)|$)"
)
_SHOT_BY = re.compile(r"(?P<value>[^\n()（）]{1,60}?)[ ]*(?:攝影|摄影|攝|摄)$")
DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z.'’\-]+(?:[ ][A-Z][A-Z.'’\-]+){0,3})"
    r"(?:,[ ]+(?P<rest>[^()\n]{1,40}?))?"
    r"[ ]*\((?P<agency>[^()\n]{1,40})\)[ ]*(?:[—–]|--?|:)"
)
"""A dateline at the start of a paragraph: `PLACE[, DATE] (AGENCY) —`."""
_ZH_DATELINE = re.compile(
    r"[（(【]?(?P<head>[\u4e00-\u9fff]{2,14}?)"
    r"(?P<date>(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{1,2}日)(?:电|電|讯|訊)"
)
_EN_BYLINE = re.compile(
    r"(?:By|BY|Written by|Reporting by|Translated by|Words by|Text by)[ ]+"
    r"(?P<name>[A-Z][\w.'’\-]*(?:(?:[ ]+|,[ ]*|[ ]+and[ ]+)[A-Z][\w.'’\-]*){0,7})"
    r"(?:[ ]*[,|/–—-][ ]*(?P<outlet>[^\n]{1,40}))?[ ]*$"
)
_ZH_BYLINE = re.compile(
    r"(?P<label>責任編輯|责任编辑|譯寫|译写|翻譯|翻译|編譯|编译|撰文|撰稿|整理|編輯|编辑|"
    r"作者|記者|记者|採訪|采访|口述|文|譯|译)[ ]*[:：|｜/][ ]*(?P<name>[^\n]{1,40}?)[ ]*$"
)
_CONTRIBUTED = re.compile(
    r"(?P<names>[A-Z][\w.'’\-]*(?:[ ]+(?:[A-Z][\w.'’\-]*|writers?|reporters?|correspondents?|"
    r"photographers?|and|in)){0,10}?)[ ]+(?:also[ ]+)?contributed[ ]+(?:to[ ]+)?(?:this|the)[ ]+"
    r"(?:report|story|article)"
)
_CONTRIBUTOR_ROLE = re.compile(
    r"^\s*(?:writers?|reporters?|correspondents?|photographers?)\s+|\s+in\s+[A-Z][\w.'’\-]*$"
)
_READING_TIME = re.compile(
    r"\d+\s*(?:min(?:ute)?s?|分鐘|分钟)(?:\s*read)?|\d+\s*(?:min|minute) read", re.IGNORECASE
)
_ZH_REPORTERS = re.compile(
    r"[ ]*[（(](?:記者|记者|特約記者|特约记者|通訊員|通讯员)[ ]*(?P<names>[^（()）\n]{1,40})[）)]"
)
_VIDEO_LABELS = frozenset({"video", "footage", "視頻", "视频", "影片"})
_TRANSLATOR_LABELS = frozenset({"譯寫", "译写", "翻譯", "翻译", "編譯", "编译", "譯", "译"})
_NAME_LINE = re.compile(r"[\u4e00-\u9fff](?:[ ]?[\u4e00-\u9fff]){1,3}")
_REPORTER = re.compile(r"^(?:記者|记者|特約記者|特约记者|通訊員|通讯员)[ ]*")


def find(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    """The credits of one paragraph."""
    found: list[Citation] = []
    dateline = _dateline(scan, paragraph)
    claimed: list[tuple[int, int]] = []
    for group in paragraph.groups:
        credit = _bracketed(scan, group)
        if credit is not None:
            found.append(credit)
            claimed.append((group.start, group.end))
    for match in _LABELLED.finditer(scan.prose, paragraph.start, paragraph.end):
        if not any(s <= match.start() < e for s, e in claimed):
            found.append(_labelled(scan, match, match.start(), match.end()))
    found += _bylines(scan, paragraph)
    found += _contributors(scan, paragraph)
    found = [_caption_date(scan, paragraph, c) for c in found]
    if dateline is not None:
        same = [c for c in found if c.form == "photo" and c.publisher == dateline.publisher]
        if not same:
            return [dateline, *found]
        photo = same[0]
        merged = dataclasses.replace(
            photo, date=photo.date or dateline.date, note=f"dateline: {dateline.text}"
        )
        found[found.index(photo)] = merged
    return found


def _split(scan: Scan, value: str) -> tuple[str | None, str | None, str | None, float]:
    """(publisher, domain, author, confidence) from a credit's value: `Name/Agency`, `Agency`,
    `北約Facebook`, `新华社记者 张三`."""
    parts = [collapse(p) for p in re.split(r"[/／]", value) if collapse(p)]
    publisher: str | None = None
    domain: str | None = None
    others: list[str] = []
    for part in parts:
        name, where, known = scan.publisher(re.sub(r"\b(?:Photo|Pool|Images)\b", "", part))
        if known is not None and publisher is None:
            publisher, domain = name, where
            continue
        match = scan.registry.match_at(part, 0)
        if match is not None and publisher is None:
            publisher, domain = match[0].name, match[0].domain
            rest = _REPORTER.sub("", part[match[1] :].strip())
            if rest:
                others.append(rest)
            continue
        before = scan.registry.match_before(part, len(part))
        if before is not None and publisher is None and before[0].type == "platform":
            publisher, domain = before[0].name, before[0].domain
            if part[: before[1]].strip():
                others.append(part[: before[1]].strip())
            continue
        others.append(part)
    author = " / ".join(others) or None
    confidence = 0.9 if publisher else 0.6
    return publisher, domain, author, confidence


def _bracketed(scan: Scan, group: Group) -> Citation | None:
    prose = scan.prose
    if group.content_end - group.content_start > 240:
        return None
    content = prose[group.content_start : group.content_end]
    value = collapse(content)
    if not value or len(value) > 120:
        return None
    labelled = _LABELLED.match(prose, group.content_start, group.content_end)
    if labelled is not None and labelled.end() >= group.content_end - 1:
        return _labelled(scan, labelled, group.start, group.end)
    shot = _SHOT_BY.match(value)
    if shot is not None:
        publisher, domain, author, confidence = _split(scan, shot.group("value"))
        return scan.citation(
            "credit", "photo", group.start, group.end, confidence=confidence, text=value,
            publisher=publisher, domain=domain, author=author,
        )  # fmt: skip
    if "/" in value or "／" in value:
        sides = [collapse(s) for s in re.split(r"[/／]", value)]
        if len(sides) > 3 or any(not s or len(s) > 50 or "://" in s for s in sides):
            return None
        credited = any(
            (known := scan.registry.lookup(s)) is not None and known.type in _CREDIT_TYPES
            for s in sides
        )
        if not credited and not _PHOTO_WORDS.search(value):
            return None
        publisher, domain, author, confidence = _split(scan, value)
        return scan.citation(
            "credit", "photo", group.start, group.end, confidence=confidence, text=value,
            publisher=publisher, domain=domain, author=author,
        )  # fmt: skip
    platform = scan.registry.match_before(prose, group.content_end, group.content_start)
    if platform is not None and platform[0].type == "platform":
        owner = collapse(prose[group.content_start : platform[1]])
        if len(owner) > 30 or (owner and not _looks_like_name(owner)):
            return None
        return scan.citation(
            "credit", "photo", group.start, group.end, confidence=0.85 if owner else 0.5,
            text=value, publisher=platform[0].name, domain=platform[0].domain, author=owner,
        )  # fmt: skip
    return None


def _looks_like_name(text: str) -> bool:
    """A short name: CJK, or capitalised words, not a clause."""
    if re.fullmatch(r"[\u4e00-\u9fff·・]{1,15}", text):
        return True
    words = text.split()
    return len(words) <= 5 and all(w[:1].isupper() or w[:1].isdigit() for w in words)


def _labelled(scan: Scan, match: re.Match[str], start: int, end: int) -> Citation:
    value = collapse(match.group("value"))
    publisher, domain, author, confidence = _split(scan, value)
    label = match.group("en") or match.group("zh") or ""
    return scan.citation(
        "credit", "photo", start, end, confidence=max(confidence, 0.8), text=collapse(
            scan.prose[start:end].strip("()（）")
        ), publisher=publisher, domain=domain, author=author,
        note="video credit" if label.lower() in _VIDEO_LABELS else None,
    )  # fmt: skip


def _dateline(scan: Scan, paragraph: Paragraph) -> Citation | None:
    prose = scan.prose
    match = DATELINE.match(prose, paragraph.start, paragraph.end)
    if match is not None and len(match.group("place")) >= 3:
        agency = match.group("agency")
        publisher, domain, known = scan.publisher(agency)
        if known is None and len(agency.split()) > 4:
            return None
        date: str | None = None
        rest = match.group("rest")
        if rest:  # `Laos, March 10, 2025`: the most precise date written in it
            written = dates.find_dates(rest)
            if written:
                best = max(written, key=lambda d: d.end - d.start)
                date = dates.complete(best.date, scan.anchor_at(match.start())).iso()
        return scan.citation(
            "credit", "dateline", match.start(), match.end(), confidence=0.9 if known else 0.6,
            text=collapse(match.group().rstrip("—–-: ")), publisher=publisher, domain=domain,
            date=date, note=f"dateline: {match.group('place')}",
        )  # fmt: skip
    match = _ZH_DATELINE.match(prose, paragraph.start, paragraph.end)
    if match is None:
        return None
    head_start = match.start("head")
    known_at = scan.registry.match_at(prose, head_start, match.end("head"))
    if known_at is None:
        return None
    agency = known_at[0]
    parsed = dates.parse_date(match.group("date"))
    when = dates.complete(parsed, scan.anchor_at(match.start())).iso() if parsed else None
    place = prose[known_at[1] : match.end("head")]
    end = match.end()
    reporters = _ZH_REPORTERS.match(prose, end, paragraph.end)
    if reporters is not None:  # `新华社北京3月5日电（记者王思远、刘畅）`
        end = reporters.end()
    return scan.citation(
        "credit", "dateline", head_start, end, confidence=0.9, publisher=agency.name,
        domain=agency.domain, date=when, note=f"dateline: {place}" if place else None,
        author=collapse(reporters.group("names")) if reporters is not None else None,
    )  # fmt: skip


def _bylines(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    """The lines of the paragraph that are bylines (`文：…` and `譯寫：…` are two)."""
    prose = scan.prose
    found: list[Citation] = []
    for line in re.finditer(r"[^\r\n]+", prose[paragraph.start : paragraph.end]):
        start = paragraph.start + line.start()
        end = paragraph.start + line.start() + len(line.group().rstrip())
        while start < end and prose[start] in " \t":
            start += 1
        # tags blanked in an HTML line leave runs of spaces: the words decide, within a bound
        if 0 < end - start <= 400 and len(collapse(prose[start:end])) <= 80:
            byline = _byline_at(scan, start, end)
            if byline is not None:
                found.append(byline)
    return found


def _caption_date(scan: Scan, paragraph: Paragraph, credit: Citation) -> Citation:
    """A photo credit dated by its caption: the last date written before it in its paragraph
    (`… on Tuesday, April 8, 2025. (AP Photo/…)`, `2月28日，…（新华社记者 … 摄）`)."""
    if credit.form != "photo" or credit.date is not None:
        return credit
    written = scan.date_in(paragraph.start, credit.span.start, last=True)
    if written is None:
        return credit
    return dataclasses.replace(credit, date=scan.iso(written))


def _contributors(scan: Scan, paragraph: Paragraph) -> list[Citation]:
    """`Associated Press writer Olena Marchuk in Kyiv contributed to this report.`"""
    found: list[Citation] = []
    for match in _CONTRIBUTED.finditer(scan.prose, paragraph.start, paragraph.end):
        outlet = scan.registry.match_at(scan.prose, match.start(), match.end("names"))
        publisher = outlet[0] if outlet is not None else None
        names = match.group("names")
        if outlet is not None:
            names = _CONTRIBUTOR_ROLE.sub("", scan.prose[outlet[1] : match.end("names")]).strip()
        found.append(
            scan.citation(
                "credit",
                "byline",
                match.start(),
                match.end(),
                confidence=0.8,
                publisher=publisher.name if publisher else None,
                domain=publisher.domain if publisher else None,
                author=collapse(names),
                note="contributor",
            )
        )
    return found


def _byline_at(scan: Scan, start: int, end: int) -> Citation | None:
    prose = scan.prose
    match = _EN_BYLINE.fullmatch(prose, start, end)
    if match is not None:
        publisher = domain = date = None
        for piece in re.split(r"[|｜]", match.group("outlet") or ""):
            piece = collapse(piece)
            parsed = dates.parse_date(piece) if piece else None
            if parsed is not None:
                date = date or dates.complete(parsed, scan.anchor).iso()
            elif piece and not _READING_TIME.fullmatch(piece) and publisher is None:
                publisher, domain, _ = scan.publisher(piece)
        return scan.citation(
            "credit", "byline", start, end, confidence=0.8, author=match.group("name"),
            publisher=publisher, domain=domain, date=date,
        )  # fmt: skip
    match = _ZH_BYLINE.fullmatch(prose, start, end)
    if match is not None and len(collapse(match.group("name"))) <= 20:
        label = match.group("label")
        return scan.citation(
            "credit", "byline", start, end, confidence=0.8, author=collapse(match.group("name")),
            note="translator" if label in _TRANSLATOR_LABELS else None,
        )  # fmt: skip
    return None


def closing_byline(scan: Scan, start: int, end: int) -> list[Citation]:
    """A name alone on the last line of the article: most likely its author."""
    text = scan.prose[start:end].strip()
    if "\n" in text or not _NAME_LINE.fullmatch(text):
        return []
    offset = scan.prose.index(text, start)
    return [
        scan.citation(
            "credit",
            "byline",
            offset,
            offset + len(text),
            confidence=0.5,
            author=text,
            note="a name alone on the last line: probably the author",
        )
    ]
