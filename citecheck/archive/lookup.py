"""The archive look-up of one source: ask the chosen archives in order, keep the best answer.

The archives are asked in the order `--archives` names them (by default the Wayback Machine,
then archive.today, then the Memento aggregator), and asking stops at the first `archived`
answer: a copy from before the cited date is what we want, and every further request costs an
archive something. The others are combined by what they tell the reader, best first:

    archived > archived-after > archive-unavailable > archive-excluded > not-archived

`archive-unavailable` outranks the negative answers because "we could not tell" must never read
as "there is no copy": if one archive failed, there may be a copy there. `detail` keeps what
every archive asked said.

**The memo.** Many citations share a URL; within a run each (URL, bound, archives) is looked up
once, and look-ups of the same key at the same time wait for the first. Results that say "could
not tell" (`archive-unavailable`) are not kept, as the cache will not keep them: a later look-up
may get through.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import trio

from citecheck.archive import archive_today, memento, wayback
from citecheck.archive.choose import bound
from citecheck.archive.model import ARCHIVES, ArchiveName, ArchiveResult, ArchiveStatus
from citecheck.archive.session import Session

Lookup = Callable[[Session, str, date | None], Awaitable[ArchiveResult]]

LOOKUPS: dict[ArchiveName, Lookup] = {
    "wayback": wayback.lookup,
    "archive-today": archive_today.lookup,
    "memento": memento.lookup,
}

DEFAULT_ARCHIVES: tuple[ArchiveName, ...] = ARCHIVES
"""The archives asked when `--archives` is not given, in order."""

_RANK: dict[ArchiveStatus, int] = {
    "archived": 0,
    "archived-after": 1,
    "archive-unavailable": 2,
    "archive-excluded": 3,
    "not-archived": 4,
}


_NAMES: dict[str, ArchiveName] = {name: name for name in ARCHIVES}


def parse_archives(value: str) -> tuple[ArchiveName, ...]:
    """A comma-separated `--archives` list, in the order given, without repeats; raises
    `ValueError` with a message for the user."""
    names: list[ArchiveName] = []
    for item in (part.strip().lower() for part in value.split(",")):
        if not item:
            continue
        if item not in _NAMES:
            raise ValueError(f"--archives: unknown archive {item!r} (known: {', '.join(ARCHIVES)})")
        name = _NAMES[item]
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError("--archives: name at least one archive (or use --no-archive)")
    return tuple(names)


def combine(results: Sequence[ArchiveResult]) -> ArchiveResult:
    """The answer to report from the archives' answers (the module docstring's order); the
    detail of the chosen one first, then the others'."""
    if not results:
        return ArchiveResult("archive-unavailable", "no archive was asked")
    best = min(results, key=lambda r: _RANK[r.status])
    others = [r.detail for r in results if r is not best]
    detail = "; ".join([best.detail, *others])
    return ArchiveResult(best.status, detail, best.url, best.timestamp, best.source)


@dataclass(slots=True)
class Memo:
    """The in-run memo of look-ups (until the SQLite cache lands)."""

    results: dict[tuple[str, date | None, tuple[str, ...]], ArchiveResult] = field(
        default_factory=dict
    )
    """Finished look-ups that are worth keeping."""
    _running: dict[tuple[str, date | None, tuple[str, ...]], trio.Event] = field(
        default_factory=dict
    )


class Archives:
    """Finds the best archived copy of sources, through one session (client, pacer, User-Agent)
    shared by the whole run."""

    def __init__(
        self,
        session: Session,
        *,
        archives: Sequence[ArchiveName] = DEFAULT_ARCHIVES,
        memo: Memo | None = None,
    ) -> None:
        self.session = session
        self.archives = tuple(archives)
        self.memo = memo if memo is not None else Memo()

    async def find(
        self, url: str, *, cited: date | None = None, article: date | None = None
    ) -> ArchiveResult:
        """The best archived copy of `url` for the cited date (else the article's date, else the
        latest); never raises for what the network or the archives do."""
        limit = bound(cited, article)
        key = (url, limit, self.archives)
        while True:
            known = self.memo.results.get(key)
            if known is not None:
                return known
            running = self.memo._running.get(key)
            if running is None:
                break
            await running.wait()  # then kept, or (could not tell) ours to ask again
        done = self.memo._running[key] = trio.Event()
        try:
            result = await self._ask(url, limit)
            if result.status != "archive-unavailable":
                self.memo.results[key] = result
            return result
        finally:
            del self.memo._running[key]
            done.set()

    async def _ask(self, url: str, limit: date | None) -> ArchiveResult:
        results: list[ArchiveResult] = []
        for name in self.archives:
            result = await LOOKUPS[name](self.session, url, limit)
            results.append(result)
            if result.status == "archived":
                break
        return combine(results)


async def find_snapshot(
    session: Session,
    url: str,
    *,
    cited: date | None,
    article: date | None,
    archives: Sequence[ArchiveName] = DEFAULT_ARCHIVES,
    memo: Memo | None = None,
) -> ArchiveResult:
    """One look-up without keeping an `Archives` (see `Archives.find`)."""
    return await Archives(session, archives=archives, memo=memo).find(
        url, cited=cited, article=article
    )
