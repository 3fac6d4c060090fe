"""Extractions kept in the cache: a document read once is not read again while it is unchanged.

Reading is most of a warm run: `check` on 50 unchanged documents with 6,000 links spends
seconds in Markdown parsing and the search for citations in words, and milliseconds on the cache
look-ups for the links. So a document's whole extraction (its summary and citations, what a
`Done` event carries) is kept under a key that changes whenever anything that could change it
does: this citecheck's version, the publisher registry's data, the extraction options, the
document's path, format and encoding, and its text.

The value is JSON (orjson), not pickle: a cache directory may be restored from a CI cache that
others could write, and loading it must never run code. Every dataclass becomes a list of its
fields in declaration order, `None` stays null; the decoder checks the shape and rejects
anything else with ValueError, which the caller treats as a miss.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from typing import Any

import orjson

from citecheck._version import __version__
from citecheck.model import Citation, DocumentSummary, Span

FORMAT = 1
"""The layout of the encoded value; part of the key, so a new layout is a miss, not an error."""

_CITATION_FIELDS = tuple(f.name for f in fields(Citation))
_SUMMARY_FIELDS = tuple(f.name for f in fields(DocumentSummary))


def key(*, options: str, path: str, format: str, encoding: str, text: str, registry: str) -> str:
    """The cache key of one document's extraction (hex SHA-256)."""
    digest = hashlib.sha256()
    for part in (__version__, str(FORMAT), registry, options, path, format, encoding):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _span(span: Span | None) -> list[int] | None:
    if span is None:
        return None
    return [span.start, span.end, span.line, span.column, span.end_line, span.end_column]


def _citation(citation: Citation) -> list[Any]:
    row: list[Any] = []
    for name in _CITATION_FIELDS:
        value = getattr(citation, name)
        if name in ("span", "url_span"):
            value = _span(value)
        elif name == "reference":
            value = _citation(value) if value is not None else None
        row.append(value)
    return row


def encode(summary: DocumentSummary, citations: list[Citation]) -> bytes:
    """One document's extraction as bytes."""
    return orjson.dumps(
        [[getattr(summary, name) for name in _SUMMARY_FIELDS], [_citation(c) for c in citations]]
    )


_INT = {int}


def _unspan(value: Any) -> Span | None:
    if value is None:
        return None
    if type(value) is not list or len(value) != 6 or set(map(type, value)) != _INT:
        raise ValueError("a span is six integers")
    return Span(*value)


_SPAN = _CITATION_FIELDS.index("span")
_URL_SPAN = _CITATION_FIELDS.index("url_span")
_REFERENCE = _CITATION_FIELDS.index("reference")


def _uncitation(row: Any) -> Citation:
    if type(row) is not list or len(row) != len(_CITATION_FIELDS):
        raise ValueError("a citation has the wrong number of fields")
    row[_SPAN] = _unspan(row[_SPAN])
    if row[_SPAN] is None:
        raise ValueError("a citation without a span")
    row[_URL_SPAN] = _unspan(row[_URL_SPAN])
    if row[_REFERENCE] is not None:
        row[_REFERENCE] = _uncitation(row[_REFERENCE])
    return Citation(*row)  # the fields in declaration order, as `_citation` wrote them


def decode(data: bytes) -> tuple[DocumentSummary, list[Citation]]:
    """What `encode` wrote. Raises ValueError for anything else."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not (isinstance(value, list) and len(value) == 2):
        raise ValueError("not an extraction")
    head, rows = value
    if not (isinstance(head, list) and len(head) == len(_SUMMARY_FIELDS)):
        raise ValueError("a summary has the wrong number of fields")
    if not isinstance(rows, list):
        raise ValueError("citations are not a list")
    try:
        summary = DocumentSummary(**dict(zip(_SUMMARY_FIELDS, head, strict=True)))
        return summary, [_uncitation(row) for row in rows]
    except TypeError as error:
        raise ValueError(str(error)) from None
