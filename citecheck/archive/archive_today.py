"""archive.today (archive.ph, archive.md, ...): its TimeMap lists the captures of a URL.

archive.today keeps no record of what the page answered, so its captures are taken as listed
(`Capture.status` None) and chosen by date alone. It answers a URL it never captured with a 404
or a body saying "TimeMap does not exists" (sic), and answers scripts it distrusts with a
CAPTCHA page (often Cloudflare's, with a 200, 403, 429 or 503): anything that is not a TimeMap
with mementos in it, and not one of those two misses, is `archive-unavailable`.
"""

from __future__ import annotations

from datetime import date

from citecheck.archive.choose import ranked
from citecheck.archive.model import ArchiveResult, iso
from citecheck.archive.session import Session, Unavailable
from citecheck.archive.timemap import captures

TIMEMAP_URL = "https://archive.ph/timemap/"
"""The TimeMap endpoint; the URL looked up is appended as it is."""

_MISS = "timemap does not exist"


async def lookup(session: Session, url: str, limit: date | None) -> ArchiveResult:
    """archive.today's best capture of `url` for the bound `limit`; never raises for what the
    network or the archive does."""
    try:
        reply = await session.get("archive-today", TIMEMAP_URL + url)
    except Unavailable as error:
        return ArchiveResult("archive-unavailable", f"archive-today: {error}")
    text = reply.text
    if reply.status == 404 or (reply.status == 200 and _MISS in text.lower()):
        return ArchiveResult("not-archived", f"archive-today: no TimeMap (HTTP {reply.status})")
    if reply.status != 200:
        return ArchiveResult(
            "archive-unavailable", f"archive-today: HTTP {reply.status} (a CAPTCHA or an error)"
        )
    listed = captures(text, "archive-today")
    if not listed:
        return ArchiveResult(
            "archive-unavailable",
            "archive-today: the answer is not a TimeMap with mementos (a CAPTCHA page?)",
        )
    choices = ranked(listed, limit)
    choice = choices[0]
    capture = choice.capture
    return ArchiveResult(
        "archived-after" if choice.after else "archived",
        f"archive-today: {len(listed)} capture(s) in its TimeMap"
        + (f"; none on or before {limit.isoformat()}" if choice.after and limit else ""),
        url=capture.url,
        timestamp=iso(capture.when),
        source="archive-today",
    )
