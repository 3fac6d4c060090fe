"""What each checked citation means for an editor or a CI job: the findings every machine format
(SARIF, JUnit, GitHub annotations, Markdown) reports, each with a level. Pure.

One citation may have several findings: its link's status, what resolving it found, and each
verification result that is not a match. The level says how loud to be:

- `error`: the code is in `--fail-on` (by default a dead link, a soft 404, an invalid URL, a
  missing fragment): what makes the exit code 1;
- `warning`: anything else that went wrong or could not be checked — a bot wall, a timeout, a
  link failing but not yet confirmed dead, a quote not found, a date that disagrees;
- `note`: something to act on that is not a fault — a permanent redirect with a URL to cite
  instead, a citation in words whose page was found (the link to add), one that was not.

A citation with nothing to say (an `ok` link, a quote found) has no finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from citecheck.model import CheckReport, CitationCheck

Level = Literal["error", "warning", "note"]

FINE = frozenset({"ok", "excluded", "unsupported-scheme"})
"""Link statuses that are no finding at all."""

MATCHES = frozenset(
    {
        "title-match",
        "date-match",
        "publisher-match",
        "chronology-ok",
        "quote-found",
        "quote-translated",
    }
)
"""Verification results that are no finding."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a report says about a citation."""

    check: CitationCheck
    """The citation it is about."""
    code: str
    """The documented code: a link status, a verification result, or `resolved`/`unresolved`/
    `unavailable` for a citation in words."""
    level: Level
    """How loud to be."""
    message: str
    """One line for a person (untrusted text included: renderers escape it)."""


def findings(report: CheckReport, fail_on: frozenset[str]) -> Iterator[Finding]:
    """Every finding of the report, in its order."""
    for check in report.checks:
        yield from findings_of(check, fail_on)


def findings_of(check: CitationCheck, fail_on: frozenset[str]) -> Iterator[Finding]:
    """The findings of one checked citation."""
    outcome = check.outcome
    where = check.target or check.citation.url or check.citation.text
    if outcome is not None and outcome.status not in FINE:
        level: Level = "error" if outcome.status in fail_on else "warning"
        message = f"{outcome.status}: {where} ({outcome.detail})"
        if outcome.status == "redirected":
            if not outcome.suggested_url:
                message = ""
            else:
                level = "error" if "redirected" in fail_on else "note"
                message = f"redirected permanently: cite {outcome.suggested_url} instead of {where}"
        if message:
            yield Finding(check, outcome.status, level, message)
    resolution = check.resolution
    if resolution is not None:
        code = resolution.status
        if code == "resolved":
            message = (
                f"resolved to {resolution.url} (confidence {resolution.confidence:.2f}): add the"
                " link"
            )
        else:
            why = resolution.evidence[0] if resolution.evidence else ""
            message = f"{code}: {check.citation.text} ({why})"
        level = "error" if code in fail_on else "note" if code != "unavailable" else "warning"
        yield Finding(check, code, level, message)
    for verification in check.verification or ():
        if verification.status in MATCHES:
            continue
        level = "error" if verification.status in fail_on else "warning"
        yield Finding(
            check,
            verification.status,
            level,
            f"{verification.status}: {verification.evidence}",
        )
