"""Plain text: every bare URL and `www.` address, where it stands."""

from __future__ import annotations

from collections.abc import Callable

from citecheck.extract.directives import Directive, find_directives
from citecheck.extract.links import Context, make_link
from citecheck.extract.urls import find_urls
from citecheck.model import Citation


def _as_written(raw: str) -> str:
    return raw


def extract_bare(
    context: Context,
    start: int = 0,
    end: int | None = None,
    *,
    in_code: bool = False,
    decode: Callable[[str], str] = _as_written,
) -> list[Citation]:
    """The bare URLs in `context.document.text[start:end]`.

    `decode` turns the URL as written into the URL meant (Markdown escapes, HTML references).
    """
    text = context.document.text
    citations: list[Citation] = []
    for found in find_urls(text, start, end):
        citation = make_link(
            context,
            start=found.start,
            end=found.end,
            form="bare",
            url_raw=found.raw,
            url_written=decode(found.raw),
            url_span=context.span(found.start, found.end),
            in_code=in_code,
        )
        if citation is not None:
            citations.append(citation)
    return citations


def extract(context: Context) -> tuple[list[Citation], list[Directive], str]:
    """Every link in a plain-text document, the directive comments typed in it, and its prose
    (all of it)."""
    text = context.document.text
    return extract_bare(context), find_directives(text), text
