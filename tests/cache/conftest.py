"""Fixtures for the cache's tests: a clock the test moves, caches opened on it, and cache files
of schema versions 1 and 2 as an older citecheck left them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from citecheck.cache import Cache

T0 = 1_700_000_000.0
"""Where every test's clock starts (epoch seconds)."""


class Clock:
    """Time as a dependency: `now()` is whatever the test last set."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


OpenCache = Callable[..., Cache]


@pytest.fixture
def open_cache(tmp_path: Path, clock: Clock) -> Iterator[OpenCache]:
    """Open a cache in `tmp_path / "cache"` (or another directory) on the test's clock; every
    cache opened is closed at the end."""
    opened: list[Cache] = []

    def open_(
        directory: Path | None = None, *, ttl: Mapping[str, float] | None = None, **kw: float
    ) -> Cache:
        cache = Cache(directory or tmp_path / "cache", ttl=ttl, now=clock, **kw)
        opened.append(cache)
        return cache

    yield open_
    for cache in opened:
        cache.close()


V1 = (
    """CREATE TABLE outcomes (
        url TEXT NOT NULL,
        want_page INTEGER NOT NULL,
        status TEXT NOT NULL,
        detail TEXT NOT NULL,
        http_status INTEGER,
        final_url TEXT,
        redirects TEXT NOT NULL,
        suggested_url TEXT,
        reason TEXT,
        attempts INTEGER NOT NULL,
        anchors TEXT,
        complete INTEGER NOT NULL,
        checked_at REAL NOT NULL,
        PRIMARY KEY (url, want_page)
    ) WITHOUT ROWID""",
    "CREATE INDEX outcomes_by_status ON outcomes (status, checked_at)",
    """CREATE TABLE failures (
        url TEXT NOT NULL,
        at REAL NOT NULL,
        status TEXT NOT NULL,
        http_status INTEGER,
        detail TEXT NOT NULL
    )""",
    "CREATE INDEX failures_by_url ON failures (url, at)",
    """CREATE TABLE archives (
        key TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        detail TEXT NOT NULL,
        url TEXT,
        timestamp TEXT,
        source TEXT,
        checked_at REAL NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE documents (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        used_at REAL NOT NULL
    ) WITHOUT ROWID""",
)
"""The tables of schema 1, as citecheck wrote them before the resolutions table."""

V2 = (
    *V1,
    """CREATE TABLE resolutions (
        key TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        value BLOB NOT NULL,
        checked_at REAL NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX resolutions_by_status ON resolutions (status, checked_at)",
)
"""The tables of schema 2, as citecheck wrote them before the pages table (a literal, not
`schema.py`'s statements: the file must stay what version 2 wrote whatever becomes of those)."""

MakeV1 = Callable[..., sqlite3.Connection]
MakeV2 = MakeV1


def _old_files(statements: tuple[str, ...], version: int) -> Iterator[MakeV1]:
    opened: list[sqlite3.Connection] = []

    def make(directory: Path, *, skip: str = "") -> sqlite3.Connection:
        directory.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(directory / "cache.sqlite3", isolation_level=None)
        opened.append(db)
        db.execute("PRAGMA journal_mode = WAL")
        for statement in statements:
            # `CREATE TABLE name (` or `CREATE INDEX x ON name (`: a skipped table's index goes too.
            if statement.split("(")[0].split()[-1] != skip:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")
        return db

    yield make
    for db in opened:
        db.close()


@pytest.fixture
def version_1() -> Iterator[MakeV1]:
    """Make `directory / "cache.sqlite3"` a version-1 cache file in WAL mode, without citecheck
    (`skip=TABLE` leaves out one table); returns a connection to it (autocommit) to fill. Every
    connection is closed at the end."""
    yield from _old_files(V1, 1)


@pytest.fixture
def version_2() -> Iterator[MakeV2]:
    """The same as `version_1`, for a version-2 cache file."""
    yield from _old_files(V2, 2)
