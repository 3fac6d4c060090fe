"""The result cache: check results, archive look-ups, document extractions, the searches for
unlinked citations and the facts read of cited pages kept between runs in one SQLite file
(`Cache`), with the failure history that tells a link gone for good from a bad day.

`policy.py` says what is kept and for how long, `store.py` does the reads and writes and
`maintenance.py` the counting and pruning; `schema.py` opens the file and keeps its tables current
(upgrading or rebuilding an older file); `codec.py` has the values, their rows and the statements
that write them.
"""

from __future__ import annotations

from citecheck.cache.codec import Cached, Check, Failure, Pruned, Stats
from citecheck.cache.policy import (
    DAY,
    DEFAULT_TTL,
    FAILED,
    HISTORY_DAYS,
    MAX_PAGE_BYTES,
    PAGE_SOURCES,
    RESOLUTION_STATUSES,
    SUCCEEDED,
)
from citecheck.cache.schema import SCHEMA_VERSION, CacheError
from citecheck.cache.store import Cache, default_dir

__all__ = [
    "DAY",
    "DEFAULT_TTL",
    "FAILED",
    "HISTORY_DAYS",
    "MAX_PAGE_BYTES",
    "PAGE_SOURCES",
    "RESOLUTION_STATUSES",
    "SCHEMA_VERSION",
    "SUCCEEDED",
    "Cache",
    "CacheError",
    "Cached",
    "Check",
    "Failure",
    "Pruned",
    "Stats",
    "default_dir",
]
