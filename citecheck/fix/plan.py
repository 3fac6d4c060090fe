"""The edits `citecheck fix` would make to one document, worked out from its text and what
checking its citations found. Pure: no I/O, the same answer for the same input.

Rules (each skipped for a citation in code, or whose span no longer holds its source):

- `archived-link`: a `dead` or `soft-404` link with a snapshot found keeps its link and gains the
  archived copy. Markdown: `FixOptions.archived_form` after the link (after the use of a
  reference-style link, not its definition). HTML `<a>`: the Robust Links attributes in the start
  tag and ` (<a href="SNAPSHOT">archived</a>)` after `</a>`. Plain text: ` (archived: SNAPSHOT)`.
- `robust-link` (`robustify`): an `ok` or `redirected` HTML `<a>` with a snapshot gains the Robust
  Links attributes only.
- `redirect-updated` (`update_redirects`): a permanently redirected link's URL, where it is
  written, becomes the suggested URL.
- `link-added`: a citation in words that resolving proved (at least `min_confidence`) becomes a
  link: its title in Markdown and HTML, ` <URL>` after it in plain text; a republication note
  whose link back is missing gains it on its pointer ("Read the original here", `原文按此`), else
  on its publisher's name.

Every rule looks first for its own work, so that planning again after the edits gives nothing:
an archive link already after the link (any Wayback or archive.today URL, whatever the form),
`data-versionurl` already in the start tag, a citation in words that is already linked.
"""

from __future__ import annotations

from collections.abc import Sequence

from citecheck.extract.positions import LineIndex
from citecheck.fix.links import link_edits
from citecheck.fix.model import Edit, FixOptions, Planned
from citecheck.fix.words import words_edits
from citecheck.model import CitationCheck, Format


def plan(
    text: str, fmt: Format, checks: Sequence[CitationCheck], options: FixOptions
) -> list[Edit]:
    """The edits for one document, sorted by position and never overlapping.

    `checks` are the document's citations with what checking found; their spans index `text`.
    When two edits would overlap, the one planned first (in citation order) is kept.
    """
    lines = LineIndex(text)
    links = sorted(
        (c.citation for c in checks if c.citation.kind == "link"), key=lambda c: c.span.start
    )
    planned: list[Planned] = []
    for check in checks:
        citation = check.citation
        span = citation.span
        if citation.in_code or not 0 <= span.start <= span.end <= len(text):
            continue
        if text[span.start : span.end] != citation.source:
            continue
        if citation.kind == "link":
            planned.extend(link_edits(text, fmt, check, links, options))
        elif citation.kind == "reference" or (
            citation.kind == "republication" and citation.link_missing
        ):
            planned.extend(words_edits(text, fmt, check, links, options))
    kept: list[Planned] = []
    for edit in planned:
        if not any(_overlap(edit[0], edit[1], other[0], other[1]) for other in kept):
            kept.append(edit)
    kept.sort(key=lambda e: (e[0], e[1]))
    return [Edit(s, e, r, code, *lines.position(s), message) for s, e, r, code, message in kept]


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    if a_start == a_end and b_start == b_end:
        return a_start == b_start
    if a_start == a_end:
        return b_start < a_start < b_end
    if b_start == b_end:
        return a_start < b_start < a_end
    return a_start < b_end and b_start < a_end
