"""Which snapshot to report, as pure functions of the captures and the dates.

**Why the capture before the cited date.** An article cites a page as it was when the author
read it. Pages change: a story is corrected, a report is replaced by a newer edition, a domain
lapses and a parking page takes its place. The capture that best shows what the author saw is the
last one taken on or before the date the article gives for the source (an "accessed" or
publication date written beside the citation). When the citation gives no date, the article's
own date is the next best bound: the source existed in that form when the article went out.
With neither, the latest good capture is the best guess.

**Only 2xx captures count.** An archive records whatever the page answered, including a 404,
a redirect to a home page, or a rate-limit page. A capture taken after the page died is a
record of its death, not a copy of the source, so it never counts; archives that keep no status
(archive.today, the Memento aggregator) are taken at their word, and the Wayback Machine's are
confirmed by replaying them (`wayback.py`), where a soft-404 page is also caught.

**After, flagged.** When every good capture is later than the bound, the earliest of them is
still worth giving, as `archived-after`: the reader can see that it may differ from what the
author read.

A bound is a whole day: captures on the cited date count as "before", since dates in articles
have no time of day. A date written to the month or the year (`2025-03`, `2025`) bounds at the
end of that month or year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from citecheck.archive.model import Capture

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_cited(text: str | None) -> date | None:
    """The last day a citation date covers (`2025` -> 2025-12-31, `2025-03` -> 2025-03-31,
    `2025-03-11` -> itself); None for no date or one that is not a calendar date."""
    if not text:
        return None
    match = _PARTIAL.fullmatch(text.strip()[:10])
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        if month is None:
            return date(int(year), 12, 31)
        if day is None:
            last = calendar.monthrange(int(year), int(month))[1]
            return date(int(year), int(month), last)
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def bound(cited: date | None, article: date | None) -> date | None:
    """The date the snapshot should be on or before: the cited date, else the article's."""
    return cited if cited is not None else article


def end_of(day: date) -> datetime:
    """The last instant of `day` in UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(
        microseconds=1
    )


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen capture, and whether it is after the bound."""

    capture: Capture
    """The capture."""
    after: bool
    """True when every good capture was after the bound (`archived-after`)."""


def ranked(captures: Iterable[Capture], limit: date | None) -> list[Choice]:
    """The good captures in the order to try them: those on or before `limit`, latest first;
    then those after it, earliest first (flagged). Without a limit: latest first. Duplicates (the
    same moment and URL listed twice) are dropped."""
    good: dict[tuple[datetime, str], Capture] = {}
    for capture in captures:
        if capture.counts:
            good.setdefault((capture.when, capture.original), capture)
    ordered = sorted(good.values(), key=lambda c: c.when, reverse=True)
    if limit is None:
        return [Choice(c, after=False) for c in ordered]
    edge = end_of(limit)
    before = [Choice(c, after=False) for c in ordered if c.when <= edge]
    later = [Choice(c, after=True) for c in reversed(ordered) if c.when > edge]
    return before + later


def choose(
    captures: Iterable[Capture], *, cited: date | None, article: date | None
) -> Choice | None:
    """The capture to report (see the module docstring), or None when no capture counts."""
    choices = ranked(captures, bound(cited, article))
    return choices[0] if choices else None
