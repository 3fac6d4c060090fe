"""Decoding a compressed body without ever making more than was asked for.

httpx decodes a `Content-Encoding: gzip` body one network read at a time, and a read of 64 KB
of a decompression bomb (zeros compress about 1,000 to 1) becomes some 64 MB at once, whatever
the body cap. Here each step asks zlib for at most what the reader still wants
(`decompressobj().decompress(data, max_length)`), so a page read up to `--max-body-size` costs
about that much memory, bomb or not.

Only `gzip` (and its alias `x-gzip`) and `deflate` are decoded here, the encodings the client
advertises (`ACCEPT_ENCODING`). Anything else (no encoding, `identity`, a stack of codings, or a
coding sent unasked, such as `br`) is left to httpx, as before.
"""

from __future__ import annotations

import zlib

import httpx

ACCEPT_ENCODING = "gzip, deflate"
"""What the client asks for: only encodings decoded here, with a cap."""


class CappedDecoder:
    """One body's gzip or deflate decoding, a bounded step at a time."""

    def __init__(self, coding: str) -> None:
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16) if coding == "gzip" else None
        self._head = b""
        """The first bytes of a deflate body, until there are two: they say whether it is
        zlib-wrapped, as "deflate" should be, or raw deflate, as some servers send it (httpx
        and browsers accept both)."""

    def decode(self, data: bytes, limit: int) -> bytes:
        """At most `limit` bytes decoded from `data` and what came before. Fewer than `limit`
        means all of `data` was used; the caller stops asking once it has what it wants."""
        if self._inflate is None:
            data = self._head + data
            if len(data) < 2:
                self._head = data
                return b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inflate = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        try:
            return self._inflate.decompress(data, limit)
        except zlib.error as error:
            raise httpx.DecodingError(str(error)) from error


def capped_decoder(content_encoding: str | None) -> CappedDecoder | None:
    """The decoder for an answer's `Content-Encoding`, or None when httpx is to decode it."""
    coding = (content_encoding or "").strip().lower()
    if coding in ("gzip", "x-gzip"):
        return CappedDecoder("gzip")
    if coding == "deflate":
        return CappedDecoder("deflate")
    return None


async def read_capped(response: httpx.Response, budget: int) -> tuple[bytes, bool]:
    """Up to `budget` decoded bytes of `response`'s body, and whether that was all of it."""
    chunks: list[bytes] = []
    size = 0
    decoder = capped_decoder(response.headers.get("content-encoding"))
    if decoder is None:
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= budget:
                return b"".join(chunks)[:budget], False
        return b"".join(chunks), True
    async for raw in response.aiter_raw():
        chunk = decoder.decode(raw, budget - size)
        chunks.append(chunk)
        size += len(chunk)
        if size >= budget:
            return b"".join(chunks), False
    return b"".join(chunks), True
