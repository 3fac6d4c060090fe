"""One request, its answer's head, and its body read as far as wanted.

Most links are plain: an ASCII URL, no credentials, no proxy, no cookies to send. Those go
straight to the client's own keep-alive pool (`PoolTransport.connections`) as an `http11.Plain`
request: no `httpx.URL` parsing, no `httpx.Request`/`Response`/`Headers` objects (about a fifth
of the CPU of a request on the benchmark), nor httpcore's, whose checks of every header of
every request and answer cost another tenth; the header fields are checked and encoded once per
User-Agent and extra headers (`http11.Fields`; fields that cannot be sent take httpx's path,
which fails the request as it always did). They are sent with the same headers
httpx would send (its `Host`, then the client's headers with the extra headers and the
User-Agent for the host, as `FetchSettings.headers_for` and `user_agent_for` choose them), and
what `httpx.AsyncClient.send` does that checking relies on is still done, when it applies: the
cookies an answer sets are stored, and a redirect's `Location` that httpx cannot turn into a
request raises as it would (`errors.py` makes that an outcome). A page whose body is wanted is
read through an `httpx.Response`, and decoded (gzip, deflate) with a cap on what one read may
make (`decoding.py`).

Everything else (a proxy mounted for the URL, credentials, cookies to send, a URL that needs
httpx's parsing, a transport given by a test) goes through httpx's request and response
objects and the transport for the URL, as before.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable
from urllib.parse import SplitResult

import httpcore
import httpx

from citecheck.fetch.client import CoreStream, PoolTransport
from citecheck.fetch.decoding import read_capped
from citecheck.fetch.http11 import Fields, Plain
from citecheck.fetch.wire import WireError
from citecheck.targets import DEFAULT_PORTS

_PLAIN_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?](?:[!#$&-;=?-Z_a-z~]|%[0-9A-Fa-f]{2})*)?"
)
"""A URL that httpx would send as written: ASCII host, no user info, only characters that need
no percent-encoding in a path or query (and `%` escapes), no `[`, `]`, `\\` or `^`."""


class Reply:
    """An answer's status and headers, its body not yet read."""

    __slots__ = ("_raw_headers", "_response", "_stream", "headers", "status")

    def __init__(
        self,
        status: int,
        headers: dict[str, str],
        *,
        response: httpx.Response | None = None,
        stream: AsyncIterable[bytes] | None = None,
        raw_headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self.status = status
        self.headers = headers
        """Names in lower case; a repeated header's values joined with ", " (as httpx does)."""
        self._response = response
        self._stream = stream
        self._raw_headers = raw_headers

    def _decoded(self) -> httpx.Response:
        if self._response is None:
            assert self._stream is not None
            self._response = httpx.Response(
                self.status, headers=self._raw_headers, stream=CoreStream(self._stream)
            )
            self._stream = None
        return self._response

    async def read(self, budget: int) -> tuple[bytes, bool]:
        """Up to `budget` decoded bytes of the body, and whether that was all of it."""
        return await read_capped(self._decoded(), budget)

    async def drain(self, limit: int) -> None:
        """Read the body to its end, unless it is longer than `limit` bytes as sent: a
        connection is reused only when its answer was read to the end."""
        if self._stream is None:
            await self.read(limit)
            return
        size = 0
        async for chunk in self._stream:
            size += len(chunk)
            if size > limit:
                return

    async def aclose(self) -> None:
        """Close the body (and free or close its connection)."""
        if self._response is not None:
            await self._response.aclose()
        elif self._stream is not None:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()


def _joined(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


def _direct_transport(client: httpx.AsyncClient) -> PoolTransport | None:
    transport = client._transport
    if client._mounts or not isinstance(transport, PoolTransport) or client.cookies.jar:
        return None
    return transport


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    parts: SplitResult,
    *,
    user_agent: str,
    credentials: tuple[str, str] | None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """Send one request through `client`; its answer, the body not yet read. `parts` is
    `urlsplit(url)`, which the caller has already made. `headers` are sent besides the
    client's, each replacing a client header of the same name; then `user_agent`."""
    transport = _direct_transport(client)
    if transport is not None and credentials is None and _PLAIN_URL.fullmatch(url):
        try:
            port = parts.port
        except ValueError:  # out of range: httpx's parsing says so
            pass
        else:
            fields = _fields(client, transport, user_agent, headers)
            if fields is not None:
                return await _send_direct(client, transport, method, url, parts, port, fields)
    return await _send_httpx(
        client, method, url, user_agent=user_agent, credentials=credentials, headers=headers
    )


def _headers(
    client: httpx.AsyncClient, user_agent: str, extra: tuple[tuple[str, str], ...]
) -> httpx.Headers:
    """The client's headers, each of `extra` replacing one of the same name (or added), and
    `user_agent`."""
    headers = client.headers.copy()
    for name, value in extra:
        headers[name] = value
    headers["User-Agent"] = user_agent
    return headers


def _fields(
    client: httpx.AsyncClient,
    transport: PoolTransport,
    user_agent: str,
    extra: tuple[tuple[str, str], ...],
) -> Fields | None:
    """The header fields of the direct path for a User-Agent and extra headers, checked and
    encoded once (kept in `transport.headers`); None if one cannot be sent as it is."""
    chosen = (user_agent, extra)
    if chosen not in transport.headers:
        try:
            transport.headers[chosen] = Fields.of(list(_headers(client, user_agent, extra).raw))
        except WireError:
            transport.headers[chosen] = None
    return transport.headers[chosen]


async def _send_direct(
    client: httpx.AsyncClient,
    transport: PoolTransport,
    method: str,
    url: str,
    parts: SplitResult,
    port: int | None,
    fields: Fields,
) -> Reply:
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    default = DEFAULT_PORTS[scheme]
    if port == default:
        port = None
    target = parts.path or "/"
    if parts.query or url.split("#", 1)[0].endswith("?"):
        target += "?" + parts.query
    netloc = host if port is None else f"{host}:{port}"
    request = Plain(
        method.encode("ascii"),
        httpcore.URL(
            scheme=scheme.encode("ascii"),
            host=host.encode("ascii"),
            port=port if port is not None else default,
            target=target.encode("ascii"),
        ),
        netloc.encode("ascii"),
        fields,
    )
    response = await transport.connections.request(request)
    raw = response.headers
    reply_headers = _joined(raw)
    assert isinstance(response.stream, AsyncIterable)
    reply = Reply(response.status, reply_headers, stream=response.stream, raw_headers=raw)
    if "set-cookie" in reply_headers or (
        300 <= response.status < 400 and "location" in reply_headers
    ):
        try:
            # As httpx's `send` does: store the cookies, and turn the Location into a request
            # (which raises when httpx cannot), on httpx's objects made for the purpose.
            made = httpx.Request(method, url, headers=fields.headers)
            answer = httpx.Response(response.status, headers=raw, request=made)
            if "set-cookie" in reply_headers:
                client.cookies.extract_cookies(answer)
            if answer.has_redirect_location:
                client._build_redirect_request(made, answer)
        except BaseException:
            await reply.aclose()
            raise
    return reply


async def _send_httpx(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    user_agent: str,
    credentials: tuple[str, str] | None,
    headers: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """One request through `client`'s transport (or the proxy mounted for `url`):
    `client.send(..., stream=True)` without the per-request machinery checking does not use
    (auth flows, event hooks, following redirects, logging). What it does use is kept, as httpx
    does it: the client's headers, Basic credentials (given, else from the URL's user info),
    and the client's cookies (sent when it has some, stored when an answer sets some)."""
    target = httpx.URL(url)
    request = httpx.Request(method, target, headers=_headers(client, user_agent, headers))
    if credentials is None and (target.username or target.password):
        credentials = (target.username, target.password)
    if credentials is not None:
        request = next(httpx.BasicAuth(*credentials).sync_auth_flow(request))
    if client.cookies.jar:
        httpx.Cookies(client.cookies).set_cookie_header(request)
    response = await client._transport_for_url(target).handle_async_request(request)
    response.request = request
    try:
        if "set-cookie" in response.headers:
            client.cookies.extract_cookies(response)
        if response.has_redirect_location:
            # As `send` does even when not following: a Location httpx cannot turn into a
            # request raises here, and `errors.py` makes that an outcome.
            response.next_request = client._build_redirect_request(request, response)
    except BaseException:
        await response.aclose()
        raise
    headers_seen = {k.lower(): v for k, v in response.headers.items()}
    return Reply(response.status_code, headers_seen, response=response)
