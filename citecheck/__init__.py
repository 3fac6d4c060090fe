"""citecheck: verify the sources an article cites.

The public library API. Names are loaded on first use, so that importing citecheck (and running
`citecheck --version`) stays fast.
"""

from __future__ import annotations

from citecheck._version import __version__

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs --version 9 ms

if TYPE_CHECKING:
    from typing import Any

    from citecheck.check import check_paths
    from citecheck.extract import extract as extract_document
    from citecheck.model import (
        CheckReport,
        Citation,
        CitationCheck,
        Document,
        DocumentSummary,
        ExtractReport,
        InputProblem,
        Outcome,
        Span,
        Target,
    )
    from citecheck.run import extract_paths
    from citecheck.settings import FetchSettings

__all__ = [
    "CheckReport",
    "Citation",
    "CitationCheck",
    "Document",
    "DocumentSummary",
    "ExtractReport",
    "FetchSettings",
    "InputProblem",
    "Outcome",
    "Span",
    "Target",
    "__version__",
    "check_paths",
    "extract_document",
    "extract_paths",
]

_HOMES = {
    "CheckReport": "citecheck.model",
    "CitationCheck": "citecheck.model",
    "FetchSettings": "citecheck.settings",
    "Outcome": "citecheck.model",
    "Target": "citecheck.model",
    "check_paths": "citecheck.check",
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
