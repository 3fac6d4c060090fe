"""How the checker fetches, as one value, and the parsers of the flags that fill it.

Kept free of httpx and trio so that the command line can validate flags (and answer `--help`)
without loading them. Every parser raises `ValueError` with a message fit for the user.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Literal

from citecheck._version import PROJECT_URL, __version__
from citecheck.model import STATUSES

DEFAULT_USER_AGENT = f"citecheck/{__version__} (+{PROJECT_URL})"
"""Who we say we are: a name a site owner can look up."""

Method = Literal["auto", "get"]
"""`auto`: HEAD first, GET when needed (policy.py); `get`: always GET and read the page."""


@dataclass(frozen=True, slots=True)
class ConnectTo:
    """One `--connect-to HOST1:PORT1:HOST2:PORT2` rule, with curl's meaning."""

    host: str | None
    """The host it applies to; None (written empty) for any host."""
    port: int | None
    """The port it applies to; None (written empty) for any port."""
    to_host: str | None
    """Where to connect instead; None (written empty) keeps the host."""
    to_port: int | None
    """Which port to connect to instead; None (written empty) keeps the port."""

    def apply(self, host: str, port: int) -> tuple[str, int] | None:
        """The address to connect to for `host:port`, or None if the rule does not apply."""
        if self.host is not None and self.host != host.lower().strip("[]"):
            return None
        if self.port is not None and self.port != port:
            return None
        return (self.to_host or host, self.to_port or port)


def connect_address(rules: tuple[ConnectTo, ...], host: str, port: int) -> tuple[str, int]:
    """Where to connect for `host:port`: the first rule that applies, else `host:port` itself."""
    for rule in rules:
        mapped = rule.apply(host, port)
        if mapped is not None:
            return mapped
    return host, port


_PART = r"(\[[^\]]*\]|[^:\[\]]*)"
_CONNECT_TO = re.compile(rf"{_PART}:(\d*):{_PART}:(\d*)")


def parse_connect_to(value: str) -> ConnectTo:
    """A `HOST1:PORT1:HOST2:PORT2` rule; IPv6 addresses in brackets, empty parts allowed."""
    match = _CONNECT_TO.fullmatch(value.strip())
    if match is None:
        raise ValueError(
            f"--connect-to {value!r}: expected HOST1:PORT1:HOST2:PORT2 "
            "(parts may be empty; IPv6 addresses in brackets)"
        )
    host, port, to_host, to_port = match.groups()
    return ConnectTo(
        host.strip("[]").lower() or None,
        _port(port, value),
        to_host.strip("[]") or None,
        _port(to_port, value),
    )


def _port(text: str, value: str) -> int | None:
    if not text:
        return None
    port = int(text)
    if not 0 < port < 65536:
        raise ValueError(f"--connect-to {value!r}: port {port} is out of range")
    return port


def parse_host_user_agent(value: str) -> tuple[str, str]:
    """A `HOST=USER-AGENT` pair; HOST also covers its subdomains."""
    host, equals, agent = value.partition("=")
    host = host.strip().lower().removeprefix("*.").strip(".")
    if not equals or not host or not agent.strip():
        raise ValueError(f"--host-user-agent {value!r}: expected HOST=USER-AGENT")
    return host, agent.strip()


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "m": 1000**2, "g": 1000**3}


def parse_size(value: str) -> int:
    """A byte count: `5000000`, `512k`, `5M`, `5MiB` (k, M and G are powers of 1000 or, with
    an `i`, of 1024)."""
    match = _SIZE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"--max-body-size {value!r}: expected a size such as 5M or 512k")
    number, unit = match.groups()
    unit = (unit or "").lower()
    base = _UNITS[unit[:1]]
    if "i" in unit:
        base = {1000: 1024, 1000**2: 1024**2, 1000**3: 1024**3}.get(base, base)
    size = int(float(number) * base)
    if size < 1024:
        raise ValueError(f"--max-body-size {value!r}: at least 1k is needed to read a page")
    return size


def parse_statuses(value: str, flag: str = "--fail-on") -> frozenset[str]:
    """A comma-separated list of codes — link statuses, verification results that say the
    article claims what its source does not (`title-mismatch`, `quote-not-found`, …), or
    `unresolved` — and severities, or `none` for the empty list. A severity stands for every
    code of it or worse (`policy.SEVERITY`): `error` for the default list, `warning` for what
    went wrong or could not be confirmed too, `note` for redirects too."""
    if value.strip().lower() == "none":
        return frozenset()
    from citecheck.policy import SEVERITIES, severity_codes
    from citecheck.verify.model import PROBLEMS

    names = [*STATUSES, *sorted(PROBLEMS), "unresolved"]
    known = set(names)
    severities = {severity: severity_codes(severity) for severity in SEVERITIES}
    codes: set[str] = set()
    for item in (item.strip() for item in value.split(",")):
        if item in severities:
            codes |= severities[item]
        elif item in known:
            codes.add(item)
        else:
            raise ValueError(
                f"{flag}: unknown status {item!r} (known: {', '.join(names)}; "
                f"or a severity: {', '.join(SEVERITIES)})"
            )
    return frozenset(codes)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Everything that decides how targets are fetched (docs/cli.md names the flags)."""

    max_concurrency: int = 128
    """Requests in flight at once, over all hosts."""
    host_concurrency: int = 8
    """Requests in flight at once to one host group (registrable domain)."""
    host_interval: float = 0.0
    """Seconds between the starts of two requests to one host group."""
    retries: int = 3
    """Further attempts after a transient failure."""
    max_rate_limit_wait: float = 180.0
    """Seconds of pauses the 429 answers of one host group may cost a run; then its links are
    not asked (again), and are `rate-limited` with reason `rate-limit-wait`."""
    timeout: float = 20.0
    """Seconds one request may take, answer and body read included."""
    user_agent: str = DEFAULT_USER_AGENT
    """The User-Agent sent."""
    host_user_agents: tuple[tuple[str, str], ...] = ()
    """(host, User-Agent) pairs that override `user_agent` for a host and its subdomains."""
    connect_to: tuple[ConnectTo, ...] = ()
    """Where to connect instead, per host and port."""
    cacerts: tuple[str, ...] = ()
    """Extra CA certificate files to trust."""
    allow_private: bool = False
    """Whether private, loopback and link-local addresses may be connected to."""
    max_body: int = 5_000_000
    """The most bytes of a body read."""
    method: Method = "auto"
    """How pages are requested."""
    headers: tuple[tuple[str, str], ...] = ()
    """(name, value) request headers sent to every host, after the built-in ones (a header
    of the same name replaces the built-in one)."""
    accept: frozenset[int] = frozenset()
    """HTTP status codes that count as `ok` for every link (`accepted`)."""
    hosts: tuple[HostSettings, ...] = ()
    """Settings for some hosts and their subdomains; the most specific pattern applies."""

    def most_per_host(self) -> int:
        """The most requests one host may have in flight at once: `host_concurrency`, or a
        host settings table's `concurrency` when larger."""
        configured = [host.concurrency for host in self.hosts if host.concurrency is not None]
        return max(self.host_concurrency, *configured, 1)

    def user_agent_for(self, host: str) -> str:
        """The User-Agent for `host`: that of the most specific pattern matching it among the
        `host_user_agents` pairs and the `hosts` that set one (on equal patterns, the pair),
        else the global one."""
        best: tuple[int, str] | None = None
        for pattern, agent in self.host_user_agents:
            if _matches(host, pattern) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), agent)
        for settings in self.hosts:
            if (
                settings.user_agent is not None
                and _matches(host, settings.pattern)
                and (best is None or len(settings.pattern) > best[0])
            ):
                best = (len(settings.pattern), settings.user_agent)
        return best[1] if best is not None else self.user_agent

    def host_settings(self, host: str) -> HostSettings | None:
        """The settings of the most specific (longest) pattern matching `host`, if any (on
        equal patterns, the first)."""
        best: HostSettings | None = None
        for settings in self.hosts:
            if _matches(host, settings.pattern) and (
                best is None or len(settings.pattern) > len(best.pattern)
            ):
                best = settings
        return best

    def headers_for(self, host: str) -> tuple[tuple[str, str], ...]:
        """The extra headers sent to `host`: the global ones, then those of its host settings;
        a host's header replaces a global one of the same name (in any case)."""
        settings = self.host_settings(host) if self.hosts else None
        if settings is None or not settings.headers:
            return self.headers
        if not self.headers:
            return settings.headers
        replaced = {name.lower() for name, _ in settings.headers}
        kept = tuple(pair for pair in self.headers if pair[0].lower() not in replaced)
        return kept + settings.headers

    def accept_for(self, host: str) -> frozenset[int]:
        """The HTTP status codes accepted as `ok` for links on `host`: the global ones and
        those of its host settings."""
        settings = self.host_settings(host) if self.hosts else None
        if settings is None or not settings.accept:
            return self.accept
        return self.accept | settings.accept

    def limits_for(self, host: str) -> tuple[str, int, float] | None:
        """The limits of the requests to `host` when host settings set them: (the pattern
        whose requests share them, requests in flight at once, seconds between two starts),
        from the most specific pattern matching `host` that sets `concurrency` or
        `interval`, the global value standing in for the one it does not set. None when no
        such pattern matches: the host's group shares the global limits."""
        best: HostSettings | None = None
        for settings in self.hosts:
            if (
                (settings.concurrency is not None or settings.interval is not None)
                and _matches(host, settings.pattern)
                and (best is None or len(settings.pattern) > len(best.pattern))
            ):
                best = settings
        if best is None:
            return None
        return (
            best.pattern,
            best.concurrency if best.concurrency is not None else self.host_concurrency,
            best.interval if best.interval is not None else self.host_interval,
        )


def _matches(host: str, pattern: str) -> bool:
    """Whether `host` is `pattern` or one of its subdomains."""
    return host == pattern or host.endswith("." + pattern)


@dataclass(frozen=True, slots=True)
class HostSettings:
    """How the requests to one host and its subdomains differ from the others'."""

    pattern: str
    """The host name, lower case (IDNA-encoded for an international name): it matches that
    host and its subdomains."""
    headers: tuple[tuple[str, str], ...] = ()
    """(name, value) request headers sent to matching hosts, besides the global ones."""
    user_agent: str | None = None
    """The User-Agent sent to matching hosts; None: the global one."""
    concurrency: int | None = None
    """Requests in flight at once to the matching hosts together (in place of
    `host_concurrency`); None: the global value."""
    interval: float | None = None
    """Seconds between the starts of two requests to the matching hosts (in place of
    `host_interval`); None: the global value."""
    accept: frozenset[int] = frozenset()
    """HTTP status codes that count as `ok` for links on matching hosts, besides the global
    ones."""


def parse_host_pattern(value: str, flag: str = "host") -> str:
    """A host pattern as `HostSettings.pattern` wants it: lower case, IDNA-encoded, without a
    leading `*.` or dots at either end; an IP address (IPv6 with or without brackets) in its
    canonical form."""
    host = value.strip().lower().removeprefix("*.").strip(".")
    try:
        return ipaddress.ip_address(host.strip("[]")).compressed
    except ValueError:
        pass
    if not host or any(c in host for c in "/:@?#[] \t"):
        raise ValueError(f"{flag} {value!r}: expected a host name such as news.example.com")
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise ValueError(f"{flag} {value!r}: not a valid host name") from None


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""An HTTP field name (RFC 9110 `token`)."""

_CONTROLLED = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "upgrade",
        "te",
        "trailer",
        "keep-alive",
    }
)
"""Headers citecheck itself must control: they shape the connection and the message."""


def parse_header(value: str, flag: str = "--header") -> tuple[str, str]:
    """A `Name: value` request header. Refuses a name that is not an HTTP token, control
    characters (CR, LF, NUL, ...), the headers that shape the connection and the message
    (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, `Upgrade`, `TE`,
    `Trailer`, `Keep-Alive`, `Proxy-*`) and `User-Agent` (set with `--user-agent`)."""
    if any(c in value for c in "\r\n\0"):
        raise ValueError(f"{flag} {value!r}: a header may not contain CR, LF or NUL")
    name, colon, text = value.partition(":")
    name, text = name.strip(), text.strip(" \t")
    if not colon or not name:
        raise ValueError(f"{flag} {value!r}: expected NAME: VALUE")
    if _TOKEN.fullmatch(name) is None:
        raise ValueError(f"{flag} {value!r}: {name!r} is not a valid header name")
    if any((c < " " and c != "\t") or c == "\x7f" for c in text):
        raise ValueError(f"{flag} {value!r}: a header value may not contain control characters")
    if not text:
        raise ValueError(f"{flag} {value!r}: the header has no value")
    lowered = name.lower()
    if lowered == "user-agent":
        raise ValueError(
            f"{flag} {value!r}: set the User-Agent with --user-agent or --host-user-agent "
            "(`user-agent` in a configuration file)"
        )
    if lowered.startswith("proxy-"):
        raise ValueError(
            f"{flag} {value!r}: Proxy-* headers are for a proxy, not for the sites checked "
            "(give the proxy, with its credentials, in HTTPS_PROXY or HTTP_PROXY)"
        )
    if lowered in _CONTROLLED:
        raise ValueError(
            f"{flag} {value!r}: citecheck sets {name} itself (it shapes the connection "
            "or the message); it cannot be configured"
        )
    return name, text


_CODE = re.compile(r"([0-9]{3})(?:\s*-\s*([0-9]{3}))?")


def parse_accept(value: str, flag: str = "--accept") -> frozenset[int]:
    """HTTP status codes, comma-separated, with inclusive ranges (`200,403,500-503`), each
    from 100 to 599; or `none` for none."""
    if value.strip().lower() == "none":
        return frozenset()
    codes: set[int] = set()
    for item in (item.strip() for item in value.split(",")):
        match = _CODE.fullmatch(item)
        if match is None:
            raise ValueError(
                f"{flag} {value!r}: expected HTTP status codes and ranges such as "
                f"403,500-503 (not {item!r})"
            )
        low = int(match[1])
        high = int(match[2]) if match[2] is not None else low
        if not 100 <= low <= high <= 599:
            raise ValueError(
                f"{flag} {value!r}: {item!r} is not a status code or range within 100-599"
            )
        codes.update(range(low, high + 1))
    return frozenset(codes)
