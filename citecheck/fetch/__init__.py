"""The only package that does network I/O: an `httpx.AsyncClient` driven by trio.

`client.py` builds the client (the one factory, which takes a transport) and sends requests
through it, `pool.py` keeps connections per origin, `http11.py` is one connection (HTTP/1.1 on
h11, HTTP/2 through httpcore), `backend.py` is the connect-time hook (`--connect-to` and the
private-address guard), `errors.py` is the one table from exceptions to outcomes, and
`fetcher.py` fetches targets within the limits. What to request and what an answer means is
decided in `citecheck.policy`, which does no I/O.
"""

from __future__ import annotations

from citecheck.fetch.backend import GuardedBackend, PrivateAddressError, Resolver, system_resolver
from citecheck.fetch.client import PoolTransport, make_client, ssl_context
from citecheck.fetch.errors import outcome_for
from citecheck.fetch.fetcher import Fetcher
from citecheck.model import Fetched

__all__ = [
    "Fetched",
    "Fetcher",
    "GuardedBackend",
    "PoolTransport",
    "PrivateAddressError",
    "Resolver",
    "make_client",
    "outcome_for",
    "ssl_context",
    "system_resolver",
]
