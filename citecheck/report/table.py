"""The terminal table (rich): one table per document, then a summary line. For `check`, each row
is a citation with its status, location, URL (or cited title), HTTP status and detail.

Everything that comes from an article goes through `terminal_safe` and into `rich.text.Text`
objects, never into console markup, so an article cannot style or move the terminal.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from citecheck.confirm import day
from citecheck.model import CheckReport, Citation, CitationCheck, ExtractReport
from citecheck.report import check_summary, kind_label
from citecheck.report.safe import terminal_safe

_KIND_STYLE = {
    "link": "green",
    "reference": "cyan",
    "credit": "magenta",
    "republication": "yellow",
    "quote": "blue",
}


_PLURAL = {
    "link": "links",
    "reference": "references",
    "credit": "credits",
    "republication": "republication notes",
    "quote": "quotes",
}


def _target(citation: Citation) -> Text:
    if citation.invalid is not None:
        return Text(
            f"invalid: {terminal_safe(citation.invalid)} ({terminal_safe(citation.url_raw or '')})",
            style="red",
        )
    if citation.url is not None:
        return Text(terminal_safe(citation.url), style="underline")
    return Text(f"local: {terminal_safe(citation.local or '')}", style="yellow")


def _source(citation: Citation) -> Text:
    """What a citation in words points at: publisher, title, date, and what is missing."""
    if citation.kind == "link":
        target = _target(citation)
        if citation.publisher:
            target.append(f"  ({terminal_safe(citation.publisher)})", style="dim")
        return target
    text = Text()
    parts: list[tuple[str, str]] = []
    if citation.kind == "quote" and citation.attributed_to:
        parts.append((f"said by {citation.attributed_to}", "bold"))
    if citation.kind == "quote" and citation.reference is not None:
        parts.append((f"cited at line {citation.reference.span.line}", "dim"))
    else:
        if citation.publisher:
            shown = citation.publisher + (f" [{citation.domain}]" if citation.domain else "")
            parts.append((shown, "bold"))
        if citation.title:
            parts.append((f"“{citation.title}”", ""))
        if citation.author:
            parts.append((f"by {citation.author}", ""))
        if citation.date:
            parts.append((citation.date, ""))
    if citation.url:
        parts.append((citation.url, "underline"))
    if citation.link_missing:
        parts.append(("link to the original missing", "red"))
    elif citation.note and citation.kind != "credit":
        parts.append((citation.note, "dim"))
    for index, (part, style) in enumerate(parts):
        if index:
            text.append(" · ", style="dim")
        text.append(terminal_safe(part), style=style)
    return text


def _kind(citation: Citation) -> Text:
    return Text(kind_label(citation), style=_KIND_STYLE.get(citation.kind, ""))


def _document_table(path: str, citations: list[Citation]) -> Table:
    table = Table(
        title=Text(terminal_safe(path), style="bold"),
        title_justify="left",
        expand=True,
        show_lines=False,
    )
    table.add_column("Line:Col", justify="right", no_wrap=True)
    table.add_column("Kind", no_wrap=False, max_width=24)
    table.add_column("Text", overflow="fold", ratio=2, max_width=48)
    table.add_column("Source", overflow="fold", ratio=3, min_width=24)
    for citation in citations:
        table.add_row(
            f"{citation.span.line}:{citation.span.column}",
            _kind(citation),
            # Bare URLs and autolinks have no text of their own: do not print the same URL twice.
            Text("") if citation.text == citation.url else Text(terminal_safe(citation.text)),
            _source(citation),
        )
    return table


def summary(report: ExtractReport) -> str:
    """One line a CI log shows: what was found, what was ignored, what could not be read."""
    ignored = sum(d.ignored for d in report.documents)
    parts = [
        f"{len(report.citations)} citation{'s' if len(report.citations) != 1 else ''}",
        f"in {len(report.documents)} document{'s' if len(report.documents) != 1 else ''}",
    ]
    line = " ".join(parts)
    counts: Counter[str] = Counter(c.kind for c in report.citations)
    if counts:
        line += ": " + ", ".join(
            f"{counts[kind]} {_PLURAL[kind] if counts[kind] != 1 else kind}"
            for kind in _KIND_STYLE
            if counts[kind]
        )
    if ignored:
        line += f", {ignored} ignored by directives"
    if report.problems:
        line += (
            f", {len(report.problems)} input{'s' if len(report.problems) != 1 else ''} unreadable"
        )
    return line


def renderable(report: ExtractReport | CheckReport) -> RenderableType:
    """The whole report as something a rich console prints."""
    if isinstance(report, CheckReport):
        return _check_renderable(report)
    by_path = {path: list(group) for path, group in groupby(report.citations, lambda c: c.path)}
    tables = [
        _document_table(document.path, by_path[document.path]) if document.path in by_path else None
        for document in report.documents
    ]
    return _grouped(report, tables, [Text(summary(report), style="bold")])


def _grouped(
    report: ExtractReport | CheckReport,
    tables: Sequence[RenderableType | None],
    footer: Sequence[RenderableType],
) -> RenderableType:
    """One table per document (None: it has no citations), the inputs that could not be read,
    then `footer`."""
    parts: list[RenderableType] = []
    for document, table in zip(report.documents, tables, strict=True):
        if table is None:
            table = Text(f"{terminal_safe(document.path)}: no citations", style="dim")
        parts.append(table)
    for problem in report.problems:
        parts.append(
            Text(f"{terminal_safe(problem.path)}: {terminal_safe(problem.message)}", style="red")
        )
    return Group(*parts, *footer)


def render(report: ExtractReport | CheckReport, *, width: int = 120, color: bool = False) -> str:
    """The table as text (ANSI colours only when `color`)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
    )
    console.print(renderable(report))
    return buffer.getvalue()


# check -------------------------------------------------------------------------------------------

STATUS_STYLE = {
    "ok": "green",
    "redirected": "cyan",
    "dead": "bold red",
    "soft-404": "bold red",
    "failing": "red",
    "invalid-url": "bold red",
    "fragment-missing": "red",
    "refused-private": "red",
    "blocked": "yellow",
    "paywalled": "yellow",
    "rate-limited": "yellow",
    "server-error": "magenta",
    "timeout": "magenta",
    "unreachable": "magenta",
    "offline": "bold red",
    "excluded": "dim",
    "unsupported-scheme": "dim",
}


def _checked_source(check: CitationCheck) -> Text:
    """The URL checked (or, for a citation in words, what it names)."""
    citation = check.citation
    if citation.kind != "link" and citation.url is None:
        text = _source(citation)
        resolution = check.resolution
        if resolution is not None and resolution.url is not None:
            text.append(f"\n→ {terminal_safe(resolution.url)}", style="underline")
            text.append(f" (resolved, {resolution.confidence:.2f})", style="dim")
        return text
    shown = check.target or citation.url or citation.local or citation.url_raw or ""
    text = Text(terminal_safe(shown), style="underline" if citation.url else "")
    outcome = check.outcome
    if outcome is not None and outcome.final_url and outcome.redirects:
        text.append(f"\n→ {terminal_safe(outcome.final_url)}", style="dim")
    return text


def _check_table(path: str, checks: list[CitationCheck]) -> Table:
    table = Table(title=Text(terminal_safe(path), style="bold"), title_justify="left", expand=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Line:Col", justify="right", no_wrap=True)
    table.add_column("Link", overflow="fold", ratio=3, min_width=24)
    table.add_column("HTTP", justify="right", no_wrap=True)
    table.add_column("Detail", overflow="fold", ratio=2, min_width=16)
    verified = any(check.verification for check in checks)
    if verified:
        table.add_column("Verified", overflow="fold", min_width=10)
    for check in checks:
        outcome = check.outcome
        citation = check.citation
        resolution = check.resolution
        if outcome is None and resolution is not None:
            status = Text(resolution.status, style=RESOLUTION_STYLE.get(resolution.status, ""))
            http, detail = "", Text(terminal_safe("; ".join(resolution.evidence[:2])))
        elif outcome is None:
            status, http, detail = Text("not checked", style="dim"), "", Text("")
        else:
            status = Text(outcome.status, style=STATUS_STYLE.get(outcome.status, ""))
            http = str(outcome.http_status) if outcome.http_status is not None else ""
            detail = Text(terminal_safe(outcome.detail))
            if outcome.suggested_url:
                detail.append(f"\ncite {terminal_safe(outcome.suggested_url)}", style="cyan")
            if check.cached_at is not None:
                detail.append(f"\n(cached, checked {day(check.cached_at)})", style="dim")
        _archive_lines(check, detail)
        cells: list[Text | str] = [
            status,
            f"{citation.span.line}:{citation.span.column}",
            _checked_source(check),
            http,
            detail,
        ]
        if verified:
            cells.append(_verified(check, detail))
        table.add_row(*cells)
    return table


_VERDICT = {
    "title-match": ("✓", "green"),
    "date-match": ("✓", "green"),
    "publisher-match": ("✓", "green"),
    "chronology-ok": ("✓", "green"),
    "quote-found": ("✓", "green"),
    "quote-close": ("~", "yellow"),
    "quote-translated": ("≈", "cyan"),
    "title-unknown": ("?", "dim"),
    "date-unknown": ("?", "dim"),
    "unverified": ("?", "dim"),
}
"""How each verification code is marked; any other is a problem (✗, red)."""


def _verified(check: CitationCheck, detail: Text) -> Text:
    """One mark per claim checked (`title ✓`, `quote ~`), and the evidence of each problem
    under the detail."""
    marks = Text()
    for verification in check.verification or ():
        mark, style = _VERDICT.get(verification.status, ("✗", "bold red"))
        name = "page" if verification.status == "unverified" else verification.check
        marks.append(("\n" if marks.plain else "") + f"{name} {mark}", style=style)
        if mark in ("✗", "~") or verification.status == "unverified":
            line = f"{verification.status}: {verification.evidence}"
            detail.append(("\n" if detail.plain else "") + terminal_safe(line), style=style)
    return marks


RESOLUTION_STYLE = {"resolved": "green", "unresolved": "yellow", "unavailable": "dim"}
"""How a citation in words that was searched for but not checked is shown."""

_ARCHIVE_SHOWN = {
    "archived": "archived",
    "archived-after": "archived after the cited date",
    "not-archived": "no archived copy",
    "archive-excluded": "archive excludes the site",
    "archive-unavailable": "archive look-up failed",
}


def _archive_lines(check: CitationCheck, detail: Text) -> None:
    """The archived copy (and what `--save` did) under a checked link's detail."""
    result = check.archive
    if result is not None:
        line = _ARCHIVE_SHOWN.get(result.status, result.status)
        if result.url:
            line += f" {result.timestamp or ''} {result.url}"
        elif result.status == "archive-unavailable":
            line += f" ({result.detail})"
        style = "cyan" if result.url else "dim"
        outcome = check.outcome
        if outcome is not None and result.url and outcome.status not in ("ok", "redirected"):
            style = "bold cyan"
        detail.append(("\n" if detail.plain else "") + terminal_safe(line), style=style)
    if check.saved is not None:
        saved = check.saved
        line = f"save: {saved.status} {saved.snapshot or ''} ({saved.detail})"
        detail.append(("\n" if detail.plain else "") + terminal_safe(line), style="dim")


OFFLINE_MESSAGE = (
    "OFFLINE: no host could be reached (every name lookup failed or there is no route). "
    "The links were NOT checked; run again with a network connection."
)


def _check_renderable(report: CheckReport) -> RenderableType:
    by_path = {
        path: list(group) for path, group in groupby(report.checks, lambda c: c.citation.path)
    }
    tables = [
        _check_table(document.path, by_path[document.path]) if document.path in by_path else None
        for document in report.documents
    ]
    footer: list[RenderableType] = []
    if report.offline:
        footer.append(Text(OFFLINE_MESSAGE, style="bold red"))
    footer.append(Text(check_summary(report), style="bold"))
    return _grouped(report, tables, footer)
