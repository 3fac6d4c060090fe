"""The cache's values, how they become table rows and back, and the statements that write them.

The row layouts here and the `CREATE TABLE` statements in `schema.py` change together, and with
them `SCHEMA_VERSION`. Decoding is defensive: a row this version does not understand (a status it
does not know, JSON that does not parse) decodes to None and is treated as absent, so a damaged
row costs one fresh check instead of a crash.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citecheck.archive.model import ARCHIVE_STATUSES, ARCHIVES, ArchiveResult
from citecheck.cache.policy import SUCCEEDED
from citecheck.model import STATUSES, Outcome, Redirect


@dataclass(frozen=True, slots=True)
class Cached:
    """A stored check that may be served."""

    outcome: Outcome
    """What the check found, exactly as it was recorded."""
    anchors: frozenset[str] | None
    """The page's anchors (for `#fragment` checks) when the page was read, else None."""
    complete: bool
    """False when the page was cut at the body cap, so a missing anchor proves nothing."""
    checked_at: float
    """Epoch seconds when it was checked."""


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed check in a URL's history."""

    at: float
    """Epoch seconds when the check failed."""
    status: str
    """The status it failed with (`dead`, `timeout`, ...)."""
    http_status: int | None
    """The HTTP status, when an answer came back."""
    detail: str
    """Why, for a person, as the outcome said."""


@dataclass(frozen=True, slots=True)
class Check:
    """What a run learned about one URL, to record."""

    url: str
    """The normalised URL that was requested (never one with credentials)."""
    want_page: bool
    """True when the page was read (GET), False when only its existence was asked (HEAD)."""
    outcome: Outcome
    """What the check found."""
    anchors: frozenset[str] | None = None
    """The page's anchors, when the page was read and parsed."""
    complete: bool = True
    """False when the page was cut at the body cap."""
    at: float = 0.0
    """Epoch seconds of the check; stored as `Cached.checked_at`."""


@dataclass(frozen=True, slots=True)
class Stats:
    """What the cache holds, for `citecheck cache stats`."""

    path: Path
    """The database file."""
    size: int
    """Bytes on disk: the database file plus its write-ahead log."""
    schema_version: int
    """The schema version of the file (`PRAGMA user_version`)."""
    outcomes: Mapping[str, int]
    """Stored check results per status."""
    fresh: int
    """Of those, how many may be served now."""
    stale: int
    """Of those, how many are past their freshness (what `prune` would remove)."""
    archives: int
    """Stored archive records."""
    failing: int
    """URLs with a failure history."""
    failures: int
    """Failure rows, over all URLs."""
    oldest: float | None
    """The earliest `checked_at` among stored outcomes, None when there are none."""
    newest: float | None
    """The latest `checked_at` among stored outcomes, None when there are none."""
    documents: int = 0
    """Stored document extractions."""
    resolutions: Mapping[str, int] = field(default_factory=dict)
    """Stored searches for unlinked citations per status (`resolved`, `unresolved`)."""
    resolutions_fresh: int = 0
    """Of those, how many may be served now (the others are what `prune` would remove)."""
    pages: int = 0
    """Stored facts of cited pages, read for verification."""
    pages_fresh: int = 0
    """Of those, how many may be served now (the others are what `prune` would remove)."""


@dataclass(frozen=True, slots=True)
class Pruned:
    """Rows `Cache.prune` removed."""

    outcomes: int
    """Check results past their freshness."""
    archives: int
    """Archive records past their freshness."""
    failures: int
    """Failure rows older than `HISTORY_DAYS`."""
    documents: int = 0
    """Document extractions not used for `DOCUMENT_DAYS`."""
    resolutions: int = 0
    """Searches for unlinked citations past their freshness."""
    pages: int = 0
    """Facts of cited pages past their freshness."""


_STATUSES = frozenset(STATUSES)

OUTCOME_COLUMNS = (
    "url, want_page, status, detail, http_status, final_url, redirects, suggested_url, reason,"
    " attempts, anchors, complete, checked_at"
)
"""The outcome table's columns, in the order `outcome_row` gives and `decode_cached` takes."""

ARCHIVE_COLUMNS = "key, status, detail, url, timestamp, source, checked_at"
"""The archive table's columns, in the order `archive_row` gives and `decode_archive` takes."""


def outcome_row(check: Check) -> tuple[Any, ...]:
    """The outcome table row for `check`."""
    o = check.outcome
    redirects = json.dumps([[r.url, r.status] for r in o.redirects], ensure_ascii=False)
    anchors = None if check.anchors is None else json.dumps(sorted(check.anchors))
    return (
        check.url,
        int(check.want_page),
        o.status,
        o.detail,
        o.http_status,
        o.final_url,
        redirects,
        o.suggested_url,
        o.reason,
        o.attempts,
        anchors,
        int(check.complete),
        check.at,
    )


def decode_cached(row: tuple[Any, ...]) -> Cached | None:
    """The stored check in an outcome row (laid out as `OUTCOME_COLUMNS`), or None when the row
    cannot be understood."""
    (_, _, status, detail, http_status, final_url, redirects, suggested_url, reason, attempts,
     anchors, complete, checked_at) = row  # fmt: skip
    if status not in _STATUSES:
        return None
    try:
        hops: tuple[Redirect, ...] = ()
        if redirects != "[]":  # most pages answer without a redirect
            hops = tuple(Redirect(str(url), int(code)) for url, code in json.loads(redirects))
        marks = None if anchors is None else frozenset(str(a) for a in json.loads(anchors))
    except (ValueError, TypeError):
        return None
    outcome = Outcome(
        status, detail, http_status, final_url, hops, suggested_url, reason, attempts
    )  # the fields in declaration order
    return Cached(outcome, marks, bool(complete), float(checked_at))


def archive_row(key: str, result: ArchiveResult, at: float) -> tuple[Any, ...]:
    """The archive table row for `result` under `key`."""
    return (key, result.status, result.detail, result.url, result.timestamp, result.source, at)


def decode_archive(row: tuple[Any, ...]) -> ArchiveResult | None:
    """The archive result in a row (laid out as `ARCHIVE_COLUMNS`), or None when the row cannot
    be understood."""
    _, status, detail, url, timestamp, source, _ = row
    if status not in ARCHIVE_STATUSES or (source is not None and source not in ARCHIVES):
        return None
    return ArchiveResult(status, detail, url=url, timestamp=timestamp, source=source)


# Writing rows -----------------------------------------------------------------------------------
# Two runs may finish out of order: every upsert keeps the newer row, so an older result never
# overwrites a newer one.

UPSERT_OUTCOME = (
    f"INSERT INTO outcomes ({OUTCOME_COLUMNS}) VALUES ({', '.join('?' * 13)})"
    " ON CONFLICT (url, want_page) DO UPDATE SET"
    " status = excluded.status, detail = excluded.detail, http_status = excluded.http_status,"
    " final_url = excluded.final_url, redirects = excluded.redirects,"
    " suggested_url = excluded.suggested_url, reason = excluded.reason,"
    " attempts = excluded.attempts, anchors = excluded.anchors, complete = excluded.complete,"
    " checked_at = excluded.checked_at"
    " WHERE excluded.checked_at >= outcomes.checked_at"
)
"""Writes an `outcome_row`."""

UPSERT_ARCHIVE = (
    f"INSERT INTO archives ({ARCHIVE_COLUMNS}) VALUES ({', '.join('?' * 7)})"
    " ON CONFLICT (key) DO UPDATE SET"
    " status = excluded.status, detail = excluded.detail, url = excluded.url,"
    " timestamp = excluded.timestamp, source = excluded.source,"
    " checked_at = excluded.checked_at"
    " WHERE excluded.checked_at >= archives.checked_at"
)
"""Writes an `archive_row`."""

UPSERT_RESOLUTION = (
    "INSERT INTO resolutions (key, status, value, checked_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (key) DO UPDATE SET"
    " status = excluded.status, value = excluded.value, checked_at = excluded.checked_at"
    " WHERE excluded.checked_at >= resolutions.checked_at"
)
"""Writes a `(key, status, value, checked_at)` row of a citation search."""

UPSERT_PAGE = (
    "INSERT INTO pages (url, source, value, checked_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (url) DO UPDATE SET"
    " source = excluded.source, value = excluded.value, checked_at = excluded.checked_at"
    " WHERE excluded.checked_at >= pages.checked_at"
)
"""Writes a `(url, source, value, checked_at)` row of a page's facts."""

DROP_FAILED_OUTCOMES = (
    "DELETE FROM outcomes WHERE url = ? AND status NOT IN"
    f" ({', '.join(repr(s) for s in sorted(SUCCEEDED))})"
)
"""Drops a URL's stored verdicts but its successes: a link that answers now owes nothing to its
past."""

TRIM_FAILURES = (
    "DELETE FROM failures WHERE url = ? AND status NOT IN ('dead', 'soft-404') AND rowid NOT IN"
    " (SELECT rowid FROM failures WHERE url = ? AND status NOT IN ('dead', 'soft-404')"
    " ORDER BY at DESC, rowid DESC LIMIT ?)"
)
"""Drops a URL's transient failures but the latest `KEPT_FAILURES` (strikes are all kept)."""
