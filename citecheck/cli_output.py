"""The `check` command's outputs: `--format` for standard output (or `--output`), and any number
of report files beside it (`--json`, `--sarif`, `--markdown`, `--junit`, `--html`), each written
by its renderer in `citecheck/report/` (docs/formats.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from citecheck.cli import UsageError

if TYPE_CHECKING:
    from citecheck.model import CheckReport
    from citecheck.report.json import Prepared

FORMATS = ("table", "json", "sarif", "markdown", "junit", "github", "html")
"""What `--format` accepts (`extract`: table and json only)."""

FILES = ("json", "sarif", "markdown", "junit", "html")
"""The report files `check` can write beside its standard output (`--json FILE`, …)."""


def add_flags(add: Callable[..., Any]) -> None:
    """Add the report-file flags to the `check` parser (`add` is its `add_argument`)."""
    for name in FILES:
        add(
            f"--{name}",
            metavar="FILE",
            dest=f"{name}_file",
            help=f"also write the {name.upper() if name in ('json', 'html') else name} report"
            " to FILE",
        )


def render(name: str, report: CheckReport, fail_on: frozenset[str]) -> str:
    """The report in one of the machine formats (`sarif`, `markdown`, `junit`, `github`,
    `html`)."""
    import importlib

    module = importlib.import_module(f"citecheck.report.{name}")
    text: str = module.render(report, fail_on=fail_on)
    return text


def write_check(
    report: CheckReport,
    options: argparse.Namespace,
    fail_on: frozenset[str],
    prepared: Prepared | None = None,
    *,
    standard_output: bool = True,
) -> None:
    """Write the report files, then (unless not `standard_output`) standard output (or
    `--output`) in `--format`. Raises UsageError when a file cannot be written (the others are
    written first)."""
    from citecheck.cli import _write, output

    failed: list[str] = []
    for name in FILES:
        path = getattr(options, f"{name}_file", None)
        if path is None:
            continue
        try:
            if name == "json":
                from citecheck.report import json as json_report

                _write(json_report.chunks(report), path)
            else:
                _write(render(name, report, fail_on), path)
        except UsageError as error:
            failed.append(str(error))
    if standard_output and options.format in ("table", "json"):
        output(report, options, prepared)
    elif standard_output:
        _write(render(options.format, report, fail_on), options.output)
    if failed:
        raise UsageError("; ".join(failed))
