"""Orchestration of extraction: inputs in, citations out, one document at a time.

`extract_paths` is `citecheck extract`; `check.py` reuses `Extraction` and `extract_one` so that
`citecheck check` reports exactly what `extract` would. Extraction has two passes (`read_one`, the
links; `finish_one`, the citations in words), so that `check` can request every document's links
while the citations in words are still being looked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from citecheck.collect import DEFAULT_EXTENSIONS, collect
from citecheck.globs import path_exclusions
from citecheck.model import Citation, Document, DocumentSummary, ExtractReport, Format, Kind

if TYPE_CHECKING:
    # Not imported before a document is read: a rerun that the cache answers reads none.
    from citecheck.extract import Reading
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
    return finish_one(read_one(document, options), options)


def read_one(document: Document, options: Extraction) -> Reading:
    """The first pass over one document (`extract.read`): its links, before the citations in
    words are looked for."""
    from citecheck.extract import read

    return read(
        document,
        base_url=options.base_url,
        include_code=options.include_code,
        registry=options.registry,
    )


def reported_links(reading: Reading, options: Extraction) -> list[Citation]:
    """The links of a first pass that `finish_one` will report: `check` requests them early."""
    return [c for c in reading.reported_links() if _reported(c, options)]


def finish_one(reading: Reading, options: Extraction) -> tuple[DocumentSummary, list[Citation]]:
    """The rest of `extract_one`: the document's summary and the citations `options` reports."""
    from citecheck.extract import finish_dated

    found, ignored, dated = finish_dated(reading)
    kept = [c for c in found if _reported(c, options)]
    document = reading.context.document
    summary = DocumentSummary(
        document.path, document.format, document.encoding, len(kept), ignored, dated
    )
    return summary, kept


def _reported(citation: Citation, options: Extraction) -> bool:
    return (
        citation.confidence >= options.min_confidence
        and (options.all_links or citation.role == "body")
        and (options.scare_quotes or citation.form != "scare")
        and (options.kinds is None or citation.kind in options.kinds)
    )


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
    changed_since: str | None = None,
    exclude_paths: Sequence[str] = (),
    exclude_path_globs: Sequence[str] = (),
) -> ExtractReport:
    """Read the inputs and extract every citation, without any network access.

    Inputs that cannot be read are listed in `ExtractReport.problems`; the others are all read,
    but for the files whose relative path matches a regular expression of `exclude_paths` or a
    glob of `exclude_path_globs` (`globs.path_glob`; `collect` says how). What is reported:
    citations of `kinds` (all by default) with at least `min_confidence`; site chrome
    (`role="boilerplate"`) only with `all_links`; scare quotes only with `scare_quotes`.
    Raises `InputError` (collect), `re.error` (a bad regular expression in `exclude_paths`) and
    `ValueError` (a bad glob; the message names the flag).
    """
    collected = collect(
        inputs,
        files_from=files_from,
        extensions=extensions,
        stdin=stdin,
        input_format=input_format,
        encoding=encoding,
        changed_since=changed_since,
        exclude_paths=path_exclusions(exclude_paths, exclude_path_globs),
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
