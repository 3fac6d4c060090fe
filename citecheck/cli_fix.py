"""The `fix` command: check as `check` does, then hand the editor a corrected article — a unified
diff of what would change, or, with `--write`, the files changed in place (docs/fix.md).

The edits themselves are `citecheck.fix`'s (pure); this module runs the check, reads each
document's bytes again, and prints or writes. A document whose bytes changed since they were
checked, or that would not encode back byte for byte, is left alone and said so.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from citecheck.cli import EXIT_ERROR, EXIT_OK, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.fix import FixOptions
    from citecheck.model import CheckReport, CitationCheck, DocumentSummary


def add_command(commands: Any, inputs: argparse.ArgumentParser) -> None:
    """Add `fix` to the subcommands; `inputs` are the input flags it shares with `check`."""
    fix = commands.add_parser(
        "fix",
        parents=[inputs],
        help="check, then add archived copies and found links to the articles (a diff, or --write)",
        description="Check every citation as 'check' does, then print a unified diff that adds "
        "archived copies to dead links and links to the pages citations in words mean; with "
        "--write, change the files (atomically). docs/fix.md",
    )
    group = fix.add_argument_group("fixing")
    add = group.add_argument
    add("--write", action="store_true", help="write the changes instead of printing a diff")
    add(
        "--backup",
        action="store_true",
        help="with --write, keep each changed file's original as FILE.orig",
    )
    add(
        "--robustify",
        action="store_true",
        help="also give live HTML links with a snapshot the Robust Links attributes",
    )
    add(
        "--update-redirects",
        action="store_true",
        help="replace permanently redirected links with the URL they moved to",
    )
    add(
        "--min-confidence",
        dest="link_confidence",
        default="0.9",
        metavar="X",
        help="link a citation in words to the page found for it only at this confidence or "
        "more, 0-1 (default: 0.9)",
    )
    add(
        "--archived-form",
        default=" ([archived]({url}))",
        metavar="TEMPLATE",
        help="what follows a dead Markdown link: {url} the snapshot, {date} its day "
        "(default: ' ([archived]({url}))')",
    )
    from citecheck.cli_check import add_check_arguments

    add_check_arguments(fix)


def fix_options(options: argparse.Namespace) -> FixOptions:
    """The fix flags, checked."""
    from citecheck.cli import confidence
    from citecheck.fix import FixOptions, check_form

    try:
        form = check_form(options.archived_form)
    except ValueError as error:
        raise UsageError(f"--archived-form: {error}") from None
    return FixOptions(
        robustify=options.robustify,
        update_redirects=options.update_redirects,
        min_confidence=confidence(options.link_confidence),
        archived_form=form,
    )


def run_fix(options: argparse.Namespace) -> int:
    """Check, then print the diff or write the changes; the exit code (0 unless the run could
    not be done: then 2)."""
    if options.backup and not options.write:
        raise UsageError("--backup goes with --write")
    chosen = fix_options(options)
    options.min_confidence = "0"  # every citation is extracted; `link_confidence` is the bar
    from citecheck.cli_check import check_report, failure_codes
    from citecheck.cli_output import write_check

    fail_on = failure_codes(options)
    report = check_report(options)
    write_check(report, options, fail_on, standard_output=False)
    if report.offline:
        from citecheck.report.table import OFFLINE_MESSAGE

        print(f"citecheck: {OFFLINE_MESSAGE}", file=sys.stderr)
        return EXIT_ERROR
    failed = False
    changed = 0
    diffs: list[str] = []
    for summary, checks in _by_document(report):
        outcome = _fix_one(summary, checks, chosen, options, diffs)
        if outcome is None:
            failed = True
        elif outcome:
            changed += 1
    from citecheck.cli import _write

    if not options.write:
        _write("".join(diffs), options.output)
    verb = "changed" if options.write else "would change"
    noun = "document" if changed == 1 else "documents"
    print(f"citecheck: {verb} {changed} {noun}", file=sys.stderr)
    for problem in report.problems:
        from citecheck.report.safe import terminal_safe

        print(f"citecheck: {terminal_safe(problem.message)}", file=sys.stderr)
    return EXIT_ERROR if failed or report.problems else EXIT_OK


def _by_document(report: CheckReport) -> list[tuple[DocumentSummary, list[CitationCheck]]]:
    groups: dict[str, list[CitationCheck]] = {}
    for check in report.checks:
        groups.setdefault(check.citation.path, []).append(check)
    return [(summary, groups.get(summary.path, [])) for summary in report.documents]


def _fix_one(
    summary: DocumentSummary,
    checks: list[CitationCheck],
    chosen: FixOptions,
    options: argparse.Namespace,
    diffs: list[str],
) -> bool | None:
    """Fix one document: whether it changed (or would), None when it could not be done."""
    from citecheck.encoding import DecodeError, decode
    from citecheck.fix import apply, encode_like, plan, unified_diff, write_atomically
    from citecheck.report.safe import terminal_safe

    path = summary.path
    shown = terminal_safe(path)
    if path == "-":
        print("citecheck: standard input was checked but cannot be fixed", file=sys.stderr)
        return False
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        text, encoding = decode(data, options.encoding)
    except (OSError, DecodeError) as error:
        print(f"citecheck: {shown}: cannot read it again: {error}", file=sys.stderr)
        return None
    if encoding != summary.encoding:
        print(f"citecheck: {shown}: changed while it was checked; not fixed", file=sys.stderr)
        return None
    edits = plan(text, summary.format, checks, chosen)  # (only spans that still hold their text)
    if not edits:
        return False
    new_text = apply(text, edits)
    try:
        new_data = encode_like(data, encoding, new_text)
    except ValueError as error:
        print(f"citecheck: {shown}: not fixed: {error}", file=sys.stderr)
        return None
    if not options.write:
        diffs.append(unified_diff(path, text, new_text))
        return True
    try:
        write_atomically(path, new_data, backup=options.backup)
    except OSError as error:
        print(f"citecheck: {shown}: cannot write: {error.strerror or error}", file=sys.stderr)
        return None
    for edit in edits:
        print(
            f"citecheck: {shown}:{edit.line}:{edit.column}: {terminal_safe(edit.message)}",
            file=sys.stderr,
        )
    return True
