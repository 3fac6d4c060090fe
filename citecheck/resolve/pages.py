"""Reading a candidate page to prove it: the live page, else its archived copy.

Resolution reads a few pages of a publisher's site (the candidates), so it keeps to the same
manners as checking: our User-Agent, a body cap, at most ten redirects, and requests to one host
spaced by `interval` (a second by default). Every request goes through the run's guarded
transport (`--connect-to`, the private-address guard); an archived copy is read through the
archive session's pacer, at the replay service's rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trio

from citecheck.archive.cdx import replay_url
from citecheck.archive.session import Session, Unavailable

MAX_PAGE = 2_000_000
"""The most bytes of a candidate page read (its head and the start of its text are enough)."""

MAX_REDIRECTS = 10
"""The most redirects followed for one page."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}


@dataclass(frozen=True, slots=True)
class Page:
    """A page as read."""

    url: str
    """Where it was read from in the end, after redirects (for an archived copy: the replay)."""
    status: int
    """The HTTP status of the last answer."""
    body: bytes
    """The body, up to the cap."""
    content_type: str | None
    """The `Content-Type` header."""
    requests: int
    """How many requests it took (redirects included)."""


def reader_for(session: Session, host_interval: float, *, paced: bool) -> PageReader:
    """The page reader of one run: requests to one host at least `host_interval` apart, and a
    second at the least when `paced` (publishers' sites are read a few pages at a time, not
    crawled)."""
    return PageReader(session, interval=max(host_interval, 1.0) if paced else host_interval)


class PageReader:
    """Reads candidate pages, live and archived, for one run."""

    def __init__(self, session: Session, *, interval: float = 1.0) -> None:
        self.session = session
        self.interval = interval
        self._next: dict[str, float] = {}

    async def live(self, url: str) -> Page:
        """The page at `url`, redirects followed; raises `Unavailable` (no answer, or too many
        redirects)."""
        requests = 0
        for _ in range(MAX_REDIRECTS + 1):
            await self._turn(urlsplit(url).hostname or "")
            reply = await self.session.once("GET", url, headers=_ACCEPT, max_body=MAX_PAGE)
            requests += 1
            location = reply.headers.get("location")
            if reply.status in _REDIRECTS and location:
                url = urljoin(url, location.strip())
                if urlsplit(url).scheme not in ("http", "https"):
                    raise Unavailable(f"redirected to a URL that is not the web: {url[:200]}")
                continue
            return Page(url, reply.status, reply.body, reply.headers.get("content-type"), requests)
        raise Unavailable(f"more than {MAX_REDIRECTS} redirects")

    async def archived(self, stamp: str, original: str) -> Page:
        """The Wayback Machine's copy of `original` captured at `stamp` (the original bytes,
        `id_`); the archive's redirects to the nearest capture are followed. Raises
        `Unavailable`."""
        url = replay_url(stamp, original, raw=True)
        requests = 0
        for _ in range(4):
            reply = await self.session.get("replay", url, max_body=MAX_PAGE)
            requests += 1
            location = reply.headers.get("location")
            if reply.status in _REDIRECTS and location:
                url = urljoin(url, location.strip())
                continue
            return Page(url, reply.status, reply.body, reply.headers.get("content-type"), requests)
        raise Unavailable("the archive kept redirecting")

    async def _turn(self, host: str) -> None:
        """Wait until `host` may be asked again."""
        now = trio.current_time()
        start = max(now, self._next.get(host, now))
        self._next[host] = start + self.interval
        if start > now:
            await trio.sleep_until(start)
