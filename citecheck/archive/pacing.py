"""How fast we ask the archives, on trio's clock.

The web archives are shared, free services run on donations, and they say how much they can
take: the Wayback Machine's CDX server about 30 requests a minute, its replay about 600. A
checker that runs in every CI build of a newsroom must stay well under that, so each service
gets requests spaced at 80% of its published rate (EDGI's `wayback` client does the same),
which also leaves room for the user's other tools. Services that publish no limit get a
conservative one of our own (`PUBLISHED_PER_MINUTE`).

A 429 from an archive (not an *archived* 429: that one carries `Memento-Datetime` and is a page
the archive recorded, see `session.py`) pauses all archive traffic, every service, for as long as
its `Retry-After` asks, or a minute when it does not say: the archives are one organisation's
machines, and the Internet Archive blocks clients that keep asking after a 429. When the wait
asked for is longer than `max_pause` (five minutes by default), no more archive requests are made
in this run: the look-ups that remain report `archive-unavailable` at once rather than stall a
CI job for an hour.

Everything is on trio's clock (`trio.current_time`, `trio.sleep_until`), so tests run it on
`trio.testing.MockClock`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import trio

from citecheck.policy import retry_after_uncapped

Service = str
"""`cdx`, `replay`, `availability`, `archive-today`, `memento` or `save`."""

PUBLISHED_PER_MINUTE: Mapping[Service, float] = {
    "cdx": 30.0,  # the Wayback CDX server (published)
    "replay": 600.0,  # Wayback replay, `/web/<timestamp>id_/<url>` (published)
    "availability": 30.0,  # archive.org/wayback/available: none published, treated as CDX
    "archive-today": 12.0,  # none published; it answers scripts with CAPTCHAs when pressed
    "memento": 30.0,  # Time Travel: none published
    "save": 12.0,  # Save Page Now 2 submissions and status polls: none published for polls
}
"""Requests a minute each service allows (or that we allow ourselves where none is published)."""

SHARE = 0.8
"""The share of a published limit we use."""

DEFAULT_PAUSE = 60.0
"""Seconds all archive traffic waits after a 429 without a usable `Retry-After`."""

MAX_PAUSE = 300.0
"""The longest pause honoured; a longer `Retry-After` stops archive traffic for the run."""


class ArchivesClosed(Exception):
    """No more archive requests in this run (an archive asked for a wait too long to honour)."""


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` value (seconds or an HTTP date), or None when there
    is no usable value. Not capped: the pacer decides what to do with a long wait."""
    return retry_after_uncapped(value, now)


class Pacer:
    """Spaces the starts of requests per service and pauses them all after a 429.

    One pacer is shared by every look-up of a run (it is what makes the run polite); it holds no
    I/O of its own. `per_minute` overrides `PUBLISHED_PER_MINUTE` for some services; `share` is
    the part of each limit used."""

    def __init__(
        self,
        per_minute: Mapping[Service, float] | None = None,
        *,
        share: float = SHARE,
        default_pause: float = DEFAULT_PAUSE,
        max_pause: float = MAX_PAUSE,
    ) -> None:
        self._per_minute = {**PUBLISHED_PER_MINUTE, **(per_minute or {})}
        self._share = share
        self._default_pause = default_pause
        self._max_pause = max_pause
        self._next: dict[Service, float] = {}
        self._paused_until = 0.0
        self.closed: str | None = None
        """Why archive traffic was stopped for the run, once it was."""
        self.pauses = 0
        """How many 429s paused the archive traffic."""

    def interval(self, service: Service) -> float:
        """Seconds between the starts of two requests to `service`."""
        rate = self._per_minute.get(service, min(self._per_minute.values())) * self._share
        return 60.0 / rate if rate > 0 else 0.0

    @property
    def paused_until(self) -> float:
        """The trio time until which all archive traffic waits."""
        return self._paused_until

    async def wait(self, service: Service) -> None:
        """Wait for `service`'s turn (and for any pause); raises `ArchivesClosed` once archive
        traffic is stopped for the run."""
        while True:
            if self.closed is not None:
                raise ArchivesClosed(self.closed)
            now = trio.current_time()
            start = max(now, self._next.get(service, now), self._paused_until)
            self._next[service] = start + self.interval(service)
            if start > now:
                await trio.sleep_until(start)
            # A 429 may have come while we slept: its pause holds this request too.
            if trio.current_time() >= self._paused_until and self.closed is None:
                return

    def pause(self, seconds: float | None) -> None:
        """A 429 from an archive: hold every service for `seconds` (`Retry-After`), or the
        default pause; stop archive traffic for the run when the wait is over `max_pause`."""
        self.pauses += 1
        wait = self._default_pause if seconds is None else max(seconds, 0.0)
        if wait > self._max_pause:
            self.closed = (
                f"an archive asked us to wait {wait:g} s (Retry-After); "
                "no more archive requests in this run"
            )
            return
        self._paused_until = max(self._paused_until, trio.current_time() + wait)
