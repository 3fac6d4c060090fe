"""`cache/documents.py`: a document's extraction kept as JSON, exactly, and nothing else taken."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from citecheck.cache import documents as codec
from citecheck.collect import collect
from citecheck.run import Extraction, extract_one

EXAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "examples"


def test_the_reference_article_round_trips_exactly() -> None:
    paths = sorted(str(p) for p in EXAMPLES.glob("*") if p.is_file())
    assert paths, "the reference article is in ../shared/examples"
    for document in collect(paths).documents:
        summary, citations = extract_one(document, Extraction())
        assert citations
        assert codec.decode(codec.encode(summary, citations)) == (summary, citations)


def test_quotes_keep_their_reference() -> None:
    document = collect([str(next(EXAMPLES.glob("*.txt")))]).documents[0]
    summary, citations = extract_one(document, Extraction())
    tied = [c for c in citations if c.reference is not None]
    assert tied
    _, decoded = codec.decode(codec.encode(summary, citations))
    assert [c.reference for c in decoded if c.reference is not None] == [c.reference for c in tied]


@pytest.mark.parametrize(
    "data",
    [
        b"not json",
        b"{}",
        b"[[], []]",
        b'[["a.md", "markdown", "utf-8", 0, 0, null], 5]',
        b'[["a.md", "markdown", "utf-8", 0, 0, null], [["link"]]]',
    ],
)
def test_anything_else_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"."):  # each with its reason
        codec.decode(data)


def test_a_span_must_be_six_integers() -> None:
    document = collect([str(next(EXAMPLES.glob("*.txt")))]).documents[0]
    summary, citations = extract_one(document, Extraction())
    value = orjson.loads(codec.encode(summary, citations[:1]))
    value[1][0][2] = [1, 2, 3, 4, 5, "6"]  # the span of the first citation
    with pytest.raises(ValueError, match="six integers"):
        codec.decode(orjson.dumps(value))


def test_the_key_changes_with_anything_the_extraction_depends_on() -> None:
    base = {
        "options": "o",
        "path": "a.md",
        "format": "markdown",
        "encoding": "utf-8",
        "text": "t",
        "registry": "r",
    }
    keys = {codec.key(**base)}
    for name in base:
        keys.add(codec.key(**{**base, name: base[name] + "x"}))
    assert len(keys) == len(base) + 1
