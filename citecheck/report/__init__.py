"""Renderers: one module per output format, each a pure function of a report."""

from __future__ import annotations

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
