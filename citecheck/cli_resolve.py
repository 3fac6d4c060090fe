"""The `check` command's flags for what it does with citations in words: `--no-resolve`,
`--resolve-budget`, `--resolve-search` -> `ResolveOptions` (docs/resolve.md), and `--no-verify`
-> `VerifyOptions` (docs/verify.md)."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from citecheck.cli import UsageError

if TYPE_CHECKING:
    from citecheck.resolve.model import ResolveOptions
    from citecheck.verify.model import VerifyOptions

DEFAULT_BUDGET = "12/60"
"""Requests and seconds one citation's search may take."""

_BUDGET = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d+(?:\.\d+)?)\s*s?)?\s*$")


def add_flags(add: Callable[..., Any]) -> None:
    """Add the flags to the `check` parser (`add` is its `add_argument`)."""
    add(
        "--no-verify",
        action="store_true",
        help="do not check what citations claim of their sources (title, date, publisher, "
        "quotes) against the pages",
    )
    add(
        "--no-resolve",
        action="store_true",
        help="do not look for the pages that citations in words without a URL mean",
    )
    add(
        "--resolve-budget",
        metavar="COUNT[/SECONDS]",
        default=DEFAULT_BUDGET,
        help="the most requests (and seconds) the search for one citation may take "
        f"(default: {DEFAULT_BUDGET})",
    )
    add(
        "--resolve-search",
        metavar="URL",
        help="also ask this search endpoint for candidates: a URL with {query} (and optionally "
        "{site}) in it; every link to the publisher's site in its answer is one",
    )


def parse_budget(text: str) -> tuple[int, float]:
    """`COUNT[/SECONDS]` as (requests, seconds); raises ValueError."""
    match = _BUDGET.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not COUNT or COUNT/SECONDS (for example 12/60)")
    count = int(match[1])
    seconds = float(match[2]) if match[2] is not None else 60.0
    if count < 1 or not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{text!r}: the count and the seconds must be above zero")
    return count, seconds


def verify_options(options: argparse.Namespace) -> VerifyOptions | None:
    """How to verify citations; None with `--no-verify`."""
    if options.no_verify:
        return None
    from citecheck.verify.model import VerifyOptions

    return VerifyOptions(paced=not options.replay)


def resolve_options(options: argparse.Namespace) -> ResolveOptions | None:
    """How to resolve citations; None with `--no-resolve`. Raises UsageError."""
    if options.no_resolve:
        return None
    from citecheck.resolve.model import ResolveOptions

    try:
        requests, seconds = parse_budget(options.resolve_budget)
    except ValueError as error:
        raise UsageError(f"--resolve-budget: {error}") from None
    search = options.resolve_search
    if search is not None and (
        "{query}" not in search or not search.lower().startswith(("http://", "https://"))
    ):
        raise UsageError(
            f"--resolve-search: {search!r} must be an http(s) URL with {{query}} in it"
        )
    # A replayed run asks no one: nothing to be polite to, so it need not wait.
    return ResolveOptions(requests, seconds, search=search, paced=not options.replay)
