"""Extraction for `check`: every document's links first, its citations in words after.

`check` requests links while documents are still being read, and the sooner it knows a link the
sooner the network works on it: the slow servers, not the parser, should decide how long a run
takes. Extraction has two passes (`run.read_one`, the links; `run.finish_one`, the citations in
words and quotations, which cost as much again or more), so the documents are worked through in
this order: the first pass of the documents ahead (up to `LOOKAHEAD_CHARS` of text), then each
document's second pass. `events` yields, in that order:

- `Links(index, links)`: the links document `index` will report (the same `Citation`s its
  `Done` will hold: the second pass does not change links or which the directives keep);
- `Done(index, summary, citations)`: the document's whole extraction, in input order (of the
  documents it reads: `check` takes those the cache knows from the cache, `caching.py`).

With several processes (`jobs`) the passes run in forked workers (the documents and options are
inherited, not pickled); a worker keeps its first passes for its second ones (a first pass that
another worker made is made again: it is a pure function of the document). Below
`PARALLEL_MIN_CHARS` of text in all, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citecheck.model import Citation, Document, DocumentSummary
from citecheck.run import Extraction, finish_one, read_one, reported_links

if TYPE_CHECKING:
    from citecheck.extract import Reading

PARALLEL_MIN_CHARS = 40_000
"""Below this much text in all, documents are extracted in this process (a pool costs more)."""

LOOKAHEAD_CHARS = 8_000_000
"""How much text may have had its first pass without its second: what a first pass keeps for
the second (the document's prose view and links) is a few bytes a character."""


@dataclass(frozen=True, slots=True)
class Links:
    """The links a document will report, known before the rest of its extraction."""

    index: int
    links: list[Citation]


@dataclass(frozen=True, slots=True)
class Done:
    """A document's whole extraction."""

    index: int
    summary: DocumentSummary
    citations: list[Citation]


Event = Links | Done


def order(sizes: Sequence[int], lookahead: int = LOOKAHEAD_CHARS) -> list[tuple[int, int]]:
    """The passes to make, as (pass, document index): a document's first pass (0) always before
    its second (1), second passes in input order, and first passes as far ahead as `lookahead`
    characters of documents whose second pass is still to come allow."""
    tasks: list[tuple[int, int]] = []
    ahead = 0
    pending = 0
    for index, size in enumerate(sizes):
        while ahead < len(sizes) and (ahead <= index or pending + sizes[ahead] <= lookahead):
            tasks.append((0, ahead))
            pending += sizes[ahead]
            ahead += 1
        tasks.append((1, index))
        pending -= size
    return tasks


class _Passes:
    """Makes the passes of `order` over the documents, keeping first passes for the second."""

    def __init__(self, documents: Sequence[Document], options: Extraction) -> None:
        self.documents = documents
        self.options = options
        self.kept: OrderedDict[int, Reading] = OrderedDict()
        self.kept_chars = 0

    def __call__(self, task: tuple[int, int]) -> Event:
        step, index = task
        document = self.documents[index]
        if step == 0:
            reading = read_one(document, self.options)
            self.kept[index] = reading
            self.kept_chars += len(document.text)
            while self.kept_chars > LOOKAHEAD_CHARS and len(self.kept) > 1:
                # A first pass whose second went to another worker: let it go.
                _, old = self.kept.popitem(last=False)
                self.kept_chars -= len(old.context.document.text)
            return Links(index, reported_links(reading, self.options))
        kept = self.kept.pop(index, None)
        if kept is not None:
            self.kept_chars -= len(document.text)
        summary, citations = finish_one(kept or read_one(document, self.options), self.options)
        return Done(index, summary, citations)


_WORKER: _Passes | None = None
"""The worker's passes, set before the worker processes are forked (so nothing is pickled)."""


def _in_worker(task: tuple[int, int]) -> Event:
    assert _WORKER is not None
    return _WORKER(task)


def warm(documents: Sequence[Document], options: Extraction) -> None:
    """Load, in this process, what every first pass and every plan needs: the readers of the
    formats present (markdown-it's import alone is 0.05 s), the built-in publisher registry
    (0.2 s) when there is a document to read, and the public suffix list (built on first use,
    0.06 s). Done before the workers are forked, they inherit it: the first document's links no
    longer wait for it in a worker, nor the first plans for it here again."""
    import importlib

    from citecheck.publishers.registry import default_registry, registrable_domain

    for name in sorted({d.format for d in documents}):
        importlib.import_module(f"citecheck.extract.{name}")
    if documents and options.registry is None:
        default_registry()
    registrable_domain("example.com")


def events(
    documents: Sequence[Document],
    options: Extraction,
    jobs: int,
    skip: Container[int] = (),
) -> tuple[Iterator[Event], Callable[[], None]]:
    """The extraction events of the documents (see the module's docstring) but those whose
    index is in `skip`, and how to stop the workers (if any). `jobs` counts this process:
    `jobs - 1` workers extract beside it."""
    indexes = [i for i in range(len(documents)) if i not in skip]
    tasks = [(step, indexes[n]) for step, n in order([len(documents[i].text) for i in indexes])]
    total = sum(len(documents[i].text) for i in indexes)
    forking = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(indexes) < 2 or total < PARALLEL_MIN_CHARS or not forking:
        passes = _Passes(documents, options)
        return (passes(task) for task in tasks), lambda: None
    global _WORKER
    _WORKER = _Passes(documents, options)
    # This process is one of the `jobs` (`shards.processes` leaves the checking workers their
    # CPUs: on two cores, extracting workers took CPU from the checker, the longer job).
    pool = multiprocessing.get_context("fork").Pool(min(jobs - 1, len(indexes)))
    return pool.imap(_in_worker, tasks), pool.terminate
