"""One verification result: which claim was checked against the page, and how it fared."""

from __future__ import annotations

from dataclasses import dataclass

CHECK_STATUSES: dict[str, tuple[str, ...]] = {
    "title": ("title-match", "title-mismatch", "title-unknown"),
    "date": ("date-match", "date-mismatch", "date-unknown"),
    "publisher": ("publisher-match", "publisher-mismatch"),
    "chronology": ("chronology-ok", "cited-after-article", "published-after-article"),
    "quote": ("quote-found", "quote-close", "quote-not-found", "quote-translated"),
    "page": ("unverified",),
}
"""Every check and the codes it gives (docs/verify.md)."""

PROBLEMS = frozenset(
    {
        "title-mismatch",
        "date-mismatch",
        "publisher-mismatch",
        "cited-after-article",
        "published-after-article",
        "quote-not-found",
    }
)
"""The codes that say the article claims what the page does not (`--fail-on` may name them)."""


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """How `check` verifies (`check_paths(verify=...)`)."""

    paced: bool = True
    """Space requests to one host a second apart; off only for replays and tests."""


@dataclass(frozen=True, slots=True)
class Verification:
    """One claim of the article checked against the source's page."""

    check: str
    """Which claim: `title`, `date`, `publisher`, `chronology`, `quote`, or `page` (the page
    could not be read, so nothing was verified)."""
    status: str
    """The result code (`CHECK_STATUSES`)."""
    score: float | None
    """How close, 0–100, for fuzzy comparisons (title, quote); None otherwise."""
    evidence: str
    """What the page says, for a person."""
