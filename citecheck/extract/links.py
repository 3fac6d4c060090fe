"""Building link citations: one place that turns a position and a target into a `Citation`."""

from __future__ import annotations

from dataclasses import dataclass

from citecheck.extract.positions import LineIndex
from citecheck.extract.urls import interpret
from citecheck.model import Citation, Document, LinkForm, Span


@dataclass(frozen=True, slots=True)
class Context:
    """What every extractor needs to place and interpret a link."""

    document: Document
    """The document being read."""
    lines: LineIndex
    """Its line index."""
    base_url: str | None = None
    """The URL relative links are resolved against, if any."""
    include_code: bool = False
    """Whether links inside code spans and code blocks are reported."""

    def span(self, start: int, end: int) -> Span:
        """A span of this document."""
        return self.lines.span(start, end)


def make_link(
    context: Context,
    *,
    start: int,
    end: int,
    form: LinkForm,
    url_raw: str,
    url_written: str,
    url_span: Span | None,
    text: str | None = None,
    title: str | None = None,
    label: str | None = None,
    base_url: str | None = None,
    in_code: bool = False,
) -> Citation | None:
    """A link citation, or None when the target is not a source (`javascript:`, empty).

    `url_raw` is the target as it stands in the source; `url_written` the same with the
    format's escapes decoded (Markdown backslashes and entities, HTML character references).
    """
    target = interpret(
        url_written, base_url if base_url is not None else context.base_url, bare=form == "bare"
    )
    if target is None:
        return None
    shown = text if text and text.strip() else url_raw
    return Citation(
        kind="link",
        path=context.document.path,
        span=context.span(start, end),
        source=context.document.text[start:end],
        text=shown,
        url=target.url,
        form=form,
        url_raw=url_raw,
        url_span=url_span,
        title=title or None,
        local=target.local,
        invalid=target.invalid,
        label=label,
        in_code=in_code,
    )
