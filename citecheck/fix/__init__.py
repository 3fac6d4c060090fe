"""`citecheck fix`: the edits that repair an article's citations, and writing them safely.

`plan` works out the edits for one document from what checking found (pure); `apply` makes them;
`encode_like` gives the bytes back in the original encoding; `unified_diff` shows the change;
`write_atomically` writes it so that the file is never left half-written.
"""

from citecheck.fix.apply import apply, encode_like, unified_diff, write_atomically
from citecheck.fix.links import is_archive_url, markdown_url
from citecheck.fix.model import DEFAULT_ARCHIVED_FORM, Edit, EditCode, FixOptions, check_form
from citecheck.fix.plan import plan

__all__ = [
    "DEFAULT_ARCHIVED_FORM",
    "Edit",
    "EditCode",
    "FixOptions",
    "apply",
    "check_form",
    "encode_like",
    "is_archive_url",
    "markdown_url",
    "plan",
    "unified_diff",
    "write_atomically",
]
