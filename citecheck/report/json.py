"""The JSON report: one object, versioned (`schema_version`), documented in docs/json.md."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

from citecheck._version import __version__
from citecheck.archive.model import headline, iso
from citecheck.model import CheckReport, Citation, CitationCheck, ExtractReport, Span
from citecheck.report import status_counts

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.archive.save import SaveResult
    from citecheck.confirm import History

SCHEMA_VERSION = 1


def _position(span: Span | None, prefix: str) -> dict[str, int | None]:
    if span is None:
        return {f"{prefix}line": None, f"{prefix}column": None}
    return {f"{prefix}line": span.line, f"{prefix}column": span.column}


def citation_object(citation: Citation) -> dict[str, Any]:
    """One citation as a JSON object."""
    span = citation.span
    return {
        "kind": citation.kind,
        "path": citation.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "offset": span.start,
        "end_offset": span.end,
        "text": citation.text,
        "url": citation.url,
        "form": citation.form,
        "url_raw": citation.url_raw,
        **_position(citation.url_span, "url_"),
        "title": citation.title,
        "local": citation.local,
        "invalid": citation.invalid,
        "label": citation.label,
        "in_code": citation.in_code,
        "source": citation.source,
        "publisher": citation.publisher,
        "domain": citation.domain,
        "date": citation.date,
        "author": citation.author,
        "confidence": citation.confidence,
        "attributed_to": citation.attributed_to,
        "reference": _reference(citation.reference),
        "role": citation.role,
        "link_missing": citation.link_missing,
        "note": citation.note,
    }


def _reference(reference: Citation | None) -> dict[str, Any] | None:
    """The reference a quote is tied to, in brief (the full object is in `citations` too)."""
    if reference is None:
        return None
    return {
        "kind": reference.kind,
        "line": reference.span.line,
        "column": reference.span.column,
        "publisher": reference.publisher,
        "title": reference.title,
        "date": reference.date,
    }


class Prepared:
    """Citation objects made ahead of the report (`check_paths`'s `idle`: while the last links
    are checked), each used once by `to_object` in place of making it then. A citation that
    was not prepared is made as usual, so the report is the same either way."""

    def __init__(self) -> None:
        self._objects: dict[int, tuple[Citation, dict[str, Any]]] = {}

    def add(self, citations: Iterable[Citation]) -> None:
        """Make the objects of `citations` now, and import the encoder (`dumps_bytes`): 0.008 s
        with the modules orjson imports (uuid, platform), which the report's tail then saves."""
        import orjson  # noqa: F401

        # The citation is kept with its object, so that its id cannot be reused meanwhile.
        self._objects.update((id(c), (c, citation_object(c))) for c in citations)

    def take(self, citation: Citation) -> dict[str, Any]:
        """The object of `citation`: the prepared one (which is then forgotten: the caller
        may change it), else a new one."""
        made = self._objects.pop(id(citation), None)
        if made is not None and made[0] is citation:
            return made[1]
        return citation_object(citation)


def check_object(check: CitationCheck, prepared: Prepared | None = None) -> dict[str, Any]:
    """One checked citation as a JSON object: the citation's fields, then what checking found."""
    outcome = check.outcome
    data = citation_object(check.citation) if prepared is None else prepared.take(check.citation)
    data["target"] = check.target
    data["archive"] = check.archive.to_json() if check.archive is not None else None
    data["headline"] = headline(outcome.status if outcome else None, check.archive)
    if check.saved is not None:
        data["save"] = save_object(check.saved)
    data["history"] = history_object(check.history) if check.history is not None else None
    data["cached_at"] = timestamp(check.cached_at) if check.cached_at is not None else None
    data["verification"] = None
    if check.verification is not None:
        from citecheck.verifying import to_object as verification_object

        data["verification"] = [verification_object(v) for v in check.verification]
    data["resolved"] = None
    if check.resolution is not None:
        from citecheck.resolving import to_object as resolution_object

        data["resolved"] = resolution_object(check.resolution)
    if outcome is None:
        data.update(
            status=None,
            http_status=None,
            final_url=None,
            detail=None,
            reason=None,
            redirects=[],
            suggested_url=None,
            attempts=0,
        )
        return data
    data.update(
        status=outcome.status,
        http_status=outcome.http_status,
        final_url=outcome.final_url,
        detail=outcome.detail,
        reason=outcome.reason,
        redirects=[{"url": hop.url, "status": hop.status} for hop in outcome.redirects],
        suggested_url=outcome.suggested_url,
        attempts=outcome.attempts,
    )
    return data


def history_object(history: History) -> dict[str, Any]:
    """A source's failed checks as the cache remembers them, and how they were judged."""
    return {
        "strikes": history.strikes,
        "needed": history.rule.count,
        "days": history.rule.days,
        "confirmed": history.confirmed,
        "first_failure": timestamp(history.first_failure)
        if history.first_failure is not None
        else None,
        "failures": [
            {
                "at": timestamp(failure.at),
                "status": failure.status,
                "http_status": failure.http_status,
                "detail": failure.detail,
            }
            for failure in history.failures
        ],
    }


@functools.lru_cache(maxsize=1024)  # a run writes all its results with one time: few distinct
def timestamp(at: float) -> str:
    """Epoch seconds as ISO 8601 in UTC, to the second (`2026-12-03T10:00:00Z`)."""
    from datetime import UTC, datetime

    return iso(datetime.fromtimestamp(at, UTC))


def save_object(saved: SaveResult) -> dict[str, Any]:
    """What `--save` did for one source."""
    return {
        "status": saved.status,
        "url": saved.url,
        "snapshot": saved.snapshot,
        "timestamp": saved.timestamp,
        "job_id": saved.job_id,
        "detail": saved.detail,
    }


def to_object(
    report: ExtractReport | CheckReport, prepared: Prepared | None = None
) -> dict[str, Any]:
    """The report as plain JSON-able data (with the citation objects `prepared` made)."""
    return _object(report, list(_citations(report, prepared)))


def _citations(
    report: ExtractReport | CheckReport, prepared: Prepared | None
) -> Iterator[dict[str, Any]]:
    if isinstance(report, CheckReport):
        return (check_object(c, prepared) for c in report.checks)
    return (citation_object(c) for c in report.citations)


def _object(report: ExtractReport | CheckReport, citations: object) -> dict[str, Any]:
    if isinstance(report, CheckReport):
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "citecheck", "version": __version__},
            "command": "check",
            "offline": report.offline,
            "targets": report.targets,
            "cached": report.cached,
            "summary": status_counts(report),
            "documents": _documents(report),
            "citations": citations,
            "problems": _problems(report),
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "citecheck", "version": __version__},
        "documents": _documents(report),
        "citations": citations,
        "problems": _problems(report),
    }


def _documents(report: ExtractReport | CheckReport) -> list[dict[str, Any]]:
    return [
        {
            "path": d.path,
            "format": d.format,
            "encoding": d.encoding,
            "citations": d.citations,
            "ignored": d.ignored,
            "date": d.date,
        }
        for d in report.documents
    ]


def _problems(report: ExtractReport | CheckReport) -> list[dict[str, Any]]:
    return [{"path": p.path, "code": p.code, "message": p.message} for p in report.problems]


def render(report: ExtractReport | CheckReport) -> str:
    """The report as JSON text (UTF-8 friendly: non-ASCII is kept, not escaped)."""
    return dumps(to_object(report))


def render_bytes(report: ExtractReport | CheckReport, prepared: Prepared | None = None) -> bytes:
    """`render` encoded as UTF-8, without making the text first (megabytes for a large run)."""
    return dumps_bytes(to_object(report, prepared))


def chunks(
    report: ExtractReport | CheckReport, prepared: Prepared | None = None
) -> Iterator[bytes]:
    """`render_bytes(report, prepared)` in pieces, one citation at a time, so that a large run
    never holds the whole document (nor every citation's JSON object) at once: at 100,000
    links the document is 172 MB, and making it whole took the parent process from 280 MB to
    680 MB. The bytes are the same (a test compares them)."""
    marker = f"citecheck-citations-{os.urandom(16).hex()}"
    whole = dumps_bytes(_object(report, marker))
    head, tail = whole.split(b'"citations": "' + marker.encode("ascii") + b'"', 1)
    yield head + b'"citations": '
    first = True
    for item in _citations(report, prepared):
        text = dumps_bytes(item)[:-1].replace(b"\n", b"\n    ")
        yield (b"[\n    " if first else b",\n    ") + text
        first = False
    yield b"[]" if first else b"\n  ]"
    yield tail


def dumps(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` and a newline, the same text (but for
    the exponent of a very small float: `1e-7` where Python writes `1e-07`), written by orjson:
    the standard library's encoder is pure Python when it indents (0.35 s for a report of 5,000
    links, against 0.02 s). What orjson refuses (a lone surrogate, an integer beyond 64 bits) is
    written by the standard library."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def dumps_bytes(value: Any) -> bytes:
    """`dumps(value)` as UTF-8, made without the text in between. A lone surrogate (which
    orjson refuses, and UTF-8 cannot hold) is written as its JSON escape, `\\udcff`."""
    import orjson

    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8", "backslashreplace")
