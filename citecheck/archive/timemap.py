"""Memento link-format (RFC 7089 TimeMaps, RFC 8288 links), read with no I/O.

A TimeMap is a list of links, `<uri>; rel="..."; datetime="..."`, separated by commas. Both the
URIs and the dates hold commas (`Fri, 10 Mar 2023 02:03:48 GMT`), so the text is scanned link by
link rather than split. Archives differ in the details: archive.today puts its `self` link last
and writes `rel="first last memento"` for a single capture; the Wayback Machine puts `self` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from citecheck.archive.model import ArchiveName, Capture

_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[A-Za-z][\w.-]*\s*=\s*(?:\"[^\"]*\"|[^;,<\s]*))*)")
_PARAM = re.compile(r";\s*([A-Za-z][\w.-]*)\s*=\s*(?:\"([^\"]*)\"|([^;,<\s]*))")


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a link-format document."""

    uri: str
    """The target."""
    rels: frozenset[str]
    """Its relation types (`original`, `memento`, `first`, `last`, `timemap`, ...)."""
    params: dict[str, str]
    """Its other parameters (`datetime`, `type`, `from`, `until`), names in lower case."""


def links(text: str) -> Iterator[Link]:
    """The links of a link-format document, in order; text that is not a link is skipped."""
    for match in _LINK.finditer(text):
        params: dict[str, str] = {}
        for name, quoted, bare in _PARAM.findall(match.group(2)):
            params[name.lower()] = quoted if quoted else bare
        rels = frozenset(params.pop("rel", "").lower().split())
        yield Link(match.group(1).strip(), rels, params)


def captures(text: str, source: ArchiveName) -> tuple[Capture, ...]:
    """The mementos a TimeMap lists (status unknown: TimeMaps do not record it); mementos with
    a missing or unreadable `datetime` are skipped."""
    listed = list(links(text))
    original = next((link.uri for link in listed if "original" in link.rels), "")
    found: list[Capture] = []
    for link in listed:
        if "memento" not in link.rels:
            continue
        try:
            when = parsedate_to_datetime(link.params.get("datetime", ""))
        except (TypeError, ValueError, IndexError):
            continue
        if when.tzinfo is None:
            continue
        found.append(Capture(when=when, original=original, source=source, url=link.uri))
    return tuple(found)
