"""How each citation is checked, and how what was fetched becomes its outcome in the report.

Pure functions (but for local links, checked on disk): `plan` says what a citation needs (a
request for a normalised URL, a fragment to look for, or an outcome settled without a request);
`with_fragment`, `as_offline` and `shown` turn a fetched outcome and a citation into what the
report says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from citecheck import anchors, policy
from citecheck.globs import Exclusion
from citecheck.local import check_local
from citecheck.model import Citation, Fetched, Outcome, Target
from citecheck.targets import fragment, normalise, redact, redact_text


@dataclass(frozen=True, slots=True)
class Plan:
    """What checking one citation takes."""

    outcome: Outcome | None = None
    """Settled without a request (invalid, excluded, unsupported, local)."""
    target: Target | None = None
    """The URL to request."""
    fragment: str | None = None
    """The fragment to look for on the fetched page."""
    shown: str | None = None
    """What was checked, for the report."""


def plan(citation: Citation, *, exclude: Sequence[Exclusion], check_fragments: bool) -> Plan:
    """How to check a citation (pure, but for local links, which are checked on disk here).

    A link that an exclusion matches (as written: the URL, or a relative link's target) is
    `excluded`, its detail naming the user's pattern: `matches --exclude-glob '…'`."""
    if citation.invalid is not None:
        return Plan(Outcome("invalid-url", citation.invalid, reason="syntax"))
    written = citation.url if citation.url is not None else citation.local
    if written is None:
        return Plan()
    for exclusion in exclude:
        if exclusion.matches(written):
            return Plan(Outcome("excluded", f"matches {exclusion.shown}"), shown=None)
    if citation.url is None or citation.url.lower().startswith("file:"):
        outcome, shown = check_local(citation.path, written, check_fragments=check_fragments)
        return Plan(outcome, shown=shown)
    target = normalise(citation.url)
    if isinstance(target, Outcome):
        return Plan(target, shown=redact(citation.url))
    wanted = fragment(citation.url) if check_fragments else None
    if wanted is not None and anchors.always_present(wanted):
        wanted = None
    return Plan(target=target, fragment=wanted, shown=target.url)


def with_fragment(outcome: Outcome, fetched: Fetched, wanted: str | None) -> Outcome:
    """A page's outcome for a citation that names one of its fragments."""
    if wanted is None or outcome.status not in ("ok", "redirected"):
        return outcome
    if fetched.anchors is None:
        return replace(outcome, detail=f"{outcome.detail}; #{wanted} not checked (no page read)")
    if anchors.has_anchor(fetched.anchors, wanted):
        return outcome
    if not fetched.complete:
        return replace(
            outcome, detail=f"{outcome.detail}; #{wanted} not in the part read (--max-body-size)"
        )
    return replace(
        outcome, status="fragment-missing", detail=f"no anchor #{wanted} on the page",
        reason="no-anchor", suggested_url=None,
    )  # fmt: skip


def shown(citation: Citation) -> Citation:
    """The citation as a report may show it: credentials in URLs replaced by `***`."""
    if "@" not in (citation.source + (citation.url or "") + (citation.url_raw or "")):
        return citation
    return replace(
        citation,
        url=redact(citation.url) if citation.url else None,
        url_raw=redact_text(citation.url_raw) if citation.url_raw else None,
        source=redact_text(citation.source),
        text=redact_text(citation.text),
    )


def as_offline(outcome: Outcome) -> Outcome:
    if outcome.reason not in policy.NO_NETWORK_REASONS:
        return outcome
    return replace(
        outcome,
        status="offline",
        detail=f"not checked: no network ({outcome.detail})",
    )
