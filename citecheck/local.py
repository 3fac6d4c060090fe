"""Links to files on disk: relative links with no base URL (`docs/a.md#setup`) and `file:` URLs.

A relative link is resolved against the directory of the document that holds it (the current
directory for standard input), as a site generator or a repository browser would; a link that
starts with `/` is taken from the current directory, the usual root of a checked-out site. Its
query is ignored. The file (or directory) must exist; with `--check-fragments`, a fragment must
be an anchor of it: an `id` or `name` in HTML, a heading or an id in Markdown, or, for a
same-document link (`#setup`), of the document itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from citecheck import anchors
from citecheck.model import Outcome

_MAX_READ = 50 * 1024 * 1024
"""The largest file read for its anchors (as collect.py's input limit)."""


def local_path(document: str, link: str) -> tuple[Path | None, str | None]:
    """The file a relative link or `file:` URL points at (None for the document itself), and its
    fragment (percent-decoded, None when there is none)."""
    if link.lower().startswith("file:"):
        parts = urlsplit(link)
        path, fragment = unquote(parts.path), parts.fragment
    else:
        target, _, fragment = link.partition("#")
        path = unquote(target.partition("?")[0])
        if path.startswith("/"):
            path = path.lstrip("/") or "."
        elif path:
            base = Path(document).parent if document != "-" else Path()
            path = os.path.join(base, path)
    fragment_text = unquote(fragment) if fragment else None
    return (Path(path) if path else None), fragment_text


def check_local(document: str, link: str, *, check_fragments: bool) -> tuple[Outcome, str]:
    """The outcome of a local link in `document`, and the path it was checked at."""
    path, fragment = local_path(document, link)
    where = path if path is not None else Path(document)
    shown = str(where)
    if path is not None and not path.exists():
        return Outcome("dead", f"no such file: {shown}", reason="no-file"), shown
    if not (check_fragments and fragment) or anchors.always_present(fragment):
        detail = "file exists" if path is not None else "same-document link"
        if fragment and not check_fragments:
            detail += f" (#{fragment} not checked: --check-fragments)"
        return Outcome("ok", detail), shown
    if where.is_dir() or (document == "-" and path is None):
        return Outcome("ok", f"#{fragment} not checked: not a file"), shown
    try:
        data = where.read_bytes()[:_MAX_READ]
    except OSError as error:
        return Outcome("dead", f"cannot read {shown}: {error.strerror}", reason="no-file"), shown
    text = data.decode("utf-8", errors="replace")
    suffix = where.suffix.lower()
    if suffix in (".md", ".markdown", ".mdown", ".mkd", ".mkdn"):
        found = anchors.markdown_anchors(text)
    else:
        found = anchors.html_anchors(text)
    if anchors.has_anchor(found, fragment):
        return Outcome("ok", f"#{fragment} found"), shown
    return (
        Outcome("fragment-missing", f"no anchor #{fragment} in {shown}", reason="no-anchor"),
        shown,
    )
