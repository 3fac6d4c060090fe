"""The command line: argv -> options -> run -> output -> exit code.

Thin by design. Heavy modules (rich, markdown-it) are imported only once a command runs, so that
`citecheck --version` and `--help` answer at once.

Exit codes (docs/cli.md): 0 all inputs read (and, for `check`, no finding at or above the
failure threshold); 1 such findings; 2 a usage error, an input that could not be read, output
that could not be written, or a `check` run that found itself offline. This is the one place
exceptions become exit codes (`cli_check.py` holds the `check` command's flags and run).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence

from citecheck._version import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs --version 9 ms

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from typing import NoReturn

    from citecheck.config import Config
    from citecheck.model import CheckReport, ExtractReport, Kind
    from citecheck.publishers import Registry
    from citecheck.report.json import Prepared

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class UsageError(Exception):
    """The command line asks for something that cannot be done; exit code 2."""


def _inputs(*, fix: bool = False) -> argparse.ArgumentParser:
    """The flags `extract` and `check` share: what to read and which citations to report.
    `fix` takes them too but for `--format` (it prints a diff) and `--min-confidence` (its own
    has another meaning)."""
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories (recursive), globs, or - for standard input",
    )
    common.add_argument("--files-from", metavar="FILE", help="read more inputs, one per line")
    common.add_argument(
        "--changed-since",
        metavar="REV",
        help="read only the files that differ from git revision REV (committed, uncommitted or "
        "untracked and not ignored); with no PATH, those under the current directory",
    )
    common.add_argument(
        "--exclude-path",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not read input files matching this glob: a name without / matches a file or "
        "directory anywhere, a path with / the whole relative path, ** any directories "
        "(repeatable)",
    )
    common.add_argument(
        "--exclude-path-regex",
        action="append",
        default=[],
        metavar="REGEX",
        help="do not read input files whose relative path matches this regular expression "
        "(repeatable)",
    )
    if not fix:
        common.add_argument(
            "--format",
            choices=("table", "json", "sarif", "markdown", "junit", "github", "html"),
            default="table",
            help="output format: table or json; for check also sarif, markdown, junit, github "
            "(workflow-command annotations) and html (default: table)",
        )
    common.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE")
    common.add_argument(
        "--base-url",
        metavar="URL",
        help="resolve relative links against this absolute URL (else they are local links)",
    )
    common.add_argument(
        "--include-code",
        action="store_true",
        help="also report URLs inside code spans and code blocks",
    )
    common.add_argument(
        "--extensions",
        metavar="LIST",
        help="comma-separated file suffixes taken from directories "
        "(default: .md,.markdown,.html,.htm,.txt)",
    )
    common.add_argument(
        "--input-format",
        choices=("auto", "markdown", "html", "text"),
        default="auto",
        help="read every input as this format (default: by file suffix)",
    )
    common.add_argument(
        "--encoding",
        metavar="NAME",
        help="decode every input with this encoding (default: detect)",
    )
    if not fix:
        common.add_argument(
            "--min-confidence",
            metavar="X",
            default="0",
            help="report only citations found with at least this confidence, 0-1 (default: 0)",
        )
    common.add_argument(
        "--kind",
        metavar="LIST",
        help="report only these kinds, comma-separated: link, reference, credit, republication, "
        "quote (default: all)",
    )
    common.add_argument(
        "--all-links",
        action="store_true",
        help="also report what lies outside an HTML page's article body (navigation, footers, "
        'related stories), marked "role": "boilerplate"',
    )
    common.add_argument(
        "--scare-quotes",
        action="store_true",
        help="also report scare quotes (words in quotation marks that quote no one)",
    )
    common.add_argument(
        "--config",
        metavar="FILE",
        help="read this configuration file (default: $CITECHECK_CONFIG, else ./citecheck.toml, "
        "else [tool.citecheck] in ./pyproject.toml); flags win over it, docs/config.md",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    # Imported here, not above: `main` forks the checking workers before this (`_spares`), and
    # they need none of it (0.01 s sooner).
    import argparse

    parser = argparse.ArgumentParser(
        prog="citecheck",
        description="Verify the sources an article cites: what it cites, whether each source "
        "exists, is archived, and says what the article claims.",
        epilog="Run 'citecheck COMMAND --help' for a command's options. Docs: docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"citecheck {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = _inputs()
    commands.add_parser(
        "extract",
        parents=[common],
        help="list every citation in the inputs, with its position (no network)",
        description="List every citation in the inputs, with its file, line and column. "
        "Reads Markdown, HTML and plain text; never touches the network.",
    )
    check = commands.add_parser(
        "check",
        parents=[common],
        help="extract as extract does, then check every link (network)",
        description="Extract every citation as 'extract' does, then check every link: one "
        "request per distinct URL, local files on disk. Statuses: docs/outcomes.md.",
    )
    from citecheck.cli_check import add_check_arguments

    add_check_arguments(check)
    from citecheck.cli_fix import add_command as add_fix

    add_fix(commands, _inputs(fix=True))
    from citecheck.cli_cache import add_command

    add_command(commands)
    return parser


def confidence(value: str) -> float:
    """`--min-confidence` as a number between 0 and 1."""
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"--min-confidence: {value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise UsageError(f"--min-confidence: {value} is not between 0 and 1")
    return number


_KINDS = ("link", "reference", "credit", "republication", "quote")


def kinds(value: str | None) -> list[Kind] | None:
    """`--kind` as a list of kinds; None for all."""
    if value is None:
        return None
    chosen: list[Kind] = []
    for item in (item.strip() for item in value.split(",")):
        if item not in _KINDS:
            raise UsageError(f"--kind: unknown kind {item!r} (known: {', '.join(_KINDS)})")
        chosen.append(item)  # type: ignore[arg-type]  # checked against _KINDS just above
    return chosen


def registry(config: Config) -> Registry | None:
    """The publisher registry extended by the configuration file; None for the built-in one
    (built when first needed: a rerun whose documents the cache knows may never need it)."""
    if not config.publishers:
        return None
    from citecheck.publishers import RegistryError, default_registry

    try:
        return default_registry().extended(config.publishers)
    except RegistryError as error:
        raise UsageError(f"{config.path}: {error}") from None


def base_url(value: str | None) -> str | None:
    """`--base-url`, checked to be an absolute http(s) or file URL."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError as error:
        raise UsageError(f"--base-url {value!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.path):
        raise UsageError(f"--base-url {value!r} must be an absolute http(s) or file URL")
    return value


def extensions(value: str | None) -> tuple[str, ...]:
    """The suffixes to take from directories; `collect` adds dots and lowers the case."""
    from citecheck.collect import DEFAULT_EXTENSIONS

    if value is None:
        return DEFAULT_EXTENSIONS
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    if not items:
        raise UsageError("--extensions needs at least one suffix, such as .md")
    return items


def path_excludes(options: argparse.Namespace) -> tuple[list[str], list[str]]:
    """`--exclude-path-regex` and `--exclude-path`, checked: the `exclude_paths` and
    `exclude_path_globs` of `extract_paths` and `check_paths`."""
    from citecheck.globs import path_exclusions

    regexes, globs = options.exclude_path_regex, options.exclude_path
    patterns(path_exclusions, regexes, globs, "--exclude-path-regex")
    return regexes, globs


def patterns(
    build: Callable[[list[str], list[str]], object],
    regexes: list[str],
    globs: list[str],
    regex_flag: str,
) -> None:
    """Check exclusion patterns by building them (`globs.url_exclusions`, `path_exclusions`);
    a bad one is a usage error naming its flag."""
    import re

    try:
        build(regexes, globs)
    except re.error as error:
        raise UsageError(
            f"{regex_flag} {error.pattern!r}: not a regular expression: {error}"
        ) from None
    except ValueError as error:
        raise UsageError(str(error)) from None


def _run_extract(options: argparse.Namespace) -> int:
    from citecheck.collect import InputError
    from citecheck.run import extract_paths

    if not options.paths and not options.files_from and options.changed_since is None:
        raise UsageError("nothing to read: name a file, a directory, a glob, or - for stdin")
    if options.format not in ("table", "json"):
        raise UsageError(f"--format {options.format} is for check; extract writes table or json")
    input_format = None if options.input_format == "auto" else options.input_format
    chosen_registry = registry(options.configuration)
    chosen_kinds = kinds(options.kind)
    min_confidence = confidence(options.min_confidence)
    path_regexes, path_globs = path_excludes(options)
    try:
        report = extract_paths(
            options.paths,
            files_from=options.files_from,
            base_url=base_url(options.base_url),
            include_code=options.include_code,
            extensions=extensions(options.extensions),
            input_format=input_format,
            encoding=options.encoding,
            stdin=sys.stdin.buffer,
            registry=chosen_registry,
            min_confidence=min_confidence,
            all_links=options.all_links,
            scare_quotes=options.scare_quotes,
            kinds=chosen_kinds,
            changed_since=options.changed_since,
            exclude_paths=path_regexes,
            exclude_path_globs=path_globs,
        )
    except InputError as error:
        raise UsageError(str(error)) from None
    output(report, options)
    nothing_changed(report, options)
    if report.problems:
        from citecheck.report.safe import terminal_safe

        for problem in report.problems:
            print(f"citecheck: {terminal_safe(problem.message)}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def nothing_changed(report: ExtractReport | CheckReport, options: argparse.Namespace) -> None:
    """Say so when `--changed-since` left nothing to read: a clean run, but an empty report
    should not pass for a check of the whole article repository."""
    if options.changed_since is not None and not report.documents and not report.problems:
        from citecheck.report.safe import terminal_safe

        since = terminal_safe(options.changed_since)
        print(f"citecheck: no document changed since {since}", file=sys.stderr)


def output(
    report: ExtractReport | CheckReport,
    options: argparse.Namespace,
    prepared: Prepared | None = None,
) -> None:
    """Print or write the report in the chosen format (JSON with what `prepared` made)."""
    if options.format == "json":
        from citecheck.report import json as json_report

        _write(json_report.chunks(report, prepared), options.output)
        return
    from citecheck.report import table

    if options.output is not None:
        _write(table.render(report, color=False), options.output)
        return
    from rich.console import Console

    Console(highlight=False).print(table.renderable(report))


def _write(text: str | bytes | Iterable[bytes], path: str | None) -> None:
    """Write a report to `path` (standard output for None or "-"); given in pieces, it is
    written in blocks of pieces (`json.chunks`, a piece a citation: `_blocks`)."""
    if isinstance(text, str):
        pieces: Iterable[bytes] = (text.encode("utf-8", "surrogatepass"),)
    elif isinstance(text, bytes):
        pieces = (text,)
    else:
        pieces = _blocks(text)
    if path is None or path == "-":
        sys.stdout.flush()
        for piece in pieces:
            sys.stdout.buffer.write(piece)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


_BLOCK = 1 << 14
"""Bytes gathered before a write (`_blocks`): fewer writes, and each well within a pipe's
64 KB (a write of 64 KB or more into a pipe waits for its reader, and took longer in all)."""


def _blocks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """`pieces` joined into blocks of at least `_BLOCK` bytes (the last may be smaller). With
    `PYTHONUNBUFFERED` set (as CI runners and container images often have it), standard output
    has no buffer of its own, and every piece was a system call: 6,250 for the JSON of the
    benchmark's 5,000 links. Into a pipe read by another Python process, 8.1 ms -> 4.9 ms
    (median of 7)."""
    block: list[bytes] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= _BLOCK:
            yield b"".join(block)
            block.clear()
            size = 0
    if block:
        yield b"".join(block)


def run() -> NoReturn:
    """The `citecheck` command: `main`, then the process ends without the interpreter's
    teardown. A run ends holding a few hundred thousand small objects (citations, plans,
    outcomes), and freeing them one by one takes 0.04 s of a one-second rerun. Nothing is lost:
    by the time `main` returns, the cache is closed and the workers have stopped, and the output
    is flushed here. (An exception that escapes `main` ends the process the usual way.)"""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # the reader went away: nothing more can be told
        pass
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run citecheck; return the exit code."""
    # A run makes many small objects that live until it ends (citations, plans, outcomes), and
    # the default thresholds scan the young ones every 700 allocations: about a tenth of a
    # rerun that the cache answers. Cycles are still collected, less often.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        with _spares(sys.argv[1:] if argv is None else argv):
            return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C, whenever it comes (the spares are stopped by then)
        return 130
    finally:
        gc.set_threshold(*thresholds)


_CHECKING = frozenset({"check", "fix"})
"""The commands that check links (`fix` checks before it rewrites)."""
_NO_SPARES = frozenset({"-h", "--help", "--record", "--replay"})
"""Their flags with which no checking worker is forked ahead (help; a cassette's links are
checked in this process)."""


def _spares(args: Sequence[str]) -> AbstractContextManager[None]:
    """For `check` and `fix`, their checking workers, forked first, before this process imports
    and reads anything else: they import the HTTP stack (a quarter of a second of trio and
    httpx) while it parses the command line, reads the configuration and extracts the first
    links (`shards.spares`). As many as `--workers` makes by default; `check_paths` forks more
    if asked for more, and those it does not use are stopped: as soon as it has what it
    needs (a configuration file's smaller `workers`, a rerun the cache answers), or when the
    run ends (`--max-concurrency 1`, a configuration file's cassette). The command line is
    only glanced at here: a spare is never more than a head start."""
    if not args or args[0] not in _CHECKING or any(a.split("=")[0] in _NO_SPARES for a in args):
        from contextlib import nullcontext

        return nullcontext()
    from citecheck.shards import processes, spares

    return spares(processes(os.cpu_count() or 1, None, None)[0])


def _main(argv: Sequence[str] | None) -> int:
    from citecheck import cli_config

    parser = _parser()
    defaults = cli_config.detach_defaults(parser)
    options = parser.parse_args(argv)
    if options.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        options.configuration = cli_config.apply(parser, options, defaults)
        if options.command == "check":
            from citecheck.cli_check import run_check

            return run_check(options)
        if options.command == "fix":
            from citecheck.cli_fix import run_fix

            return run_fix(options)
        if options.command == "cache":
            from citecheck.cli_cache import run_cache

            return run_cache(options)
        return _run_extract(options)
    except UsageError as error:
        print(f"citecheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`citecheck extract … | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
