"""Inline directives an editor types to quiet citecheck.

- `<!-- citecheck-ignore -->`: the next link after the comment is not reported (citations in
  words and quotations between the comment and that link do not take it).
- `<!-- citecheck-disable -->` … `<!-- citecheck-enable -->`: nothing in between is reported
  (a `disable` with no `enable` runs to the end of the document).

They are HTML comments, so they stay invisible in rendered Markdown and HTML; in plain text they
are found as typed. In Markdown a directive inside a code span or block is text, not a directive:
the readers only hand over comments that their parser saw as HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from citecheck.model import Citation

Action = Literal["ignore", "disable", "enable"]

_DIRECTIVE = re.compile(r"<!--\s*citecheck-(ignore|disable|enable)\s*-->", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Directive:
    """A directive comment and where it stands."""

    start: int
    """Offset of `<!--`."""
    end: int
    """Offset just past `-->`."""
    action: Action
    """What it asks for."""


def find_directives(text: str, start: int = 0, end: int | None = None) -> list[Directive]:
    """The directive comments in `text[start:end]`, with offsets into `text`."""
    stop = len(text) if end is None else end
    return [
        Directive(m.start(), m.end(), m.group(1).lower())  # type: ignore[arg-type]
        for m in _DIRECTIVE.finditer(text, start, stop)
    ]


def suppress(citations: list[Citation], directives: list[Directive]) -> tuple[list[Citation], int]:
    """The citations the directives leave, in order, and how many they suppressed.

    An `ignore` is taken by the next link after it, whatever citations in words or quotations
    come between; so the links kept depend on the links and the directives only, and `check`
    can request them before the citations in words are found."""
    if not directives:
        return citations, 0
    ordered = sorted(directives, key=lambda d: d.start)
    kept: list[Citation] = []
    ignored = 0
    index = 0
    disabled = False
    pending_ignore = False
    for citation in citations:
        while index < len(ordered) and ordered[index].end <= citation.span.start:
            action = ordered[index].action
            if action == "disable":
                disabled = True
            elif action == "enable":
                disabled = False
            else:
                pending_ignore = True
            index += 1
        link = citation.kind == "link"
        if disabled or (pending_ignore and link):
            ignored += 1
            pending_ignore = pending_ignore and not link
            continue
        kept.append(citation)
    return kept, ignored
