"""Extraction: pure functions from a `Document` to the `Citation`s it holds. No I/O here.

Each format's reader finds the links and hands over the document's prose view (`prose.py`); the
citations written in words (`citations.py`) and the quotations (`quotes.py`) are found in that
view, the same way for every format. In a full HTML page, what lies outside the article body is
marked `role="boilerplate"` (`body.py`).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from citecheck.extract.directives import Directive, suppress
from citecheck.extract.links import Context
from citecheck.extract.positions import LineIndex
from citecheck.model import Citation, Document
from citecheck.publishers import Registry, default_registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.extract.body import Body

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
    return finish(read(document, base_url=base_url, include_code=include_code, registry=registry))


@dataclass(frozen=True, slots=True)
class Reading:
    """A document after its first, cheaper pass (`read`): its links as they will be reported,
    and what the second pass (`finish`) needs to find the citations written in words."""

    context: Context
    links: list[Citation]
    """Every link, with its publisher and (in a full HTML page) its role."""
    directives: list[Directive]
    prose: str
    registry: Registry
    body: Body | None
    """The article body of a full HTML page (None: all of it is the body)."""

    def reported_links(self) -> list[Citation]:
        """The links `finish` will return (the directives applied): `check` requests them
        before the second pass is done."""
        ordered = sorted(self.links, key=lambda c: (c.span.start, c.span.end))
        return suppress(ordered, self.directives)[0]


def read(
    document: Document,
    *,
    base_url: str | None = None,
    include_code: bool = False,
    registry: Registry | None = None,
) -> Reading:
    """The first pass over a document: its links, directives and prose view."""
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
    body = None
    if document.format == "html":
        from citecheck.extract.body import find_body

        body = find_body(document.text)
        links = _mark_boilerplate(body, links)
    return Reading(context, links, directives, prose, registry, body)


def finish(reading: Reading) -> tuple[list[Citation], int]:
    """The second pass: the citations in words and the quotations, with the links, in source
    order, and how many the directives ignored."""
    found, ignored, _ = finish_dated(reading)
    return found, ignored


def finish_dated(reading: Reading) -> tuple[list[Citation], int, str | None]:
    """`finish`, and the article's own date (ISO 8601, as precise as written) if it has one."""
    from citecheck.extract import citations, dates, quotes

    context, links, registry = reading.context, reading.links, reading.registry
    document = context.document
    anchor = dates.document_date(document.text, document.format)
    found = citations.find(context, reading.prose, links, registry, anchor)
    cited = [c for c in found if c.kind == "reference"]
    cited += [c for c in links if c.form in _TEXT_LINKS]
    found += quotes.find(context, reading.prose, cited, registry)
    found = _mark_boilerplate(reading.body, found)
    found += links
    found.sort(key=lambda c: (c.span.start, c.span.end))
    kept, ignored = suppress(found, reading.directives)
    return kept, ignored, anchor.iso() if anchor is not None else None


_TEXT_LINKS = frozenset({"inline", "reference", "html-a", "autolink", "bare"})
"""Links a quotation can be tied to: links in the text, not images or definitions."""


def _with_publisher(link: Citation, registry: Registry) -> Citation:
    """A link with the publisher its URL belongs to, when the registry knows it."""
    publisher = registry.for_url(link.url) if link.url else None
    if publisher is None:
        return link
    return dataclasses.replace(link, publisher=publisher.name, domain=publisher.domain)


def _mark_boilerplate(body: Body | None, found: list[Citation]) -> list[Citation]:
    if body is None:
        return found
    return [
        c if body.contains(c.span.start, c.span.end) else dataclasses.replace(c, role="boilerplate")
        for c in found
    ]
