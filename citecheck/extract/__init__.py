"""Extraction: pure functions from a `Document` to the `Citation`s it holds. No I/O here.

Each format's reader finds the links and hands over the document's prose view (`prose.py`); the
citations written in words (`citations.py`) and the quotations (`quotes.py`) are found in that
view, the same way for every format. In a full HTML page, what lies outside the article body is
marked `role="boilerplate"` (`body.py`).
"""

from __future__ import annotations

import dataclasses
import logging

from citecheck.extract.directives import suppress
from citecheck.extract.links import Context
from citecheck.extract.positions import LineIndex
from citecheck.model import Citation, Document
from citecheck.publishers import Registry, default_registry

# htmldate and trafilatura log what they cannot parse at ERROR level; with no logging configured
# Python would print that on stderr for every odd page. It is not ours to show: an application
# that configures logging still receives it.
for _library in ("htmldate", "trafilatura", "courlan"):
    logging.getLogger(_library).addHandler(logging.NullHandler())


def extract(
    document: Document,
    *,
    base_url: str | None = None,
    include_code: bool = False,
    registry: Registry | None = None,
) -> tuple[list[Citation], int]:
    """The citations of one document in source order, and how many inline directives ignored.

    Every citation is returned, whatever its confidence or role; callers filter.
    """
    from citecheck.extract import citations, dates, quotes

    context = Context(document, LineIndex(document.text), base_url, include_code)
    if document.format == "markdown":
        from citecheck.extract import markdown as reader
    elif document.format == "html":
        from citecheck.extract import html as reader  # type: ignore[no-redef]
    else:
        from citecheck.extract import text as reader  # type: ignore[no-redef]
    links, directives, prose = reader.extract(context)
    registry = registry if registry is not None else default_registry()
    links = [_with_publisher(link, registry) for link in links]
    anchor = dates.document_date(document.text, document.format)
    found = citations.find(context, prose, links, registry, anchor)
    cited = [c for c in found if c.kind == "reference"]
    cited += [c for c in links if c.form in _TEXT_LINKS]
    found += quotes.find(context, prose, cited, registry)
    found += links
    if document.format == "html":
        found = _mark_boilerplate(document, found)
    found.sort(key=lambda c: (c.span.start, c.span.end))
    return suppress(found, directives)


_TEXT_LINKS = frozenset({"inline", "reference", "html-a", "autolink", "bare"})
"""Links a quotation can be tied to: links in the text, not images or definitions."""


def _with_publisher(link: Citation, registry: Registry) -> Citation:
    """A link with the publisher its URL belongs to, when the registry knows it."""
    publisher = registry.for_url(link.url) if link.url else None
    if publisher is None:
        return link
    return dataclasses.replace(link, publisher=publisher.name, domain=publisher.domain)


def _mark_boilerplate(document: Document, found: list[Citation]) -> list[Citation]:
    from citecheck.extract.body import find_body

    body = find_body(document.text)
    if body is None:
        return found
    return [
        c if body.contains(c.span.start, c.span.end) else dataclasses.replace(c, role="boilerplate")
        for c in found
    ]
