"""The checker's decisions, with plain values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from citecheck import policy
from citecheck.model import Outcome, Redirect
from citecheck.policy import Answer


def answer(status: int, url: str = "https://a.example/x", **options: object) -> Answer:
    return Answer("GET", url, status, options.pop("headers", {}), **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, "ok"),
        (204, "ok"),
        (404, "dead"),
        (410, "dead"),
        (400, "dead"),
        (401, "paywalled"),
        (402, "paywalled"),
        (403, "blocked"),
        (451, "blocked"),
        (429, "rate-limited"),
        (500, "server-error"),
        (503, "server-error"),
        (999, "blocked"),
    ],
)
def test_classify_by_status(status: int, expected: str) -> None:
    assert policy.classify("https://a.example/x", answer(status)).status == expected


def test_403_on_a_paywalled_publisher_is_paywalled() -> None:
    assert policy.classify("https://a.example/x", answer(403), paywall=True).status == "paywalled"


def test_bot_wall_wins_over_paywall() -> None:
    walled = answer(403, headers={"cf-mitigated": "challenge"})
    outcome = policy.classify("https://a.example/x", walled, paywall=True)
    assert (outcome.status, outcome.detail) == ("blocked", "Cloudflare: cf-mitigated: challenge")


def test_redirected_then_suggested_only_when_permanent() -> None:
    hops = (Redirect("http://a.example/x", 301), Redirect("https://a.example/x", 308))
    outcome = policy.classify(
        "http://a.example/x", answer(200, "https://a.example/y", redirects=hops)
    )
    assert (outcome.status, outcome.suggested_url) == ("redirected", "https://a.example/y")
    hops = (Redirect("http://a.example/x", 302),)
    outcome = policy.classify("http://a.example/x", answer(200, redirects=hops))
    assert (outcome.status, outcome.suggested_url) == ("redirected", None)


def test_needs_get_after_head() -> None:
    assert not policy.needs_get(answer(200))
    assert policy.needs_get(answer(405))
    assert policy.needs_get(answer(404))
    assert policy.needs_get(answer(503))
    assert not policy.needs_get(answer(429))
    assert not policy.needs_get(answer(999))


def test_first_method() -> None:
    assert policy.first_method("a.example", head_refused=False, want_page=False) == "HEAD"
    assert policy.first_method("a.example", head_refused=True, want_page=False) == "GET"
    assert policy.first_method("a.example", head_refused=False, want_page=True) == "GET"
    assert policy.first_method("amazon.com", head_refused=False, want_page=False) == "GET"


def test_page_budget() -> None:
    assert policy.page_budget("HEAD", 200, "text/html", want_page=True, max_body=10**6) == 0
    assert policy.page_budget("GET", 200, "text/html", want_page=True, max_body=10**6) == 10**6
    assert policy.page_budget("GET", 200, "text/html", want_page=False, max_body=10**6) == (
        policy.SNIFF_BYTES
    )
    assert policy.page_budget("GET", 200, "application/pdf", want_page=True, max_body=10**6) == 0
    assert policy.page_budget("GET", 404, "text/html", want_page=False, max_body=10**6) == 0
    assert policy.page_budget("GET", 403, "text/html", want_page=False, max_body=1000) == 1000


def test_next_location() -> None:
    assert policy.next_location("https://a.example/x/y", 301, "../z") == "https://a.example/z"
    assert policy.next_location("https://a.example/", 302, "//b.example/q") == "https://b.example/q"
    missing = policy.next_location("https://a.example/", 302, None)
    assert isinstance(missing, Outcome)
    assert missing.reason == "no-location"
    bad_port = policy.next_location("https://a.example/", 302, "https://a.example:99999/")
    assert isinstance(bad_port, Outcome)
    assert bad_port.reason == "bad-location"
    other = policy.next_location("https://a.example/", 302, "javascript:alert(1)")
    assert isinstance(other, Outcome)
    assert other.status == "unsupported-scheme"


def test_credentials_follow_only_the_same_origin() -> None:
    assert policy.credentials_may_follow("https://a.example/x", "https://a.example:443/y")
    assert not policy.credentials_may_follow("https://a.example/x", "https://b.example/x")
    assert not policy.credentials_may_follow("https://a.example/x", "http://a.example/x")
    assert not policy.credentials_may_follow("https://a.example/x", "https://a.example:8443/x")


NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 60.0),
        ("5", 5.0),
        ("0", 0.0),
        ("Thu, 01 Jan 2026 12:00:30 GMT", 30.0),
        ("Thu, 01 Jan 2026 11:00:00 GMT", 0.0),
        ("Fri, 02 Jan 2026 12:00:00 GMT", 60.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert policy.retry_after(value, NOW) == seconds


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    assert [policy.backoff(n, lambda: 0.0) for n in range(3)] == [0.25, 0.5, 1.0]
    assert policy.backoff(2, lambda: 0.5) == 1.5
    assert policy.backoff(20, lambda: 0.999) < policy.BACKOFF_CAP
    assert policy.retry_delay(0, 10.0, lambda: 0.0) == 10.0
    assert policy.retry_delay(3, 1.0, lambda: 0.0) == 2.0


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "not-an-address",
    ],
)
def test_private_addresses(address: str) -> None:
    assert policy.is_private_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert not policy.is_private_address(address)


def test_offline_only_when_nothing_answered_and_all_failures_are_lookups() -> None:
    dns = Outcome("unreachable", "lookup failed", reason="dns", attempts=1)
    nx = Outcome("dead", "no such host", reason="nxdomain", attempts=1)
    ok = Outcome("ok", "HTTP 200", http_status=200, attempts=1)
    timeout = Outcome("timeout", "timed out", reason="timeout", attempts=1)
    private = Outcome("refused-private", "private", reason="private-address", attempts=1)
    assert policy.is_offline([dns, nx, private])
    assert not policy.is_offline([dns, nx, ok])
    assert not policy.is_offline([dns, timeout])
    assert not policy.is_offline([])
    assert not policy.is_offline([private])


def test_retryable() -> None:
    assert policy.retryable(Outcome("timeout", "", reason="timeout"))
    assert policy.retryable(Outcome("server-error", "", http_status=502))
    assert not policy.retryable(Outcome("server-error", "", reason="no-location"))
    assert policy.retryable(Outcome("unreachable", "", reason="reset"))
    assert not policy.retryable(Outcome("unreachable", "", reason="refused"))
    assert not policy.retryable(Outcome("dead", "", http_status=404))


def test_default_failure_threshold() -> None:
    assert policy.fails(Outcome("dead", ""), policy.DEFAULT_FAIL_ON)
    assert not policy.fails(Outcome("blocked", ""), policy.DEFAULT_FAIL_ON)
    assert not policy.fails(None, policy.DEFAULT_FAIL_ON)
