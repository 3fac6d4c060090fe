"""Orchestration of extraction: inputs in, citations out, one document at a time.

`extract_paths` is `citecheck extract`; `check.py` reuses `Extraction` and `extract_one` so that
`citecheck check` reports exactly what `extract` would, and can hand documents to worker
processes and start checking the first document's links while the next is being read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from citecheck.collect import DEFAULT_EXTENSIONS, collect
from citecheck.extract import extract
from citecheck.model import Citation, Document, DocumentSummary, ExtractReport, Format, Kind
from citecheck.publishers import Registry


@dataclass(frozen=True, slots=True)
class Extraction:
    """How documents are read and which of their citations are reported."""

    base_url: str | None = None
    """Resolve relative links against this URL."""
    include_code: bool = False
    """Also report URLs in code."""
    registry: Registry | None = None
    """The publisher registry (the built-in one when None)."""
    min_confidence: float = 0.0
    """Report only citations at least this sure."""
    all_links: bool = False
    """Also report site chrome (`role="boilerplate"`)."""
    scare_quotes: bool = False
    """Also report scare quotes."""
    kinds: tuple[Kind, ...] | None = None
    """Report only these kinds (all when None)."""


def extract_one(document: Document, options: Extraction) -> tuple[DocumentSummary, list[Citation]]:
    """One document's summary and the citations `options` reports, in source order."""
    found, ignored = extract(
        document,
        base_url=options.base_url,
        include_code=options.include_code,
        registry=options.registry,
    )
    kinds = options.kinds
    kept = [
        c
        for c in found
        if c.confidence >= options.min_confidence
        and (options.all_links or c.role == "body")
        and (options.scare_quotes or c.form != "scare")
        and (kinds is None or c.kind in kinds)
    ]
    summary = DocumentSummary(document.path, document.format, document.encoding, len(kept), ignored)
    return summary, kept


def extract_paths(
    inputs: Sequence[str],
    *,
    files_from: str | None = None,
    base_url: str | None = None,
    include_code: bool = False,
    extensions: Sequence[str] = DEFAULT_EXTENSIONS,
    input_format: Format | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
    registry: Registry | None = None,
    min_confidence: float = 0.0,
    all_links: bool = False,
    scare_quotes: bool = False,
    kinds: Sequence[Kind] | None = None,
) -> ExtractReport:
    """Read the inputs and extract every citation, without any network access.

    Inputs that cannot be read are listed in `ExtractReport.problems`; the others are all read.
    What is reported: citations of `kinds` (all by default) with at least `min_confidence`; site
    chrome (`role="boilerplate"`) only with `all_links`; scare quotes only with `scare_quotes`.
    """
    collected = collect(
        inputs,
        files_from=files_from,
        extensions=extensions,
        stdin=stdin,
        input_format=input_format,
        encoding=encoding,
    )
    options = Extraction(
        base_url,
        include_code,
        registry,
        min_confidence,
        all_links,
        scare_quotes,
        tuple(kinds) if kinds is not None else None,
    )
    summaries: list[DocumentSummary] = []
    citations: list[Citation] = []
    for document in collected.documents:
        summary, found = extract_one(document, options)
        summaries.append(summary)
        citations.extend(found)
    return ExtractReport(tuple(summaries), tuple(citations), collected.problems)
