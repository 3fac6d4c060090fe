"""Dates written in English and Chinese articles, normalised to ISO at the precision written.

Used to date an article (`document_date`) and the events it cites (`find_dates`, then `complete`
to fill the year of `3月14日` or the year and month of `8日` from the article's own date).

`find_dates` is one pass of one compiled regular expression whose every quantifier is bounded,
so its time is linear in the text whatever the text holds. What it finds:

- English: `11 March 2025`, `14th March`, `March 11, 2025`, `Mar. 11 2025`, `March 2025`,
  `March 14th` (month names capitalised or in capitals, so the verb "may" is never a month; a
  month needs a day or a year beside it), and a bare year only after `in `/`since ` or inside
  `(2024)` / `, 2024)`;
- numeric: `2025-03-11`, `2025/3/11`, `2025.03.11` (year first, one separator);
- Chinese: `2025年3月11日` (or 號/号), `2025年3月`, `2025年`, `3月11日`, `3月`, `2月底` and
  `1月下旬` (month precision), `二〇二五年三月十一日`, `三月十一日`, `民國114年3月11日`, and a
  day alone (`8日`) only in a dateline or list context (`於8日`, `至10日`, `8日晚`, `8日電`).

Digits may be half- or full-width. Invalid dates (`February 30, 2025`, `13月5日`) are not found.
The span of a match is the date expression exactly: context words and a weekday are not in it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known to the precision it was written with."""

    year: int | None
    """The year (Gregorian), or None when it was not written."""
    month: int | None
    """The month, 1 to 12, or None when it was not written."""
    day: int | None
    """The day of the month, or None when it was not written."""

    def iso(self) -> str | None:
        """`2025-03-11`, `2025-03` or `2025`, as precise as known; None without a year."""
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression found in a text."""

    start: int
    """Offset of the expression's first character in the text searched."""
    end: int
    """Offset just past its last character."""
    date: PartialDate
    """The date as written: year and month may be None (`3月14日`, `8日`)."""


# --- the pattern --------------------------------------------------------------------------------

_D = "[0-9０-９]"
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3}
_CN_DIGITS |= {"四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = "[〇零○Ｏ一二三四五六七八九]{4}"
_CN_MONTH = "十[一二]?|[一二三四五六七八九]"
_CN_DAY = "[二三]?十[一二三四五六七八九]?|廿[一二三四五六七八九]?|卅一?|[一二三四五六七八九]"
# Not glued to a number before it: `3月` inside `13月`, `8日` inside `28日`.
_NO_NUMBER_BEFORE = "(?<![0-9０-９〇零○Ｏ一二三四五六七八九十廿卅兩两])"
_ZSP = "[ \u00a0]?"  # Chinese typesetting sometimes puts a space between digits and 年月日
_SP = "(?:[ \t\u00a0\u202f]{1,3}|[ \t]{0,3}\r?\n[ \t]{0,3})"
_COMMA_SP = f"(?:,[ \t\u00a0]{{0,3}}|{_SP})"
_ORDINAL = "(?:st|nd|rd|th)?"
_MONTHS = "January February March April May June July August September October November December"
_MONTH_NUMBERS = {name[:3].lower(): number for number, name in enumerate(_MONTHS.split(), 1)}
_NAMES = [*_MONTHS.split(), *(name[:3] for name in _MONTHS.split()), "Sept"]
_MONTH_NAME = "|".join(sorted({n for name in _NAMES for n in (name, name.upper())}, key=len)[::-1])
_SUFFIX_MONTH = "底|末|初|上旬|中旬|下旬|份"
_SUFFIX_YEAR = "底|末|初"
_DAY_BEFORE = "於于在至到、和及與与或自從从起迄～~－—–\\-，,（(：:月》"  # 月: `本月8日`
_DAY_AFTER = (
    "上午|下午|中午|晚|早|凌晨|清晨|傍晚|深夜|夜|午|當天|当天|當日|当日|表示|宣布|宣佈|稱|称|說|说"
    "|指出|發表|发表|發布|发布|公布|公佈|舉行|举行|召開|召开|會見|会见|會晤|会晤|起|電|电|訊|讯"
    "|報導|报道|報道|刊文|刊發|刊发|刊登|發文|发文|撰文|前往|抵達|抵达|出席|簽署|签署|訪問|访问|會談|会谈|通話|通话|通電話|通电话|結束|结束"
    "|在|於|于|與|与|同|向|對|对|、|，|,|（|\\(|至|到|和|及"
)
# `3日內` (within three days), `8日游` (an eight-day tour) and the like are durations.
_NOT_DAY_AFTER = "內|内|之|以|來|来|游|遊|間|间|制|均|左右|後|后|前(?!往)|期|程|班|元|票|薪|工"


def _zh_month_day(p: str) -> str:
    """`3月`, `3月11日`, `三月十一日`, `2月底`; group names start with `p`."""
    return (
        f"(?P<{p}m>{_D}{{1,2}}|{_CN_MONTH}){_ZSP}月(?:{_ZSP}(?P<{p}d>{_D}{{1,2}}|{_CN_DAY}){_ZSP}"
        f"[日號号]|(?:{_SUFFIX_MONTH}))?"
    )


_FORMS = {
    "iso": (
        f"(?<![0-9０-９A-Za-z_/.\\-])(?P<iso_y>{_D}{{4}})(?P<iso_s>[-/.－／．])"
        f"(?P<iso_m>{_D}{{1,2}})(?P=iso_s)(?P<iso_d>{_D}{{1,2}})(?![0-9０-９]|[-/.－／．][0-9０-９])"
    ),
    "roc": f"民[國国]{_ZSP}(?P<roc_y>{_D}{{1,3}}){_ZSP}年(?:{_ZSP}{_zh_month_day('roc_')})?",
    "zy": (
        f"{_NO_NUMBER_BEFORE}(?P<zy_y>{_D}{{4}}|{_CN_YEAR}){_ZSP}年"
        f"(?:{_ZSP}{_zh_month_day('zy_')}|(?:{_SUFFIX_YEAR}))?"
    ),
    "zm": f"{_NO_NUMBER_BEFORE}{_zh_month_day('zm_')}",
    "zd": (
        f"{_NO_NUMBER_BEFORE}(?:(?<=[{_DAY_BEFORE}])|(?={_D}{{1,2}}日(?:{_DAY_AFTER})))"
        f"(?P<zd_d>{_D}{{1,2}})日(?!{_NOT_DAY_AFTER})"
    ),
    "ed": (
        f"(?<![0-9０-９A-Za-z.:])(?P<ed_d>{_D}{{1,2}}){_ORDINAL}(?:{_SP}of)?{_SP}"
        f"(?P<ed_m>{_MONTH_NAME})(?![A-Za-z])(?:\\.?{_COMMA_SP}(?P<ed_y>{_D}{{4}})(?![0-9０-９]))?"
    ),
    "em": (
        f"(?<![A-Za-z])(?P<em_m>{_MONTH_NAME})(?![A-Za-z])\\.?(?:{_SP}(?P<em_d>{_D}{{1,2}})"
        f"{_ORDINAL}(?![0-9０-９A-Za-z])(?:{_COMMA_SP}(?P<em_y>{_D}{{4}})(?![0-9０-９]))?"
        f"|{_COMMA_SP}(?P<em_y2>{_D}{{4}})(?![0-9０-９]))"
    ),
    "by": (
        "(?:(?<=\\bin )|(?<=\\bIn )|(?<=\\bIN )|(?<=\\bsince )|(?<=\\bSince )|(?<=\\bSINCE ))"
        f"(?P<by_y>{_D}{{4}})(?![0-9０-９A-Za-z%]|[-/.－／．][0-9０-９]|,[0-9]{{3}}|{_ZSP}年)"
        f"|(?:(?<=\\()|(?<=（)|(?<=, ))(?P<bp_y>{_D}{{4}})(?=[)）])"
    ),
}
# The lookahead lets the scan pass quickly over characters no date starts with.
_FIRST = "0-9０-９ADFJMNOS〇零○Ｏ一二三四五六七八九十廿卅民"
_DATE = re.compile(
    f"(?=[{_FIRST}])(?:" + "|".join(f"(?P<{kind}>{form})" for kind, form in _FORMS.items()) + ")"
)
_STANDALONE = re.compile(f"(?P<y>{_D}{{4}})|(?P<d>{_D}{{1,2}}){_ZSP}日")


def _number(written: str) -> int:
    """The value of `11`, `１１`, `十一`, `廿一` or `二〇二五`."""
    if written.isdecimal():
        return int(written)
    written = written.replace("廿", "二十").replace("卅", "三十")
    if "十" in written:
        tens, _, units = written.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in written))


def _checked(year: int | None, month: int | None, day: int | None) -> PartialDate | None:
    """The date if it can exist; a year alone must be 1900–2099, else 1000–2099."""
    if year is not None and not (1000 if month else 1900) <= year <= 2099:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        # Unknown year: 29 February may be right.
        days = calendar.monthrange(year or 2000, month)[1] if month else 31
        if not 1 <= day <= days:
            return None
    return PartialDate(year, month, day)


def _interpret(match: re.Match[str]) -> PartialDate | None:
    """The date a match of `_DATE` stands for, or None if it cannot exist."""

    def number(name: str) -> int | None:
        value = match.group(name)
        return None if value is None else _number(value)

    def month_name(name: str) -> int:
        return _MONTH_NUMBERS[match.group(name)[:3].lower()]

    kind = next(k for k in _FORMS if match.group(k) is not None)
    if kind == "iso":
        return _checked(number("iso_y"), number("iso_m"), number("iso_d"))
    if kind == "roc":
        return _checked(_number(match.group("roc_y")) + 1911, number("roc_m"), number("roc_d"))
    if kind in ("zy", "zm"):
        year = number("zy_y") if kind == "zy" else None
        return _checked(year, number(f"{kind}_m"), number(f"{kind}_d"))
    if kind == "zd":
        return _checked(None, None, number("zd_d"))
    if kind == "ed":
        return _checked(number("ed_y"), month_name("ed_m"), number("ed_d"))
    if kind == "em":
        return _checked(number("em_y") or number("em_y2"), month_name("em_m"), number("em_d"))
    return _checked(number("by_y") or number("bp_y"), None, None)


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every date expression in `text[start:end]`, in order, with offsets into `text`."""
    found: list[DateMatch] = []
    for match in _DATE.finditer(text, start, len(text) if end is None else end):
        date = _interpret(match)
        if date is not None:
            found.append(DateMatch(match.start(), match.end(), date))
    return found


# --- whole strings: front matter values and timestamp lines -------------------------------------

_WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}\\.?,?[ \t]+"
_ZH_WEEKDAY = "[ \t]?[（(]?(?:星期|週|周|禮拜|礼拜)[一二三四五六日天][）)]?"
_OFFSET = "[+-][0-9]{2}(?::?[0-9]{2})?"
_TIME = (
    "(?:T|,?[ \t]+)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
    "(?:[ \t]?[AaPp]\\.?[Mm]\\.?)?"  # 4:30 p.m.
    f"(?:[ \t]?(?:Z|{_OFFSET}|(?:GMT|UTC|UT|[A-Z]{{3,4}})(?:{_OFFSET})?))?"
    "(?:[ \t]?\\([^()\n]{1,60}\\))?"  # (Coordinated Universal Time)
)
_WHOLE = re.compile(f"(?:{_WEEKDAY})?(?P<date>.+?)(?:{_ZH_WEEKDAY})?(?:{_TIME})?", re.DOTALL)
_LONGEST_DATE_STRING = 200


def parse_date(s: str) -> PartialDate | None:
    """The date `s` is, when the whole of it (stripped) is one date expression, else None.

    A weekday before it and a time of day after it are allowed, so timestamps parse:
    `Sat Apr 26 2025 04:30:59 GMT+0000 (Coordinated Universal Time)`, `2025-04-26T04:30:59Z`,
    `Sat, 26 Apr 2025 04:30:59 +0000`. So are a bare year (`2025`) and a bare day (`8日`).
    """
    s = s.strip()
    whole = _WHOLE.fullmatch(s) if len(s) <= _LONGEST_DATE_STRING else None
    if whole is None:
        return None
    written = whole.group("date")
    match = _DATE.fullmatch(written)
    if match is not None:
        return _interpret(match)
    alone = _STANDALONE.fullmatch(written)
    if alone is None:
        return None
    if alone.group("y") is not None:
        return _checked(_number(alone.group("y")), None, None)
    return _checked(None, None, _number(alone.group("d")))


def complete(date: PartialDate, anchor: PartialDate | None) -> PartialDate:
    """Fill the year (and for a day alone, the month) that `date` leaves out from `anchor`.

    `anchor` is the article's date or the nearest full date before. A month later than the
    anchor's month is taken to be in the year before (`12月30日` in an article of 2025-01-05 is
    2024-12-30); a day alone later than the anchor's day is in the month before. Without an
    anchor that knows what is needed, or when the result could not exist, `date` is returned.
    """
    if date.year is not None or anchor is None or anchor.year is None:
        return date
    if date.month is not None:
        year = anchor.year
        if anchor.month is not None and date.month > anchor.month:
            year -= 1
        return _checked(year, date.month, date.day) or date
    if date.day is None or anchor.month is None:
        return date
    year, month = anchor.year, anchor.month
    if anchor.day is not None and date.day > anchor.day:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for _ in range(12):  # `31日` after a month of 30 days: the last month that had a 31st
        completed = _checked(year, month, date.day)
        if completed is not None:
            return completed
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return date


# --- the article's own date ---------------------------------------------------------------------

_FIRST_LINE = re.compile(r"[\s\ufeff]*([^\r\n]*)")
_FRONT_MATTER = re.compile(
    r"\A\ufeff?(?P<fence>---|\+\+\+)[ \t]*\r?\n(?P<body>.*?)^(?:(?P=fence)|\.\.\.)[ \t]*\r?$",
    re.DOTALL | re.MULTILINE,
)
_FRONT_MATTER_DATE = re.compile(
    r"^(?P<key>date|published)[ \t]*[:=][ \t]*(?P<value>[^\r\n]*?)[ \t]*\r?$", re.MULTILINE
)


def _leading_timestamp(text: str) -> PartialDate | None:
    """The date of a first non-empty line that is only a date or timestamp."""
    line = _FIRST_LINE.match(text)
    if line is None or line.end(1) - line.start(1) > _LONGEST_DATE_STRING:
        return None  # a minified page's one long line is not copied to be looked at
    date = parse_date(line.group(1))
    return date if date is not None and date.year is not None else None


def _front_matter_date(text: str) -> PartialDate | None:
    """The `date:` (or `published:`) of YAML or TOML front matter."""
    block = _FRONT_MATTER.match(text)
    if block is None:
        return None
    values = {m.group("key"): m.group("value") for m in _FRONT_MATTER_DATE.finditer(block["body"])}
    for key in ("date", "published"):
        if key in values:
            date = parse_date(values[key].strip("'\""))
            if date is not None and date.year is not None:
                return date
    return None


def _html_metadata_date(text: str) -> PartialDate | None:
    """The publication date htmldate reads from an HTML page's metadata, or None."""
    # htmldate downloads a string that looks like a URL (its own test): extraction does no I/O.
    if text.startswith("http") and " " not in text:
        return None
    try:
        from htmldate import find_date

        found = find_date(text, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # the library's failure on a malformed page is not ours to report
        return None
    return parse_date(found) if isinstance(found, str) else None


_READERS: dict[str, tuple[Callable[[str], PartialDate | None], ...]] = {
    "markdown": (_leading_timestamp, _front_matter_date),
    "html": (_leading_timestamp, _html_metadata_date),
    "text": (_leading_timestamp,),
}


def document_date(text: str, format: Literal["markdown", "html", "text"]) -> PartialDate | None:
    """The article's own date: a leading timestamp line, else front matter (Markdown) or
    metadata (HTML, through htmldate); None when it gives none."""
    for reader in _READERS[format]:
        date = reader(text)
        if date is not None:
            return date
    return None
