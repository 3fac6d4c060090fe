"""The one factory of the `httpx.AsyncClient` that checks links.

Tests hand it a transport (`httpx.MockTransport`, or one over a fake network backend); the
command line lets it build the real one: an httpcore connection pool, HTTP/1.1 and HTTP/2, over
the guarded network backend (`backend.py`), with connections kept alive per origin
(`pool.py`) so that they are reused rather than reopened. Proxies come from the environment
(`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), as httpx reads them; through a proxy it
is the proxy that resolves and connects, so there the private-address guard can only judge
address literals (`fetch` checks those before every request) and `--connect-to` does not apply.

httpx's own timeouts are off: a request's time limit is a trio cancel scope in `fetch`, so that
tests can run it on trio's mock clock.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from urllib.request import getproxies

import httpcore
import httpx

from citecheck.fetch.backend import GuardedBackend
from citecheck.fetch.decoding import ACCEPT_ENCODING
from citecheck.fetch.http11 import Fields
from citecheck.fetch.pool import Connections
from citecheck.settings import FetchSettings


def ssl_context(
    cacerts: tuple[str, ...] = (), environ: Mapping[str, str] | None = None
) -> ssl.SSLContext:
    """Certificate checking as httpx does it (`SSL_CERT_FILE`, `SSL_CERT_DIR`, else certifi's
    bundle), trusting `cacerts` too. Raises OSError or ssl.SSLError for a bad CA file."""
    environ = os.environ if environ is None else environ
    if environ.get("SSL_CERT_FILE"):
        context = ssl.create_default_context(cafile=environ["SSL_CERT_FILE"])
    elif environ.get("SSL_CERT_DIR"):
        context = ssl.create_default_context(capath=environ["SSL_CERT_DIR"])
    else:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
    for cafile in cacerts:
        context.load_verify_locations(cafile=cafile)
    return context


class CoreStream(httpx.AsyncByteStream):
    """An httpcore response body as httpx expects it."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


def _idle_budget(settings: FetchSettings) -> int:
    """How many idle connections may be kept, over all origins: what the open-file limit leaves
    after the connections in use (and some for everything else), at most `MAX_IDLE`."""
    soft = 1024
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        soft = 65536 if limit == resource.RLIM_INFINITY else limit
    except (ImportError, OSError, ValueError):
        pass  # not a POSIX system: assume the common default
    return max(8, min(MAX_IDLE, soft - 64 - settings.max_concurrency))


MAX_IDLE = 2048
"""The most idle connections kept, whatever the open-file limit: each holds a socket and, for
HTTPS, its TLS state; a connection idle for `keepalive_expiry` (30 s) is closed anyway."""


class PoolTransport(httpx.AsyncBaseTransport):
    """An httpx transport over keep-alive connections (`pool.py`) through a network backend we
    choose: by default the guarded one (`backend.py`). httpcore's exceptions pass through
    unchanged: `errors.py` knows them."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        backend: httpcore.AsyncNetworkBackend | None = None,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self.headers: dict[tuple[str, tuple[tuple[str, str], ...]], Fields | None] = {}
        """The header fields `send.py` sends on its direct path, by User-Agent and extra
        headers (its client's); None for fields that cannot be sent as they are (the request
        goes through httpx, which fails it as before)."""
        self.connections = Connections(
            backend=backend
            if backend is not None
            else GuardedBackend(
                connect_to=settings.connect_to, allow_private=settings.allow_private
            ),
            context=context if context is not None else lambda: ssl_context(settings.cacerts),
            keep_per_origin=min(settings.most_per_host(), settings.max_concurrency),
            max_idle=_idle_budget(settings),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` on a connection to its origin."""
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = await self.connections.request(core)
        assert isinstance(response.stream, AsyncIterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=CoreStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every kept connection."""
        await self.connections.aclose()


def proxy_mounts(
    settings: FetchSettings,
    context: Callable[[], ssl.SSLContext],
    proxies: Mapping[str, str] | None = None,
) -> dict[str, httpx.AsyncBaseTransport | None]:
    """httpx mounts for the proxies in the environment (`urllib.request.getproxies()`), with
    `NO_PROXY` hosts going direct, as httpx itself would set them up. `context` is called only
    when there is a proxy."""
    proxies = getproxies() if proxies is None else proxies
    if any(host.strip() == "*" for host in proxies.get("no", "").split(",")):
        return {}
    limits = httpx.Limits(
        max_connections=settings.max_concurrency,
        max_keepalive_connections=settings.max_concurrency,
    )
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    for scheme in ("http", "https", "all"):
        url = proxies.get(scheme)
        if url:
            url = url if "://" in url else f"http://{url}"
            mounts[f"{scheme}://"] = httpx.AsyncHTTPTransport(
                verify=context(), http2=True, limits=limits, proxy=url, trust_env=False
            )
    if mounts:
        for host in (h.strip() for h in proxies.get("no", "").split(",")):
            if not host:
                continue
            if "://" in host:
                mounts[host] = None
            elif ":" in host and not host.startswith("["):
                mounts[f"all://[{host}]"] = None
            elif host[0].isdigit() or host.lower() == "localhost":
                mounts[f"all://{host}"] = None
            else:
                mounts[f"all://*{host}"] = None
    return mounts


def make_client(
    settings: FetchSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    proxies: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """The client that checks links. With `transport`, every request goes through it (tests);
    otherwise through `PoolTransport` and the environment's proxies (`proxies` overrides
    `urllib.request.getproxies()`)."""
    mounts: dict[str, httpx.AsyncBaseTransport | None] = {}
    if transport is None:
        pooled = PoolTransport(settings)
        mounts = proxy_mounts(settings, pooled.connections.tls_context, proxies)
        transport = pooled
    return httpx.AsyncClient(
        transport=transport,
        mounts=mounts,  # None: go direct (NO_PROXY)
        timeout=None,
        follow_redirects=False,
        trust_env=False,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "en,zh;q=0.9,*;q=0.5",
            "Accept-Encoding": ACCEPT_ENCODING,
        },
    )
