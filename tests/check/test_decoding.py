"""Decoding compressed bodies with a cap (`citecheck/fetch/decoding.py`): the same bytes httpx
would give, in any chunking, and never much more memory than the reader asked for."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest
import trio
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.fetch.decoding import ACCEPT_ENCODING, capped_decoder, read_capped


class Chunks(httpx.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.sent += len(chunk)
            yield chunk


def response(body: bytes, coding: str | None, size: int = 65536) -> tuple[httpx.Response, Chunks]:
    stream = Chunks([body[n : n + size] for n in range(0, len(body), size)])
    headers = {"Content-Encoding": coding} if coding else {}
    return httpx.Response(200, headers=headers, stream=stream), stream


def read_traced(answer: httpx.Response, budget: int) -> tuple[bytes, bool, int]:
    """`read_capped`, and the peak of what Python allocated meanwhile."""
    tracemalloc.start()
    try:
        body, complete = trio.run(read_capped, answer, budget)
        return body, complete, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def encode(data: bytes, coding: str) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)  # raw deflate, as some servers send
    return compressor.compress(data) + compressor.flush()


@given(
    data=st.binary(max_size=5000),
    coding=st.sampled_from(["gzip", "x-gzip", "deflate", "raw-deflate"]),
    size=st.integers(1, 700),
    budget=st.integers(1, 6000),
)
@settings(max_examples=300, deadline=None)
def test_any_chunking_and_budget_gives_the_start_of_the_body(
    data: bytes, coding: str, size: int, budget: int
) -> None:
    header = "deflate" if coding == "raw-deflate" else coding
    answer, _ = response(encode(data, coding), header, size)
    body, complete = trio.run(read_capped, answer, budget)
    assert body == data[:budget]
    assert complete == (len(data) < budget)


def test_identity_passes_through_and_other_codings_cannot_be_read() -> None:
    answer, _ = response(b"plain page", None)
    assert trio.run(read_capped, answer, 100) == (b"plain page", True)
    answer, _ = response(b"plain page", "identity")
    assert trio.run(read_capped, answer, 5) == (b"plain", False)
    for coding in ("br", "zstd", "gzip, br", "compress"):
        with pytest.raises(httpx.DecodingError, match="not asked for"):
            capped_decoder(coding)
    # Only encodings decoded here, with the cap, are asked for.
    assert {c.strip() for c in ACCEPT_ENCODING.split(",")} == {"gzip", "deflate"}


@given(
    data=st.binary(max_size=3000),
    codings=st.lists(st.sampled_from(["gzip", "deflate", "identity"]), min_size=1, max_size=3),
    size=st.integers(1, 500),
    budget=st.integers(1, 4000),
)
@settings(max_examples=200, deadline=None)
def test_stacked_codings_are_undone_in_reverse(
    data: bytes, codings: list[str], size: int, budget: int
) -> None:
    body = data
    for coding in codings:
        body = body if coding == "identity" else encode(body, coding)
    answer, _ = response(body, ", ".join(codings), size)
    assert trio.run(read_capped, answer, budget) == (data[:budget], len(data) < budget)


def test_a_bomb_coded_twice_costs_about_the_budget() -> None:
    bomb = gzip.compress(gzip.compress(bytes(300_000_000), compresslevel=9), compresslevel=9)
    assert len(bomb) < 2000
    answer, _ = response(bomb, "gzip, gzip")
    body, complete, peak = read_traced(answer, 5_000_000)
    assert (len(body), complete) == (5_000_000, False)
    assert peak < 20_000_000, peak  # httpx's decoders: 602 MB for this body


def test_a_decompression_bomb_costs_about_the_budget_and_stops_reading() -> None:
    bomb = gzip.compress(bytes(300_000_000), compresslevel=9)  # ~290 KB of 300 MB of zeros
    answer, stream = response(bomb, "gzip")
    body, complete, peak = read_traced(answer, 5_000_000)
    assert (len(body), complete) == (5_000_000, False)
    # Uncapped, one 64 KB read makes about 64 MB (httpx's decoder: measured 64-70 MB); capped,
    # the budget plus its join (measured ~10.5 MB).
    assert peak < 20_000_000, peak
    assert stream.sent <= 65536  # the first network read already held more than the budget


def test_a_truncated_gzip_body_gives_what_it_has_and_is_not_complete() -> None:
    data = b"<title>Story</title>" + bytes(range(256)) * 200
    whole = gzip.compress(data)
    answer, _ = response(whole[: len(whole) // 2], "gzip")
    body, complete = trio.run(read_capped, answer, 1_000_000)
    assert not complete  # what the rest held is not known
    assert data.startswith(body)
    assert body.startswith(b"<title>Story</title>")


def test_a_body_that_is_not_gzip_is_a_decoding_error() -> None:
    answer, _ = response(b"this is not gzip at all", "gzip")
    with pytest.raises(httpx.DecodingError):
        trio.run(read_capped, answer, 1000)
