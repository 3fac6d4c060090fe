"""The `check` command's archive and cassette flags: `--archives`, `--no-archive`, `--save`,
`--dry-run`, `--replay`, `--record` (docs/archive.md, docs/cli.md)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from citecheck.cli import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import httpx

    from citecheck.archiving import ArchiveOptions
    from citecheck.settings import FetchSettings


def add_flags(add: Callable[..., Any]) -> None:
    """Add the flags to the `check` parser (`add` is its `add_argument`)."""
    add(
        "--archives",
        metavar="LIST",
        default="wayback,archive-today,memento",
        help="web archives to look up, in order, comma-separated: wayback, archive-today, "
        "memento (default: all three)",
    )
    add("--no-archive", action="store_true", help="do not look up web archives")
    add(
        "--save",
        action="store_true",
        help="ask the Wayback Machine's Save Page Now to capture live sources no archive "
        "holds (needs CITECHECK_IA_ACCESS_KEY and CITECHECK_IA_SECRET_KEY)",
    )
    add(
        "--dry-run",
        action="store_true",
        help="with --save: only list what would be saved",
    )
    add(
        "--replay",
        metavar="CASSETTE",
        action="append",
        default=[],
        help="answer every request from this recorded cassette (vcrpy YAML; repeatable): "
        "no network; a request it does not hold is reported unreachable",
    )
    add(
        "--record",
        metavar="CASSETTE",
        help="record every request and answer of this run into CASSETTE (vcrpy YAML), for "
        "--replay later",
    )


def archive_options(options: argparse.Namespace) -> ArchiveOptions | None:
    """What to ask of the archives; None with `--no-archive`. Raises UsageError."""
    if options.dry_run and not options.save:
        raise UsageError("--dry-run goes with --save")
    if options.no_archive:
        if options.save:
            raise UsageError("--save needs the archives: drop --no-archive")
        return None
    from citecheck.archive import credentials_from, parse_archives
    from citecheck.archiving import ArchiveOptions

    try:
        chosen = parse_archives(options.archives)
    except ValueError as error:
        raise UsageError(f"--archives: {error}") from None
    credentials = None
    if options.save and not options.dry_run:
        try:
            credentials = credentials_from(os.environ)
        except ValueError as error:
            raise UsageError(f"--save: {error}") from None
    # A replayed run asks no archive: nothing to be polite to, so it need not wait.
    paced = not options.replay
    return ArchiveOptions(chosen, options.save, options.dry_run, credentials, paced)


def transport(
    options: argparse.Namespace, settings: FetchSettings
) -> httpx.AsyncBaseTransport | None:
    """The transport `--replay` or `--record` asks for; None for the network as it is.
    Raises UsageError for both at once or a cassette that cannot be read."""
    if options.replay and options.record:
        raise UsageError("--replay and --record cannot go together")
    if not options.replay and not options.record:
        return None
    from citecheck.cassette import CassetteError, RecordingTransport, ReplayTransport

    if options.replay:
        try:
            return ReplayTransport(*options.replay)
        except CassetteError as error:
            raise UsageError(f"--replay: {error}") from None
    from citecheck.fetch import PoolTransport, ssl_context

    inner = PoolTransport(settings, context=ssl_context(settings.cacerts))
    return RecordingTransport(inner, options.record)


def cassette_errors(options: argparse.Namespace) -> tuple[type[Exception], ...]:
    """The exceptions a run with these options may raise for its cassette (writing one that
    `--record` names): none without one, so that cassettes are not imported for nothing."""
    if not options.record:
        return ()
    from citecheck.cassette import CassetteError

    return (CassetteError,)
