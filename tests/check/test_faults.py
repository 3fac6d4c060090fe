"""Network faults, one test each: every fault ends in its documented outcome (docs/outcomes.md,
the table in `citecheck/fetch/errors.py`), in bounded time and memory, without a crash or a
hang, and no transient fault ever reads as `dead`.

The misbehaving servers are `faultserver.FaultServer`s on 127.0.0.1; well-behaved answers
(redirects, pages) come from the shared fake web. The checker reaches both through its own
transport, pool and connect-time guard, with a fake resolver: nothing leaves the machine.

Times: tests that would sleep for long (Retry-After up to 60 s) run on a `MockClock` that runs
`RATE` times faster than the wall clock, with real sockets underneath; the fault servers stamp
requests on the same clock. The others run on the real clock with bounds several times what
was measured (the measured figure is in a comment).
"""

from __future__ import annotations

import itertools
import json
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import faultserver
import pytest
import trio
import trio.testing
import trustme
from fakeweb import PUBLIC, FakeWeb, Loopback, page, paywalled, resolver, transport_for
from faultserver import HTML, FaultServer, Peer, Seen, answer, answering, head, html

from citecheck import plans
from citecheck.cli import main
from citecheck.fetch import Fetcher, GuardedBackend, PoolTransport, make_client, ssl_context
from citecheck.model import Fetched, Outcome, Target
from citecheck.settings import FetchSettings
from citecheck.targets import normalise

TRANSIENT = {"timeout", "unreachable", "rate-limited", "server-error", "ok", "redirected"}
"""What a transient fault may end as: never `dead` (nor any other failing code)."""

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
"""The wall clock the fetchers here are given (for Retry-After dates)."""

RATE = 50.0
"""How much faster than the wall clock the fast MockClock runs."""

MB = 1 << 20


def target(url: str) -> Target:
    found = normalise(url)
    assert isinstance(found, Target)
    return found


@dataclass
class Faults:
    """Fault servers, each behind a host name of its own, and fetchers that reach them."""

    web: FakeWeb
    servers: list[FaultServer] = field(default_factory=list)
    dns: dict[str, Any] = field(default_factory=dict)
    extra: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    def serve(
        self,
        host: str,
        script: faultserver.Script,
        *,
        tls: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> FaultServer:
        """Start a server running `script` and give `host` a public address that leads to it."""
        server = FaultServer(script, tls=tls, clock=clock).start()
        self.servers.append(server)
        address = f"93.184.216.{len(self.servers)}"
        self.dns[host] = [address]
        self.extra[(address, 443 if tls is not None else 80)] = ("127.0.0.1", server.port)
        return server

    @asynccontextmanager
    async def fetcher(self, settings: FetchSettings) -> AsyncIterator[Fetcher]:
        """A fetcher over the real transport, pool and guard (random jitter 0: backoffs are
        0.25 s, 0.5 s, 1 s, ...; the wall clock is `NOW`)."""
        loopback = Loopback(self.web, self.extra)
        transport = transport_for(self.web, settings, dns=self.dns, loopback=loopback)
        async with make_client(settings, transport=transport) as client:
            yield Fetcher(
                client, settings, paywalled=paywalled, random=lambda: 0.0, now=lambda: NOW
            )

    async def fetch(self, url: str, settings: FetchSettings, *, want_page: bool = False) -> Fetched:
        async with self.fetcher(settings) as fetcher:
            return await fetcher.fetch(target(url), want_page=want_page)


@pytest.fixture
def faults(web: FakeWeb) -> Iterator[Faults]:
    made = Faults(web)
    yield made
    for server in made.servers:
        server.stop()


@pytest.fixture
def fast_clock() -> trio.testing.MockClock:
    """Trio's clock, `RATE` times faster than the wall clock (real sockets keep working)."""
    return trio.testing.MockClock(rate=RATE)


def settings(**changes: Any) -> FetchSettings:
    return FetchSettings(**{"retries": 0, "timeout": 5.0, **changes})


def never_dead(outcome: Outcome) -> None:
    assert outcome.status != "dead", outcome
    assert outcome.status in TRANSIENT, outcome


@dataclass
class Peak:
    bytes: int = 0


@asynccontextmanager
async def traced() -> AsyncIterator[Peak]:
    """The peak of memory Python allocated (every thread) while the block ran."""
    peak = Peak()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


# 1. 429 storms ---------------------------------------------------------------------------------


def _http_date(seconds: int) -> str:
    return format_datetime(NOW + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.trio
@pytest.mark.parametrize(
    ("retry_after", "waits"),
    [
        ("3600", [60.0, 60.0, 60.0]),  # capped at 60 s
        (_http_date(3600), [60.0, 60.0, 60.0]),  # a date, capped too
        (_http_date(5), [5.0, 5.0, 5.0]),  # a date, honoured
        ("2", [2.0, 2.0, 2.0]),  # longer than the backoff (0.25, 0.5, 1 s): honoured
        (None, [0.25, 0.5, 1.0]),  # no Retry-After: the backoff
    ],
    ids=["seconds-3600", "date-3600", "date-5", "seconds-2", "none"],
)
async def test_a_429_storm_ends_rate_limited_after_honouring_retry_after_up_to_60_s(
    faults: Faults,
    fast_clock: trio.testing.MockClock,
    retry_after: str | None,
    waits: list[float],
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    server = faults.serve(
        "storm.example",
        answering(lambda seen, n: answer(429, headers)),
        clock=fast_clock.current_time,
    )
    start = trio.current_time()
    with trio.fail_after(1000):  # virtual seconds: 20 s of wall time
        fetched = await faults.fetch("http://storm.example/", settings(retries=3, timeout=600))
    elapsed = trio.current_time() - start
    outcome = fetched.outcome
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("rate-limited", 429, 4)
    if retry_after:
        assert f"Retry-After: {retry_after[:40]}" in outcome.detail
    assert server.count() == 4  # the first request and --retries 3 more, HEAD only (429)
    assert {seen.method for seen in server.requests} == {"HEAD"}
    # Each request came at least the wait after the one before (a request arrives after it is
    # sent, and it is sent after the wait): the cap is respected and Retry-After honoured.
    # The upper bound leaves 1 s of wall time per gap for the loopback round trip (measured:
    # under 5 ms), and is far below an uncapped 3600 s.
    times = [seen.at for seen in server.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    for gap, wait in zip(gaps, waits, strict=True):
        assert wait <= gap < wait + RATE, (gaps, waits)
    assert sum(waits) <= elapsed < sum(waits) + 4 * RATE


async def all_at_once(
    faults: Faults, host: str, urls: int, fetch_settings: FetchSettings
) -> list[Outcome]:
    """The outcomes of `http://HOST/0` … `/URLS-1`, all fetched at once by one fetcher."""
    outcomes: list[Outcome] = []
    async with faults.fetcher(fetch_settings) as fetcher:

        async def one(n: int) -> None:
            outcomes.append((await fetcher.fetch(target(f"http://{host}/{n}"))).outcome)

        async with trio.open_nursery() as nursery:
            for n in range(urls):
                nursery.start_soon(one, n)
    return outcomes


@pytest.mark.trio
@pytest.mark.parametrize(("retries", "wait"), [(2, 5), (0, 60)])
async def test_many_urls_on_one_host_all_429_slow_the_host_and_the_run_ends(
    faults: Faults, fast_clock: trio.testing.MockClock, retries: int, wait: int
) -> None:
    urls = 10
    server = faults.serve(
        "busy.example",
        answering(lambda seen, n: answer(429, {"Retry-After": str(wait)})),
        clock=fast_clock.current_time,
    )
    start = trio.current_time()
    with trio.fail_after(2000):  # virtual seconds: 40 s of wall time
        fetch_settings = settings(retries=retries, timeout=600, max_rate_limit_wait=600)
        outcomes = await all_at_once(faults, "busy.example", urls, fetch_settings)
    elapsed = trio.current_time() - start
    assert [o.status for o in outcomes] == ["rate-limited"] * urls
    assert {o.attempts for o in outcomes} == {retries + 1}
    assert server.count() == urls * (retries + 1)  # retries bounded by --retries
    first = min(seen.at for seen in server.requests)
    first_window = sum(1 for seen in server.requests if seen.at < first + wait)
    if retries == 0:
        # Nothing will be asked again, so nothing is slowed: all at once, none of them held
        # back for the Retry-After (measured: all within 0.4 s of the first on the virtual
        # clock).
        assert first_window == urls
        assert elapsed < wait
        return
    # A naive retrier (each link waiting for itself) would send all 10 first attempts at once,
    # then 10 retries every 5 s, and be done in about 10 s. Here the first 429 pauses the host
    # and halves its concurrency (down to 1): at most the first wave (--host-concurrency 8)
    # gets in before the pause ends, then one request per Retry-After (measured: 5.1 s apart,
    # the whole run 119 s on the virtual clock, 2.4 s of wall time).
    assert first_window <= 8
    later = server.count() - first_window
    times = sorted(seen.at for seen in server.requests)
    gaps = [b - a for a, b in itertools.pairwise(times[first_window:])]
    assert min(gaps) >= wait, gaps
    assert later * wait <= elapsed < later * wait + 4 * RATE  # (4 s of wall time to spare)


@pytest.mark.trio
async def test_a_host_that_keeps_answering_429_costs_the_run_at_most_max_rate_limit_wait(
    faults: Faults, fast_clock: trio.testing.MockClock
) -> None:
    """100 links on one host that answers every request 429, Retry-After 5, 3 retries: without
    a cap the host's pauses would hold the run for about 300 requests × 5 s. With
    `--max-rate-limit-wait 20`, once its pauses add up to 20 s the links still waiting are
    reported `rate-limited` without another request."""
    urls, wait, budget = 100, 5, 20.0
    server = faults.serve(
        "stubborn.example",
        answering(lambda seen, n: answer(429, {"Retry-After": str(wait)})),
        clock=fast_clock.current_time,
    )
    start = trio.current_time()
    with trio.fail_after(600):  # virtual seconds
        fetch_settings = settings(retries=3, timeout=600, max_rate_limit_wait=budget)
        outcomes = await all_at_once(faults, "stubborn.example", urls, fetch_settings)
    elapsed = trio.current_time() - start
    assert [o.status for o in outcomes] == ["rate-limited"] * urls
    not_asked = [o for o in outcomes if o.reason == "rate-limit-wait"]
    asked = [o for o in outcomes if o.reason != "rate-limit-wait"]
    assert not_asked, "the links still waiting were not asked"
    assert all(o.http_status is None and "--max-rate-limit-wait 20" in o.detail for o in not_asked)
    assert {o.attempts for o in not_asked} == {0}  # not asked, so neither retried nor waited for
    assert all(o.http_status == 429 and o.attempts >= 1 for o in asked)
    assert any("not asked again" in o.detail for o in asked)  # asked before the pauses ran out
    print(f"429 budget: {elapsed:.1f} s virtual, {server.count()} requests, {len(asked)} asked")
    # The pauses stop at the budget, plus the one Retry-After that crossed it (measured: about
    # 25 s on the virtual clock, 13 requests).
    assert elapsed < budget + wait + 2 * RATE  # (2 s of wall time to spare)
    assert server.count() < urls


# 2. A 503 that flaps ---------------------------------------------------------------------------


@pytest.mark.trio
@pytest.mark.parametrize(
    ("flapping", "retries", "status", "requests"),
    [
        (True, 1, "ok", 2),  # 503, then 200 on the retry
        (True, 0, "server-error", 1),  # no retry: the 503 stands
        (False, 2, "server-error", 3),  # always 503: every retry spent
    ],
)
async def test_a_503_that_flaps_is_ok_with_retries_and_a_steady_one_is_server_error(
    faults: Faults, flapping: bool, retries: int, status: str, requests: int
) -> None:
    def reply(seen: Seen, n: int) -> bytes:
        if flapping and n % 2:
            return answer(200, {"Content-Type": HTML}, html("Back"))
        return answer(503, {"Content-Type": HTML}, html("Down"))

    server = faults.serve("flap.example", answering(reply))
    with trio.fail_after(10):  # measured: 0.9 s with two retries (backoffs 0.25 s, 0.5 s)
        fetched = await faults.fetch(
            "http://flap.example/", settings(retries=retries, method="get")
        )
    outcome = fetched.outcome
    assert (outcome.status, outcome.attempts) == (status, requests)
    assert outcome.http_status == (200 if status == "ok" else 503)
    assert server.count() == requests
    never_dead(outcome)


# 3. Resets -------------------------------------------------------------------------------------


def _reset_mid_body(peer: Peer) -> None:
    seen = peer.request()
    if seen is None:
        return
    peer.send(head(200, {"Content-Type": HTML, "Content-Length": "100000"}))
    if seen.method == "GET":
        peer.send(html("Cut", 2000))
    peer.pause(0.2)  # the client has the head (and the start of the body) by now
    peer.reset()


def _reset_before_answer(peer: Peer) -> None:
    if peer.request() is not None:
        peer.reset()


@pytest.mark.trio
@pytest.mark.parametrize(
    ("script", "method", "status", "reason", "attempts"),
    [
        # --method get reads the start of the page (docs/outcomes.md, "HEAD, then GET"), and
        # a reset while reading it is a reset (errors.py: ReadError), retried, then reported.
        (_reset_mid_body, "get", "unreachable", "reset", 2),
        # With auto a HEAD is sent, and its answer (a head) is all that is needed: ok.
        (_reset_mid_body, "auto", "ok", None, 1),
        (_reset_before_answer, "get", "unreachable", "reset", 2),
        (_reset_before_answer, "auto", "unreachable", "reset", 2),
    ],
)
async def test_a_reset_connection_is_unreachable_after_the_retries_never_dead(
    faults: Faults,
    script: faultserver.Script,
    method: str,
    status: str,
    reason: str | None,
    attempts: int,
) -> None:
    server = faults.serve("reset.example", script)
    with trio.fail_after(10):  # measured: 0.7 s
        fetched = await faults.fetch("http://reset.example/", settings(retries=1, method=method))
    outcome = fetched.outcome
    assert (outcome.status, outcome.reason, outcome.attempts) == (status, reason, attempts)
    assert server.count() == attempts
    never_dead(outcome)


# 4. One byte a second --------------------------------------------------------------------------


def _slow_head(peer: Peer) -> None:
    if peer.request() is not None:
        peer.drip(answer(200, {"Content-Type": HTML}, html("Slow")), 1.0)


def _slow_body(peer: Peer) -> None:
    if peer.request() is not None:
        body = html("Slow", 1000)
        peer.send(head(200, {"Content-Type": HTML, "Content-Length": str(len(body))}))
        peer.drip(body, 1.0)


@pytest.mark.trio
@pytest.mark.parametrize("script", [_slow_head, _slow_body], ids=["head", "body"])
@pytest.mark.parametrize("retries", [0, 1])
async def test_a_server_sending_a_byte_a_second_times_out(
    faults: Faults, script: faultserver.Script, retries: int
) -> None:
    server = faults.serve("drip.example", script)
    timeout = 1.5
    budget = timeout * (retries + 1) + 0.5 * retries  # the time limits and the backoffs (<= 0.5 s)
    start = trio.current_time()
    with trio.fail_after(budget + 10):
        fetched = await faults.fetch(
            "http://drip.example/", settings(retries=retries, timeout=timeout, method="get")
        )
    elapsed = trio.current_time() - start
    outcome = fetched.outcome
    assert (outcome.status, outcome.reason, outcome.attempts) == ("timeout", "timeout", retries + 1)
    assert server.count() == retries + 1
    # At least the time limits; at most those and the backoff, with 2 s to spare (measured:
    # 1.51 s and 3.27 s).
    assert timeout * (retries + 1) <= elapsed < budget + 2.0
    never_dead(outcome)


# 5. Truncated gzip -----------------------------------------------------------------------------

_PAGE = html("Zipped story", 40_000)
_ZIPPED = faultserver.gzipped(_PAGE)
_CUT = _ZIPPED[: len(_ZIPPED) // 2]


def _zipped(body: bytes, length: int | None) -> faultserver.Script:
    """Send `body` as a gzip-coded page, announcing `length` (or no length: the end is when the
    connection closes), then close."""

    def script(peer: Peer) -> None:
        seen = peer.request()
        if seen is None:
            return
        headers = {"Content-Type": HTML, "Content-Encoding": "gzip", "Connection": "close"}
        if length is not None:
            headers["Content-Length"] = str(length)
        peer.send(head(200, headers) + (body if seen.method == "GET" else b""))
        peer.finish()

    return script


@pytest.mark.trio
@pytest.mark.parametrize(
    ("script", "status", "reason", "attempts"),
    [
        # The gzip stream stops half-way and so does the body, as announced (or at the close):
        # every byte of the body arrived and decodes, so the page read is the part there is
        # (the page is there: ok; what a cut page means for fragments is the next test).
        (_zipped(_CUT, None), "ok", None, 1),
        (_zipped(_CUT, len(_CUT)), "ok", None, 1),
        # The body is shorter than announced: the connection closed early (retried).
        (_zipped(_CUT, len(_ZIPPED)), "unreachable", "closed", 2),
        # Not gzip at all: "a body that cannot be decoded" (docs/outcomes.md), not retried.
        (_zipped(b"\x1f\x8b\x08\x00garbage" * 50, None), "server-error", "decoding", 1),
    ],
    ids=["cut-at-close", "cut-with-length", "shorter-than-length", "garbled"],
)
async def test_a_truncated_gzip_body_has_its_documented_outcome(
    faults: Faults, script: faultserver.Script, status: str, reason: str | None, attempts: int
) -> None:
    server = faults.serve("zipped.example", script)
    with trio.fail_after(10):  # measured: 0.3 s
        fetched = await faults.fetch("http://zipped.example/", settings(retries=1, method="get"))
    outcome = fetched.outcome
    assert (outcome.status, outcome.reason, outcome.attempts) == (status, reason, attempts)
    assert server.count() == attempts
    never_dead(outcome)


@pytest.mark.trio
async def test_a_truncated_gzip_page_gives_the_anchors_of_the_part_that_arrived(
    faults: Faults,
) -> None:
    body = b'<!doctype html><h2 id="early">Early</h2>' + html("x", 60_000) + b'<p id="late">'
    zipped = faultserver.gzipped(body)
    faults.serve("zipped.example", _zipped(zipped[: len(zipped) // 2], None))
    with trio.fail_after(10):
        fetched = await faults.fetch(
            "http://zipped.example/", settings(method="get"), want_page=True
        )
    assert fetched.outcome.status == "ok"
    assert fetched.anchors is not None
    assert "early" in fetched.anchors
    assert "late" not in fetched.anchors
    # The page was cut (the gzip stream never ended), so an anchor not found in it may be in
    # the part that did not come: that is not a page without the anchor (fragment-missing,
    # which fails a build), but one read in part, as when a page is longer than the cap.
    checked = plans.with_fragment(fetched.outcome, fetched, "late")
    assert checked.status == "ok", checked
    assert fetched.complete is False


# 6, 7. Bodies too big: a decompression bomb, ten gigabytes announced ---------------------------

_BOMB_SIZE = 300 * MB


_BOMBS: dict[str, bytes] = {}


def bomb(coding: str = "gzip") -> bytes:
    """300 MB of zeros in `coding` (300 KB of gzip; made once per coding: 1 to 3 s)."""
    if coding not in _BOMBS:
        _BOMBS[coding] = faultserver.bomb(_BOMB_SIZE, coding)
    return _BOMBS[coding]


def _serve_body(body: bytes, headers: dict[str, str]) -> faultserver.Script:
    def script(peer: Peer) -> None:
        while (seen := peer.request()) is not None:
            peer.send(head(200, {**headers, "Content-Length": str(len(body))}))
            if seen.method == "GET":
                peer.send(body)

    return script


def _endless_zeros(peer: Peer) -> None:
    """Announce 10 GB and stream zeros as fast as the client reads, until it goes away."""
    block = bytes(64 * 1024)
    while (seen := peer.request()) is not None:
        peer.send(head(200, {"Content-Type": HTML, "Content-Length": "10000000000"}))
        if seen.method == "GET":
            while True:
                peer.send(block)  # raises Gone once the client has closed


MEMORY_LIMIT = 40 * MB
"""For a page read whole (fragments), up to `--max-body-size` (5 MB): measured peaks 10 MB for
a bomb (142 MB before decoding was capped per read; 602 MB for a bomb coded twice), 10 MB for
the 10 GB body: the bytes, their join and the decoded text are all alive at once."""

SNIFF_LIMIT = 3 * MB
"""For a page only checked (`--method get`), read to `policy.SNIFF_BYTES` (256 KB): measured
peaks 0.6 to 1.5 MB (14 MB when `--method get` still read every page to the body cap)."""


@pytest.mark.trio
@pytest.mark.parametrize(
    ("coding", "want_page"),
    [("gzip", False), ("gzip", True), ("deflate", False), ("gzip, gzip", False)],
    ids=["gzip-get", "gzip-fragments", "deflate-get", "gzip-twice-get"],
)
async def test_a_decompression_bomb_is_read_within_the_body_cap_in_bounded_memory(
    faults: Faults, coding: str, want_page: bool
) -> None:
    """A page of 300 MB of zeros, compressed to 300 KB (or, coded twice, to 700 bytes), read
    with --method get, and for its fragments (both read up to --max-body-size, 5 MB): never
    more than a few times the cap in memory."""
    server = faults.serve(
        "bomb.example",
        _serve_body(bomb(coding), {"Content-Type": HTML, "Content-Encoding": coding}),
    )
    fetch_settings = settings(method="get", timeout=20.0)
    start = trio.current_time()
    with trio.fail_after(30):
        async with traced() as peak:
            fetched = await faults.fetch(
                "http://bomb.example/#frag", fetch_settings, want_page=want_page
            )
    elapsed = trio.current_time() - start
    outcome = fetched.outcome
    assert (outcome.status, outcome.http_status) == ("ok", 200)
    assert server.count() == 1
    if want_page:
        # The whole page up to --max-body-size was read, and it was not all of it: a fragment
        # not found in it is "not in the part read", not fragment-missing.
        assert fetched.complete is False
        checked = plans.with_fragment(outcome, fetched, "frag")
        assert checked.status == "ok"
        assert "not in the part read" in checked.detail
    print(f"bomb {coding} want_page={want_page}: {elapsed:.2f} s, peak {peak.bytes / MB:.1f} MB")
    assert elapsed < 20.0  # measured: 0.04 to 0.3 s
    assert peak.bytes < (MEMORY_LIMIT if want_page else SNIFF_LIMIT), f"{peak.bytes / MB:.1f} MB"


@pytest.mark.trio
@pytest.mark.parametrize("want_page", [False, True], ids=["get", "fragments"])
async def test_ten_gigabytes_announced_are_read_only_up_to_the_cap(
    faults: Faults, want_page: bool
) -> None:
    server = faults.serve("huge.example", _endless_zeros)
    start = trio.current_time()
    with trio.fail_after(30):
        async with traced() as peak:
            fetched = await faults.fetch(
                "http://huge.example/#frag",
                settings(method="get", timeout=20.0),
                want_page=want_page,
            )
    elapsed = trio.current_time() - start
    outcome = fetched.outcome
    assert (outcome.status, outcome.http_status) == ("ok", 200)
    assert server.count() == 1
    assert fetched.complete is not want_page  # the page read whole was cut at the cap
    with trio.fail_after(5):  # the client closed the connection, so the server stopped
        while server.ended < server.connections:
            await trio.sleep(0.01)
    print(f"10 GB want_page={want_page}: {elapsed:.2f} s, peak {peak.bytes / MB:.1f} MB")
    assert elapsed < 10.0  # measured: 0.1 to 0.2 s (either)
    assert peak.bytes < (MEMORY_LIMIT if want_page else SNIFF_LIMIT), f"{peak.bytes / MB:.1f} MB"


# 8. Redirect loops and long chains ------------------------------------------------------------


@pytest.mark.trio
@pytest.mark.parametrize("method", ["auto", "get"])
@pytest.mark.parametrize("chain", ["loop", "50-hop"])
async def test_a_redirect_loop_or_a_long_chain_is_dead_too_many_redirects(
    web: FakeWeb, faults: Faults, chain: str, method: str
) -> None:
    if chain == "loop":
        web.route("news.example", "/a", (302, {"Location": "/b"}, b""))
        web.route("news.example", "/b", (302, {"Location": "/a"}, b""))
        start = "/a"
    else:
        for n in range(50):
            web.route("news.example", f"/hop/{n}", (301, {"Location": f"/hop/{n + 1}"}, b""))
        web.route("news.example", "/hop/50", page("The end"))
        start = "/hop/0"
    with trio.fail_after(10):  # measured: 0.1 s
        fetched = await faults.fetch(
            f"https://news.example{start}", settings(retries=3, method=method)
        )
    outcome = fetched.outcome
    # Not transient: documented as dead (docs/outcomes.md), and not retried.
    assert (outcome.status, outcome.reason, outcome.attempts) == ("dead", "too-many-redirects", 1)
    assert len(outcome.redirects) == 10
    assert len(web.requests_to("news.example")) == 11  # the first request and 10 redirects


# 9, 10. Private addresses: a redirect there, and a name rebound there -------------------------


@pytest.mark.trio
@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:9/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://intranet.example/",  # a name whose address is private
    ],
)
async def test_a_redirect_to_a_private_address_is_refused_and_nothing_connects_there(
    web: FakeWeb, location: str
) -> None:
    web.route("news.example", "/go", (302, {"Location": location}, b""))
    loopback = Loopback(web)
    transport = transport_for(
        web, settings(), dns={"intranet.example": ["10.1.2.3"]}, loopback=loopback
    )
    async with make_client(settings(), transport=transport) as client:
        with trio.fail_after(10):
            fetched = await Fetcher(client, settings(retries=2)).fetch(
                target("https://news.example/go")
            )
    outcome = fetched.outcome
    assert (outcome.status, outcome.reason) == ("refused-private", "private-address")
    assert [hop.url for hop in outcome.redirects] == ["https://news.example/go"]
    assert loopback.connected == [(PUBLIC["news.example"], 443)]  # only the public host


def _rebinding(answers: list[str]) -> Callable[[str, int], Any]:
    """A resolver whose answers for rebind.example change from call to call (the last one
    stays); other names as the fake web's resolver says."""
    calls: list[str] = []
    others = resolver()

    async def resolve(host: str, port: int) -> list[str]:
        if host != "rebind.example":
            return await others(host, port)  # type: ignore[no-any-return]
        calls.append(host)
        return [answers[min(len(calls), len(answers)) - 1]]

    return resolve


@pytest.mark.trio
@pytest.mark.parametrize("private", ["127.0.0.1", "169.254.169.254", "::1"])
@pytest.mark.parametrize("how", ["second-link", "redirect"])
async def test_a_name_rebound_to_a_private_address_is_refused_on_the_next_connection(
    web: FakeWeb, private: str, how: str
) -> None:
    # Connection: close, so that the next request needs a new connection (and a lookup).
    # (Plain HTTP: the fake web's certificate does not name rebind.example.)
    web.route("rebind.example", "/a", page("Public", Connection="close"))
    web.route("rebind.example", "/r", (302, {"Location": "/b", "Connection": "close"}, b""))
    web.route("rebind.example", "/b", page("Secret"))
    loopback = Loopback(web)
    context = ssl_context()
    web.ca.configure_trust(context)
    backend = GuardedBackend(resolver=_rebinding([PUBLIC["news.example"], private]), inner=loopback)
    fetch_settings = settings(retries=2)
    transport = PoolTransport(fetch_settings, backend=backend, context=context)
    async with make_client(fetch_settings, transport=transport) as client:
        fetcher = Fetcher(client, fetch_settings)
        with trio.fail_after(10):
            if how == "second-link":
                first = (await fetcher.fetch(target("http://rebind.example/a"))).outcome
                assert first.status == "ok", first
                second = (await fetcher.fetch(target("http://rebind.example/b"))).outcome
            else:
                second = (await fetcher.fetch(target("http://rebind.example/r"))).outcome
                assert [hop.url for hop in second.redirects] == ["http://rebind.example/r"]
    assert (second.status, second.reason) == ("refused-private", "private-address")
    assert private in second.detail
    assert loopback.connected == [(PUBLIC["news.example"], 80)]  # the private one never
    assert [s.path for s in web.requests_to("rebind.example")] == (
        ["/a"] if how == "second-link" else ["/r"]
    )


# 11. TLS ---------------------------------------------------------------------------------------


def _tls_context(web: FakeWeb, kind: str) -> Any:
    if kind == "expired":
        return faultserver.server_context(faultserver.expired_cert(web.ca, "tls.example"))
    if kind == "untrusted-ca":
        return faultserver.server_context(trustme.CA().issue_cert("tls.example"))
    if kind == "self-signed":
        return faultserver.self_signed_context("tls.example")
    assert kind == "wrong-host"
    return faultserver.server_context(web.ca.issue_cert("someone-else.example"))


@pytest.mark.trio
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("expired", "expired"),
        ("untrusted-ca", "unable to get local issuer certificate"),
        ("self-signed", "self-signed certificate"),
        ("wrong-host", "Hostname mismatch"),
    ],
)
async def test_a_bad_certificate_is_unreachable_tls_certificate_never_dead(
    web: FakeWeb, faults: Faults, kind: str, says: str
) -> None:
    server = faults.serve(
        "tls.example", answering(lambda s, n: answer(200)), tls=_tls_context(web, kind)
    )
    with trio.fail_after(10):  # measured: 0.1 s
        fetched = await faults.fetch("https://tls.example/", settings(retries=2))
    outcome = fetched.outcome
    # Not retried (errors.py): a certificate does not mend itself in a second.
    assert (outcome.status, outcome.reason, outcome.attempts) == (
        "unreachable",
        "tls-certificate",
        1,
    )
    assert says in outcome.detail
    assert server.count() == 0  # no request was sent over it
    assert server.connections == 1
    never_dead(outcome)


# 12. HTTP/2 GOAWAY -----------------------------------------------------------------------------


@pytest.mark.trio
@pytest.mark.parametrize(
    ("streams", "eager", "attempts"),
    [
        # Every connection answers one stream, then GOAWAY (last_stream_id 1) on the next: the
        # 2nd and 3rd links meet it on the kept connection.
        # The pool sends them again on a new connection (the server has not seen them), so
        # no attempt of the fetcher's is spent.
        ([1], False, [1, 1, 1]),
        # The same, but GOAWAY comes as soon as the first answer is sent, while the client
        # keeps the connection idle (a server closing idle connections).
        ([1], True, [1, 1, 1]),
        # The first connection sends GOAWAY (last_stream_id 0) on the first request, later
        # ones answer: the first link is retried (`closed`, retryable) on a new one.
        ([0, None], False, [2, 1, 1]),
    ],
    ids=["after-one-stream", "idle-after-one-stream", "first-request"],
)
async def test_http2_goaway_is_retried_on_a_new_connection(
    web: FakeWeb,
    faults: Faults,
    streams: list[int | None],
    eager: bool,
    attempts: list[int] | None,
) -> None:
    """The client offers h2 by ALPN (pool.py: no setting needed) and the server chooses it.
    Three links, one after the other, so that each reuses the kept connection: those behind
    the GOAWAY must be asked again on a new connection and end ok."""
    server = faults.serve(
        "h2.example",
        faultserver.h2_goaway(streams, eager=eager),
        tls=faultserver.server_context(web.ca.issue_cert("h2.example"), alpn=["h2"]),
    )
    outcomes: list[Outcome] = []
    with trio.fail_after(20):  # measured: 0.4 s
        async with faults.fetcher(settings(retries=2)) as fetcher:
            for n in range(3):
                outcomes.append((await fetcher.fetch(target(f"https://h2.example/{n}"))).outcome)
    assert set(server.handshakes) == {"h2"}  # HTTP/2 it was
    assert [o.status for o in outcomes] == ["ok", "ok", "ok"]
    if attempts is not None:
        assert [o.attempts for o in outcomes] == attempts
    assert server.connections >= 2
    for outcome in outcomes:
        never_dead(outcome)


# 13. The command line, one link per fault ------------------------------------------------------


@dataclass(frozen=True)
class Link:
    host: str
    path: str
    status: str
    reason: str | None = None


def test_the_command_line_reports_every_fault_and_exits_1_for_the_dead_ones_only(
    web: FakeWeb, faults: Faults, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tls = faultserver.server_context
    zipped = {"Content-Type": HTML, "Content-Encoding": "gzip"}

    def flap(seen: Seen, n: int) -> bytes:
        return answer(200 if n % 2 else 503, {"Content-Type": HTML}, html("Flap"))

    def loop(seen: Seen, n: int) -> bytes:
        return answer(302, {"Location": "/b" if seen.path == "/a" else "/a"})

    def chain(seen: Seen, n: int) -> bytes:
        hop = int(seen.path.strip("/"))
        if hop == 50:
            return answer(200, {"Content-Type": HTML}, html("End"))
        return answer(301, {"Location": f"/{hop + 1}"})

    servers = {
        "limited.example": answering(lambda s, n: answer(429, {"Retry-After": "1"})),
        "flap.example": answering(flap),
        "down.example": answering(lambda s, n: answer(503)),
        "cut.example": _reset_mid_body,
        "rst.example": _reset_before_answer,
        "slowhead.example": _slow_head,
        "slowbody.example": _slow_body,
        "gzipcut.example": _zipped(_CUT, None),
        "bomb.example": _serve_body(bomb(), zipped),
        "huge.example": _endless_zeros,
        "loop.example": answering(loop),
        "chain.example": answering(chain),
    }
    secure = {
        "expired.example": tls(faultserver.expired_cert(web.ca, "expired.example")),
        "wronghost.example": tls(web.ca.issue_cert("someone-else.example")),
        "untrusted.example": tls(trustme.CA().issue_cert("untrusted.example")),
        "h2.example": tls(web.ca.issue_cert("h2.example"), alpn=["h2"]),
    }
    flags: list[str] = []
    for host, script in servers.items():
        server = faults.serve(host, script)
        flags += ["--connect-to", f"{host}:80:127.0.0.1:{server.port}"]
    for host, context in secure.items():
        script = faultserver.h2_goaway([1]) if host == "h2.example" else answering(lambda s, n: b"")
        server = faults.serve(host, script, tls=context)
        flags += ["--connect-to", f"{host}:443:127.0.0.1:{server.port}"]
    links = [
        Link("limited.example", "/", "rate-limited"),
        Link("flap.example", "/", "ok"),
        Link("down.example", "/", "server-error"),
        Link("cut.example", "/", "unreachable", "reset"),
        Link("rst.example", "/", "unreachable", "reset"),
        Link("slowhead.example", "/", "timeout", "timeout"),
        Link("slowbody.example", "/", "timeout", "timeout"),
        Link("gzipcut.example", "/#late", "ok"),  # cut: #late may be in what did not come
        Link("bomb.example", "/#frag", "ok"),
        Link("huge.example", "/", "ok"),
        Link("loop.example", "/a", "dead", "too-many-redirects"),
        Link("chain.example", "/0", "dead", "too-many-redirects"),
        Link("expired.example", "/", "unreachable", "tls-certificate"),
        Link("wronghost.example", "/", "unreachable", "tls-certificate"),
        Link("untrusted.example", "/", "unreachable", "tls-certificate"),
        Link("h2.example", "/1", "ok"),
        Link("h2.example", "/2", "ok"),
    ]
    scheme = {host: "https" if host in secure else "http" for host in [*servers, *secure]}
    urls = [f"{scheme[link.host]}://{link.host}{link.path}" for link in links]
    doc = tmp_path / "faults.md"
    doc.write_text("".join(f"- [{n}]({url})\n" for n, url in enumerate(urls)), encoding="utf-8")
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    argv = [
        "check", "--format", "json", "--no-cache", "--no-archive", "--no-verify", "--no-resolve",
        "--retries", "1", "--timeout", "2", "--method", "get", "--check-fragments",
        "--host-concurrency", "1",  # the two h2 links share a connection: the GOAWAY is met
        "--jobs", "1", "--workers", "1", "--cacert", str(ca), "--allow-private", *flags, str(doc),
    ]  # fmt: skip
    start = time.monotonic()
    code = main(argv)
    elapsed = time.monotonic() - start
    out, err = capsys.readouterr()
    print(f"command line: {elapsed:.2f} s")
    report = json.loads(out)
    found = {c["url"]: (c["status"], c.get("reason")) for c in report["citations"]}
    expected = {url: (link.status, link.reason) for url, link in zip(urls, links, strict=True)}
    assert {url: status for url, (status, _) in found.items()} == {
        url: status for url, (status, _) in expected.items()
    }
    for url, (_, reason) in expected.items():
        if reason is not None:
            assert found[url][1] == reason, url
    assert code == 1  # only the redirect loop and the 50-hop chain fail the run
    # The slow ones dominate: 2 x 2 s time limits and a backoff (measured: 6 s).
    assert elapsed < 30.0, err
