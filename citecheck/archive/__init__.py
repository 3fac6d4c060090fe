"""Archived copies of cited sources: the Wayback Machine, archive.today and the Memento
aggregator (docs/archive.md).

`Archives.find` looks up the best snapshot of one URL, asking the archives through one
`Session` (an `httpx.AsyncClient`, a `Pacer` that keeps to the archives' rate limits, our
User-Agent); `save` asks Save Page Now 2 to capture a page. Nothing here raises for what the
network or an archive does: every failure is an `ArchiveResult` (or a `SaveResult`) with a
documented status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citecheck.archive.choose import parse_cited
    from citecheck.archive.lookup import (
        DEFAULT_ARCHIVES,
        Archives,
        Memo,
        combine,
        find_snapshot,
        parse_archives,
    )
    from citecheck.archive.model import (
        ARCHIVE_STATUSES,
        ARCHIVES,
        ArchiveName,
        ArchiveResult,
        ArchiveStatus,
        Capture,
        headline,
    )
    from citecheck.archive.pacing import Pacer
    from citecheck.archive.save import (
        Credentials,
        MissingCredentials,
        SaveResult,
        credentials_from,
        save,
        should_save,
    )
    from citecheck.archive.session import Session

_WHERE = {
    "ARCHIVES": "citecheck.archive.model",
    "ARCHIVE_STATUSES": "citecheck.archive.model",
    "ArchiveName": "citecheck.archive.model",
    "ArchiveResult": "citecheck.archive.model",
    "ArchiveStatus": "citecheck.archive.model",
    "Archives": "citecheck.archive.lookup",
    "Capture": "citecheck.archive.model",
    "Credentials": "citecheck.archive.save",
    "DEFAULT_ARCHIVES": "citecheck.archive.lookup",
    "Memo": "citecheck.archive.lookup",
    "MissingCredentials": "citecheck.archive.save",
    "Pacer": "citecheck.archive.pacing",
    "SaveResult": "citecheck.archive.save",
    "Session": "citecheck.archive.session",
    "combine": "citecheck.archive.lookup",
    "credentials_from": "citecheck.archive.save",
    "find_snapshot": "citecheck.archive.lookup",
    "headline": "citecheck.archive.model",
    "parse_archives": "citecheck.archive.lookup",
    "parse_cited": "citecheck.archive.choose",
    "save": "citecheck.archive.save",
    "should_save": "citecheck.archive.save",
}
"""Where each public name lives: they are imported on first use, so that importing
`citecheck.archive.model` (as the reports do) does not import httpx and trio."""


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "ARCHIVES",
    "ARCHIVE_STATUSES",
    "DEFAULT_ARCHIVES",
    "ArchiveName",
    "ArchiveResult",
    "ArchiveStatus",
    "Archives",
    "Capture",
    "Credentials",
    "Memo",
    "MissingCredentials",
    "Pacer",
    "SaveResult",
    "Session",
    "combine",
    "credentials_from",
    "find_snapshot",
    "headline",
    "parse_archives",
    "parse_cited",
    "save",
    "should_save",
]
