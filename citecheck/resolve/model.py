"""What resolving an unlinked citation found: the page, how sure we are, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ResolutionStatus = Literal["resolved", "unresolved", "unavailable"]
"""`resolved`: a page proven to be the one cited. `unresolved`: searched, and no page proven (the
best candidates are listed). `unavailable`: the search could not be made (no network, the index
did not answer): not a verdict on the citation."""

CandidateStatus = Literal["proven", "rejected", "ambiguous", "unreadable", "not-fetched"]
"""What became of a candidate: proven to be the page; rejected by its title, date or site;
proven but as well as another one (so neither is chosen); its page could not be read (live or
archived); or not fetched (the budget ran out, or better ones came first)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A page that might be the one cited, and what became of it."""

    url: str
    """The page's URL (for an index entry, the original URL the archive captured)."""
    source: str
    """How it was found: `pattern` (the registry's URL patterns), `index` (the Wayback
    Machine's CDX index) or `search` (the configured search endpoint)."""
    score: float
    """How well the URL alone matches the citation, 0–100 (its slug against the cited title, or
    against the key terms of the citing paragraph)."""
    status: CandidateStatus
    """What became of it."""
    reason: str
    """Why, in words: what matched and what did not."""
    title: str | None = None
    """The page's title, when it was read."""
    date: str | None = None
    """The page's publication date (ISO), when it was read and had one."""
    snapshot: str | None = None
    """The archived copy that was read instead of the live page, when it was."""
    confidence: float = 0.0
    """How sure the proof is that this is the page, 0–1 (0 when not proven)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The page an unlinked citation means, or why none was found."""

    status: ResolutionStatus
    """`resolved`, `unresolved` or `unavailable`."""
    url: str | None
    """The page, when resolved."""
    confidence: float
    """How sure, 0–1; 0 unless resolved."""
    evidence: tuple[str, ...]
    """What proves it (which title, date and site matched), or why nothing was found."""
    candidates: tuple[Candidate, ...] = ()
    """The candidates considered, best first (the chosen one included)."""
    requests: int = 0
    """How many requests it took (index pages and pages read)."""


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    """How hard `check` tries to resolve each unlinked citation."""

    requests: int = 12
    """The most requests one citation may take (`--resolve-budget COUNT/SECONDS`)."""
    seconds: float = 60.0
    """The most time one citation may take, in seconds."""
    read: int = 3
    """How many of the best-ranked index candidates are read to prove them."""
    search: str | None = None
    """A search endpoint to ask too (`--resolve-search`): a URL with `{query}` (and optionally
    `{site}`) in it; every link to the publisher's site in its answer is a candidate."""
    paced: bool = True
    """Keep to the archives' rate limits; off only for replays and tests."""
