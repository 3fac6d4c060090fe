"""The Markdown report, for `$GITHUB_STEP_SUMMARY` and pull-request comments (GitHub-flavoured
Markdown): a heading, the summary line, counts per status and per finding level, then per document
a table of its findings (`report.findings`). Citations with nothing to report are counted, not
listed. Pure.

Page titles, URLs, details and article text are hostile: every such string goes through
`escape` (or `code`, for a URL shown on its own), which neutralises Markdown and HTML so that it
cannot make a link, an image, HTML, emphasis, a heading, a list or a table break:

- newlines and other line breaks become spaces; other control characters (C0, DEL, C1), bidi
  controls and zero-width characters become U+FFFD, as do lone surrogates;
- ``\\ ` * _ { } [ ] ( ) # + - . ! | ~`` are backslash-escaped, `<` `>` `&` become entities;
- a word with `://` or `www.` in it (what GitHub would autolink) is shown as a code span, with
  `` ` ``, `|` and `\\` in it percent-encoded (`%60`, `%7C`, `%5C`) so that the span cannot end
  early or split a table cell;
- `@` (a mention, an e-mail address) and `#` before a digit (an issue reference) are shown as a
  one-character code span: GitHub makes mentions and references from the *rendered* text, after
  entities are decoded, so `&#64;` would still ping; it never looks inside code.

Each cell is capped (`CELL_LIMIT` characters of the cleaned text, then `…`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from citecheck.model import CheckReport, CitationCheck
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report import check_summary, status_counts
from citecheck.report.findings import Finding, Level, findings_of

CELL_LIMIT = 300
"""The most characters of untrusted text shown in one cell (before escaping)."""

LEVELS: tuple[Level, ...] = ("error", "warning", "note")
LEVEL_MARK: dict[Level, str] = {"error": "✖ error", "warning": "⚠ warning", "note": "ℹ note"}

_BREAK = re.compile("\r\n|[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]")
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~")
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_WORD = re.compile(r"\S+|\s+")
_IN_CODE = str.maketrans({"`": "%60", "|": "%7C", "\\": "%5C"})


def clean(text: str, *, limit: int | None = CELL_LIMIT) -> str:
    """`text` on one line, without control, bidi or zero-width characters, at most `limit`
    characters long (the last one `…` when it was cut)."""
    text = _UNSAFE.sub("\ufffd", _BREAK.sub(" ", text))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _linkish(word: str) -> bool:
    lowered = word.lower()
    return "://" in lowered or "www." in lowered


def _escape_word(word: str) -> str:
    out: list[str] = []
    for index, char in enumerate(word):
        if char == "@" or (char == "#" and word[index + 1 : index + 2].isdigit()):
            out.append(f"`{char}`")
        elif char in _PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(_ENTITIES.get(char, char))
    return "".join(out)


def escape(text: str, *, limit: int | None = CELL_LIMIT) -> str:
    """Untrusted `text` as inert GitHub-flavoured Markdown, on one line, fit for a table cell, a
    heading or a paragraph: it renders as the text `clean` gives, and as nothing else."""
    parts: list[str] = []
    for match in _WORD.finditer(clean(text, limit=limit)):
        word = match.group()
        if word.isspace():
            parts.append(word)
        elif _linkish(word):
            parts.append(f"`{word.translate(_IN_CODE)}`")
        else:
            parts.append(_escape_word(word))
    return "".join(parts)


def code(text: str, *, limit: int | None = CELL_LIMIT) -> str:
    """Untrusted `text` (a URL, a path) as one code span: never a link, never HTML."""
    shown = clean(text, limit=limit).strip().translate(_IN_CODE)
    return f"`{shown}`" if shown else ""


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), _row(align), *(_row(row) for row in rows), ""]


def _source(check: CitationCheck) -> str:
    """The URL checked, or what a citation in words cites."""
    citation = check.citation
    url = check.target or citation.url or citation.local or citation.url_raw
    return code(url) if url else escape(citation.text)


def _finding_row(finding: Finding) -> list[str]:
    span = finding.check.citation.span
    return [
        LEVEL_MARK[finding.level],
        f"{span.line}:{span.column}",
        escape(finding.code),
        _source(finding.check),
        escape(finding.message),
    ]


def _document(path: str, checks: list[CitationCheck], fail_on: frozenset[str]) -> list[str]:
    lines = [f"### {escape(path)}", ""]
    rows: list[list[str]] = []
    quiet = 0
    for check in checks:
        found = list(findings_of(check, fail_on))
        if not found:
            quiet += 1
        rows.extend(_finding_row(finding) for finding in found)
    total = f"{len(checks)} citation{'s' if len(checks) != 1 else ''}"
    if not rows:
        return [*lines, f"{total}, nothing to report.", ""]
    lines += [f"{total}; {quiet} with nothing to report, not listed." if quiet else total + ".", ""]
    header = ["Level", "Line:Col", "Code", "Source", "Message"]
    return lines + _table(header, ["---", "---:", "---", "---", "---"], rows)


def render(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """The whole report as GitHub-flavoured Markdown."""
    lines = ["## citecheck", "", escape(check_summary(report), limit=None), ""]
    if report.offline:
        lines += ["**Offline**: no host could be reached; the links were not checked.", ""]
    for note in report.notes:  # (leading spaces would make an indented code block)
        lines += [f"> {escape(note).lstrip()}", ""]
    counts = [[escape(status), str(count)] for status, count in status_counts(report).items()]
    unchecked = sum(1 for check in report.checks if check.outcome is None)
    if unchecked:
        counts.append(["not checked", str(unchecked)])
    if counts:
        lines += _table(["Status", "Citations"], ["---", "---:"], counts)
    levels: Counter[Level] = Counter()
    by_path: dict[str, list[CitationCheck]] = {}
    for check in report.checks:
        by_path.setdefault(check.citation.path, []).append(check)
        levels.update(finding.level for finding in findings_of(check, fail_on))
    lines += _table(
        ["Level", "Findings"],
        ["---", "---:"],
        [[LEVEL_MARK[level], str(levels[level])] for level in LEVELS],
    )
    paths = [document.path for document in report.documents]
    paths += [path for path in by_path if path not in paths]
    for path in paths:
        lines += _document(path, by_path.get(path, []), fail_on)
    if report.problems:
        lines += ["### Inputs that could not be read", ""]
        rows = [[escape(p.path), escape(p.code), escape(p.message)] for p in report.problems]
        lines += _table(["Input", "Code", "Problem"], ["---", "---", "---"], rows)
    return "\n".join(lines).rstrip("\n") + "\n"
