"""What the result cache keeps, and for how long.

A second run over the same articles should ask the web only about what may have changed, without
passing off an old or accidental verdict as today's:

- A check result is served for as long as its status's time to live (`DEFAULT_TTL`). A page that
  answered is unlikely to vanish within a week; a dead one may be back tomorrow (a site being
  moved, an expired certificate renewed), so a dead verdict is trusted for a day only.
- Transient failures (a timeout, a 5xx, a refused connection, a 429) are never served: serving
  one would turn a bad minute into a week of false alarms. They are remembered in the failure
  history instead, because the evidence that a link is really gone is that it failed again and
  again, days apart — a judgement the caller makes from `failures_many`.
- A success wipes the URL's failure history and any stored failure verdict: a link that answers
  now owes nothing to its past.
- A check that read the page (GET) answers the question "does it exist?" (HEAD) too, but not the
  reverse: a HEAD check knows nothing of the page's anchors.
- URLs carrying credentials are never written: the cache is a plain file in the user's cache
  directory, and passwords do not belong in it.
- A search that resolved an unlinked citation to a page is kept for a month (the page found stays
  the page cited); one that found nothing for a day, since the search index may have caught up
  by tomorrow. A search that could not be made (`unavailable`) answered nothing and is not kept.
- What verification read of a cited page (its title, date, publisher and text) is kept for a
  week: a page's title, date and text rarely change within a week, so until then the copy read
  is what the citation is compared against, without reading the page again. Whether it was read
  from the live page or from an archived copy is kept with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import urlsplit

DAY = 86400.0
"""Seconds in a day."""

DEFAULT_TTL: Mapping[str, float] = MappingProxyType(
    {
        "ok": 7 * DAY,
        "redirected": 7 * DAY,
        "paywalled": 7 * DAY,
        "blocked": 1 * DAY,
        "dead": 1 * DAY,
        "soft-404": 1 * DAY,
        "archive": 30 * DAY,
        "resolved": 30 * DAY,
        "unresolved": 1 * DAY,
        "page": 7 * DAY,
    }
)
"""Seconds a stored result may be served, per status code (`archive` for archive look-ups,
`resolved` and `unresolved` for the searches of unlinked citations, `page` for the facts read of
cited pages); a status not named here is never stored as a result."""

RESOLUTION_STATUSES: frozenset[str] = frozenset({"resolved", "unresolved"})
"""The statuses of a citation search that may be kept (with a positive TTL); `unavailable`, a
search that could not be made, never is, whatever TTL it is given."""

PAGE_SOURCES: frozenset[str] = frozenset({"live", "archived"})
"""Where a page's stored facts were read: the live page, or an archived copy of it."""

MAX_PAGE_BYTES = 1_000_000
"""The largest encoded page value written; a larger one is not kept. The caller caps the text it
encodes well below this: the limit only keeps one odd page from bloating a file every run
reads."""

FAILED: frozenset[str] = frozenset(
    {"dead", "soft-404", "server-error", "timeout", "unreachable", "blocked", "rate-limited"}
)
"""Statuses recorded in a URL's failure history."""

SUCCEEDED: frozenset[str] = frozenset({"ok", "redirected"})
"""Statuses that clear a URL's failure history and stored failure verdicts."""

KEPT_FAILURES = 30
"""The most transient failures (timeouts, 5xx, 429, ...) kept per URL, the latest: they are shown
to the editor but are not strikes, and a CI job rerun many times a day would otherwise add one a
run. Strikes (`dead`, `soft-404`) are all kept: at most one a day while a dead result is cached.
"""

HISTORY_DAYS = 180
"""`prune` drops failures older than this many days."""


def storable(url: str) -> bool:
    """False for a URL with credentials (`user:pass@host`), which must never reach the disk."""
    if "@" not in url:
        return True  # (most URLs: no need to split them)
    try:
        return "@" not in urlsplit(url).netloc
    except ValueError:
        return False


DOCUMENT_DAYS = 30
"""`prune` drops a document's stored extraction when no run has used it for this many days."""
