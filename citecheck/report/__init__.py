"""Renderers: one module per output format, each a pure function of a report."""

from __future__ import annotations

from collections import Counter

from citecheck.model import STATUSES, CheckReport, Citation


def kind_label(citation: Citation, *, chrome: str = "chrome") -> str:
    """What sort of citation it is, as a report shows it: its kind and form, `[code]` inside
    code, `[chrome]` (or `chrome`'s word) outside the article's body, and extraction's
    confidence when below 1."""
    kind = citation.kind if citation.form == "bare" else f"{citation.kind} ({citation.form})"
    if citation.in_code:
        kind += " [code]"
    if citation.role == "boilerplate":
        kind += f" [{chrome}]"
    if citation.confidence < 1:
        kind += f" {citation.confidence:.2f}"
    return kind


def status_counts(report: CheckReport) -> dict[str, int]:
    """How many citations ended with each status, in the documented order, zeros left out."""
    counts = dict.fromkeys(STATUSES, 0)
    for check in report.checks:
        if check.outcome is not None:
            counts[check.outcome.status] += 1
    return {status: count for status, count in counts.items() if count}


def check_summary(report: CheckReport) -> str:
    """One line a CI log shows: how many citations ended how, and how many URLs were asked."""
    counts = status_counts(report)
    total = len(report.checks)
    line = f"{total} citation{'s' if total != 1 else ''} in {len(report.documents)} document"
    line += "s" if len(report.documents) != 1 else ""
    if counts:
        line += ": " + ", ".join(f"{count} {status}" for status, count in counts.items())
    resolved = Counter(c.resolution.status for c in report.checks if c.resolution is not None)
    if resolved:
        line += "; " + ", ".join(f"{count} {status}" for status, count in sorted(resolved.items()))
        line += " citation" + ("s" if sum(resolved.values()) != 1 else "") + " in words"
    unchecked = sum(1 for c in report.checks if c.outcome is None)
    if unchecked:
        line += f", {unchecked} not checked"
    line += f"; {report.targets} URL{'s' if report.targets != 1 else ''} requested"
    if report.cached:
        line += f", {report.cached} answered from the cache"
    if report.problems:
        line += f", {len(report.problems)} input{'s' if len(report.problems) != 1 else ''}"
        line += " unreadable"
    return line
