"""The exception table: every network failure becomes one documented outcome."""

from __future__ import annotations

import errno
import socket
import ssl

import httpcore
import httpx
import pytest

from citecheck.fetch import PrivateAddressError, outcome_for


def chained(outer: BaseException, *causes: BaseException) -> BaseException:
    current = outer
    for cause in causes:
        current.__cause__ = cause
        current = cause
    return outer


@pytest.mark.parametrize(
    ("error", "status", "reason"),
    [
        (chained(httpx.ConnectError("x"), PrivateAddressError("a.example", "10.0.0.1")),
         "refused-private", "private-address"),
        (chained(httpcore.ConnectError("x"), socket.gaierror(socket.EAI_NONAME, "no")),
         "dead", "nxdomain"),
        (chained(httpcore.ConnectError("x"), socket.gaierror(socket.EAI_AGAIN, "again")),
         "unreachable", "dns"),
        (chained(httpx.ConnectError("x"), ssl.SSLCertVerificationError("bad cert")),
         "unreachable", "tls-certificate"),
        (chained(httpx.ConnectError("x"), ssl.SSLError("handshake")), "unreachable", "tls"),
        (chained(httpx.ConnectError("x"), OSError("all"),
                 ExceptionGroup("all", [ConnectionRefusedError(111, "refused")])),
         "unreachable", "refused"),
        (chained(httpx.ReadError("x"), ConnectionResetError()), "unreachable", "reset"),
        (chained(httpx.ConnectError("x"), OSError(errno.ENETUNREACH, "unreachable")),
         "unreachable", "no-route"),
        (httpx.ReadTimeout("slow"), "timeout", "timeout"),
        (httpx.RemoteProtocolError("closed"), "unreachable", "closed"),
        (httpx.UnsupportedProtocol("gopher"), "invalid-url", "syntax"),
        (httpx.ProxyError("proxy"), "unreachable", "proxy"),
        (httpx.DecodingError("gzip"), "server-error", "decoding"),
        (OSError("odd"), "unreachable", "network"),
    ],
)  # fmt: skip
def test_the_table(error: BaseException, status: str, reason: str) -> None:
    outcome = outcome_for(error)
    assert (outcome.status, outcome.reason) == (status, reason)
    assert outcome.detail
