"""Fetching targets: limits, pacing, redirects, HEAD and GET, retries. The decisions are
`policy.py`'s; this module carries them out with one `httpx.AsyncClient` under trio.

Every request passes, in this order: its host group's `CapacityLimiter` (`--host-concurrency`),
that group's pacing (`--host-interval`, and any pause a 429 asked for), then the global
`CapacityLimiter` (`--max-concurrency`). The global slot is taken last and held only while the
request is on the wire, so a task waiting for a slow or paused host never keeps another host
waiting. A request's time limit (`--timeout`) is a trio cancel scope around sending it and
reading what is wanted of its body.

A host matched by host settings that set `concurrency` or `interval` is limited and paced with
the other hosts of that pattern, by those values, instead of with its group
(`FetchSettings.limits_for`). What a host name's requests share and send (the limiter and
pacing, the User-Agent, the extra headers) is worked out once per name, on its first request.

`fetch` never raises for what the network does: every failure becomes an `Outcome` through the
table in `errors.py`.
"""

from __future__ import annotations

import random as random_module
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlsplit

import httpx
import trio

from citecheck import anchors, policy
from citecheck.fetch import errors
from citecheck.fetch.send import send
from citecheck.model import Fetched, Outcome, Redirect, Target
from citecheck.settings import FetchSettings
from citecheck.targets import group as group_of
from citecheck.targets import redact


@dataclass(slots=True)
class _Host:
    """What the requests of one host group (or host settings pattern) share."""

    limiter: trio.CapacityLimiter
    interval: float
    next_start: float = 0.0
    not_before: float = 0.0
    head_refused: bool = False
    waited: float = 0.0
    """Seconds of pauses its 429 answers have cost so far (`--max-rate-limit-wait`)."""
    exhausted: bool = False
    """Whether a 429 asked for a pause beyond `--max-rate-limit-wait`: nothing more is asked."""


@dataclass(frozen=True, slots=True)
class _Route:
    """How the requests to one host name are made."""

    host: _Host
    """The limits and pacing they share."""
    user_agent: str
    """The User-Agent they send."""
    headers: tuple[tuple[str, str], ...]
    """The extra headers they send."""


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: Mapping[str, str]
    page: str | None
    complete: bool


_NOT_AGAIN = "; not asked again: this host's 429s have cost the run --max-rate-limit-wait"


async def _take(limiter: trio.CapacityLimiter) -> None:
    """`limiter.acquire()`, without its two trips through the scheduler when a place is free
    (most requests find one: the gate starts no more than the limits let through)."""
    if limiter.available_tokens > 0:
        limiter.acquire_nowait()
    else:
        await limiter.acquire()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Fetcher:
    """Fetches targets with one client, within the settings' limits."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: FetchSettings,
        *,
        paywalled: Callable[[str], bool] = lambda url: False,
        random: Callable[[], float] = random_module.random,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._client = client
        self._settings = settings
        self._paywalled = paywalled
        self._random = random
        self._now = now
        self._global = trio.CapacityLimiter(max(settings.max_concurrency, 1))
        self._hosts: dict[str, _Host] = {}
        """By limit key: a host group, or a host settings pattern that sets limits."""
        self._routes: dict[str, _Route] = {}
        """By host name."""

    def _route(self, hostname: str) -> _Route:
        route = self._routes.get(hostname)
        if route is None:
            route = self._routes[hostname] = self._new_route(hostname)
        return route

    def _new_route(self, hostname: str) -> _Route:
        settings = self._settings
        limits = settings.limits_for(hostname) if settings.hosts else None
        if limits is None:
            key, concurrency, interval = (
                group_of(hostname),
                settings.host_concurrency,
                settings.host_interval,
            )
        else:
            key, concurrency, interval = limits
        host = self._hosts.get(key)
        if host is None:
            limiter = trio.CapacityLimiter(max(concurrency, 1))
            host = self._hosts[key] = _Host(limiter, max(interval, 0.0))
        return _Route(host, settings.user_agent_for(hostname), settings.headers_for(hostname))

    async def fetch(self, target: Target, *, want_page: bool = False) -> Fetched:
        """Check one target, retrying transient failures; never raises for network failures."""
        retries = max(self._settings.retries, 0)
        earlier: tuple[Outcome, policy.Answer | None] | None = None
        for attempt in range(retries + 1):
            outcome, answer = await self._attempt(target, want_page)
            if outcome.reason == "rate-limit-wait":  # not asked: nothing to wait for or retry
                if earlier is None:
                    return Fetched(replace(outcome, attempts=0))
                # Asked before, and not again: what the host answered last is the verdict.
                outcome, answer = earlier
                outcome = replace(outcome, detail=outcome.detail + _NOT_AGAIN)
                return self._fetched(outcome, answer, want_page)
            outcome = replace(outcome, attempts=attempt + 1)
            earlier = outcome, answer
            after = None
            if answer is not None:
                after = policy.retry_after(answer.headers.get("retry-after"), self._now())
                if (
                    answer.status == 429
                    and retries
                    and not self._slow_down(answer.url, attempt, after)
                ):
                    # The host's pauses are spent (`--max-rate-limit-wait`): not asked again.
                    if attempt < retries:
                        outcome = replace(outcome, detail=outcome.detail + _NOT_AGAIN)
                    return self._fetched(outcome, answer, want_page)
            if attempt < retries and policy.retryable(outcome):
                await trio.sleep(policy.retry_delay(attempt, after, self._random))
                continue
            return self._fetched(outcome, answer, want_page)
        raise AssertionError("unreachable: the last attempt returns")

    def _fetched(self, outcome: Outcome, answer: policy.Answer | None, want_page: bool) -> Fetched:
        if not want_page or answer is None or answer.page is None:
            return Fetched(outcome)
        content_type = answer.headers.get("content-type", "")
        if "markdown" in content_type:
            found = anchors.markdown_anchors(answer.page)
        else:
            found = anchors.html_anchors(answer.page)
        return Fetched(outcome, found, answer.complete)

    def _slow_down(self, url: str, attempt: int, after: float | None) -> bool:
        """A 429 when retries are on: pause the host's group (or its host settings pattern)
        for what it asked (or a backoff), and halve how many requests it gets at once, so
        that the retries get through. With `--retries 0` a 429 is reported at once and slows
        nothing: nothing will be asked again, and the other links of the host need not
        wait. A pause that would bring the group's pauses beyond `--max-rate-limit-wait` is not
        made: the group is exhausted, nothing more is asked of it, and this says False."""
        host = self._route(urlsplit(url).hostname or "").host
        pause = after if after is not None else policy.backoff(attempt, self._random)
        now = trio.current_time()
        until = max(host.not_before, now + pause)
        longer = until - max(host.not_before, now)
        if host.exhausted or host.waited + longer > self._settings.max_rate_limit_wait:
            host.exhausted = True
            return False
        host.waited += longer
        host.not_before = until
        host.limiter.total_tokens = max(1, int(host.limiter.total_tokens) // 2)
        return True

    async def _attempt(
        self, target: Target, want_page: bool
    ) -> tuple[Outcome, policy.Answer | None]:
        """One attempt: HEAD (or GET) through the redirects, and a GET when HEAD was not
        enough. The outcome, and the final answer when there was one."""
        # `--method get` sends GET first but reads only the start of a page (`page_budget`),
        # as a check does; the whole page (up to `--max-body-size`) is read only when wanted.
        get = want_page or self._settings.method == "get"
        host = self._route(target.host).host
        method = policy.first_method(target.group, head_refused=host.head_refused, want_page=get)
        first = await self._chain(target.url, method, target.credentials, want_page, ())
        if isinstance(first, Outcome):
            return first, None
        answer = first
        if method == "HEAD" and policy.needs_get(first):
            stayed = all(
                policy.credentials_may_follow(target.url, url)
                for url in (*(hop.url for hop in first.redirects), first.url)
            )
            credentials = target.credentials if stayed else None
            second = await self._chain(first.url, "GET", credentials, want_page, first.redirects)
            if isinstance(second, Outcome):
                return second, None
            if policy.refuses_head(first.status, second.status):
                host.head_refused = True
            answer = second
        paywall = answer.status == 403 and (
            self._paywalled(answer.url) or self._paywalled(target.url)
        )
        verdict = policy.classify(target.url, answer, paywall=paywall)
        return verdict, answer

    async def _chain(
        self,
        url: str,
        method: str,
        credentials: tuple[str, str] | None,
        want_page: bool,
        hops: tuple[Redirect, ...],
    ) -> policy.Answer | Outcome:
        """Request `url`, following redirects by hand."""
        while True:
            response = await self._request(method, url, credentials, want_page)
            if isinstance(response, Outcome):
                return replace(
                    response, redirects=hops, final_url=response.final_url or redact(url)
                )
            if (
                response.status not in policy.REDIRECT_STATUSES
                or "location" not in response.headers
            ):
                return policy.Answer(
                    method,
                    redact(url),
                    response.status,
                    response.headers,
                    hops,
                    response.page,
                    response.complete,
                )
            if len(hops) >= policy.MAX_REDIRECTS:
                return Outcome(
                    "dead",
                    f"more than {policy.MAX_REDIRECTS} redirects",
                    http_status=response.status,
                    final_url=redact(url),
                    redirects=hops,
                    reason="too-many-redirects",
                )
            following = policy.next_location(url, response.status, response.headers["location"])
            hops = (*hops, Redirect(redact(url), response.status))
            if isinstance(following, Outcome):
                return replace(following, redirects=hops)
            if credentials is not None and not policy.credentials_may_follow(url, following):
                credentials = None
            url = following

    async def _request(
        self, method: str, url: str, credentials: tuple[str, str] | None, want_page: bool
    ) -> _Response | Outcome:
        """One request within the limits and the time limit; its status, headers and the part
        of its body that is wanted, or the outcome of its failure."""
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        if not self._settings.allow_private and _private_literal(hostname):
            return Outcome(
                "refused-private",
                f"{hostname} is a private, loopback or link-local address",
                reason="private-address",
            )
        route = self._route(hostname)
        host = route.host
        settings = self._settings
        if host.exhausted:
            return self._not_asked(hostname, host)
        await _take(host.limiter)
        try:
            await self._pace(host)
            if host.exhausted:
                return self._not_asked(hostname, host)
            await _take(self._global)
            try:
                with trio.move_on_after(settings.timeout) as scope:
                    try:
                        return await self._send(method, url, parts, route, credentials, want_page)
                    except errors.CAUGHT as error:
                        return errors.outcome_for(error)
            finally:
                self._global.release()
        finally:
            host.limiter.release()
        assert scope.cancelled_caught
        return Outcome(
            "timeout", f"no complete answer within {settings.timeout:g} s", reason="timeout"
        )

    def _not_asked(self, hostname: str, host: _Host) -> Outcome:
        limit = self._settings.max_rate_limit_wait
        return Outcome(
            "rate-limited",
            f"not requested: the 429 answers of {hostname} (or its group) have paused this run"
            f" for {host.waited:.0f} s already (--max-rate-limit-wait {limit:g})",
            reason="rate-limit-wait",
        )

    async def _pace(self, host: _Host) -> None:
        now = trio.current_time()
        start = max(now, host.next_start, host.not_before)
        host.next_start = start + host.interval
        if start > now:
            await trio.sleep_until(start)

    async def _send(
        self,
        method: str,
        url: str,
        parts: SplitResult,
        route: _Route,
        credentials: tuple[str, str] | None,
        want_page: bool,
    ) -> _Response:
        settings = self._settings
        reply = await send(
            self._client,
            method,
            url,
            parts,
            user_agent=route.user_agent,
            credentials=credentials,
            headers=route.headers,
        )
        try:
            headers = reply.headers
            status = reply.status
            content_type = headers.get("content-type", "").lower()
            budget = policy.page_budget(
                method,
                status,
                content_type,
                want_page=want_page and 200 <= status < 300,
                max_body=settings.max_body,
            )
            data, complete = b"", True
            if budget:
                data, complete = await reply.read(budget)
            elif method == "HEAD" or _small(headers):
                # Read to the end (nothing, for HEAD) so that the connection can be reused:
                # a connection whose answer was not read to its end is closed.
                await reply.drain(policy.DRAIN_BYTES)
            page = _decode(data, content_type) if budget else None
            return _Response(status, headers, page, complete)
        finally:
            await reply.aclose()


def _private_literal(hostname: str) -> bool:
    """Whether a URL's host is an IP address literal of a private network (judged before any
    request, so that it holds through proxies too)."""
    if not hostname or not (hostname[0].isdigit() or ":" in hostname):
        return False
    try:
        import ipaddress

        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return policy.is_private_address(hostname)


def _small(headers: Mapping[str, str]) -> bool:
    length = headers.get("content-length", "")
    return length.isdigit() and int(length) <= policy.DRAIN_BYTES


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _decode(data: bytes, content_type: str) -> str:
    """A page's text: in the charset its Content-Type or `<meta>` names, else recognised as
    `citecheck.encoding` does; undecodable bytes replaced (this text is only searched)."""
    named = _CHARSET.search(content_type.encode("latin-1", "replace")) or _CHARSET.search(
        data[:4096]
    )
    if named is not None:
        try:
            return data.decode(named.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    cut = data.rfind(b">")  # a page cut at the cap may end inside a character
    whole = data if cut < 0 else data[: cut + 1]
    try:
        return whole.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from citecheck.encoding import DecodeError, decode

    try:
        return decode(whole)[0]
    except DecodeError:
        return whole.decode("utf-8", errors="replace")
