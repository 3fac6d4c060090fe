"""The Memento aggregator (Time Travel): one question asks many web archives at once.

`GET https://timetravel.mementoweb.org/api/json/<YYYYMMDDhhmmss>/<url>` answers with the
mementos nearest that moment across the archives it knows: `first`, `prev`, `closest`, `next`
and `last`, each a `datetime` (ISO 8601) and a list of URIs, one per archive that holds a
memento at that moment. It answers 404 when no archive holds the URL. Its mementos carry no
status, so they are chosen by date alone (`choose.py`); the first URI of the chosen slot is
reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from citecheck.archive import cdx
from citecheck.archive.choose import ranked
from citecheck.archive.model import ArchiveResult, Capture, iso
from citecheck.archive.session import Session, Unavailable

API_URL = "https://timetravel.mementoweb.org/api/json/"
"""The Time Travel JSON API; `<timestamp>/<url>` is appended."""

SLOTS = ("first", "prev", "closest", "next", "last")


class TimeTravelFormatError(ValueError):
    """An answer that is not Time Travel's JSON."""


def parse(text: str) -> tuple[Capture, ...]:
    """The mementos of a Time Travel answer, one per slot (slots at the same moment merged);
    raises `TimeTravelFormatError` when the answer is not the documented JSON."""
    try:
        data: Any = json.loads(text)
        mementos: Mapping[str, Any] = data["mementos"]
        original = str(data.get("original_uri", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TimeTravelFormatError("not Time Travel's JSON (no `mementos`)") from None
    if not isinstance(mementos, Mapping):
        raise TimeTravelFormatError("`mementos` is not an object")
    found: dict[datetime, Capture] = {}
    for slot in SLOTS:
        entry = mementos.get(slot)
        if not isinstance(entry, Mapping):
            continue
        uris = entry.get("uri")
        uri = uris[0] if isinstance(uris, list) and uris else uris
        when = _when(entry.get("datetime"))
        if when is None or not isinstance(uri, str) or not uri:
            continue
        found.setdefault(when, Capture(when=when, original=original, source="memento", url=uri))
    return tuple(found.values())


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


async def lookup(session: Session, url: str, limit: date | None) -> ArchiveResult:
    """The aggregator's best memento of `url` for the bound `limit` (with no bound: the latest,
    asked around now); never raises for what the network or the aggregator does."""
    moment = cdx.timestamp(limit) if limit is not None else cdx.timestamp(session.now())
    if limit is not None:
        moment = moment[:8] + "235959"
    try:
        reply = await session.get("memento", f"{API_URL}{moment}/{url}")
    except Unavailable as error:
        return ArchiveResult("archive-unavailable", f"memento: {error}")
    if reply.status == 404:
        return ArchiveResult("not-archived", "memento: no archive the aggregator knows holds it")
    if reply.status != 200:
        return ArchiveResult("archive-unavailable", f"memento: HTTP {reply.status}")
    try:
        listed = parse(reply.text)
    except TimeTravelFormatError as error:
        return ArchiveResult("archive-unavailable", f"memento: {error}")
    choices = ranked(listed, limit)
    if not choices:
        return ArchiveResult("archive-unavailable", "memento: an answer without mementos")
    choice = choices[0]
    return ArchiveResult(
        "archived-after" if choice.after else "archived",
        "memento: nearest memento across the archives Time Travel knows"
        + (f"; none on or before {limit.isoformat()}" if choice.after and limit else ""),
        url=choice.capture.url,
        timestamp=iso(choice.capture.when),
        source="memento",
    )
