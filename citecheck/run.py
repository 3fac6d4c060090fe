"""Orchestration: inputs in, a report out. For now: collect -> extract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from citecheck.collect import DEFAULT_EXTENSIONS, collect
from citecheck.extract import extract
from citecheck.model import Citation, DocumentSummary, ExtractReport, Format, Kind
from citecheck.publishers import Registry


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
    summaries: list[DocumentSummary] = []
    citations: list[Citation] = []
    for document in collected.documents:
        found, ignored = extract(
            document, base_url=base_url, include_code=include_code, registry=registry
        )
        found = [
            c
            for c in found
            if c.confidence >= min_confidence
            and (all_links or c.role == "body")
            and (scare_quotes or c.form != "scare")
            and (kinds is None or c.kind in kinds)
        ]
        summaries.append(
            DocumentSummary(document.path, document.format, document.encoding, len(found), ignored)
        )
        citations.extend(found)
    return ExtractReport(tuple(summaries), tuple(citations), collected.problems)
