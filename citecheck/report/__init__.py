"""Renderers: one module per output format, each a pure function of a report."""

from __future__ import annotations

from citecheck.model import STATUSES, CheckReport


def status_counts(report: CheckReport) -> dict[str, int]:
    """How many citations ended with each status, in the documented order, zeros left out."""
    counts = dict.fromkeys(STATUSES, 0)
    for check in report.checks:
        if check.outcome is not None:
            counts[check.outcome.status] += 1
    return {status: count for status, count in counts.items() if count}
