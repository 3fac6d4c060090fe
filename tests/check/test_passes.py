"""`passes.py`: every document's links before its citations in words, the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck import passes
from citecheck.model import Document
from citecheck.passes import Done, Links, events, order
from citecheck.run import Extraction, extract_one

DATA = Path(__file__).parent.parent / "data"


def test_order_puts_first_passes_ahead_within_the_lookahead() -> None:
    sizes = [10, 10, 10, 10, 30, 10]
    tasks = order(sizes, lookahead=25)
    assert sorted(tasks) == sorted([(0, i) for i in range(6)] + [(1, i) for i in range(6)])
    assert [i for step, i in tasks if step == 1] == list(range(6))
    for index in range(6):
        assert tasks.index((0, index)) < tasks.index((1, index))
    # A first pass ahead of the document being finished only while the documents read and
    # not yet finished stay within `lookahead` characters.
    pending: set[int] = set()
    finished = 0
    for step, index in tasks:
        if step == 1:
            pending.discard(index)
            finished += 1
            continue
        pending.add(index)
        if index > finished:
            assert sum(sizes[i] for i in pending) <= 25
    assert tasks[:4] == [(0, 0), (0, 1), (1, 0), (0, 2)]


def test_order_with_room_reads_every_document_first() -> None:
    assert order([5, 5, 5], lookahead=100) == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]


def documents() -> list[Document]:
    found = []
    formats = {".md": "markdown", ".html": "html", ".txt": "text"}
    for path in sorted((DATA / "articles").glob("*")):
        if path.suffix in formats:
            text = path.read_text(encoding="utf-8")
            found.append(Document(str(path), formats[path.suffix], text, "utf-8"))  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("jobs", [1, 3])
def test_links_come_first_and_are_the_links_each_document_reports(
    jobs: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passes, "PARALLEL_MIN_CHARS", 0)
    docs = documents()
    options = Extraction()
    stream, stop = events(docs, options, jobs)
    try:
        got = list(stream)
    finally:
        stop()
    links = {e.index: e.links for e in got if isinstance(e, Links)}
    done = [e for e in got if isinstance(e, Done)]
    assert [e.index for e in done] == list(range(len(docs)))
    for event in done:
        whole = extract_one(docs[event.index], options)
        assert (event.summary, event.citations) == whole
        assert links[event.index] == [c for c in whole[1] if c.kind == "link"]
        first = next(
            i for i, e in enumerate(got) if isinstance(e, Links) and e.index == event.index
        )
        assert first < got.index(event)
    assert any(c.kind != "link" for e in done for c in e.citations)
