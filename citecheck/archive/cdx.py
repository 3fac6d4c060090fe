"""The Wayback Machine's CDX index: building queries and reading answers, with no I/O.

The CDX server lists every capture of a URL, one row each, as space-separated text (the
default: `urlkey timestamp original mimetype statuscode digest length`) or as JSON (`output=json`:
a list of lists whose first row names the fields, as chosen with `fl`). With
`showResumeKey=true`, a page of results ends with a blank line (JSON: an empty list) and then a
key to pass back as `resumeKey` for the next page.

The real index holds rows that must not be trusted blindly (cassettes/edgi-wayback/cdx/):
impossible timestamps (day 00, hour 24), `mailto:` and `data:` originals, `unk` media types,
originals that are not URLs at all, a `-` length, a last row without a newline, the same row
three times, and `warc/revisit` records with `-` for a status. A row that cannot be read is
skipped and counted, never fatal: one bad row must not hide the good captures beside it.

We query with `filter=statuscode:2..` (only captures the page answered 2xx), a `from`/`to`
window and a small `limit`: a negative limit asks for the *last* rows of the window, which are
the captures closest before the bound.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from citecheck.archive.model import Capture

CDX_URL = "https://web.archive.org/cdx/search/cdx"
"""The CDX server's search endpoint."""

TEXT_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
"""The fields of a text row when no `fl` is given."""

LOOKUP_FIELDS = ("timestamp", "original", "mimetype", "statuscode")
"""The fields a look-up asks for (`fl`)."""

LOOKUP_LIMIT = 5
"""How many captures one look-up query asks for."""


class CdxFormatError(ValueError):
    """A CDX answer that is not a CDX listing (not JSON, not a list of rows)."""


@dataclass(frozen=True, slots=True)
class CdxPage:
    """One page of CDX results."""

    captures: tuple[Capture, ...]
    """The rows that could be read, in the server's order (duplicates kept)."""
    resume_key: str | None = None
    """The key for the next page, when the server gave one."""
    skipped: int = 0
    """Rows that could not be read (bad timestamp, not a web URL, wrong number of fields)."""


def parse_timestamp(text: str) -> datetime | None:
    """A Wayback timestamp (`YYYYMMDDhhmmss`, or a prefix of it from 4 digits) as a UTC
    datetime; None for anything else, impossible dates and times included."""
    if not text.isdigit() or not 4 <= len(text) <= 14 or len(text) % 2:
        return None
    padded = text + "0101000000"[len(text) - 4 :]
    try:
        return datetime(
            int(padded[0:4]),
            int(padded[4:6]),
            int(padded[6:8]),
            int(padded[8:10]),
            int(padded[10:12]),
            int(padded[12:14]),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def timestamp(when: datetime | date) -> str:
    """A datetime (or a date, at its start) as a 14-digit Wayback timestamp."""
    if not isinstance(when, datetime):
        return when.strftime("%Y%m%d") + "000000"
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def replay_url(stamp: str, original: str, *, raw: bool = False) -> str:
    """The Wayback URL of a capture: for a person, or (`raw`) the original bytes with `id_`."""
    return f"https://web.archive.org/web/{stamp}{'id_' if raw else ''}/{original}"


def lookup_params(
    url: str, *, until: date | None = None, since: date | None = None
) -> dict[str, str]:
    """The query for the good captures of `url`: with `until`, the last ones on or before that
    day; with `since`, the first ones after it; with neither, the latest ones."""
    params = {
        "url": url,
        "output": "json",
        "fl": ",".join(LOOKUP_FIELDS),
        "filter": "statuscode:2..",
    }
    if until is not None:
        params["to"] = until.strftime("%Y%m%d") + "235959"
        params["limit"] = str(-LOOKUP_LIMIT)
    elif since is not None:
        params["from"] = since.strftime("%Y%m%d") + "000000"
        params["limit"] = str(LOOKUP_LIMIT)
    else:
        params["limit"] = str(-LOOKUP_LIMIT)
    return params


SEARCH_PAGE = 200
"""How many rows one page of an index search asks for."""


def search_params(
    prefix: str,
    match_type: str,
    *,
    since: date | None = None,
    until: date | None = None,
    resume_key: str | None = None,
    limit: int = SEARCH_PAGE,
) -> dict[str, str]:
    """The query for the pages captured under `prefix` (`match_type` `prefix` or `domain`)
    between `since` and `until` (whole days, either optional): good captures only (HTTP 200),
    one row per distinct URL (`collapse=urlkey`), a page of `limit` rows with the key for the
    next page (`showResumeKey`); `resume_key` asks for that next page."""
    params = {
        "url": prefix,
        "matchType": match_type,
        "output": "json",
        "fl": ",".join(LOOKUP_FIELDS),
        "filter": "statuscode:200",
        "collapse": "urlkey",
        "limit": str(limit),
        "showResumeKey": "true",
    }
    if since is not None:
        params["from"] = since.strftime("%Y%m%d") + "000000"
    if until is not None:
        params["to"] = until.strftime("%Y%m%d") + "235959"
    if resume_key is not None:
        params["resumeKey"] = resume_key
    return params


def _capture(fields: Sequence[str], row: Sequence[str]) -> Capture | None:
    if len(row) != len(fields):
        return None
    values = dict(zip(fields, row, strict=True))
    stamp = values.get("timestamp", "")
    when = parse_timestamp(stamp)
    original = values.get("original", "")
    parts = urlsplit(original)
    if when is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    code = values.get("statuscode", "-")
    status = int(code) if code.isdigit() else None
    return Capture(
        when=when,
        original=original,
        source="wayback",
        status=status,
        url=replay_url(stamp, original),
        mimetype=values.get("mimetype", ""),
    )


def parse_text(text: str, fields: Sequence[str] = TEXT_FIELDS) -> CdxPage:
    """A text listing (the default output)."""
    captures: list[Capture] = []
    skipped = 0
    resume_key: str | None = None
    lines = text.split("\n")
    for index, line in enumerate(lines):
        line = line.strip()
        if not line:
            rest = [x.strip() for x in lines[index + 1 :] if x.strip()]
            if rest:
                resume_key = rest[0]
            break
        capture = _capture(fields, line.split(" "))
        if capture is None:
            skipped += 1
        else:
            captures.append(capture)
    return CdxPage(tuple(captures), resume_key, skipped)


def parse_json(text: str) -> CdxPage:
    """A JSON listing (`output=json`); raises `CdxFormatError` when it is not one. An empty
    answer (no captures at all) is an empty page: the server sends `[]` or nothing."""
    if not text.strip():
        return CdxPage(())
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CdxFormatError(f"the CDX answer is not JSON ({error})") from None
    if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
        raise CdxFormatError("the CDX answer is not a list of rows")
    if not data:
        return CdxPage(())
    fields = [str(name) for name in data[0]]
    captures: list[Capture] = []
    skipped = 0
    resume_key: str | None = None
    rows = data[1:]
    for index, row in enumerate(rows):
        if not row:
            after = rows[index + 1 : index + 2]
            if after and after[0]:
                resume_key = str(after[0][0])
            break
        capture = _capture(fields, [str(value) for value in row])
        if capture is None:
            skipped += 1
        else:
            captures.append(capture)
    return CdxPage(tuple(captures), resume_key, skipped)


def is_excluded(status: int, headers: dict[str, str] | None, body: str) -> str | None:
    """Why a CDX (or replay) answer says the site is excluded from the Wayback Machine, or
    None. The CDX server answers 403 with `X-Archive-Wayback-Runtime-Error` naming an
    `AdministrativeAccessControlException` ("Blocked Site Error") or a robots exclusion."""
    error = (headers or {}).get("x-archive-wayback-runtime-error", "")
    evidence = error or (body[:300] if status == 403 else "")
    for marker in (
        "AdministrativeAccessControlException",
        "Blocked Site Error",
        "RobotAccessControlException",
    ):
        if marker in evidence:
            return f"HTTP {status}, {marker} ({evidence.strip()[:160]})"
    return None
