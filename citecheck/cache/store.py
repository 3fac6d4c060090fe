"""The result cache: check results, failure histories, archive look-ups, document extractions,
the searches for unlinked citations and the facts read of cited pages in one SQLite file (what is
kept and for how long is in `policy.py`; `codec.py` has the rows and the statements that write
them; `maintenance.py` the queries of `stats`, `clear` and `prune`).

Every write is one transaction (`BEGIN IMMEDIATE` ... `COMMIT`), so a crash or `kill -9` leaves
either all of a run's results or none of them, and concurrent runs wait for each other (up to
the busy timeout) instead of interleaving. Reads are batched, a chunk of URLs per query: a run
looks up all its URLs at once at the start.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

import platformdirs

from citecheck.archive.model import ArchiveResult
from citecheck.cache import maintenance
from citecheck.cache.codec import (
    ARCHIVE_COLUMNS,
    DROP_FAILED_OUTCOMES,
    OUTCOME_COLUMNS,
    TRIM_FAILURES,
    UPSERT_ARCHIVE,
    UPSERT_OUTCOME,
    UPSERT_PAGE,
    UPSERT_RESOLUTION,
    Cached,
    Check,
    Failure,
    Pruned,
    Stats,
    archive_row,
    decode_archive,
    decode_cached,
    outcome_row,
)
from citecheck.cache.policy import (
    DAY,
    DEFAULT_TTL,
    FAILED,
    KEPT_FAILURES,
    MAX_PAGE_BYTES,
    PAGE_SOURCES,
    RESOLUTION_STATUSES,
    SUCCEEDED,
    storable,
)
from citecheck.cache.schema import CacheError, error_message, open_db

FILENAME = "cache.sqlite3"
"""The database file's name in the cache directory."""

_CHUNK = 500
"""Most placeholders in one `IN (...)`; well under SQLite's limit on every version."""

_T = TypeVar("_T")


def default_dir() -> Path:
    """The user's cache directory for citecheck (`~/.cache/citecheck` on Linux)."""
    return platformdirs.user_cache_path("citecheck", appauthor=False)


class Cache:
    """The result cache in `directory`; use as a context manager, or `close` it."""

    path: Path
    """The database file: `directory / "cache.sqlite3"`."""
    notes: list[str]
    """What the user should be told (the file was rebuilt, or moved aside as unreadable)."""

    def __init__(
        self,
        directory: Path,
        *,
        ttl: Mapping[str, float] | None = None,
        now: Callable[[], float] = time.time,
        busy_timeout: float = 30.0,
    ) -> None:
        """Open (creating if need be) the cache in `directory`. `ttl` overrides `DEFAULT_TTL`
        per key; `busy_timeout` is how many seconds to wait for another process's write."""
        self.path = directory / FILENAME
        self.notes = []
        self._ttl: dict[str, float] = {**DEFAULT_TTL, **(ttl or {})}
        self._now = now
        self._lock = threading.Lock()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            reason = "it is a file" if directory.is_file() else (e.strerror or str(e))
            raise CacheError(f"cannot create the cache directory {directory}: {reason}") from e
        self._db = open_db(self.path, now=now(), busy_timeout=busy_timeout, notes=self.notes)

    def close(self) -> None:
        """Close the database; the cache may not be used after."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Reading ------------------------------------------------------------------------------------

    def lookup_many(self, keys: Iterable[tuple[str, bool]]) -> dict[tuple[str, bool], Cached]:
        """The fresh stored check for each `(url, want_page)` key that has one."""
        wanted = set(keys)
        now = self._now()
        found: dict[tuple[str, bool], Cached] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted({url for url, _ in wanted})):
                rows = db.execute(
                    f"SELECT {OUTCOME_COLUMNS} FROM outcomes WHERE url IN ({_marks(chunk)})",
                    chunk,
                )
                for row in rows:
                    cached = decode_cached(row)
                    if cached is None or not self._fresh(cached.outcome.status, row[-1], now):
                        continue
                    url, page = str(row[0]), bool(row[1])
                    # A page read answers a HEAD question too; the newer answer wins.
                    for key in ((url, True), (url, False)) if page else ((url, False),):
                        old = found.get(key)
                        if key in wanted and (old is None or _newer(cached, page, old)):
                            found[key] = cached
        return found

    def lookup(self, url: str, *, want_page: bool) -> Cached | None:
        """The fresh stored check for one URL, if any."""
        return self.lookup_many([(url, want_page)]).get((url, want_page))

    def failures_many(self, urls: Iterable[str]) -> dict[str, tuple[Failure, ...]]:
        """The failure history of each URL that has one, oldest first."""
        history: dict[str, list[Failure]] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted(set(urls))):
                rows = db.execute(
                    "SELECT url, at, status, http_status, detail FROM failures"
                    f" WHERE url IN ({_marks(chunk)}) ORDER BY url, at, rowid",
                    chunk,
                )
                for url, at, status, http_status, detail in rows:
                    history.setdefault(url, []).append(
                        Failure(float(at), status, http_status, detail)
                    )
        return {url: tuple(failures) for url, failures in history.items()}

    def archive_many(self, keys: Iterable[str]) -> dict[str, ArchiveResult]:
        """The fresh stored archive result for each key that has one."""
        now = self._now()
        found: dict[str, ArchiveResult] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted(set(keys))):
                rows = db.execute(
                    f"SELECT {ARCHIVE_COLUMNS} FROM archives WHERE key IN ({_marks(chunk)})",
                    chunk,
                )
                for row in rows:
                    result = decode_archive(row)
                    if result is not None and self._fresh("archive", row[-1], now):
                        found[row[0]] = result
        return found

    def documents_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored extraction for each document key that has one (`documents.py`)."""
        found: dict[str, bytes] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted(set(keys))):
                sql = f"SELECT key, value FROM documents WHERE key IN ({_marks(chunk)})"
                found.update((str(k), bytes(v)) for k, v in db.execute(sql, chunk))
        return found

    def resolutions_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The stored value of each citation-search key whose row is fresh by its status's TTL
        (`resolved`, `unresolved`)."""
        now = self._now()
        found: dict[str, bytes] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted(set(keys))):
                rows = db.execute(
                    "SELECT key, status, value, checked_at FROM resolutions"
                    f" WHERE key IN ({_marks(chunk)})",
                    chunk,
                )
                found.update(
                    (str(key), bytes(value))
                    for key, status, value, checked_at in rows
                    if self._fresh(status, checked_at, now)
                )
        return found

    def pages_many(self, urls: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """The stored `(source, value)` of each page URL whose row is fresh by the `page` TTL;
        `source` is `live` or `archived`, `value` the caller's encoded facts."""
        life = self._ttl.get("page", 0.0)
        if life <= 0:
            return {}
        now = self._now()
        found: dict[str, tuple[str, bytes]] = {}
        with self._reading() as db:
            for chunk in _chunks(sorted(set(urls))):
                # Freshness in the query (the comparison `_fresh` makes), so that a stale page's
                # text, up to a megabyte, is not read only to be dropped.
                rows = db.execute(
                    "SELECT url, source, value FROM pages"
                    f" WHERE url IN ({_marks(chunk)}) AND checked_at + ? > ?",
                    (*chunk, life, now),
                )
                found.update(
                    (str(url), (str(source), bytes(value)))
                    for url, source, value in rows
                    if source in PAGE_SOURCES  # a row this version cannot read is absent
                )
        return found

    def stats(self) -> Stats:
        """What the cache holds now."""
        now = self._now()
        with self._reading() as db:
            return maintenance.stats(db, self.path, self._ttl, now)

    # Writing ------------------------------------------------------------------------------------

    def record(self, checks: Iterable[Check]) -> None:
        """Record what a run learned, all in one transaction."""
        todo = [check for check in checks if storable(check.url)]
        if not todo:
            return
        with self._writing() as db:
            for check in todo:
                o = check.outcome
                if o.status in SUCCEEDED:
                    db.execute("DELETE FROM failures WHERE url = ?", (check.url,))
                    db.execute(DROP_FAILED_OUTCOMES, (check.url,))
                elif o.status in FAILED:
                    db.execute(
                        "INSERT INTO failures (url, at, status, http_status, detail)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (check.url, check.at, o.status, o.http_status, o.detail),
                    )
                    # A CI job may rerun many times a day: keep the latest transient failures.
                    db.execute(TRIM_FAILURES, (check.url, check.url, KEPT_FAILURES))
                if self._ttl.get(o.status, 0.0) > 0:
                    db.execute(UPSERT_OUTCOME, outcome_row(check))

    def record_archives(
        self, items: Iterable[tuple[str, ArchiveResult]], *, at: float | None = None
    ) -> None:
        """Record archive look-ups under their keys (an unavailable archive is not an answer,
        so `archive-unavailable` is not kept), in one transaction."""
        if self._ttl.get("archive", 0.0) <= 0:
            return
        when = self._now() if at is None else at
        rows = [
            archive_row(key, result, when)
            for key, result in items
            if result.status != "archive-unavailable"
        ]
        if not rows:
            return
        with self._writing() as db:
            db.executemany(UPSERT_ARCHIVE, rows)

    def record_documents(self, items: Iterable[tuple[str, bytes]], used: Iterable[str]) -> None:
        """Store new extractions and mark the ones a run used, in one transaction."""
        now = self._now()
        rows = [(key, value, now) for key, value in items]
        touched = [(now, key) for key in used]
        if not rows and not touched:
            return
        with self._writing() as db:
            db.executemany(
                "INSERT OR REPLACE INTO documents (key, value, used_at) VALUES (?, ?, ?)",
                rows,
            )
            # Rewriting a row rewrites its extraction too (up to megabytes): mark it used once
            # a day at most, which is all `prune` needs.
            db.executemany(
                "UPDATE documents SET used_at = ? WHERE key = ? AND used_at < ?",
                [(at, key, at - DAY) for at, key in touched],
            )

    def record_resolutions(
        self, items: Iterable[tuple[str, str, bytes]], *, at: float | None = None
    ) -> None:
        """Record searches for unlinked citations, `(key, status, value)` with the caller's
        encoded result as `value`, in one transaction; a later record of a key replaces the
        earlier. Only `resolved` and `unresolved` with a positive TTL are kept: `unavailable`
        (the search could not be made) is no answer."""
        when = self._now() if at is None else at
        rows = [
            (key, status, value, when)
            for key, status, value in items
            if status in RESOLUTION_STATUSES and self._ttl.get(status, 0.0) > 0
        ]
        if not rows:
            return
        with self._writing() as db:
            db.executemany(UPSERT_RESOLUTION, rows)

    def record_pages(
        self, items: Iterable[tuple[str, str, bytes]], *, at: float | None = None
    ) -> None:
        """Record the facts read of cited pages, `(url, source, value)` with `source` one of
        `PAGE_SOURCES` and the caller's encoded facts as `value`, in one transaction; a later
        record of a URL replaces the earlier, an older one (`at`) never a newer. Nothing is kept
        when the `page` TTL is not positive, nor for a URL with credentials, nor a value over
        `MAX_PAGE_BYTES`: the caller caps the text it encodes, and this only guards the file.
        Raises ValueError, writing nothing, for another source."""
        when = self._now() if at is None else at
        todo = list(items)
        odd = sorted({source for _, source, _ in todo} - PAGE_SOURCES)
        if odd:
            # A caller's mistake: dropping such rows quietly would make every run read again.
            raise ValueError(f"page sources are {sorted(PAGE_SOURCES)}, not {odd}")
        if self._ttl.get("page", 0.0) <= 0:
            return
        rows = [
            (url, source, value, when)
            for url, source, value in todo
            if storable(url) and len(value) <= MAX_PAGE_BYTES
        ]
        if not rows:
            return
        with self._writing() as db:
            db.executemany(UPSERT_PAGE, rows)

    def clear(self) -> int:
        """Remove every stored row (the schema stays); returns how many were removed."""
        with self._writing() as db:
            removed = maintenance.clear(db)
        self._compact()
        return removed

    def prune(self) -> Pruned:
        """Remove what can no longer be served: results, searches and pages' facts past their
        freshness, failures older than `HISTORY_DAYS`, extractions unused for `DOCUMENT_DAYS`."""
        now = self._now()
        with self._writing() as db:
            pruned = maintenance.prune(db, self._ttl, now)
        self._compact()
        return pruned

    # Internals ----------------------------------------------------------------------------------

    def _fresh(self, kind: str, checked_at: float, now: float) -> bool:
        # The same comparison as the SQL in `maintenance.py`, so that what is served, what is
        # counted fresh and what prune keeps agree to the last bit.
        ttl = self._ttl.get(kind, 0.0)
        return ttl > 0 and checked_at + ttl > now

    def _compact(self) -> None:
        """Give the freed pages back to the file system; worth trying, not worth failing for."""
        with self._lock:
            try:
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError as e:
                self.notes.append(f"could not compact the cache {self.path}: {e}")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        # One read transaction: a batch of chunked queries sees one state of the file.
        with self._transaction("BEGIN", "read") as db:
            yield db

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so a busy database makes us wait here (up to
        # the busy timeout) rather than fail half-way through.
        with self._transaction("BEGIN IMMEDIATE", "write to") as db:
            yield db

    @contextlib.contextmanager
    def _transaction(self, begin: str, doing: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._db
            try:
                db.execute(begin)
                yield db
                db.execute("COMMIT")
            except BaseException as e:
                if db.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                if isinstance(e, sqlite3.DatabaseError) and not isinstance(
                    e, sqlite3.ProgrammingError
                ):
                    raise CacheError(error_message(self.path, doing, e)) from e
                raise


def _marks(items: Sequence[object] | range) -> str:
    return ", ".join("?" * len(items))


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _newer(cached: Cached, page: bool, old: Cached) -> bool:
    # On a tie the page read wins: it also carries the anchors.
    return cached.checked_at > old.checked_at or (cached.checked_at == old.checked_at and page)
