"""citecheck: verify the sources an article cites.

The public library API. Names are loaded on first use, so that importing citecheck (and running
`citecheck --version`) stays fast.
"""

from __future__ import annotations

from citecheck._version import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs --version 9 ms

if TYPE_CHECKING:
    from typing import Any

    from citecheck.extract import extract as extract_document
    from citecheck.model import (
        Citation,
        Document,
        DocumentSummary,
        ExtractReport,
        InputProblem,
        Span,
    )
    from citecheck.run import extract_paths

__all__ = [
    "Citation",
    "Document",
    "DocumentSummary",
    "ExtractReport",
    "InputProblem",
    "Span",
    "__version__",
    "extract_document",
    "extract_paths",
]

_HOMES = {
    "Citation": "citecheck.model",
    "Document": "citecheck.model",
    "DocumentSummary": "citecheck.model",
    "ExtractReport": "citecheck.model",
    "InputProblem": "citecheck.model",
    "Span": "citecheck.model",
    "extract_document": "citecheck.extract:extract",
    "extract_paths": "citecheck.run",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'citecheck' has no attribute {name!r}")
    import importlib

    module, _, attribute = home.partition(":")
    value = getattr(importlib.import_module(module), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
