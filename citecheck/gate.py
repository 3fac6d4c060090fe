"""Starting fetch tasks only as fast as they can run, fairly over host groups.

The fetcher limits what is in flight (`--max-concurrency`, `--host-concurrency`), so a task
per target at once would be correct; but every task waiting for its turn costs memory (its
coroutine and cancel scopes, about 3 KB), and a run of 100,000 links over 500 hosts kept tens
of thousands of them waiting in each worker. `Gate` keeps the targets not started as plain
(target, want_page) pairs in a queue per host group, and starts a task only when the group has
fewer than `per_group` running (the most the fetcher lets one group have in flight) and the
whole gate fewer than `total`. Free places go to the groups in turn, so a host with a long
backlog, or one paused by a 429, never holds up the others' links beyond its own share.
Groups are `Target.group` (registrable domain), as the fetcher's limits are.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

import trio

from citecheck.model import Target
from citecheck.settings import FetchSettings

Fetch = Callable[[Target, bool], Awaitable[None]]
"""Checks one target (and keeps its result)."""


def total(settings: FetchSettings) -> int:
    """The most tasks worth running at once: twice what may be in flight, so that the tasks
    waiting for a host's pacing or a retry's backoff leave the wire busy."""
    return max(2 * settings.max_concurrency, 1)


class Gate:
    """Starts `fetch` for targets in `nursery`, at most `per_group` of a group and `total` in
    all at a time."""

    @classmethod
    def of(cls, nursery: trio.Nursery, fetch: Fetch, settings: FetchSettings) -> Gate:
        """The gate for a fetcher with `settings`: per group, the most requests the fetcher
        lets one host group have in flight (`FetchSettings.most_per_host`); in all, `total`."""
        return cls(nursery, fetch, settings.most_per_host(), total(settings))

    def __init__(self, nursery: trio.Nursery, fetch: Fetch, per_group: int, total: int) -> None:
        self._nursery = nursery
        self._fetch = fetch
        self._per_group = max(per_group, 1)
        self._total = max(total, 1)
        self._running_all = 0
        self._running: dict[str, int] = {}
        self._waiting: dict[str, deque[tuple[Target, bool]]] = {}
        self._ready: OrderedDict[str, None] = OrderedDict()
        """Groups with targets waiting and room for another task, in turn."""

    def start(self, target: Target, want_page: bool) -> None:
        """Check `target` as soon as its group and the gate have room."""
        group = target.group
        self._waiting.setdefault(group, deque()).append((target, want_page))
        if self._running.get(group, 0) < self._per_group:
            self._ready[group] = None
        self._fill()

    def _fill(self) -> None:
        while self._running_all < self._total and self._ready:
            group, _ = self._ready.popitem(last=False)
            waiting = self._waiting[group]
            target, want_page = waiting.popleft()
            running = self._running[group] = self._running.get(group, 0) + 1
            self._running_all += 1
            if not waiting:
                del self._waiting[group]
            elif running < self._per_group:
                self._ready[group] = None  # back of the line: the next place goes elsewhere
            self._nursery.start_soon(self._run, target, want_page)

    async def _run(self, target: Target, want_page: bool) -> None:
        try:
            await self._fetch(target, want_page)
        finally:
            group = target.group
            self._running[group] -= 1
            self._running_all -= 1
            if group in self._waiting:
                self._ready[group] = None
            self._fill()
