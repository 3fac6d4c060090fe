"""One request to an archive: paced, identified, time-limited, read, and never a crash.

Every archive request of a run goes through one `Session`: it waits for the pacer, sends with
our identifying User-Agent through the `httpx.AsyncClient` it was given (the real one, a replay
of a cassette, or a mock), reads the body up to a cap, and gives back a `Reply`. A network
failure, a time-out or a miss in a replayed cassette raises `Unavailable` with the detail from
the fetch layer's one error table (`citecheck.fetch.errors`); the look-ups turn that into
`archive-unavailable`.

**Whose 429.** A 429 *without* `Memento-Datetime` is the archive asking us to slow down: the
pacer pauses all archive traffic (honouring `Retry-After`) and the request is tried again after
the pause, `retries` times. A 429 *with* `Memento-Datetime` is a page the archive recorded (say,
reddit's "whoa there, pardner!" captured in 2015): it is handed back like any other memento, and
slows nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import trio

from citecheck.archive.pacing import ArchivesClosed, Pacer, Service, retry_after
from citecheck.fetch.decoding import read_capped
from citecheck.fetch.errors import CAUGHT, outcome_for
from citecheck.settings import DEFAULT_USER_AGENT

MAX_BODY = 2_000_000
"""The most bytes of an archive's answer read (CDX pages, TimeMaps, JSON)."""

TIMEOUT = 30.0
"""Seconds one archive request may take, answer and body included. The archives are slow."""


class Unavailable(Exception):
    """The archive could not be asked or did not answer; the message says why."""


@dataclass(frozen=True, slots=True)
class Reply:
    """What an archive answered."""

    url: str
    """The URL requested."""
    status: int
    """The HTTP status."""
    headers: Mapping[str, str]
    """The headers, names in lower case (repeated headers joined with `, `)."""
    body: bytes
    """The body, decoded from its Content-Encoding, up to the cap."""
    complete: bool = True
    """False when the body was longer than the cap."""

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced: it is only parsed)."""
        return self.body.decode("utf-8", errors="replace")

    @property
    def memento(self) -> bool:
        """Whether the answer is a memento (a page the archive recorded)."""
        return "memento-datetime" in self.headers


def run_session(
    client: httpx.AsyncClient, user_agent: str, timeout: float, *, paced: bool
) -> Session:
    """The archive session of one run: its requests paced to the archives' published limits
    (`pacing.py`), or, when not `paced` (a replayed run, which asks no archive), not at all."""
    from citecheck.archive.pacing import PUBLISHED_PER_MINUTE

    pacer = Pacer() if paced else Pacer(dict.fromkeys(PUBLISHED_PER_MINUTE, 1e9))
    return Session(client, pacer, user_agent=user_agent, timeout=timeout)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Session:
    """Sends archive requests through `client`, paced by `pacer`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        pacer: Pacer,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = TIMEOUT,
        retries: int = 1,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.now = now

    async def request(
        self,
        service: Service,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """One request (tried again after an archive's 429); raises `Unavailable`."""
        reply: Reply | None = None
        for attempt in range(self.retries + 1):
            try:
                await self.pacer.wait(service)
            except ArchivesClosed as closed:
                raise Unavailable(str(closed)) from None
            reply = await self._once(method, url, params, data, headers, max_body)
            if reply.status == 429 and not reply.memento:
                self.pacer.pause(retry_after(reply.headers.get("retry-after"), self.now()))
                if attempt < self.retries:
                    continue
            return reply
        assert reply is not None
        return reply

    async def get(
        self,
        service: Service,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """`request(service, "GET", url, ...)`."""
        return await self.request(service, "GET", url, params=params, max_body=max_body)

    async def once(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        max_body: int = MAX_BODY,
    ) -> Reply:
        """One request, neither paced nor tried again (the caller does both: resolution reads
        publishers' pages with its own per-host pacing); raises `Unavailable`."""
        return await self._once(method, url, params, None, headers, max_body)

    async def _once(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        max_body: int,
    ) -> Reply:
        host = urlsplit(url).hostname or url
        with trio.move_on_after(self.timeout):
            try:
                request = self.client.build_request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers={"User-Agent": self.user_agent, **(headers or {})},
                )
                response = await self.client.send(request, stream=True, follow_redirects=False)
                try:
                    body, complete = await read_capped(response, max_body)
                finally:
                    await response.aclose()
            except CAUGHT as error:
                raise Unavailable(f"{host}: {outcome_for(error).detail}") from error
            return Reply(
                str(request.url),
                response.status_code,
                {k.lower(): v for k, v in response.headers.items()},
                body,
                complete,
            )
        raise Unavailable(f"{host}: no complete answer within {self.timeout:g} s")
