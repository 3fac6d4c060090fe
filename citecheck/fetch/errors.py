"""The one table from exceptions to outcomes. Only the fetch package catches httpx, httpcore,
trio and OS errors, and it turns each into an `Outcome` here, so a network failure is always a
value in the report, never a crash, and always the same value for the same failure.

An exception is judged by its whole chain (`__cause__`, `__context__`, the first member of an
exception group): httpx wraps httpcore's errors, which wrap trio's or the OS's, and the most
telling one is usually at the bottom. The rows go from the most specific to the most general:

| exception in the chain | status | reason | retried (y/n) |
| --- | --- | --- | --- |
| `PrivateAddressError` (our guard) | `refused-private` | `private-address` | n |
| `socket.gaierror` EAI_NONAME, EAI_NODATA | `dead` | `nxdomain` | n |
| `socket.gaierror`, any other | `unreachable` | `dns` | y |
| `ssl.SSLCertVerificationError` | `unreachable` | `tls-certificate` | n |
| `ssl.SSLError`, `ssl.CertificateError` | `unreachable` | `tls` | n |
| `ConnectionRefusedError` | `unreachable` | `refused` | n |
| `ConnectionResetError`, `ConnectionAbortedError`, `BrokenPipeError` | `unreachable` | `reset`| y |
| `OSError` ENETUNREACH, EHOSTUNREACH, ENETDOWN | `unreachable` | `no-route` | n |
| `httpx`/`httpcore` `TimeoutException`, `trio.TooSlowError` | `timeout` | `timeout` | y |
| `httpx`/`httpcore` `RemoteProtocolError` (closed, garbled) | `unreachable` | `closed` | y |
| `httpcore.ConnectionNotAvailable` (HTTP/2 GOAWAY, again) | `unreachable` | `closed` | y |
| `httpx`/`httpcore` `ReadError`, `trio.BrokenResourceError` | `unreachable` | `reset` | y |
| `httpx`/`httpcore` `UnsupportedProtocol`, `httpx.InvalidURL` | `invalid-url` | `syntax` | n |
| `httpx`/`httpcore` `ProxyError` | `unreachable` | `proxy` | n |
| `httpx.DecodingError` | `server-error` | `decoding` | n |
| any other `OSError`, `httpx.HTTPError`, httpcore error | `unreachable` | `network` | n |

The first eight rows are looked for from the root cause up; the others from the outermost
exception down. "Retried" is `policy.retryable`'s decision.

Timeouts that our own `trio.move_on_after` imposes never raise; `fetch` turns them into
`timeout` directly. Anything else (a bug) is not caught.
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Iterator

import httpcore
import httpx
import trio

from citecheck.fetch.backend import PrivateAddressError
from citecheck.model import Outcome, Status

_NO_SUCH_HOST = {socket.EAI_NONAME} | (
    {socket.EAI_NODATA} if hasattr(socket, "EAI_NODATA") else set()
)
_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}
_RESET = (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)

CAUGHT = (OSError, httpx.HTTPError, httpx.InvalidURL, httpcore.ConnectError, httpcore.NetworkError,
          httpcore.TimeoutException, httpcore.ProtocolError, httpcore.ProxyError,
          httpcore.UnsupportedProtocol, httpcore.ConnectionNotAvailable, trio.BrokenResourceError,
          trio.TooSlowError)  # fmt: skip
"""What `fetch` catches around a request and hands to `outcome_for`."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then what caused it, outermost first. trio reports a failed connection to every
    address of a host as an OSError caused by an ExceptionGroup of the attempts' errors; the
    group's first error stands for it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup) and current.exceptions:
            current = current.exceptions[0]
        else:
            current = current.__cause__ or current.__context__


def _row(error: BaseException) -> tuple[Status, str, str] | None:
    """The table's row for one exception of the chain: (status, reason, detail)."""
    if isinstance(error, PrivateAddressError):
        return "refused-private", "private-address", str(error)
    if isinstance(error, socket.gaierror):
        if error.errno in _NO_SUCH_HOST:
            return "dead", "nxdomain", f"the host does not exist ({error.strerror or error})"
        return "unreachable", "dns", f"name lookup failed: {error.strerror or error}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            "unreachable",
            "tls-certificate",
            f"TLS certificate: {getattr(error, 'verify_message', None) or error}",
        )
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return "unreachable", "tls", f"TLS failure: {error}"
    if isinstance(error, ConnectionRefusedError):
        return "unreachable", "refused", "connection refused"
    if isinstance(error, _RESET):
        return "unreachable", "reset", "connection reset"
    if isinstance(error, OSError) and error.errno in _NO_ROUTE:
        return "unreachable", "no-route", f"no route to the host ({error.strerror})"
    return None


def _general(error: BaseException) -> tuple[Status, str, str] | None:
    """The table's general rows, for the outermost exception that matches one."""
    if isinstance(error, httpx.TimeoutException | httpcore.TimeoutException | trio.TooSlowError):
        return "timeout", "timeout", "timed out"
    if isinstance(error, httpx.RemoteProtocolError | httpcore.RemoteProtocolError):
        return "unreachable", "closed", f"the server closed the connection: {error}"
    if isinstance(error, httpcore.ConnectionNotAvailable):
        return "unreachable", "closed", "the server closed the connection (HTTP/2 GOAWAY)"
    if isinstance(error, httpx.ReadError | httpcore.ReadError | trio.BrokenResourceError):
        return "unreachable", "reset", "connection reset"
    if isinstance(
        error, httpx.UnsupportedProtocol | httpx.InvalidURL | httpcore.UnsupportedProtocol
    ):
        return "invalid-url", "syntax", f"cannot be requested: {error}"
    if isinstance(error, httpx.ProxyError | httpcore.ProxyError):
        return "unreachable", "proxy", f"proxy failure: {error}"
    if isinstance(error, httpx.DecodingError):
        return "server-error", "decoding", f"the body cannot be decoded: {error}"
    return None


def _match(chain: list[BaseException]) -> tuple[Status, str, str]:
    for link in reversed(chain):  # the root cause is the most specific
        row = _row(link)
        if row is not None:
            return row
    for link in chain:
        row = _general(link)
        if row is not None:
            return row
    error = chain[0]
    return "unreachable", "network", f"{type(error).__name__}: {error}".rstrip(": ")


def outcome_for(error: BaseException, *, attempts: int = 1) -> Outcome:
    """The outcome an exception from a request stands for (the module's table)."""
    status, reason, detail = _match(list(_chain(error)))
    return Outcome(status, detail, reason=reason, attempts=attempts)
