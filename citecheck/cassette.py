"""Recorded HTTP exchanges: read and write vcrpy cassettes, replay them, record new ones.

A cassette is vcrpy's YAML format, version 1 (the format of the EDGI `wayback` client's
recordings that our tests replay): a mapping with `version: 1` and `interactions`, a list of
`{request: {method, uri, headers, body}, response: {status: {code, message}, headers, body:
{string}}}`. Header values are lists of strings. A body is text, or `!!binary` base64 for bytes.
The body is kept as it came over the wire: when the response headers say `Content-Encoding:
gzip`, the stored bytes are gzip and httpx decodes them on reading, exactly as it would decode
the live answer.

**Matching.** A request matches an interaction with the same method and the same URL: scheme,
host, port and path compared exactly, the query compared as a multiset of decoded name/value
pairs, so that the order of query parameters does not matter (httpx and the recording client may
order them differently). Request headers and bodies are not compared.

**Replaying.** The interactions that match one request are served in the order they were
recorded, and once they are used up the last of them is served again, as often as asked. So a
cassette that holds one answer for a URL answers every repeat of it, and a cassette that holds a
sequence (a Save Page Now job that is `pending`, then `success`) plays the sequence.

**Misses.** A request that no interaction matches raises `CassetteMiss`, an
`httpx.TransportError`: the fetch layer's error table makes it an `unreachable` outcome whose
detail names the cassette and the request, and the archive look-up makes it
`archive-unavailable`. Nothing is ever sent to the network in replay.

**Recording.** `RecordingTransport` wraps a real transport, reads each answer whole, and writes
every exchange to the cassette when it is closed (atomically: a crash leaves the old file). The
`Authorization`, `Cookie` and `Set-Cookie` headers are written as `<redacted>`, so that a cassette
of a `--save` run does not hold the Internet Archive keys.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
"""Headers whose values are never written to a cassette."""

REDACTED = "<redacted>"


class CassetteError(Exception):
    """A cassette file that cannot be read or written; the message names the path."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        super().__init__(f"cassette {os.fspath(path)}: {problem}")
        self.path = os.fspath(path)
        self.problem = problem


class CassetteMiss(httpx.TransportError):
    """A request the cassette holds no answer for (replay never goes to the network)."""

    def __init__(self, path: str, method: str, url: str) -> None:
        super().__init__(f"no recorded answer in cassette {path} for {method} {url}")
        self.path = path
        self.method = method
        self.url = url


@dataclass(frozen=True, slots=True)
class Interaction:
    """One recorded request and its answer."""

    method: str
    """The request method, upper case."""
    uri: str
    """The full request URL, as recorded."""
    status: int
    """The answer's HTTP status."""
    headers: tuple[tuple[str, str], ...]
    """The answer's headers, in order, names as recorded (a name may repeat)."""
    body: bytes
    """The answer's body as sent: still gzip when `Content-Encoding` says so."""
    reason: str = ""
    """The answer's reason phrase (`OK`, `FOUND`)."""
    request_headers: tuple[tuple[str, str], ...] = ()
    """The request's headers (secrets redacted)."""
    request_body: bytes | None = None
    """The request's body, if it had one."""


def match_key(method: str, url: str) -> tuple[str, str, str, int | None, str, tuple[Any, ...]]:
    """What two requests must share to match: method, scheme, host, port, path, and the query as
    a sorted list of decoded pairs."""
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    try:
        port = parts.port
    except ValueError:
        port = None
    return (
        method.upper(),
        parts.scheme.lower(),
        (parts.hostname or "").lower(),
        port,
        parts.path or "/",
        query,
    )


# Reading ---------------------------------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> tuple[Interaction, ...]:
    """The interactions of a cassette file; raises `CassetteError` for a file that cannot be read
    or is not a version 1 cassette."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CassetteError(path, f"cannot be read ({error})") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CassetteError(path, f"is not valid YAML ({error})") from error
    if not isinstance(data, dict) or data.get("version") != 1:
        raise CassetteError(path, "is not a version 1 cassette (no `version: 1` mapping)")
    items = data.get("interactions")
    if not isinstance(items, list):
        raise CassetteError(path, "has no `interactions` list")
    try:
        return tuple(_interaction(item) for item in items)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CassetteError(path, f"has a malformed interaction ({error!r})") from error


def _interaction(item: Mapping[str, Any]) -> Interaction:
    request, response = item["request"], item["response"]
    status = response["status"]
    return Interaction(
        method=str(request["method"]).upper(),
        uri=str(request["uri"]),
        status=int(status["code"]),
        reason=str(status.get("message") or ""),
        headers=_headers(response.get("headers")),
        body=_body(response.get("body")),
        request_headers=_headers(request.get("headers")),
        request_body=_request_body(request.get("body")),
    )


def _headers(value: Any) -> tuple[tuple[str, str], ...]:
    if not value:
        return ()
    pairs: list[tuple[str, str]] = []
    for name, values in dict(value).items():
        for one in values if isinstance(values, list) else [values]:
            pairs.append((str(name), str(one)))
    return tuple(pairs)


def _body(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, dict):
        value = value.get("string", "")
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"body of type {type(value).__name__}")


def _request_body(value: Any) -> bytes | None:
    return None if value is None else _body(value)


# Writing ---------------------------------------------------------------------------------------


def dump(path: str | os.PathLike[str], interactions: Iterable[Interaction]) -> None:
    """Write a version 1 cassette, atomically; raises `CassetteError` when it cannot."""
    data = {"interactions": [_plain(one) for one in interactions], "version": 1}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CassetteError(path, f"cannot be written ({error})") from error


def _plain(one: Interaction) -> dict[str, Any]:
    return {
        "request": {
            "body": None if one.request_body is None else _stored(one.request_body, ()),
            "headers": _grouped(one.request_headers),
            "method": one.method,
            "uri": one.uri,
        },
        "response": {
            "body": {"string": _stored(one.body, one.headers)},
            "headers": _grouped(one.headers),
            "status": {"code": one.status, "message": one.reason},
        },
    }


def _grouped(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for name, value in pairs:
        grouped[name].append(REDACTED if name.lower() in SECRET_HEADERS else value)
    return dict(grouped)


def _stored(body: bytes, headers: Sequence[tuple[str, str]]) -> str | bytes:
    """Text when the body is UTF-8 and not content-encoded (readable in review), else bytes
    (written as `!!binary`)."""
    if any(name.lower() == "content-encoding" for name, _ in headers):
        return body
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body
    # YAML cannot hold every character as plain text (control characters, lone CR).
    if any((ord(c) < 32 and c not in "\n\t") or c == "\x7f" for c in text):
        return body
    return text


# Transports ------------------------------------------------------------------------------------


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers from a cassette, or several pooled (see the module docstring for matching and
    order); raises `CassetteMiss` for a request it holds nothing for. Raises `CassetteError` when
    built on a file that is not a cassette."""

    def __init__(self, path: str | os.PathLike[str], *more: str | os.PathLike[str]) -> None:
        self.paths = tuple(os.fspath(one) for one in (path, *more))
        """The cassettes answered from; with several, their interactions are pooled."""
        self.path = " + ".join(self.paths)
        self._answers: dict[tuple[Any, ...], list[Interaction]] = defaultdict(list)
        for one_path in self.paths:
            for one in load(one_path):
                self._answers[match_key(one.method, one.uri)].append(one)
        self._served: dict[tuple[Any, ...], int] = defaultdict(int)
        self.requests: list[httpx.Request] = []
        """Every request asked, in order (for tests and `--replay` diagnostics)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The recorded answer to `request`."""
        self.requests.append(request)
        key = match_key(request.method, str(request.url))
        answers = self._answers.get(key)
        if not answers:
            raise CassetteMiss(self.path, request.method, str(request.url))
        index = min(self._served[key], len(answers) - 1)
        self._served[key] += 1
        return response_for(answers[index], request)


def response_for(one: Interaction, request: httpx.Request | None = None) -> httpx.Response:
    """An `httpx.Response` carrying a recorded answer; its body is decoded on reading as httpx
    decodes a live one."""
    return httpx.Response(
        one.status,
        headers=list(one.headers),
        stream=httpx.ByteStream(one.body),
        request=request,
        extensions={"reason_phrase": one.reason.encode("latin-1", "replace")},
    )


class RecordingTransport(httpx.AsyncBaseTransport):
    """Sends through `inner` and records every exchange; writes the cassette to `path` on
    `aclose` (raising `CassetteError` if it cannot). Each answer is read whole before it is
    handed on, so recording suits look-ups, not downloads."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._inner = inner
        self.interactions: list[Interaction] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` through the inner transport and keep a copy of the exchange."""
        body = await request.aread()
        response = await self._inner.handle_async_request(request)
        try:
            # The stream itself, not `aiter_raw`: a mock transport's answer counts as read.
            stream = response.stream
            if not isinstance(stream, httpx.AsyncByteStream):
                raise TypeError("RecordingTransport needs an async transport")
            raw = b"".join([chunk async for chunk in stream])
        finally:
            await response.aclose()
        reason = response.extensions.get("reason_phrase", b"")
        one = Interaction(
            method=request.method,
            uri=str(request.url),
            status=response.status_code,
            headers=tuple(response.headers.multi_items()),
            body=raw,
            reason=reason.decode("latin-1") if isinstance(reason, bytes) else str(reason),
            request_headers=tuple(request.headers.multi_items()),
            request_body=body or None,
        )
        self.interactions.append(one)
        return response_for(one, request)

    async def aclose(self) -> None:
        """Write the cassette, then close the inner transport."""
        try:
            dump(self.path, self.interactions)
        finally:
            await self._inner.aclose()
