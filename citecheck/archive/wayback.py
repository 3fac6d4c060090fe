"""The Wayback Machine: find a capture in the CDX index, confirm it by replaying it, and fall
back on the Availability API only when the index cannot be asked.

**The index first.** The CDX server says, per capture, what the page answered at the time, so
we can ask for 2xx captures only, in a date window, and see everything the archive has. The
Availability API answers with one capture and is known to answer `{"archived_snapshots": {}}`
for URLs it holds (on a bad day, or for `https://` where the scheme-less URL finds them), so an
empty Availability answer never means "not archived": after a CDX failure it leaves the look-up
`archive-unavailable`.

**Replay confirms.** A capture in the index is not always one replay will serve. We ask for it
with `id_` (the original bytes, without the archive's toolbar) and believe only an answer with a
`Memento-Datetime` header:

* A 2xx memento is the page as captured, unless its text says "page not found" (a soft 404,
  `citecheck.signals`): a capture taken after the page died does not count.
* A memento with any other status is what the *page* answered: an archived 301 is a historical
  redirect (not followed: it is not the source), an archived 404 or 429 is a record of failure
  (reddit's "whoa there, pardner!"), never the archive rate-limiting us.
* An answer without `Memento-Datetime` is the archive speaking: a 302 to the nearest capture it
  can serve (followed, and the capture's real time is what we report, so a redirect out of the
  window shows as `archived-after`), a 404 (nothing to replay), a 200 saying the URL "has been
  excluded from the Wayback Machine" (`archive-excluded`), or another 200 that is not a memento
  at all and proves nothing (`archive-unavailable`).

A few candidates are tried in order (`choose.ranked`), so one unplayable capture does not hide the
next good one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from citecheck import signals
from citecheck.archive import cdx
from citecheck.archive.choose import Choice, end_of, ranked
from citecheck.archive.model import ArchiveResult, Capture, iso
from citecheck.archive.session import Reply, Session, Unavailable

AVAILABILITY_URL = "https://archive.org/wayback/available"
"""The Availability API."""

REPLAY_HOSTS = frozenset({"web.archive.org"})
"""Where an archive redirect during replay may lead."""

SNIFF_BYTES = 256 * 1024
"""How much of a replayed capture is read to look for a not-found page."""

MAX_ARCHIVE_REDIRECTS = 3
"""Redirects to a nearby capture followed during one replay."""

CANDIDATES_BEFORE = 3
"""Captures before the bound tried by replay, at most."""
CANDIDATES_AFTER = 2
"""Captures after the bound tried by replay, at most."""

_REPLAY_PATH = re.compile(r"^/web/(\d{4,14})(?:[a-z]{2}_)?/(.+)$", re.DOTALL)
_EXCLUDED_PAGE = "excluded from the Wayback Machine"


class Excluded(Exception):
    """The Wayback Machine excludes the site (its owner asked, or a robots rule)."""


@dataclass(frozen=True, slots=True)
class Confirmed:
    """Replay served the capture as a 2xx memento."""

    capture: Capture
    """The capture replay served: its real time and URL (perhaps not the one asked for)."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """Replay answered, and what it served is not a good copy of the page."""

    reason: str
    """Why, for a person."""


def _memento_time(reply: Reply) -> datetime | None:
    try:
        return parsedate_to_datetime(reply.headers["memento-datetime"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def split_replay(url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a Wayback replay URL, or None."""
    parts = urlsplit(url)
    if (parts.hostname or "") not in REPLAY_HOSTS:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    match = _REPLAY_PATH.match(path)
    return (match.group(1), match.group(2)) if match else None


async def confirm(session: Session, capture: Capture) -> Confirmed | Rejected:
    """Replay `capture` (see the module docstring); raises `Excluded` or `Unavailable`."""
    url = cdx.replay_url(cdx.timestamp(capture.when), capture.original, raw=True)
    for _ in range(MAX_ARCHIVE_REDIRECTS + 1):
        reply = await session.get("replay", url, max_body=SNIFF_BYTES)
        if reply.memento:
            return _judge_memento(capture, url, reply)
        excluded = cdx.is_excluded(reply.status, dict(reply.headers), reply.text)
        if excluded is not None or (reply.status == 200 and _EXCLUDED_PAGE in reply.text):
            raise Excluded(excluded or f"HTTP {reply.status}: the URL {_EXCLUDED_PAGE}")
        location = reply.headers.get("location")
        if 300 <= reply.status < 400 and location:
            following = urljoin(url, location)
            if split_replay(following) is None:
                return Rejected(f"replay redirected out of the archive, to {following}")
            url = following
            continue
        if reply.status == 404:
            return Rejected(f"replay has no capture at {url} (HTTP 404, no Memento-Datetime)")
        if reply.status == 200:
            raise Unavailable(
                f"replay answered HTTP 200 without Memento-Datetime: {url} is not a memento"
            )
        raise Unavailable(f"replay answered HTTP {reply.status} without Memento-Datetime for {url}")
    return Rejected(f"more than {MAX_ARCHIVE_REDIRECTS} archive redirects from {url}")


def _judge_memento(capture: Capture, url: str, reply: Reply) -> Confirmed | Rejected:
    when = _memento_time(reply)
    if when is None:
        return Rejected(f"unreadable Memento-Datetime {reply.headers['memento-datetime']!r}")
    status = reply.status
    if 300 <= status < 400:
        return Rejected(
            f"the capture of {iso(when)} is an archived HTTP {status} redirect "
            f"to {reply.headers.get('location', '?')} (a historical redirect, not the page)"
        )
    if not 200 <= status < 300:
        return Rejected(
            f"the capture of {iso(when)} is an archived HTTP {status}: what the page answered "
            "then, not the archive"
        )
    stamp_original = split_replay(url)
    original = stamp_original[1] if stamp_original else capture.original
    soft = signals.soft_404(original, original, False, reply.text)
    if soft is not None:
        return Rejected(f"the capture of {iso(when)} is a not-found page: {soft}")
    return Confirmed(
        replace(
            capture,
            when=when,
            original=original,
            status=status,
            url=cdx.replay_url(cdx.timestamp(when), original),
        )
    )


async def search(session: Session, params: dict[str, str], *, max_pages: int = 1) -> cdx.CdxPage:
    """The CDX listing for `params`, following resume keys for up to `max_pages` pages;
    raises `Excluded` or `Unavailable`."""
    captures: list[Capture] = []
    skipped = 0
    resume: str | None = None
    for _ in range(max_pages):
        query = dict(params)
        if resume is not None:
            query["resumeKey"] = resume
        reply = await session.get("cdx", cdx.CDX_URL, params=query)
        excluded = cdx.is_excluded(reply.status, dict(reply.headers), reply.text)
        if excluded is not None:
            raise Excluded(excluded)
        if reply.status != 200:
            raise Unavailable(f"the CDX server answered HTTP {reply.status}")
        try:
            page = (
                cdx.parse_json(reply.text)
                if params.get("output") == "json"
                else cdx.parse_text(reply.text)
            )
        except cdx.CdxFormatError as error:
            raise Unavailable(str(error)) from None
        captures.extend(page.captures)
        skipped += page.skipped
        resume = page.resume_key
        if resume is None:
            break
    return cdx.CdxPage(tuple(captures), resume, skipped)


async def candidates(session: Session, url: str, limit: date | None) -> list[Choice]:
    """The captures to try, in order: the CDX index's last good ones on or before `limit` (or
    the latest), then, when there are none before, its first good ones after."""
    page = await search(session, cdx.lookup_params(url, until=limit))
    choices = ranked(page.captures, limit)
    if limit is not None and not choices:
        later = await search(session, cdx.lookup_params(url, since=limit + timedelta(days=1)))
        choices = ranked(later.captures, limit)
    before = [c for c in choices if not c.after][:CANDIDATES_BEFORE]
    after = [c for c in choices if c.after][:CANDIDATES_AFTER]
    return before + after


async def availability(session: Session, url: str, limit: date | None) -> Capture | None:
    """The Availability API's closest 2xx capture, trying the URL without its scheme when the
    answer is empty; None when both answers are empty. Raises `Unavailable`."""
    tried = [url]
    bare = re.sub(r"^https?://", "", url)
    if bare != url:
        tried.append(bare)
    for query_url in tried:
        params = {"url": query_url}
        if limit is not None:
            params["timestamp"] = cdx.timestamp(limit)[:8]
        reply = await session.get("availability", AVAILABILITY_URL, params=params)
        if reply.status != 200:
            raise Unavailable(f"the Availability API answered HTTP {reply.status}")
        try:
            data = json.loads(reply.text)
            closest = data["archived_snapshots"].get("closest") or {}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise Unavailable("the Availability API's answer is not the documented JSON") from None
        if not closest or not closest.get("available"):
            continue
        split = split_replay(str(closest.get("url", "")))
        when = cdx.parse_timestamp(str(closest.get("timestamp", "")))
        status = str(closest.get("status", ""))
        if split is None or when is None:
            continue
        capture = Capture(
            when=when,
            original=split[1],
            source="wayback",
            status=int(status) if status.isdigit() else None,
            url=cdx.replay_url(split[0], split[1]),
        )
        if capture.counts:
            return capture
    return None


async def lookup(session: Session, url: str, limit: date | None) -> ArchiveResult:
    """The Wayback Machine's best capture of `url` for the bound `limit`; never raises for what
    the network or the archive does."""
    try:
        try:
            choices = await candidates(session, url, limit)
        except Unavailable as error:
            return await _fallback(session, url, limit, f"CDX: {error}")
        if not choices:
            return ArchiveResult(
                "not-archived", "wayback: the CDX index lists no capture that answered 2xx"
            )
        return await _replay_first(session, choices, limit)
    except Excluded as error:
        return ArchiveResult(
            "archive-excluded", f"wayback: the site is excluded: {error}", source="wayback"
        )


def _found(capture: Capture, limit: date | None, how: str) -> ArchiveResult:
    after = limit is not None and capture.when > end_of(limit)
    return ArchiveResult(
        "archived-after" if after else "archived",
        f"wayback: {how}" + (f"; captured after {limit.isoformat()}" if after and limit else ""),
        url=capture.url,
        timestamp=iso(capture.when),
        source="wayback",
    )


async def _replay_first(
    session: Session, choices: list[Choice], limit: date | None
) -> ArchiveResult:
    later: ArchiveResult | None = None
    problems: list[str] = []
    unavailable = False
    for choice in choices:
        try:
            verdict = await confirm(session, choice.capture)
        except Unavailable as error:
            problems.append(str(error))
            unavailable = True
            continue
        if isinstance(verdict, Rejected):
            problems.append(verdict.reason)
            continue
        result = _found(verdict.capture, limit, "confirmed by replay (Memento-Datetime)")
        if result.status == "archived":
            return result
        if later is None:
            later = result
        if choice.after:
            break  # the earliest good capture after the bound: nothing better follows
    if later is not None:
        return later
    detail = "; ".join(problems)
    if unavailable:
        return ArchiveResult("archive-unavailable", f"wayback: could not replay: {detail}")
    return ArchiveResult(
        "not-archived", f"wayback: {len(choices)} listed capture(s), none a good copy: {detail}"
    )


async def _fallback(session: Session, url: str, limit: date | None, why: str) -> ArchiveResult:
    """The CDX index could not be asked: the Availability API, whose capture is confirmed by
    replay too, and whose empty answer proves nothing."""
    try:
        capture = await availability(session, url, limit)
    except Unavailable as error:
        return ArchiveResult("archive-unavailable", f"wayback: {why}; Availability: {error}")
    if capture is None:
        return ArchiveResult(
            "archive-unavailable",
            f"wayback: {why}; the Availability API answered empty, which does not mean "
            "not archived",
        )
    try:
        verdict = await confirm(session, capture)
    except Unavailable as error:
        return ArchiveResult("archive-unavailable", f"wayback: {why}; replay: {error}")
    if isinstance(verdict, Rejected):
        return ArchiveResult(
            "archive-unavailable", f"wayback: {why}; the Availability capture: {verdict.reason}"
        )
    return _found(verdict.capture, limit, f"found by the Availability API ({why})")
