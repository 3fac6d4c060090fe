"""GitHub Actions workflow commands: one annotation per finding (`report.findings`), so that a
broken citation shows on the line of the article in a pull request's diff. Pure; what `render`
gives is all that goes to standard output (an empty string when there is no finding).

    ::error file=docs/a.md,line=3,col=5,endLine=3,endColumn=40,title=citecheck%3A dead::dead: …

`error`, `warning` and `note` findings become `::error`, `::warning` and `::notice`. Columns are
given only for a citation on one line (GitHub ignores them otherwise); `endColumn` is the last
column of the citation (inclusive). Paths are as written, `\\` made `/`; stdin (`-`) gets no
`file`.

Escaping is the runner's own (the toolkit's `command.ts`): in the message `%` `\\r` `\\n` become
`%25` `%0D` `%0A`; in property values `:` and `,` also become `%3A` and `%2C`. Every other
control character (C0, DEL, C1), bidi control, line or paragraph separator and lone surrogate
becomes U+FFFD, a tab a space. As no newline gets through, every command is one line and each
line starts with our `::`: a `::error::`, `::add-mask::` or `::stop-commands::` inside a page title
is data in the middle of a line, which the runner does not read as a command (it reads a `::`
command only at the start of a line, after leading spaces). The runner's legacy form, `##[name]`,
it does look for anywhere in a line, though only when the line is not a `::` command, which ours
always are; still, `##[` is written `#＃[` (a full-width second `#`), so that no line of ours
would carry a `##[stop-commands]` even if the runner's first parse failed.
"""

from __future__ import annotations

import re

from citecheck.model import CheckReport, Span
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report.findings import Finding, findings

MESSAGE_LIMIT = 1000
"""The most characters of a message (GitHub shows a short one best; it takes up to 64 KiB)."""

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
"""The workflow command for each finding level."""

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _clean(text: str) -> str:
    return _UNSAFE.sub("\ufffd", text.replace("\t", " ")).replace("##[", "#\uff03[")


def escape_data(text: str) -> str:
    """A command's message, escaped as the runner unescapes it."""
    return _clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value, escaped as the runner unescapes it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _position(path: str, span: Span) -> list[tuple[str, str]]:
    if path == "-":
        return []
    position = [("file", path.replace("\\", "/")), ("line", str(span.line))]
    if span.end_line == span.line:
        last = max(span.end_column - 1, span.column)
        position += [("col", str(span.column)), ("endLine", str(span.end_line))]
        position.append(("endColumn", str(last)))
    else:
        position.append(("endLine", str(span.end_line)))
    return position


def command(finding: Finding) -> str:
    """The workflow command (one line, no line break) that annotates `finding`."""
    citation = finding.check.citation
    properties = [*_position(citation.path, citation.span), ("title", f"citecheck: {finding.code}")]
    shown = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = finding.message
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return f"::{COMMAND[finding.level]} {shown}::{escape_data(message)}"


def render(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """One workflow command per finding, one per line."""
    return "".join(command(finding) + "\n" for finding in findings(report, fail_on))
