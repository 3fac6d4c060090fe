"""Extraction: pure functions from a `Document` to the `Citation`s it holds. No I/O here."""

from __future__ import annotations

from citecheck.extract.directives import suppress
from citecheck.extract.links import Context
from citecheck.extract.positions import LineIndex
from citecheck.model import Citation, Document


def extract(
    document: Document, *, base_url: str | None = None, include_code: bool = False
) -> tuple[list[Citation], int]:
    """The citations of one document in source order, and how many inline directives ignored."""
    context = Context(document, LineIndex(document.text), base_url, include_code)
    if document.format == "markdown":
        from citecheck.extract import markdown as reader
    elif document.format == "html":
        from citecheck.extract import html as reader  # type: ignore[no-redef]
    else:
        from citecheck.extract import text as reader  # type: ignore[no-redef]
    found, directives = reader.extract(context)
    found.sort(key=lambda c: (c.span.start, c.span.end))
    return suppress(found, directives)
