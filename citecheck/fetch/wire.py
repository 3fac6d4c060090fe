"""HTTP/1.1 on the wire for a client that sends one request at a time: pure code, no I/O.

h11 (which httpcore uses) is general and careful, and on the benchmark it was a quarter of the
CPU a request cost: an event object per step, a state machine checked at every one, every
header validated again. A link checker sends a small request and mostly reads a head, so this
module does just that, by the rules of RFC 9112, and refuses what it cannot read safely:

- `request_bytes`: the request line and headers (names and values with CR, LF or NUL refused,
  so nothing from an article can smuggle a header), then the body, if any, as its headers say.
- `Head.parse`: the status line and the header fields of an answer, once the blank line that
  ends them has arrived (at most `MAX_HEAD` bytes); obsolete line folding is unfolded; a
  garbled status line, a header line without a colon or with space before it, is an error.
- `Framing`: how the body is delimited (RFC 9112 §6.3): none (a HEAD, 1xx, 204, 304), chunked,
  Content-Length (several equal values are one; differing or non-numeric ones are an error),
  or until the server closes. Transfer codings other than a final `chunked` are an error.
- `Chunks`: the chunked coding taken apart incrementally (extensions and trailers skipped).

Every error is `WireError`, which the connection turns into httpcore's `RemoteProtocolError`
(or `LocalProtocolError` for what we would send), as errors.py expects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_HEAD = 64 * 1024
"""The longest answer head read (h11's default limit is 16 KiB; real ones reach a few KiB)."""

MAX_CHUNK_LINE = 4096
"""The longest chunk-size line (with its extensions) read."""


class WireError(Exception):
    """An answer that cannot be read as HTTP/1.1 (or a request that must not be sent)."""


_STATUS_LINE = re.compile(rb"HTTP/(\d)\.(\d) ([0-9]{3})(?: ([^\r\n]*))?")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNSAFE = re.compile(rb"[\r\n\0]")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


def request_bytes(
    method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> bytes:
    """A request as sent. Raises WireError for a method, target or header that would break
    the message (CR, LF, NUL; a space in the target; a name that is not a token)."""
    lines = [request_line(method, target), header_block(headers), b"\r\n"]
    chunked = any(
        name.lower() == b"transfer-encoding" and value.strip().lower() == b"chunked"
        for name, value in headers
    )
    if chunked:
        if body:
            lines += [b"%x\r\n" % len(body), body, b"\r\n"]
        lines.append(b"0\r\n\r\n")
    else:
        lines.append(body)
    return b"".join(lines)


def request_line(method: bytes, target: bytes) -> bytes:
    """A request's first line, CRLF included. Raises WireError for a method that is not a
    token, or an empty target or one with a space, CR, LF or NUL."""
    if not _TOKEN.fullmatch(method) or not target or _UNSAFE.search(target) or b" " in target:
        raise WireError(f"cannot send {method!r} {target!r}")
    return b"".join((method, b" ", target, b" HTTP/1.1\r\n"))


def asks_close(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether request header fields ask the server to close the connection after its answer."""
    return any(
        name.lower() == b"connection" and b"close" in value.lower() for name, value in headers
    )


def header_block(headers: list[tuple[bytes, bytes]]) -> bytes:
    """Header fields as sent, each line ending in CRLF. Raises WireError for a name that is
    not a token or a value with CR, LF or NUL."""
    lines: list[bytes] = []
    for name, value in headers:
        if not _TOKEN.fullmatch(name) or _UNSAFE.search(value):
            raise WireError(f"cannot send the header {name!r}")
        lines += [name, b": ", value, b"\r\n"]
    return b"".join(lines)


def head_end(buffer: bytes | bytearray) -> int:
    """Where the head in `buffer` ends (just past its blank line), or -1 when it has not
    all arrived. Lines may end in CRLF or a bare LF, as RFC 9112 §2.2 allows a reader."""
    end = buffer.find(b"\r\n\r\n")
    bare = buffer.find(b"\n\n")
    if bare >= 0 and (end < 0 or bare + 2 < end + 4):
        return bare + 2
    return -1 if end < 0 else end + 4


@dataclass(frozen=True, slots=True)
class Head:
    """An answer's status line and header fields."""

    version: bytes
    """b"1.1" or b"1.0"."""
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    """As sent (names in their case, in order)."""

    @classmethod
    def parse(cls, data: bytes) -> Head:
        """The head in `data` (up to and with its blank line). Raises WireError."""
        lines = data.split(b"\n")
        first = lines[0].rstrip(b"\r")
        matched = _STATUS_LINE.fullmatch(first)
        if matched is None:
            raise WireError(f"not an HTTP/1.x status line: {first[:80]!r}")
        major, minor, status, reason = matched.groups()
        if major != b"1":
            raise WireError(f"HTTP/{major.decode()}.{minor.decode()} is not HTTP/1.x")
        headers: list[tuple[bytes, bytes]] = []
        for raw in lines[1:]:
            line = raw.rstrip(b"\r")
            if not line:
                continue
            if line[0] in b" \t":
                if not headers:
                    raise WireError("a folded line before any header")
                name, value = headers[-1]
                headers[-1] = (name, value + b" " + line.strip(b" \t"))
                continue
            name, colon, value = line.partition(b":")
            if not colon or not _TOKEN.fullmatch(name):
                raise WireError(f"not a header line: {line[:80]!r}")
            if b"\0" in value:
                raise WireError("a NUL in a header value")
            headers.append((name, value.strip(b" \t")))
        return cls(b"1." + minor, int(status), reason or b"", headers)

    def values(self, name: bytes) -> list[bytes]:
        """The comma-separated values of every `name` field, lower-cased, empty ones left out."""
        found: list[bytes] = []
        for key, value in self.headers:
            if key.lower() == name:
                found += [v.strip(b" \t").lower() for v in value.split(b",") if v.strip(b" \t")]
        return found

    def keeps_alive(self) -> bool:
        """Whether the server lets the connection be used again (HTTP/1.1 without close)."""
        return self.version == b"1.1" and b"close" not in self.values(b"connection")


@dataclass(frozen=True, slots=True)
class Framing:
    """How an answer's body ends."""

    kind: str
    """"none", "chunked", "length" or "close"."""
    length: int = 0

    @classmethod
    def of(cls, head: Head, method: bytes) -> Framing:
        """The framing of `head`'s body, the request having been `method`. Raises WireError."""
        if method == b"HEAD" or head.status < 200 or head.status in (204, 304):
            return cls("none")
        codings = head.values(b"transfer-encoding")
        if codings:
            if codings != [b"chunked"]:
                raise WireError(f"unsupported Transfer-Encoding {b', '.join(codings)!r}")
            return cls("chunked")
        lengths = {v for k, v in head.headers if k.lower() == b"content-length"}
        if lengths:
            values = {part.strip(b" \t") for value in lengths for part in value.split(b",")}
            if len(values) != 1:
                raise WireError("conflicting Content-Length values")
            (value,) = values
            if not value.isdigit() or len(value) > 18:
                raise WireError(f"bad Content-Length {value[:40]!r}")
            return cls("length", int(value))
        return cls("close")


class Chunks:
    """The chunked coding, taken apart as bytes arrive."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._left = 0
        """Data bytes left in the current chunk (then its CRLF)."""
        self._state = "size"
        self.done = False

    def feed(self, data: bytes) -> list[bytes]:
        """The body data in `data` (with what came before); `done` once the last chunk and the
        trailers are in. Raises WireError for a garbled coding."""
        self._buffer += data
        out: list[bytes] = []
        buffer = self._buffer
        while not self.done:
            if self._state == "size":
                end = buffer.find(b"\n")
                if end < 0:
                    if len(buffer) > MAX_CHUNK_LINE:
                        raise WireError("chunk size line too long")
                    break
                line = bytes(buffer[:end]).rstrip(b"\r").split(b";", 1)[0].strip(b" \t")
                del buffer[: end + 1]
                if not _HEX.fullmatch(line):
                    raise WireError(f"bad chunk size {line[:40]!r}")
                self._left = int(line, 16)
                self._state = "data" if self._left else "trailer"
            elif self._state == "data":
                if not buffer:
                    break
                take = min(self._left, len(buffer))
                out.append(bytes(buffer[:take]))
                del buffer[:take]
                self._left -= take
                if not self._left:
                    self._state = "crlf"
            elif self._state == "crlf":
                if buffer.startswith(b"\r\n"):
                    del buffer[:2]
                elif buffer.startswith(b"\n"):
                    del buffer[:1]
                elif not buffer or buffer == b"\r":
                    break
                else:
                    raise WireError("no CRLF after a chunk")
                self._state = "size"
            else:  # trailer fields, up to a blank line
                end = buffer.find(b"\n")
                if end < 0:
                    if len(buffer) > MAX_HEAD:
                        raise WireError("trailers too long")
                    break
                line = bytes(buffer[:end]).rstrip(b"\r")
                del buffer[: end + 1]
                if not line:
                    self.done = True
        return out

    def leftover(self) -> bytes:
        """What arrived after the end of the coding."""
        return bytes(self._buffer)
