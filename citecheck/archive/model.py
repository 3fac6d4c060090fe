"""The values of the archive look-up: a capture an archive lists, and the result reported beside
the live check (docs/archive.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

ArchiveStatus = Literal[
    "archived",
    "archived-after",
    "not-archived",
    "archive-excluded",
    "archive-unavailable",
]
"""What the look-up found; each code's meaning is fixed once released (docs/archive.md)."""

ARCHIVE_STATUSES: tuple[ArchiveStatus, ...] = get_args(ArchiveStatus)
"""Every archive status, in the order reports list them."""

ArchiveName = Literal["wayback", "archive-today", "memento"]
"""An archive (or aggregator) that is asked, as `--archives` names it."""

ARCHIVES: tuple[ArchiveName, ...] = get_args(ArchiveName)
"""Every archive, in the default order of asking."""

FOUND: frozenset[ArchiveStatus] = frozenset({"archived", "archived-after"})
"""The statuses that come with a snapshot URL."""


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture an archive lists for a URL."""

    when: datetime
    """When it was captured (UTC, aware)."""
    original: str
    """The URL that was captured, as the archive spells it."""
    source: ArchiveName
    """Which archive (or aggregator) listed it."""
    status: int | None = None
    """The HTTP status the page answered at capture time; None when the archive does not say
    (archive.today, the Memento aggregator, a Wayback revisit record)."""
    url: str | None = None
    """The snapshot's URL for a person, when the listing gave one."""
    mimetype: str = ""
    """The captured media type (`text/html`; `warc/revisit` for a revisit record)."""

    @property
    def counts(self) -> bool:
        """Whether the capture may be chosen: a 2xx, or a status the archive does not record
        (a revisit record, which only says "same as before", never counts)."""
        if self.mimetype == "warc/revisit":
            return False
        return self.status is None or 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class ArchiveResult:
    """The best archived copy of one URL, or why there is none."""

    status: ArchiveStatus
    """The verdict, one documented code."""
    detail: str
    """Why, for a person: what each archive said."""
    url: str | None = None
    """The snapshot to read (`https://web.archive.org/web/<timestamp>/<url>`, an archive.today
    page, ...); set for `archived` and `archived-after` only."""
    timestamp: str | None = None
    """When the snapshot was captured, ISO 8601 in UTC (`2017-11-24T15:13:15Z`)."""
    source: ArchiveName | None = None
    """The archive that holds the snapshot (for `archive-excluded`: the one that excludes)."""

    def to_json(self) -> dict[str, str | None]:
        """The `archive` object of the JSON report."""
        return {
            "status": self.status,
            "url": self.url,
            "timestamp": self.timestamp,
            "source": self.source,
            "detail": self.detail,
        }


def iso(when: datetime) -> str:
    """`when` in UTC as ISO 8601 to the second, with a `Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


DEAD_STATUSES = frozenset({"dead", "soft-404", "failing"})
"""Live statuses that make an archived copy the reader's only (or, while a link is failing,
surest) way to the source."""


def headline(live_status: str | None, result: ArchiveResult | None) -> str | None:
    """The short phrase a report puts beside a dead link that an archive still holds
    (`dead, archived copy available`), or None."""
    if live_status in DEAD_STATUSES and result is not None and result.status in FOUND:
        after = " (captured after the cited date)" if result.status == "archived-after" else ""
        return f"{live_status}, archived copy available{after}"
    return None
