"""The checker's decisions, as pure functions: what to request next and what an answer means.

`fetch` does the I/O and asks this module at every step; everything here takes plain values, so
each rule is tested without a network. The rules, and why:

**HEAD, then GET.** A HEAD request costs the server least, and for most links the status is all we
need. But many servers mishandle HEAD: they refuse it (405, 501), answer 403 or 400 to it, or
answer 404 or 500 where a GET works. So any HEAD answer of 400 or more (except 429, which is
retried, and LinkedIn's 999, which GET gets too) is confirmed with a GET before a link is called
broken, and a host that refused HEAD once gets GET from then on. A GET reads only what it needs:
nothing for a status alone, the start of the page to look for soft 404s and bot walls, the whole
page (up to the body cap) when fragments are checked.

**Redirects** are followed by hand, at most 10, so that the chain is recorded, each hop goes
through the private-address guard and the per-host limits, and credentials stay on their host
(they follow only to the same scheme, host and port, as curl does). When every hop was permanent
(301, 308) and the page is there, the report suggests citing the final URL.

**Retries** are for what may pass: timeouts, resets, 5xx, 429. The delay is exponential with
jitter (base 0.5 s, doubled per attempt, between half and all of that, at most 30 s), so that a
crowd of failures does not come back in step; a `Retry-After` header (seconds or an HTTP date) is
honoured, capped at 60 s so that one server cannot stall a CI run. A 429 slows its whole host
(when there are retries to make).

**Offline.** A lost network makes every lookup fail, which must not read as "every link is
dead". When no request at all got an answer and every failure was a name lookup or a missing
route, the run is offline: it says so and checks nothing (exit code 2).

**Severities.** Every code `--fail-on` accepts has a fixed severity (`SEVERITY`), so that a CI
job can say how strict it is without listing codes: `error` is what is broken for every reader
(the default `--fail-on`), `warning` what went wrong or could not be confirmed (a bot wall, a
timeout, a source that does not say what the article claims, a source named in words whose page
was not found), `note` what works but deserves a look (a redirect). `--fail-on warning` fails on
warnings and errors alike.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from citecheck import signals
from citecheck.model import Outcome, Redirect, Status
from citecheck.targets import FETCHED_SCHEMES, redact

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.publishers.registry import Registry

MAX_REDIRECTS = 10
"""The most redirects followed for one link."""

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})

RETRY_AFTER_CAP = 60.0
"""The longest `Retry-After` honoured, in seconds."""
BACKOFF_BASE = 0.5
"""The first retry's delay, in seconds, before jitter."""
BACKOFF_CAP = 30.0
"""The longest backoff between two attempts, in seconds."""

SNIFF_BYTES = 256 * 1024
"""How much of a page is read to look for soft 404s and bot walls."""
DRAIN_BYTES = 64 * 1024
"""A body announced smaller than this is read to its end, so the connection can be reused."""

DEFAULT_FAIL_ON: frozenset[Status] = frozenset(
    {"dead", "soft-404", "invalid-url", "fragment-missing"}
)
"""The statuses that make `check` exit with 1 unless `--fail-on` says otherwise: links that are
broken for every reader. Blocked, paywalled, rate-limited, timeouts and server errors say as much
about the checker as about the link, so they are reported but do not fail a build by default."""

Severity = Literal["error", "warning", "note"]
"""How bad a finding is, whatever the run's `--fail-on`."""

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")
"""The severities, worst first."""

SEVERITY: dict[str, Severity] = {
    # Broken for every reader: exactly DEFAULT_FAIL_ON.
    "dead": "error",
    "soft-404": "error",
    "invalid-url": "error",
    "fragment-missing": "error",
    # What went wrong, or could not be confirmed: the link, the checker or the network.
    "failing": "warning",
    "blocked": "warning",
    "rate-limited": "warning",
    "paywalled": "warning",
    "server-error": "warning",
    "timeout": "warning",
    "unreachable": "warning",
    "offline": "warning",
    "refused-private": "warning",
    # The article claims what its source does not say.
    "title-mismatch": "warning",
    "date-mismatch": "warning",
    "publisher-mismatch": "warning",
    "cited-after-article": "warning",
    "published-after-article": "warning",
    "quote-not-found": "warning",
    # Works, but worth a look: cite where it went; a citation in words no page was found for.
    "redirected": "note",
    "unresolved": "note",
}
"""The severity of every code `--fail-on` accepts. `ok`, `excluded` and `unsupported-scheme`
have none: they are never a finding. `--fail-on warning` means every code of severity warning or
worse (`severity_codes`)."""

HEAD_MISHANDLERS = frozenset({"amazon.com", "linkedin.com"})
"""Registrable domains known to answer HEAD differently from GET: they get GET at once."""

NO_NETWORK_REASONS = frozenset({"nxdomain", "dns", "no-route"})
"""Failure reasons that a lost network also produces."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What came back at the end of one chain of requests."""

    method: str
    """`HEAD` or `GET`."""
    url: str
    """The URL that gave the final answer (credentials removed)."""
    status: int
    """Its HTTP status."""
    headers: Mapping[str, str]
    """Its headers, names in lower case."""
    redirects: tuple[Redirect, ...] = ()
    """The redirects followed to get there."""
    page: str | None = None
    """The start of the page's text (or all of it), when it was read."""
    complete: bool = True
    """False when the page was longer than what was read of it."""


# What to request ---------------------------------------------------------------------------------


def first_method(group: str, *, head_refused: bool, want_page: bool) -> str:
    """`HEAD`, or `GET` when the page is wanted or the host mishandles HEAD."""
    if want_page or head_refused or group in HEAD_MISHANDLERS:
        return "GET"
    return "HEAD"


def needs_get(head: Answer) -> bool:
    """Whether a HEAD answer must be confirmed with a GET."""
    return head.status >= 400 and head.status not in (429, 999)


def refuses_head(head_status: int, get_status: int) -> bool:
    """Whether a host's answers show it mishandles HEAD (so later requests go straight to GET)."""
    return head_status in (400, 403, 405, 501) and get_status < 400


def page_budget(
    method: str, status: int, content_type: str, *, want_page: bool, max_body: int
) -> int:
    """How many bytes of a response body to read."""
    if method == "HEAD":
        return 0
    textual = not content_type or "html" in content_type or content_type.startswith("text/")
    if not textual:
        return 0
    if want_page and 200 <= status < 300:
        return max_body
    if 200 <= status < 300 or status in signals.WALL_STATUSES:
        return min(SNIFF_BYTES, max_body)
    return 0


def next_location(current: str, status: int, location: str | None) -> str | Outcome:
    """The absolute URL a redirect points at, or the outcome that ends the chain."""
    if not location:
        return Outcome(
            "server-error",
            f"HTTP {status} redirect without a Location header",
            http_status=status,
            reason="no-location",
        )
    try:
        target = urljoin(current, location.strip())
        parts = urlsplit(target)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return Outcome(
            "server-error",
            f"HTTP {status} redirect to an invalid URL {redact(location)!r}",
            http_status=status,
            reason="bad-location",
        )
    if parts.scheme.lower() not in FETCHED_SCHEMES:
        return Outcome(
            "unsupported-scheme",
            f"redirected to a {parts.scheme or 'scheme-less'}: URL",
            http_status=status,
            final_url=redact(target),
            reason=parts.scheme.lower() or None,
        )
    return target


def credentials_may_follow(origin_url: str, next_url: str) -> bool:
    """Credentials go only to the scheme, host and port they were written for."""
    a, b = urlsplit(origin_url), urlsplit(next_url)
    return (a.scheme.lower(), a.hostname, _port(a.scheme, a.port)) == (
        b.scheme.lower(),
        b.hostname,
        _port(b.scheme, b.port),
    )


def _port(scheme: str, port: int | None) -> int | None:
    return port if port is not None else {"http": 80, "https": 443}.get(scheme.lower())


# What an answer means ----------------------------------------------------------------------------

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _http(status: int) -> str:
    reason = _REASONS.get(status)
    return f"HTTP {status} {reason}" if reason else f"HTTP {status}"


def classify(start_url: str, answer: Answer, *, paywall: bool = False) -> Outcome:
    """The outcome of a final answer. `paywall`: the URL belongs to a paywalled publisher."""
    status, headers = answer.status, answer.headers
    final = answer.url
    code: Status
    wall = signals.bot_wall(status, headers, answer.page)
    if wall is not None and status != 429:
        code, detail = "blocked", wall
    elif 200 <= status < 300:
        soft = signals.soft_404(start_url, final, bool(answer.redirects), answer.page)
        if soft is not None:
            code, detail = "soft-404", soft
        elif answer.redirects:
            code, detail = "redirected", f"{_http(status)} after {_hops(answer.redirects)}"
        else:
            code, detail = "ok", _http(status)
    elif status in (401, 402) or (status == 403 and paywall):
        code = "paywalled"
        detail = _http(status) + (" from a paywalled publisher" if status == 403 else "")
    elif status in (403, 451):
        code, detail = "blocked", f"{_http(status)} (no bot-protection marker found)"
    elif status == 429:
        code, detail = "rate-limited", _http(status)
        if headers.get("retry-after"):
            detail += f", Retry-After: {headers['retry-after'][:40]}"
    elif status >= 500:
        code, detail = "server-error", _http(status)
    elif status in REDIRECT_STATUSES:
        code, detail = "server-error", f"{_http(status)} without a usable Location"
    elif status >= 400:
        code, detail = "dead", _http(status)
    else:
        code, detail = "server-error", f"unexpected {_http(status)}"
    return Outcome(
        code,
        detail,
        http_status=status,
        final_url=final,
        redirects=answer.redirects,
        suggested_url=suggested_url(answer) if code == "redirected" else None,
    )


@dataclass(frozen=True)
class Paywalled:
    """Whether a URL's publisher keeps its pages behind a paywall: the fetcher's `paywalled`
    (a 403 from such a publisher is `paywalled`). `registry`: the run's publishers; None, the
    built-in ones. It pickles, so that a checking worker forked before the run's settings were
    known can be sent it (`shards.spares`). It lives here, beside the rule it feeds
    (`classify`), because a worker already has this module: unpickling it imports nothing the
    worker would not (from `check.py` it imported the extraction modules, 0.012 s before the
    first request could leave)."""

    registry: Registry | None = None

    def __call__(self, url: str) -> bool:
        from citecheck.publishers import default_registry

        registry = self.registry if self.registry is not None else default_registry()
        publisher = registry.for_url(url)
        return publisher is not None and publisher.paywall


def _hops(redirects: tuple[Redirect, ...]) -> str:
    return "1 redirect" if len(redirects) == 1 else f"{len(redirects)} redirects"


def suggested_url(answer: Answer) -> str | None:
    """The final URL, when every redirect to it was permanent and it answered 2xx."""
    if (
        answer.redirects
        and 200 <= answer.status < 300
        and all(hop.status in PERMANENT_REDIRECTS for hop in answer.redirects)
    ):
        return answer.url
    return None


# Retries -----------------------------------------------------------------------------------------


def retryable(outcome: Outcome) -> bool:
    """Whether another attempt may change the outcome."""
    if outcome.status in ("timeout", "rate-limited"):
        return True
    if outcome.status == "server-error":
        return outcome.http_status is not None and outcome.http_status >= 500
    return outcome.status == "unreachable" and outcome.reason in ("reset", "closed", "dns")


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a `Retry-After` value (seconds or an HTTP date), at most
    `RETRY_AFTER_CAP`; None when there is no usable value."""
    wait = retry_after_uncapped(value, now)
    return None if wait is None else min(wait, RETRY_AFTER_CAP)


def retry_after_uncapped(value: str | None, now: datetime) -> float | None:
    """`retry_after` without the cap (the archives' pacer decides what a long wait means)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # (15 ms to import; rarely needed)

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def backoff(attempt: int, random: Callable[[], float]) -> float:
    """The delay before retry number `attempt` (0 for the first retry): exponential, with a
    jitter drawn from `random()` in [0, 1) that keeps between half and all of it."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0**attempt)
    return ceiling * (0.5 + random() / 2)


def retry_delay(attempt: int, after: float | None, random: Callable[[], float]) -> float:
    """How long to wait before the next attempt: the backoff, or the server's `Retry-After`
    when that is longer."""
    delay = backoff(attempt, random)
    return max(delay, after) if after is not None else delay


# Addresses ---------------------------------------------------------------------------------------


def is_private_address(address: str) -> bool:
    """Whether connecting to `address` (an IPv4 or IPv6 literal) would reach a private, loopback,
    link-local (169.254.169.254 included), multicast, reserved, unspecified or otherwise
    non-global network. IPv4 addresses inside IPv6 (mapped, 6to4, Teredo) are judged as IPv4.
    Anything that is not an address literal counts as private: refuse what cannot be judged."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and _private(embedded):
            return True
    return _private(ip)


def _private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


# The run -----------------------------------------------------------------------------------------


def is_offline(outcomes: Iterable[Outcome]) -> bool:
    """Whether the fetched outcomes show a lost network: no answer at all, and every failure a
    failed lookup or a missing route."""
    failures = 0
    for outcome in outcomes:
        if outcome.status == "refused-private" and outcome.http_status is None:
            continue  # refused before connecting: says nothing about the network
        if outcome.http_status is not None:
            return False
        if outcome.reason in NO_NETWORK_REASONS:
            failures += 1
        elif outcome.attempts > 0:
            return False
    return failures > 0


def severity_codes(severity: Severity) -> frozenset[str]:
    """The codes of `severity` or worse: `error` is `DEFAULT_FAIL_ON`, `note` every code with a
    severity."""
    worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
    return frozenset(code for code, level in SEVERITY.items() if level in worst)


def fails(outcome: Outcome | None, fail_on: frozenset[str]) -> bool:
    """Whether an outcome is a finding at or above the failure threshold."""
    return outcome is not None and outcome.status in fail_on
