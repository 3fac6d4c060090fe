"""When a failed link is `dead`: three failed checks, days apart (InternetArchiveBot's rule).

A single 404 is weak evidence. Sites go down for an afternoon, a CMS migration answers 404 for an
hour, a CDN serves a stale error page, a publisher's "not found" template appears while an
editor republishes a story. A CI job that turns red on each of these teaches people to ignore it,
and an editor who replaces a live link with an archived copy on the strength of one bad minute
makes the article worse. InternetArchiveBot, which has repaired millions of citations on
Wikipedia, calls a link dead only after it failed several checks spread over days; we copy that
rule because it is what makes a red run mean something.

So every check that says `dead` or `soft-404` is a *strike*, kept in the cache's history with its
time (`cache/store.py`). Strikes are counted oldest first, and a strike counts only when it came
at least `days` after the last counted one: rerunning the check ten times in an afternoon is one
strike, not ten. When `count` strikes have counted, the link is `dead` (or `soft-404`, whichever
the latest check said); before that it is `failing`, with its strikes and the date of its first
failure in the report. Any success clears the history (the store deletes it), and a transient
failure (a timeout, a 503, a 429) is recorded for the editor to see but is neither a strike nor a
success: it says nothing about whether the page is gone.

`--confirm-dead COUNT/DAYS` sets the rule (`3/3` by default); `--confirm-dead now` (one strike,
no spacing) gives one-run verdicts, which is also what a run without a cache gives, since it has
no history to count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citecheck.cache import Failure
    from citecheck.model import Outcome

DAY = 86400.0

STRIKES = frozenset({"dead", "soft-404"})
"""The verdicts that count as strikes (and are held back as `failing` until confirmed)."""


@dataclass(frozen=True, slots=True)
class Rule:
    """How many failed checks, how far apart, make a link dead."""

    count: int = 3
    """Strikes needed."""
    days: float = 3.0
    """Days that must pass after a counted strike before another counts."""

    def __str__(self) -> str:
        if self.count == 1:
            return "now"
        days = f"{self.days:g}"
        return f"{self.count}/{days}"


NOW = Rule(1, 0.0)
"""One-run verdicts: the first failed check is the verdict."""

_RULE = re.compile(r"(?P<count>[0-9]+)\s*/\s*(?P<days>[0-9]+(?:\.[0-9]+)?)\s*d?")


def parse_rule(text: str) -> Rule:
    """`--confirm-dead`'s value: `COUNT/DAYS` (`3/3`, `2/1.5`) or `now`. Raises ValueError."""
    cleaned = text.strip().lower()
    if cleaned == "now":
        return NOW
    match = _RULE.fullmatch(cleaned)
    if match is None:
        raise ValueError(f"--confirm-dead {text!r}: expected COUNT/DAYS (such as 3/3) or now")
    count, days = int(match["count"]), float(match["days"])
    if count < 1:
        raise ValueError(f"--confirm-dead {text!r}: COUNT must be at least 1")
    return NOW if count == 1 else Rule(count, days)


@dataclass(frozen=True, slots=True)
class History:
    """What the cache remembers of a link's failures, judged by a `Rule`."""

    failures: tuple[Failure, ...]
    """Every failed check since the last success, oldest first (transient ones included)."""
    strikes: int
    """The `dead`/`soft-404` checks that count under the rule."""
    rule: Rule
    """The rule they were judged by."""

    @property
    def confirmed(self) -> bool:
        """Whether the strikes are enough to call the link dead."""
        return self.strikes >= self.rule.count

    @property
    def first_failure(self) -> float | None:
        """When the first failed check of this run of failures was (epoch seconds)."""
        return self.failures[0].at if self.failures else None


def judge(failures: Sequence[Failure], rule: Rule) -> History:
    """The history of `failures` (oldest first) under `rule`."""
    strikes = 0
    last: float | None = None
    for failure in failures:
        if failure.status not in STRIKES:
            continue
        if last is None or failure.at - last >= rule.days * DAY:
            strikes += 1
            last = failure.at
    return History(tuple(failures), strikes, rule)


def day(at: float) -> str:
    """An epoch time as the UTC date (`2026-12-03`)."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


def describe(history: History) -> str:
    """The history in words, for `detail`: strikes, first failure, what happened since."""
    rule = history.rule
    first = history.first_failure
    since = f" since {day(first)}" if first is not None else ""
    text = (
        f"failing{since}: {history.strikes} of {rule.count} strikes "
        f"(dead after {rule.count} failed checks {rule.days:g} days apart)"
    )
    transient = sum(1 for f in history.failures if f.status not in STRIKES)
    if transient:
        text += f"; {transient} other failed check{'s' if transient > 1 else ''}"
    return text


def verdict(outcome: Outcome, history: History) -> Outcome:
    """`outcome` as the report gives it: a `dead`/`soft-404` held back as `failing` until the
    history confirms it; any other outcome as it is."""
    if outcome.status not in STRIKES:
        return outcome
    if history.confirmed:
        if history.rule.count == 1:
            return outcome
        first = history.first_failure
        since = f" since {day(first)}" if first is not None else ""
        return replace(
            outcome,
            detail=f"{outcome.detail} (confirmed: {history.strikes} failed checks{since})",
        )
    return replace(
        outcome,
        status="failing",
        detail=f"{outcome.status}: {outcome.detail}; {describe(history)}",
    )
