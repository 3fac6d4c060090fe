"""The terminal table (rich): one table per document, then a summary line.

Everything that comes from an article goes through `terminal_safe` and into `rich.text.Text`
objects, never into console markup, so an article cannot style or move the terminal.
"""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from citecheck.model import Citation, ExtractReport
from citecheck.report.safe import terminal_safe

_FORM_STYLE = {
    "bare": "cyan",
    "inline": "green",
    "image": "magenta",
    "reference": "green",
    "definition": "blue",
    "autolink": "green",
}


def _target(citation: Citation) -> Text:
    if citation.invalid is not None:
        return Text(
            f"invalid: {terminal_safe(citation.invalid)} ({terminal_safe(citation.url_raw)})",
            style="red",
        )
    if citation.url is not None:
        return Text(terminal_safe(citation.url), style="underline")
    return Text(f"local: {terminal_safe(citation.local or '')}", style="yellow")


def _document_table(path: str, citations: list[Citation]) -> Table:
    table = Table(
        title=Text(terminal_safe(path), style="bold"),
        title_justify="left",
        expand=True,
        show_lines=False,
    )
    table.add_column("Line:Col", justify="right", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Text", overflow="fold", ratio=1, max_width=32)
    table.add_column("Target", overflow="fold", ratio=3, min_width=24)
    for citation in citations:
        kind = citation.kind if citation.form == "bare" else f"{citation.kind} ({citation.form})"
        if citation.in_code:
            kind += " [code]"
        table.add_row(
            f"{citation.span.line}:{citation.span.column}",
            Text(kind, style=_FORM_STYLE.get(citation.form, "")),
            # Bare URLs and autolinks have no text of their own: do not print the same URL twice.
            Text("") if citation.text == citation.url else Text(terminal_safe(citation.text)),
            _target(citation),
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
    if ignored:
        line += f", {ignored} ignored by directives"
    if report.problems:
        line += (
            f", {len(report.problems)} input{'s' if len(report.problems) != 1 else ''} unreadable"
        )
    return line


def renderable(report: ExtractReport) -> RenderableType:
    """The whole report as something a rich console prints."""
    parts: list[RenderableType] = []
    by_path = {path: list(group) for path, group in groupby(report.citations, lambda c: c.path)}
    for document in report.documents:
        citations = by_path.get(document.path, [])
        if citations:
            parts.append(_document_table(document.path, citations))
        else:
            parts.append(Text(f"{terminal_safe(document.path)}: no citations", style="dim"))
    for problem in report.problems:
        parts.append(
            Text(f"{terminal_safe(problem.path)}: {terminal_safe(problem.message)}", style="red")
        )
    parts.append(Text(summary(report), style="bold"))
    return Group(*parts)


def render(report: ExtractReport, *, width: int = 120, color: bool = False) -> str:
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
