"""The `check` command's flags and its run: argv options -> settings -> `check_paths` -> exit code.

Split from cli.py so that each stays small; like it, this module imports nothing heavy until a
command runs (httpx and trio load only inside `run_check`, through `citecheck.check`).
"""

from __future__ import annotations

import argparse
import sys

from citecheck.cli import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    UsageError,
    base_url,
    confidence,
    extensions,
    kinds,
    nothing_changed,
    path_excludes,
    patterns,
    registry,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from citecheck.model import CheckReport
    from citecheck.report.json import Prepared
    from citecheck.run import Extraction
    from citecheck.settings import FetchSettings


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is below {minimum}")
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a duration")
    return value


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags only `check` has (the input and extraction flags are shared with `extract`)."""
    fetch = parser.add_argument_group("checking")
    add = fetch.add_argument
    add(
        "--max-concurrency",
        type=_count(1),
        default=128,
        metavar="N",
        help="requests in flight at once, over all hosts (default: 128)",
    )
    add(
        "--host-concurrency",
        type=_count(1),
        default=8,
        metavar="N",
        help="requests in flight at once to one host, grouped by registrable domain (default: 8)",
    )
    add(
        "--host-interval",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="least time between two requests to one host (default: 0)",
    )
    add(
        "--retries",
        type=_count(0),
        default=3,
        metavar="N",
        help="further attempts after a timeout, reset, 5xx or 429 (default: 3)",
    )
    add(
        "--max-rate-limit-wait",
        type=_seconds,
        default=180.0,
        metavar="SECONDS",
        help="pauses the 429s of one host may cost a run; then its links are not asked again"
        " and are rate-limited (default: 180, the 3 retries of one link at Retry-After's cap)",
    )
    add(
        "--timeout",
        type=_seconds,
        default=20.0,
        metavar="SECONDS",
        help="time one request may take, answer and body read included (default: 20)",
    )
    add(
        "--user-agent",
        metavar="UA",
        help="the User-Agent to send (default: citecheck/VERSION (+project URL))",
    )
    add(
        "--host-user-agent",
        action="append",
        default=[],
        metavar="HOST=UA",
        help="the User-Agent for HOST and its subdomains (repeatable)",
    )
    add(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="also send this request header to every host (repeatable; per host in the "
        "configuration file's [hosts] tables)",
    )
    add(
        "--accept",
        metavar="CODES",
        help="HTTP status codes that count as ok, such as 403,500-503 (default: none; per host "
        "in the configuration file's [hosts] tables)",
    )
    add(
        "--method",
        choices=("auto", "get"),
        default="auto",
        help="auto: HEAD first, GET when HEAD is refused or unhelpful; get: always GET and read "
        "the page, so soft 404s and bot walls are seen on every page (default: auto)",
    )
    add(
        "--max-body-size",
        default="5M",
        metavar="SIZE",
        help="the most of a body read, e.g. 5M, 512k (default: 5M)",
    )
    add(
        "--check-fragments",
        action="store_true",
        help="check that #fragments exist on the page or file (HTML ids and names, Markdown "
        "headings)",
    )
    add(
        "--exclude",
        action="append",
        default=[],
        metavar="REGEX",
        help="do not check links matching this regular expression; they are reported "
        "`excluded` (repeatable)",
    )
    add(
        "--exclude-glob",
        action="append",
        default=[],
        metavar="GLOB",
        help="do not check links matching this glob (* within a path segment, ** across; "
        "without a scheme it matches from the host on); reported `excluded` (repeatable)",
    )
    add(
        "--connect-to",
        action="append",
        default=[],
        metavar="HOST1:PORT1:HOST2:PORT2",
        help="connect to HOST2:PORT2 for HOST1:PORT1, keeping the URL, Host header and TLS name "
        "(curl's meaning; empty parts match any; repeatable)",
    )
    add(
        "--cacert",
        action="append",
        default=[],
        metavar="FILE",
        help="also trust the CA certificates in FILE (PEM; repeatable)",
    )
    add(
        "--allow-private",
        action="store_true",
        help="allow private, loopback and link-local addresses (refused by default)",
    )
    add(
        "--fail-on",
        metavar="LIST",
        help="codes that make the exit code 1, comma-separated: statuses, verification "
        "problems, unresolved, or the severities error, warning, note (each with the worse "
        "ones); or none (default: error, that is dead,soft-404,invalid-url,fragment-missing)",
    )
    add(
        "--warn-only",
        action="store_true",
        help="report every finding as a warning and exit 0 for findings (the same as --fail-on "
        "none); a run that could not check still exits 2",
    )
    add(
        "--jobs",
        type=_count(1),
        metavar="N",
        help="processes that extract documents, this one included "
        "(default: the CPUs the --workers leave, at least 1)",
    )
    add(
        "--workers",
        type=_count(1),
        metavar="N",
        help="processes that check links while this one extracts, each with its own hosts "
        "(grouped by registrable domain); --max-concurrency is divided among them "
        "(default: half the CPUs, at least 1)",
    )
    add(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="a progress bar on standard error: auto shows it only on a terminal (default: auto)",
    )
    from citecheck import cli_archive, cli_cache, cli_output, cli_resolve

    cli_output.add_flags(add)
    cli_cache.add_flags(add)
    cli_archive.add_flags(add)
    cli_resolve.add_flags(add)


def _settings(options: argparse.Namespace) -> FetchSettings:
    from citecheck.settings import (
        DEFAULT_USER_AGENT,
        FetchSettings,
        parse_accept,
        parse_connect_to,
        parse_header,
        parse_host_user_agent,
        parse_size,
    )

    try:
        return FetchSettings(
            max_concurrency=options.max_concurrency,
            host_concurrency=options.host_concurrency,
            host_interval=options.host_interval,
            retries=options.retries,
            max_rate_limit_wait=options.max_rate_limit_wait,
            timeout=options.timeout if options.timeout > 0 else float("inf"),
            user_agent=options.user_agent or DEFAULT_USER_AGENT,
            host_user_agents=tuple(parse_host_user_agent(v) for v in options.host_user_agent),
            connect_to=tuple(parse_connect_to(v) for v in options.connect_to),
            cacerts=tuple(_cacerts(options.cacert)),
            allow_private=options.allow_private,
            max_body=parse_size(options.max_body_size),
            method=options.method,
            headers=tuple(parse_header(value) for value in options.header),
            accept=parse_accept(options.accept) if options.accept else frozenset(),
            hosts=options.configuration.hosts,
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


def _cacerts(files: list[str]) -> list[str]:
    """The CA files, each checked to load (a bad one is a usage error, not a TLS failure later)."""
    import ssl

    for path in files:
        try:
            ssl.create_default_context().load_verify_locations(cafile=path)
        except (OSError, ssl.SSLError) as error:
            raise UsageError(f"--cacert {path}: cannot load: {error}") from None
    return files


def _exclude(options: argparse.Namespace) -> tuple[list[str], list[str]]:
    """`--exclude` and `--exclude-glob`, checked: `check_paths`'s `exclude` and
    `exclude_globs`."""
    from citecheck.globs import url_exclusions

    patterns(url_exclusions, options.exclude, options.exclude_glob, "--exclude")
    return options.exclude, options.exclude_glob


def run_check(options: argparse.Namespace) -> int:
    """Check the links of the inputs; print the report; the exit code."""
    fail_on = failure_codes(options)
    prepared = None
    if options.format == "json":
        from citecheck.report.json import Prepared

        prepared = Prepared()
    report = check_report(options, prepared)
    from citecheck.cli_output import write_check

    write_check(report, options, fail_on, prepared)
    nothing_changed(report, options)
    if options.format != "table" or options.output is not None:
        # The table ends with the summary; a CI log showing another format gets it here.
        from citecheck.report import check_summary
        from citecheck.report.safe import terminal_safe

        print(f"citecheck: {terminal_safe(check_summary(report))}", file=sys.stderr)
    return _exit_code(report, fail_on)


def failure_codes(options: argparse.Namespace) -> frozenset[str]:
    """`--fail-on` (or `--warn-only`) as the codes that make the exit code 1."""
    from citecheck import policy
    from citecheck.settings import parse_statuses

    try:
        fail_on = (
            policy.DEFAULT_FAIL_ON if options.fail_on is None else parse_statuses(options.fail_on)
        )
        if options.warn_only:
            if options.fail_on is not None:
                raise ValueError("--warn-only and --fail-on: give one of them")
            fail_on = frozenset()  # every finding a warning; exit 0 unless the run failed
    except ValueError as error:
        raise UsageError(str(error)) from None
    return fail_on


def check_report(options: argparse.Namespace, prepared: Prepared | None = None) -> CheckReport:
    """Run the check the options ask for (a progress bar on a terminal); its report. `prepared`
    makes the JSON objects while the last links are checked."""
    from citecheck.collect import InputError

    if not options.paths and not options.files_from and options.changed_since is None:
        raise UsageError("nothing to check: name a file, a directory, a glob, or - for stdin")
    settings = _settings(options)
    exclude, exclude_globs = _exclude(options)
    path_regexes, path_globs = path_excludes(options)
    extraction = _extraction(options)
    from citecheck import cli_archive, cli_cache, cli_resolve
    from citecheck.check import check_paths

    cache = cli_cache.cache_options(options)
    input_errors: tuple[type[Exception], ...] = (InputError, *cli_cache.cache_errors(cache))
    archive = cli_archive.archive_options(options)
    resolve = cli_resolve.resolve_options(options)
    verify = cli_resolve.verify_options(options)
    transport = cli_archive.transport(options, settings)
    # A recording is made in this process: forked workers would record in their own.
    workers = 1 if options.record else options.workers
    cassette_errors = cli_archive.cassette_errors(options)
    from citecheck.progress import progress_bar

    with progress_bar(options.progress) as progress:
        try:
            report = check_paths(
                options.paths,
                settings=settings,
                files_from=options.files_from,
                extensions=extensions(options.extensions),
                input_format=None if options.input_format == "auto" else options.input_format,
                encoding=options.encoding,
                stdin=sys.stdin.buffer,
                extraction=extraction,
                check_fragments=options.check_fragments,
                exclude=exclude,
                exclude_globs=exclude_globs,
                exclude_paths=path_regexes,
                exclude_path_globs=path_globs,
                jobs=options.jobs,
                workers=workers,
                progress=progress,
                transport=transport,
                archive=archive,
                cache=cache,
                idle=prepared.add if prepared is not None else None,
                resolve=resolve,
                verify=verify,
                changed_since=options.changed_since,
            )
        except input_errors as error:
            raise UsageError(str(error)) from None
        except cassette_errors as error:
            raise UsageError(f"--record: {error}") from None
    return report


def _extraction(options: argparse.Namespace) -> Extraction:
    from citecheck.run import Extraction

    chosen = kinds(options.kind)
    return Extraction(
        base_url=base_url(options.base_url),
        include_code=options.include_code,
        registry=registry(options.configuration),
        min_confidence=confidence(options.min_confidence),
        all_links=options.all_links,
        scare_quotes=options.scare_quotes,
        kinds=tuple(chosen) if chosen is not None else None,
    )


def _exit_code(report: CheckReport, fail_on: frozenset[str]) -> int:
    from citecheck import policy
    from citecheck.report.safe import terminal_safe

    for note in report.notes:
        print(f"citecheck: {terminal_safe(note)}", file=sys.stderr)
    for problem in report.problems:
        print(f"citecheck: {terminal_safe(problem.message)}", file=sys.stderr)
    if report.offline:
        from citecheck.report.table import OFFLINE_MESSAGE

        print(f"citecheck: {OFFLINE_MESSAGE}", file=sys.stderr)
        return EXIT_ERROR
    if report.problems:
        return EXIT_ERROR
    findings = sum(1 for check in report.checks if policy.fails(check.outcome, fail_on))
    findings += sum(
        1
        for check in report.checks
        for code in (
            *(v.status for v in check.verification or ()),
            *((check.resolution.status,) if check.resolution is not None else ()),
        )
        if code in fail_on
    )
    return EXIT_FINDINGS if findings else EXIT_OK
