"""The cache on the command line: `check`'s cache flags, and `citecheck cache stats|clear|prune`
(docs/cache.md)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citecheck.cli import EXIT_OK, UsageError

if TYPE_CHECKING:
    from citecheck.caching import CacheOptions

ENV_DIR = "CITECHECK_CACHE_DIR"
"""The environment variable that names the cache directory when `--cache-dir` does not."""

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[smhdw]?)")


def add_flags(add: Callable[..., Any]) -> None:
    """`check`'s cache flags."""
    add(
        "--no-cache",
        action="store_true",
        help="neither use nor update the result cache; verdicts are one-run (as "
        "--confirm-dead now). --record and --replay imply it",
    )
    add_dir_flag(add)
    add(
        "--confirm-dead",
        metavar="COUNT/DAYS",
        default="3/3",
        help="call a link dead only after COUNT failed checks at least DAYS days apart; "
        "before that it is 'failing' (default: 3/3; 'now' for one-run verdicts)",
    )
    add(
        "--cache-ttl",
        action="append",
        default=[],
        metavar="STATUS=DURATION",
        help="how long a stored result is used instead of a request, per status, 'archive', "
        "'resolved'/'unresolved' for searches of unlinked citations, or 'page' for what was read "
        "of cited pages (such as ok=7d, dead=12h, archive=30d, unresolved=6h, page=2d; 0 never; "
        "repeatable)",
    )


def add_dir_flag(add: Callable[..., Any]) -> None:
    add(
        "--cache-dir",
        metavar="DIR",
        help=f"where the cache lives (default: ${ENV_DIR}, else the user cache directory)",
    )


def directory(value: str | None) -> Path:
    """The cache directory: the flag, else the environment, else the user cache directory."""
    if value:
        return Path(value)
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    from citecheck.cache import default_dir

    return default_dir()


def duration(text: str) -> float:
    """`7d`, `12h`, `30m`, `90s`, `2w`, `3600` (seconds) as seconds. Raises ValueError."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a duration (such as 7d, 12h, 30m, 0)")
    return float(match["number"]) * _UNITS[match["unit"] or "s"]


def ttl(values: list[str]) -> dict[str, float]:
    """`--cache-ttl` values as seconds by status (or `archive`, `resolved`, `unresolved`, `page`:
    every key of `DEFAULT_TTL`; `unavailable` is none, since such a search is never kept)."""
    if not values:
        return {}  # (without importing the cache, which a run with `--no-cache` never needs)
    from citecheck.cache import DEFAULT_TTL
    from citecheck.model import STATUSES

    known = sorted({*DEFAULT_TTL, *STATUSES})
    result: dict[str, float] = {}
    for value in values:
        name, sep, amount = value.partition("=")
        name = name.strip()
        if not sep or name not in known:
            raise UsageError(
                f"--cache-ttl {value!r}: expected STATUS=DURATION with STATUS one of "
                f"{', '.join(known)}"
            )
        try:
            result[name] = duration(amount)
        except ValueError as error:
            raise UsageError(f"--cache-ttl {value!r}: {error}") from None
    return result


def cache_options(options: argparse.Namespace) -> CacheOptions | None:
    """What `check` asks of the cache; None with `--no-cache`."""
    from citecheck.confirm import parse_rule

    try:
        rule = parse_rule(options.confirm_dead)
    except ValueError as error:
        raise UsageError(str(error)) from None
    lifetimes = ttl(options.cache_ttl)
    if options.no_cache or options.record or options.replay:
        # A cassette is the whole truth of a recorded run: the cache would answer requests the
        # recording then lacks, or answers the replay never gives.
        return None
    from citecheck.caching import CacheOptions

    return CacheOptions(directory(options.cache_dir), lifetimes, rule)


def cache_errors(options: CacheOptions | None) -> tuple[type[Exception], ...]:
    """The exceptions a run with the cache `options` may raise for its cache: none without one,
    so that the cache's modules are not imported for nothing (a cold `--no-cache` run starts
    its checking worker sooner)."""
    if options is None:
        return ()
    from citecheck.cache import CacheError

    return (CacheError,)


def add_command(commands: Any) -> None:
    """`citecheck cache stats|clear|prune`."""
    parser = commands.add_parser(
        "cache",
        help="show, clear or prune the result cache",
        description="Show what the result cache holds (stats), empty it (clear), or drop what "
        "can no longer be used (prune). docs/cache.md.",
    )
    parser.add_argument("action", choices=("stats", "clear", "prune"), help="what to do")
    add_dir_flag(parser.add_argument)
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format for stats"
    )


def run_cache(options: argparse.Namespace) -> int:
    """Run `citecheck cache ACTION`."""
    from citecheck.cache import Cache, CacheError

    path = directory(options.cache_dir)
    try:
        with Cache(path) as cache:
            for note in cache.notes:
                print(f"citecheck: {note}", file=sys.stderr)
            if options.action == "clear":
                removed = cache.clear()
                print(f"cleared {cache.path}: {removed} entries removed")
            elif options.action == "prune":
                pruned = cache.prune()
                print(
                    f"pruned {cache.path}: {pruned.outcomes} results, {pruned.archives} archive "
                    f"records, {pruned.resolutions} citation searches, {pruned.pages} pages read, "
                    f"{pruned.failures} failed checks and {pruned.documents} document "
                    "extractions removed"
                )
            else:
                _stats(cache, options.format)
    except CacheError as error:
        raise UsageError(str(error)) from None
    return EXIT_OK


def _stats(cache: Any, format: str) -> None:
    from citecheck.confirm import day

    stats = cache.stats()
    if format == "json":
        from citecheck.report.json import dumps

        sys.stdout.write(
            dumps(
                {
                    "path": str(stats.path),
                    "size": stats.size,
                    "schema_version": stats.schema_version,
                    "results": dict(sorted(stats.outcomes.items())),
                    "fresh": stats.fresh,
                    "stale": stats.stale,
                    "archives": stats.archives,
                    "documents": stats.documents,
                    "resolutions": dict(sorted(stats.resolutions.items())),
                    "resolutions_fresh": stats.resolutions_fresh,
                    "pages": stats.pages,
                    "pages_fresh": stats.pages_fresh,
                    "failing": stats.failing,
                    "failures": stats.failures,
                    "oldest": stats.oldest,
                    "newest": stats.newest,
                }
            )
        )
        return
    total = sum(stats.outcomes.values())
    lines = [
        f"cache:     {stats.path} ({stats.size / 1e6:.1f} MB, schema {stats.schema_version})",
        f"results:   {total} ({stats.fresh} fresh, {stats.stale} stale)",
    ]
    lines += [f"  {status}: {count}" for status, count in sorted(stats.outcomes.items())]
    lines.append(f"archives:  {stats.archives} records")
    lines.append(f"documents: {stats.documents} extractions")
    searched = sum(stats.resolutions.values())
    fresh = stats.resolutions_fresh
    lines.append(
        f"searches:  {searched} citation searches ({fresh} fresh, {searched - fresh} stale)"
    )
    lines += [f"  {status}: {count}" for status, count in sorted(stats.resolutions.items())]
    read = stats.pages_fresh
    lines.append(f"pages:     {stats.pages} pages read ({read} fresh, {stats.pages - read} stale)")
    lines.append(f"history:   {stats.failing} URLs with {stats.failures} failed checks")
    if stats.oldest is not None and stats.newest is not None:
        lines.append(f"checked:   {day(stats.oldest)} to {day(stats.newest)}")
    print("\n".join(lines))
