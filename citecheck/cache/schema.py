"""Opening the cache file: the connection's settings, the tables, and what becomes of a file
written by another version of citecheck or one that is not a database at all.

The cache is a convenience, so nothing found on disk is worth stopping a run for. A file of an
older schema version whose later versions only added tables is upgraded in place (`_UPGRADES`):
its rows stay, the new tables are created, and nobody needs to hear about it. A file of any other
version (a newer one, one with tables but no version, one whose tables are not what its version
says) is emptied and rebuilt, with a note: every row can be re-learned by checking again. A file
SQLite cannot read is moved aside, not deleted, so that whoever wants to know what happened still
has it. What does stop the run is a cache that cannot be opened or written at all: that is a
`CacheError`, and the caller decides whether to go on without a cache.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

SCHEMA_VERSION: int = 3
"""The layout of the tables (`PRAGMA user_version`); an older file is upgraded when `_UPGRADES`
can, any other is rebuilt."""

TABLES = ("outcomes", "failures", "archives", "documents", "resolutions", "pages")
"""The tables this version keeps."""

_RESOLUTIONS = (
    # Searches for unlinked citations: the caller's encoded result under its digest (`store.py`).
    """CREATE TABLE resolutions (
        key TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        value BLOB NOT NULL,
        checked_at REAL NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX resolutions_by_status ON resolutions (status, checked_at)",
)

_PAGES = (
    # What verification read of a cited page: the caller's encoded facts per URL, with whether
    # they came from the live page or an archived copy (`store.py`).
    """CREATE TABLE pages (
        url TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        value BLOB NOT NULL,
        checked_at REAL NOT NULL
    ) WITHOUT ROWID""",
    # `stats` and `prune` work by age.
    "CREATE INDEX pages_by_age ON pages (checked_at)",
)

_CREATE = (
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
    # `stats` and `prune` work per status and age.
    "CREATE INDEX outcomes_by_status ON outcomes (status, checked_at)",
    # Rowid order breaks ties between failures recorded at the same instant.
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
    # Documents' extractions, by a digest of everything they depend on (`documents.py`).
    """CREATE TABLE documents (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        used_at REAL NOT NULL
    ) WITHOUT ROWID""",
    *_RESOLUTIONS,
    *_PAGES,
)
"""A new file's tables and indexes, at `SCHEMA_VERSION`."""


@dataclass(frozen=True, slots=True)
class _Upgrade:
    """What turns a file of one schema version into the next, without touching its rows."""

    tables: frozenset[str]
    """The tables it creates: a file that already has one of them is not what its version says."""
    statements: tuple[str, ...]
    """The statements that create them."""


_UPGRADES: Mapping[int, _Upgrade] = MappingProxyType(
    {
        # 1 -> 2: the resolutions of unlinked citations; the other tables are unchanged.
        1: _Upgrade(frozenset({"resolutions"}), _RESOLUTIONS),
        # 2 -> 3: the facts read of cited pages for verification.
        2: _Upgrade(frozenset({"pages"}), _PAGES),
    }
)
"""The upgrade from each version to the next; an older file goes through every step from its
version on (1 -> 2 -> 3), and a version with no path to `SCHEMA_VERSION` here is rebuilt."""

_UNREADABLE = frozenset({sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT})
"""SQLite's primary result codes for a file that is not (or no longer) a database."""


class CacheError(Exception):
    """The cache cannot be opened or written at all; the message names the path and the
    reason."""


def open_db(path: Path, *, now: float, busy_timeout: float, notes: list[str]) -> sqlite3.Connection:
    """A connection to the cache at `path` with the current schema, creating, rebuilding or
    replacing the file as needed; what the user should hear about is appended to `notes`."""
    try:
        return _open(path, busy_timeout, notes)
    except sqlite3.DatabaseError as e:
        if not unreadable(e):
            raise CacheError(f"cannot open the cache {path}: {e}") from e
        reason = str(e)
    moved = _move_aside(path, int(now))
    notes.append(
        f"cache file {path} could not be read ({reason}); moved it to {moved.name} and started"
        " a new cache"
    )
    try:
        return _open(path, busy_timeout, notes)
    except sqlite3.DatabaseError as e:
        raise CacheError(f"cannot open the cache {path}: {e}") from e


def unreadable(e: sqlite3.Error) -> bool:
    """Whether `e` says the file is not a database or is damaged (rather than busy, read-only,
    or out of space)."""
    code = getattr(e, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _UNREADABLE


def error_message(path: Path, doing: str, e: sqlite3.Error) -> str:
    """What to tell the user when the cache at `path` could not be read or written (`doing`:
    `read`, `write to`)."""
    if unreadable(e):
        reason = f"{e} (the file is damaged: delete it, and the next run starts a new cache)"
    elif "locked" in str(e) or "busy" in str(e):
        reason = f"{e} (another citecheck is writing to it)"
    else:
        reason = str(e)
    return f"cannot {doing} the cache {path}: {reason}"


def _open(path: Path, busy_timeout: float, notes: list[str]) -> sqlite3.Connection:
    # isolation_level=None: the module opens no transactions behind our back; every write is in
    # an explicit BEGIN IMMEDIATE ... COMMIT. check_same_thread=False: the store serialises use
    # with its own lock, so a caller may hand it to a worker thread.
    db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout, check_same_thread=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # The first statement that reads the file: a file that is not a database fails here.
        _wal(db, busy_timeout)
        # With WAL, NORMAL loses at most the last transactions on power loss, never consistency.
        db.execute("PRAGMA synchronous = NORMAL")
        if _version(db) != SCHEMA_VERSION or set(TABLES) - _tables(db):
            _migrate(db, path, notes)
    except BaseException:
        db.close()
        raise
    return db


def _wal(db: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch to write-ahead logging. Changing the journal mode needs the file to itself, and
    SQLite may answer "database is locked" at once, without its busy handler, while another
    process is doing the same on a new file: then wait and try again, up to the busy timeout,
    as any other statement would wait."""
    deadline = time.monotonic() + busy_timeout
    delay = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            busy = "locked" in str(e) or "busy" in str(e)
            if not busy or time.monotonic() + delay > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


def _migrate(db: sqlite3.Connection, path: Path, notes: list[str]) -> None:
    """Create the tables, add those an older version lacks, or drop and recreate them for a
    version that cannot be upgraded."""
    # The write lock first, then look again: two processes opening a new or old cache at once
    # must not both create or upgrade it, and the second must not rebuild what the first made.
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db)
        tables = _tables(db)
        if version == SCHEMA_VERSION and not set(TABLES) - tables:
            db.execute("COMMIT")
            return
        if _upgradable(version, tables):
            # Nothing to tell the user: every row is still there and still served. Each step
            # from the file's version on, in order: a version-1 file needs 1 -> 2 and 2 -> 3.
            for step in range(version, SCHEMA_VERSION):
                for statement in _UPGRADES[step].statements:
                    db.execute(statement)
        else:
            if version != 0 or tables:
                for name in sorted(tables):
                    db.execute(f'DROP TABLE "{name.replace(chr(34), chr(34) * 2)}"')
                notes.append(
                    f"cache at {path} was rebuilt: schema {version}, this citecheck uses"
                    f" {SCHEMA_VERSION}"
                )
            for statement in _CREATE:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _upgradable(version: int, tables: set[str]) -> bool:
    """Whether a file at `version` with `tables` can be brought to `SCHEMA_VERSION` by
    `_UPGRADES`: every step is known, and the file has the tables its version should have and
    none of those the steps create."""
    steps = range(version, SCHEMA_VERSION)
    if not steps or any(step not in _UPGRADES for step in steps):
        return False  # version 0 (no schema yet), this version, a newer one, or an unknown one
    added = frozenset().union(*(_UPGRADES[step].tables for step in steps))
    return not added & tables and set(TABLES) - added <= tables


def _version(db: sqlite3.Connection) -> int:
    row = db.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def _tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return {str(name) for (name,) in rows}


def _move_aside(path: Path, stamp: int) -> Path:
    """Rename the unreadable file (with its -wal and -shm) to `<name>.corrupt-<stamp>`."""
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    for suffix in ("", "-wal", "-shm"):
        try:
            os.replace(f"{path}{suffix}", f"{target}{suffix}")
        except FileNotFoundError:
            # No such companion file, or another process moved it first.
            continue
        except OSError as e:
            raise CacheError(f"cannot move the unreadable cache {path} aside: {e}") from e
    return target
