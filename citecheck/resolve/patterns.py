"""Where a publisher would have put the page a citation means: URLs from the registry's URL
patterns and prefixes for searching the Wayback Machine's index. Pure.

A pattern (`https://www.state.gov/{slug}/`) filled with the cited title's slug and the cited date
is a URL to try directly. The same pattern cut just after the slug is a prefix to search the
index with: it also finds the numbered variants a site gives a second page of the same title
(`...-remarks-to-press-5/`). A publisher's search prefixes, then its domain, are broader searches
for when the title is not known or not slugged the way the site slugged it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from citecheck.publishers import Publisher
from citecheck.resolve.text import slugify

MatchType = Literal["prefix", "domain"]
"""The CDX server's `matchType` for a search."""

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_SCHEME = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Search:
    """One search of an archive's index by URL."""

    prefix: str
    """The host/path to search under, no scheme, no `www.`: `apnews.com/article/`,
    `state.gov/secretary-of-state-marco-rubio-remarks-to-press`; a bare host for `domain`."""
    match_type: MatchType
    """`prefix` (every URL that begins with `prefix`) or `domain` (every URL on the host and its
    subdomains): the CDX server's `matchType`."""
    why: str
    """Where the search came from, for the evidence: "search prefix apnews.com/article/", "url
    pattern https://www.state.gov/{slug}/ cut after the slug", "the publisher's domain
    state.gov"."""


def parse_date(cited: str | None) -> tuple[int, int | None, int | None] | None:
    """The year, month and day of an ISO partial date as extraction writes them (`YYYY`,
    `YYYY-MM`, `YYYY-MM-DD`); None for None, another form, or a month or day that does not exist
    ("2025-13-01", "2025-02-30")."""
    if cited is None or (match := _DATE.fullmatch(cited)) is None:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] is not None else None
    day = int(match[3]) if match[3] is not None else None
    try:
        # A day-less date is checked as the first of its month, a month-less one as 1 January.
        datetime.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    return year, month, day


def date_span(cited: str | None) -> tuple[datetime.date, datetime.date] | None:
    """The first and the last day a partial ISO date can mean (`2024-05`: 1 and 31 May 2024;
    `2024`: the whole year); None when `parse_date` gives None."""
    parts = parse_date(cited)
    if parts is None:
        return None
    year, month, day = parts
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if day is None:
        after = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return datetime.date(year, month, 1), after - datetime.timedelta(days=1)
    cited_day = datetime.date(year, month, day)
    return cited_day, cited_day


def _date_parts(cited: str | None) -> dict[str, str]:
    """The date placeholders the cited date can fill, zero-padded."""
    date = parse_date(cited)
    if date is None:
        return {}
    year, month, day = date
    parts = {"yyyy": f"{year:04d}"}
    if month is not None:
        parts["mm"] = f"{month:02d}"
    if day is not None:
        parts["dd"] = f"{day:02d}"
    return parts


def _fill(template: str, parts: Mapping[str, str]) -> str | None:
    """`template` with its placeholders filled from `parts`; None when one of them is not there
    (a date part the citation does not give, or a name the registry would not have let in)."""
    pieces: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        value = parts.get(match[1])
        if value is None:
            return None
        pieces += (template[position : match.start()], value)
        position = match.end()
    pieces.append(template[position:])
    return "".join(pieces)


def _bare(url: str) -> str:
    """A URL as a search prefix: no scheme, and a lower-case host without `www.`."""
    text = _SCHEME.sub("", url, count=1)
    host, slash, path = text.partition("/")
    return host.lower().removeprefix("www.") + slash + path


def pattern_urls(publisher: Publisher, title: str | None, cited: str | None) -> list[str]:
    """Every URL pattern of `publisher` filled in with the slug of `title` and the parts of the
    cited date, in the registry's order, without repeats. A pattern that needs a date part the
    citation does not give is skipped; without a title (or one that slugs to nothing, such as a
    Chinese one) there is none."""
    slug = slugify(title) if title else ""
    if not slug:
        return []
    parts = {"slug": slug, **_date_parts(cited)}
    urls = (_fill(pattern, parts) for pattern in publisher.url_patterns)
    return list(dict.fromkeys(url for url in urls if url is not None))


def searches(publisher: Publisher, title: str | None, cited: str | None) -> list[Search]:
    """What to search the index for, most specific first, without repeats: with a title, each
    URL pattern cut just after the slug; each search prefix; and last the publisher's domain.
    A pattern or prefix that needs a date part the citation does not give is skipped."""
    found: list[Search] = []
    parts = _date_parts(cited)
    slug = slugify(title) if title else ""
    if slug:
        for pattern in publisher.url_patterns:
            # Only the part before the slug must be filled: what follows it is cut off.
            head, _, _ = pattern.partition("{slug}")
            filled = _fill(head, parts)
            if filled is not None:
                why = f"url pattern {pattern} cut after the slug"
                found.append(Search(_bare(filled) + slug, "prefix", why))
    for template in publisher.search_prefixes:
        filled = _fill(template, parts)
        if filled is not None:
            found.append(Search(_bare(filled), "prefix", f"search prefix {template}"))
    domain = publisher.domain
    why = f"the publisher's domain {domain}"
    if "/" in domain:
        # A section of a shared host (gov.br/planalto): the whole host would be someone else's.
        found.append(Search(domain.rstrip("/") + "/", "prefix", why))
    else:
        found.append(Search(domain, "domain", why))
    unique: dict[tuple[str, str], Search] = {}
    for search in found:
        unique.setdefault((search.prefix, search.match_type), search)
    return list(unique.values())
