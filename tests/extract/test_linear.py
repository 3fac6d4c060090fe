"""Extraction stays linear: 5 MB of adversarial input completes in seconds.

A guard against catastrophic backtracking and quadratic scans, with a generous bound (this is not
a benchmark): long runs of brackets, quotation marks, CJK text and dates, each in one paragraph
so that no paragraph boundary limits the damage.
"""

from __future__ import annotations

import time

import pytest

from citecheck.extract import extract
from citecheck.model import Document

SIZE = 5_000_000
PIECES = {
    "brackets": "(((see: (AP, 1 May 2024) (((",
    "closing": ")))）））",
    "quotes": '“a” said “「『b」』"c" told ',
    "cjk": "據新華社報道，美國國務院記者張三《關於的通知》（來源：北約Facebook）原刊於",
    "dates": "11 March 2025, 2025年3月11日 3月14日 8日 May 2024 March 11, ",
    "credits": "(Xinhua/Xie Huanchi) MOSCOW, March 21, 2023 (Xinhua) — Photo: A/Reuters ",
}


@pytest.mark.parametrize("name", sorted(PIECES))
def test_five_megabytes_of_adversarial_text_in_seconds(name: str) -> None:
    piece = PIECES[name]
    text = piece * (SIZE // len(piece))
    started = time.perf_counter()
    found, _ = extract(Document("big.txt", "text", text, "utf-8"))
    elapsed = time.perf_counter() - started
    assert elapsed < 60, f"{name}: {elapsed:.1f} s"
    for citation in found[:1000]:
        assert text[citation.span.start : citation.span.end] == citation.source
