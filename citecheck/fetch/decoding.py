"""Decoding a compressed body without ever making more than was asked for.

httpx decodes a `Content-Encoding: gzip` body one network read at a time, and a read of 64 KB
of a decompression bomb (zeros compress about 1,000 to 1) becomes some 64 MB at once, whatever
the body cap; a body coded twice (`gzip, gzip`) multiplies the ratios (658 bytes made 602 MB).
Here every step asks zlib for at most what the next stage still wants
(`decompressobj().decompress(data, max_length)`, the rest kept as `unconsumed_tail`), so a page
read up to `--max-body-size` costs about that much memory, bomb or not.

The codings decoded are `gzip` (and its alias `x-gzip`) and `deflate`, alone or stacked, the
ones the client asks for (`ACCEPT_ENCODING`); `identity` is no coding. A body in any other
coding (a server may send `br` unasked) cannot be read: `httpx.DecodingError`, which
`errors.py` reports as `server-error` (`decoding`), as httpx's own decoding errors are.

A body that ends before its compressed stream does (a connection closed early) is read as far
as it goes and reported as not complete, as a body cut by the size cap is: what it does not
hold (a `#fragment` further on) is not known to be missing.
"""

from __future__ import annotations

import zlib

import httpx

ACCEPT_ENCODING = "gzip, deflate"
"""What the client asks for: only the encodings decoded here, with a cap."""

_STEP = 64 * 1024
"""How much a stage asks of the stage before it at a time."""


class _Inflate:
    """One gzip or deflate stage: input in, at most a given length out per call."""

    def __init__(self, coding: str) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16) if coding == "gzip" else None
        self._pending = b""
        """Input not yet decompressed (zlib's `unconsumed_tail`, or the first byte of a
        deflate stream, until the second says whether it is zlib-wrapped, as "deflate" should
        be, or raw deflate, as some servers send it: httpx and browsers accept both)."""

    def feed(self, data: bytes) -> None:
        self._pending += data

    def take(self, limit: int) -> bytes:
        """Up to `limit` bytes decoded from what was fed; fewer means it needs more input."""
        if self._zlib is None:
            if len(self._pending) < 2:
                return b""
            first, second = self._pending[0], self._pending[1]
            wrapped = first & 0x0F == 8 and (first << 8 | second) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if not self._pending or self._zlib.eof:
            return b""
        try:
            out = self._zlib.decompress(self._pending, limit)
        except zlib.error as error:
            raise httpx.DecodingError(str(error)) from error
        self._pending = self._zlib.unconsumed_tail
        return out

    @property
    def ended(self) -> bool:
        """Whether the compressed stream's end was read."""
        return self._zlib is not None and self._zlib.eof


class CappedDecoder:
    """One body's decoding through its stages (the last coding applied is undone first)."""

    def __init__(self, codings: list[str]) -> None:
        self._stages = [_Inflate(coding) for coding in reversed(codings)]

    def decode(self, data: bytes, limit: int) -> bytes:
        """At most `limit` bytes decoded from `data` and what came before it. Fewer than
        `limit` means everything given so far is used; the caller stops asking once it has
        what it wants."""
        if not self._stages:
            return data[:limit]
        self._stages[0].feed(data)
        return self._take(len(self._stages) - 1, limit)

    def _take(self, stage: int, limit: int) -> bytes:
        pieces: list[bytes] = []
        need = limit
        while need > 0:
            piece = self._stages[stage].take(need)
            if piece:
                pieces.append(piece)
                need -= len(piece)
                continue
            if stage == 0:
                break
            more = self._take(stage - 1, _STEP)
            if not more:
                break
            self._stages[stage].feed(more)
        return b"".join(pieces)

    @property
    def ended(self) -> bool:
        """Whether every stage's compressed stream was read to its end."""
        return all(stage.ended for stage in self._stages)


def capped_decoder(content_encoding: str | None) -> CappedDecoder:
    """The decoder for an answer's `Content-Encoding`; `httpx.DecodingError` for a coding
    that cannot be decoded here."""
    codings: list[str] = []
    for name in (content_encoding or "").split(","):
        coding = name.strip().lower()
        if coding in ("", "identity"):
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise httpx.DecodingError(
                f"the body is in a coding that was not asked for: {coding[:40]!r}"
            )
        codings.append("deflate" if coding == "deflate" else "gzip")
    return CappedDecoder(codings)


async def read_capped(response: httpx.Response, budget: int) -> tuple[bytes, bool]:
    """Up to `budget` decoded bytes of `response`'s body, and whether that was all of it."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        pass
    else:  # an answer given whole (a test's transport): httpx has read and decoded it
        return content[:budget], len(content) < budget
    decoder = capped_decoder(response.headers.get("content-encoding"))
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        chunk = decoder.decode(raw, budget - size)
        chunks.append(chunk)
        size += len(chunk)
        if size >= budget:
            return b"".join(chunks), False
    return b"".join(chunks), decoder.ended
