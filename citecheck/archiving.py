"""Archives for `check`: once the links are checked, the best snapshot of every requested source
and, with `--save`, a new capture of live sources that have none (docs/archive.md).

The look-ups run in this process, in one trio run with one client and one `Pacer`, after the
checking workers are done: the archives' rate limits are per client, not per worker, and a
look-up is by (URL, cited date, article date), so each is made once however many citations
share it (`Archives` keeps an in-run memo). They go through the same guarded transport as the
checking (`--connect-to`, the private-address guard), or a cassette's under `--replay` and
`--record`. A run that found itself offline asks no archive: every look-up would fail the same
way, and is reported as `archive-unavailable`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import httpx
import trio

from citecheck.archive import ArchiveName, ArchiveResult, Archives, parse_cited

# From its module, not the package: the package's lazy names would give the module
# `citecheck.archive.save` for `save` once anything had imported that module.
from citecheck.archive.save import Credentials, SaveResult, save, should_save
from citecheck.archive.session import run_session
from citecheck.settings import FetchSettings

Key = tuple[str, date | None, date | None]
"""A look-up: the URL, the date the article cites for it, the article's own date."""


@dataclass(frozen=True, slots=True)
class ArchiveOptions:
    """What `check` asks of the archives."""

    archives: tuple[ArchiveName, ...]
    """Which archives, in order; empty: no look-ups (`--no-archive`)."""
    save: bool = False
    """Ask Save Page Now to capture live sources with no snapshot (`--save`)."""
    dry_run: bool = False
    """With `save`: only say what would be saved."""
    credentials: Credentials | None = None
    """Save Page Now's keys (required with `save` unless `dry_run`)."""
    paced: bool = True
    """Keep to the archives' rate limits; off only when no archive is asked (`--replay`)."""


def key_for(url: str, cited: str | None, article: str | None) -> Key:
    """The look-up for a source at `url` cited with the date `cited` in an article dated
    `article` (ISO partial dates, as extraction writes them)."""
    return (url, parse_cited(cited), parse_cited(article))


UNAVAILABLE_OFFLINE = ArchiveResult(
    "archive-unavailable", "not asked: the run is offline (no network)"
)


def look_up(
    wanted: Sequence[tuple[Key, str | None]],
    options: ArchiveOptions,
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    offline: bool = False,
    known: Mapping[Key, ArchiveResult] | None = None,
) -> tuple[dict[Key, ArchiveResult], dict[str, SaveResult]]:
    """Each look-up's result, and what was saved (by URL). `wanted` pairs each look-up with the
    live status of its source (for `--save`); `known` holds results already known (the
    cache's), which are not asked again."""
    if not options.archives or not wanted:
        return {}, {}
    known = known or {}
    if offline:
        return {key: known.get(key, UNAVAILABLE_OFFLINE) for key, _ in wanted}, {}
    results: dict[Key, ArchiveResult] = dict(known)
    saved: dict[str, SaveResult] = {}
    if all(key in known for key, _ in wanted) and not options.save:
        return results, saved
    trio.run(_look_up, wanted, options, settings, transport, results, saved)
    return results, saved


async def _look_up(
    wanted: Sequence[tuple[Key, str | None]],
    options: ArchiveOptions,
    settings: FetchSettings,
    transport: httpx.AsyncBaseTransport | None,
    results: dict[Key, ArchiveResult],
    saved: dict[str, SaveResult],
) -> None:
    from citecheck.fetch import make_client

    async with make_client(settings, transport=transport) as client:
        session = run_session(client, settings.user_agent, settings.timeout, paced=options.paced)
        archives = Archives(session, archives=options.archives)
        live: dict[str, str | None] = {}

        async def one(key: Key) -> None:
            url, cited, article = key
            results[key] = await archives.find(url, cited=cited, article=article)

        started: set[Key] = set(results)
        async with trio.open_nursery() as nursery:
            for key, status in wanted:
                live.setdefault(key[0], status)
                if key not in started:
                    started.add(key)
                    nursery.start_soon(one, key)
        if not options.save:
            return
        to_save = sorted(
            {key[0] for key, result in results.items() if should_save(live.get(key[0]), result)}
        )
        for url in to_save:
            saved[url] = await save(session, url, options.credentials, dry_run=options.dry_run)
