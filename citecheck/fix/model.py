"""What `citecheck fix` edits and how it is asked to: the edit, the options, and the check of the
archived-link template."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal

EditCode = Literal["archived-link", "robust-link", "redirect-updated", "link-added"]
"""What an edit does."""

DEFAULT_ARCHIVED_FORM = " ([archived]({url}))"
"""How an archived copy is added after a Markdown link."""

_FORMATTER = string.Formatter()

Planned = tuple[int, int, str, EditCode, str]
"""An edit before its line and column are known: start, end, replacement, code, message."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `text[start:end]` with `replacement` (an insertion when `start == end`)."""

    start: int
    """Offset of the first code point replaced, in the document's decoded text."""
    end: int
    """Offset just past the last code point replaced."""
    replacement: str
    """The new text."""
    code: EditCode
    """`archived-link`, `robust-link`, `redirect-updated` or `link-added`."""
    line: int
    """1-based line of `start`."""
    column: int
    """1-based column of `start`, in code points."""
    message: str
    """What the edit does, in one line for a person."""


@dataclass(frozen=True, slots=True)
class FixOptions:
    """What `citecheck fix` changes besides archived copies of dead links."""

    robustify: bool = False
    """Add the Robust Links attributes to live HTML links that have a snapshot."""
    update_redirects: bool = False
    """Replace permanently redirected URLs with where they lead."""
    min_confidence: float = 0.9
    """Link a resolved citation in words only when resolving is at least this sure."""
    archived_form: str = DEFAULT_ARCHIVED_FORM
    """The Markdown written after a dead link: `{url}` the snapshot, `{date}` its YYYY-MM-DD."""

    def __post_init__(self) -> None:
        check_form(self.archived_form)
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, not {self.min_confidence}.")


def check_form(form: str) -> str:
    """`form` when it is a usable archived-link template, else `ValueError` saying why.

    It must name `{url}` (and may name `{date}`, nothing else), stay on one line, and start with
    white space, so that it cannot run into the link before it.
    """
    if "\n" in form or "\r" in form:
        raise ValueError(f"The archived-link form must be one line: {form!r}.")
    try:
        parsed = [(name, spec, conversion) for _, name, spec, conversion in _FORMATTER.parse(form)]
    except ValueError as exc:
        raise ValueError(
            f"The archived-link form is not a valid template ({exc}): {form!r}."
        ) from None
    fields = [name for name, _, _ in parsed if name is not None]
    if any(spec or conversion for name, spec, conversion in parsed if name is not None):
        raise ValueError(f"The archived-link form may not format its fields: {form!r}.")
    unknown = sorted({name for name in fields if name not in ("url", "date")})
    if unknown:
        raise ValueError(
            f"The archived-link form may name only {{url}} and {{date}}, not "
            f"{', '.join('{' + name + '}' for name in unknown)}: {form!r}."
        )
    if "url" not in fields:
        raise ValueError(f"The archived-link form must contain {{url}}: {form!r}.")
    if not form[:1].isspace():
        raise ValueError(f"The archived-link form must start with a space: {form!r}.")
    return form
