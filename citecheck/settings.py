"""How the checker fetches, as one value, and the parsers of the flags that fill it.

Kept free of httpx and trio so that the command line can validate flags (and answer `--help`)
without loading them. Every parser raises `ValueError` with a message fit for the user.
"""

from __future__ import annotations

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
    `unresolved` — or `none` for the empty list."""
    if value.strip().lower() == "none":
        return frozenset()
    from citecheck.verify.model import PROBLEMS

    names = [*STATUSES, *sorted(PROBLEMS), "unresolved"]
    known = set(names)
    codes: set[str] = set()
    for item in (item.strip() for item in value.split(",")):
        if item not in known:
            raise ValueError(f"{flag}: unknown status {item!r} (known: {', '.join(names)})")
        codes.add(item)
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

    def user_agent_for(self, host: str) -> str:
        """The User-Agent for `host`: the most specific `host_user_agents` entry, else the
        global one."""
        best: tuple[int, str] | None = None
        for pattern, agent in self.host_user_agents:
            if (host == pattern or host.endswith("." + pattern)) and (
                best is None or len(pattern) > best[0]
            ):
                best = (len(pattern), agent)
        return best[1] if best is not None else self.user_agent
