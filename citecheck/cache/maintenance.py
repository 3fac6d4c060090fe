"""What the cache says about itself and how it sheds rows: the queries behind `Cache.stats`,
`Cache.clear` and `Cache.prune`.

Each function runs on a connection inside the transaction the `Cache` opened for it (a read for
`stats`, a write for the others), so a count sees one state of the file and a prune is whole or
not at all. Freshness is `checked_at + ttl > now`, the comparison `Cache._fresh` makes when it
serves a row: what is served, what is counted fresh and what prune keeps agree to the last bit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from citecheck.cache.codec import Pruned, Stats
from citecheck.cache.policy import DAY, DOCUMENT_DAYS, HISTORY_DAYS
from citecheck.cache.schema import TABLES


def stats(db: sqlite3.Connection, path: Path, ttl: Mapping[str, float], now: float) -> Stats:
    """What the cache at `path` holds at `now`, with the lifetimes `ttl`."""
    groups = db.execute(
        "SELECT status, COUNT(*), MIN(checked_at), MAX(checked_at) FROM outcomes GROUP BY status"
    ).fetchall()
    fresh = _fresh_count(db, "outcomes", (status for status, *_ in groups), ttl, now)
    resolutions = dict(
        db.execute("SELECT status, COUNT(*) FROM resolutions GROUP BY status").fetchall()
    )
    total = sum(n for _, n, _, _ in groups)
    page_life = ttl.get("page", 0.0)
    return Stats(
        path=path,
        size=sum(_size(path.with_name(path.name + suffix)) for suffix in ("", "-wal")),
        schema_version=_count(db, "PRAGMA user_version"),
        outcomes={status: n for status, n, _, _ in groups},
        fresh=fresh,
        stale=total - fresh,
        archives=_count(db, "SELECT COUNT(*) FROM archives"),
        failing=_count(db, "SELECT COUNT(DISTINCT url) FROM failures"),
        failures=_count(db, "SELECT COUNT(*) FROM failures"),
        oldest=min((lo for _, _, lo, _ in groups), default=None),
        newest=max((hi for _, _, _, hi in groups), default=None),
        documents=_count(db, "SELECT COUNT(*) FROM documents"),
        resolutions=resolutions,
        resolutions_fresh=_fresh_count(db, "resolutions", resolutions, ttl, now),
        pages=_count(db, "SELECT COUNT(*) FROM pages"),
        pages_fresh=(
            _count(db, "SELECT COUNT(*) FROM pages WHERE checked_at + ? > ?", (page_life, now))
            if page_life > 0
            else 0
        ),
    )


def clear(db: sqlite3.Connection) -> int:
    """Remove every row of every table (the schema stays); how many were removed."""
    removed = 0
    for table in TABLES:
        removed += _count(db, f"SELECT COUNT(*) FROM {table}")
        db.execute(f"DELETE FROM {table}")
    return removed


def prune(db: sqlite3.Connection, ttl: Mapping[str, float], now: float) -> Pruned:
    """Remove what can no longer be served at `now` with the lifetimes `ttl`: results, searches
    and pages' facts past their freshness (all of a kind with no lifetime), failures older than
    `HISTORY_DAYS`, extractions unused for `DOCUMENT_DAYS`."""
    outcomes = _expire_by_status(db, "outcomes", ttl, now)
    archives = _expire(db, "archives", "", (), ttl.get("archive", 0.0), now)
    failures = db.execute(
        "DELETE FROM failures WHERE at + ? <= ?", (HISTORY_DAYS * DAY, now)
    ).rowcount
    documents = db.execute(
        "DELETE FROM documents WHERE used_at + ? <= ?", (DOCUMENT_DAYS * DAY, now)
    ).rowcount
    resolutions = _expire_by_status(db, "resolutions", ttl, now)
    pages = _expire(db, "pages", "", (), ttl.get("page", 0.0), now)
    return Pruned(outcomes, archives, failures, documents, resolutions, pages)


def _fresh_count(
    db: sqlite3.Connection,
    table: str,
    statuses: Iterable[str],
    ttl: Mapping[str, float],
    now: float,
) -> int:
    """Rows of `table` (with `status` and `checked_at` columns) that may be served at `now`."""
    fresh = 0
    for status in statuses:
        life = ttl.get(status, 0.0)
        if life > 0:
            fresh += _count(
                db,
                f"SELECT COUNT(*) FROM {table} WHERE status = ? AND checked_at + ? > ?",
                (status, life, now),
            )
    return fresh


def _expire_by_status(
    db: sqlite3.Connection, table: str, ttl: Mapping[str, float], now: float
) -> int:
    """Delete the rows of `table` past their status's freshness; how many were deleted."""
    statuses = [str(s) for (s,) in db.execute(f"SELECT DISTINCT status FROM {table}")]
    return sum(
        _expire(db, table, "status = ? AND", (status,), ttl.get(status, 0.0), now)
        for status in statuses
    )


def _expire(
    db: sqlite3.Connection,
    table: str,
    where: str,
    args: tuple[Any, ...],
    life: float,
    now: float,
) -> int:
    if life <= 0:
        sql, params = f"DELETE FROM {table} WHERE {where} 1", args
    else:
        sql, params = f"DELETE FROM {table} WHERE {where} checked_at + ? <= ?", (*args, life, now)
    return db.execute(sql, params).rowcount


def _count(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> int:
    return int(db.execute(sql, params).fetchone()[0])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
