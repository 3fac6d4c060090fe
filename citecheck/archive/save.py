"""Save Page Now 2: ask the Wayback Machine to capture a live source that it holds no copy of.

Opt-in only (`--save`), never the default: a capture is work for the archive, done on the user's
account. The keys come from `CITECHECK_IA_ACCESS_KEY` and `CITECHECK_IA_SECRET_KEY` (an
archive.org account's S3-like keys) and are sent as `Authorization: LOW <access>:<secret>`;
anonymous saving is refused by the archive, so `--save` without them is a usage error
(`MissingCredentials`, exit code 2). `--save --dry-run` lists what would be saved and sends
nothing.

A save is `POST https://web.archive.org/save` (form: `url`, `if_not_archived_within`, so that a
page captured recently is not captured again), answered with a `job_id`; then
`GET /save/status/<job_id>` is polled, with a growing delay, until the job says `success` or
`error`, or the time limit passes. SPN2 reports errors **with HTTP 200** (`{"status": "error",
"status_ext": "error:too-many-daily-captures", "message": ...}`), at submission as well as when
polled, so the body is read whatever the status.

Outcomes (`SaveResult.status`): `saved` (with the new capture's URL and time), `would-save`
(dry run), `save-failed` (the archive refused or the capture failed: `status_ext` in `detail`),
`save-pending` (the job had not finished within the time limit; it may still finish), and
`save-unavailable` (no answer: errors, rate limits, time-outs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import trio

from citecheck.archive import cdx
from citecheck.archive.model import ArchiveResult, iso
from citecheck.archive.session import Reply, Session, Unavailable

SAVE_URL = "https://web.archive.org/save"
"""The SPN2 endpoint; status at `SAVE_URL + "/status/" + job_id`."""

ACCESS_KEY_VARIABLE = "CITECHECK_IA_ACCESS_KEY"
SECRET_KEY_VARIABLE = "CITECHECK_IA_SECRET_KEY"

IF_NOT_ARCHIVED_WITHIN = "30d"
"""A page captured within this period is not captured again (SPN2's own duration syntax)."""

POLL_LIMIT = 180.0
"""Seconds a job is polled before it is reported `save-pending`."""
POLL_FIRST = 5.0
"""Seconds before the first poll; each delay then doubles, up to `POLL_CAP`."""
POLL_CAP = 30.0

SaveStatus = Literal["saved", "would-save", "save-failed", "save-pending", "save-unavailable"]

LIVE_STATUSES = frozenset({"ok", "redirected"})
"""Live outcomes of pages worth saving."""


class MissingCredentials(ValueError):
    """`--save` without the keys: a usage error."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """An archive.org account's keys; the secret is never shown."""

    access: str
    """The access key."""
    secret: str = field(repr=False)
    """The secret key."""

    @property
    def header(self) -> str:
        """The `Authorization` header value SPN2 expects."""
        return f"LOW {self.access}:{self.secret}"


def credentials_from(environ: Mapping[str, str]) -> Credentials:
    """The keys from the environment; raises `MissingCredentials` naming what is missing."""
    access = environ.get(ACCESS_KEY_VARIABLE, "").strip()
    secret = environ.get(SECRET_KEY_VARIABLE, "").strip()
    missing = [
        name
        for name, value in ((ACCESS_KEY_VARIABLE, access), (SECRET_KEY_VARIABLE, secret))
        if not value
    ]
    if missing:
        raise MissingCredentials(
            f"--save needs Internet Archive keys: set {' and '.join(missing)} "
            "(from https://archive.org/account/s3.php)"
        )
    return Credentials(access, secret)


def should_save(live_status: str | None, result: ArchiveResult) -> bool:
    """Whether a source is one `--save` captures: live now, and no archive holds a copy (an
    unavailable look-up is not "no copy": nothing is saved on a guess)."""
    return live_status in LIVE_STATUSES and result.status == "not-archived"


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What asking for a capture gave."""

    status: SaveStatus
    """The verdict."""
    url: str
    """The page asked to be saved."""
    detail: str
    """Why, for a person."""
    snapshot: str | None = None
    """The new capture's Wayback URL, when saved."""
    timestamp: str | None = None
    """The new capture's time, ISO 8601 UTC, when saved."""
    job_id: str | None = None
    """SPN2's job id, once it gave one."""


def _json(reply: Reply) -> dict[str, Any] | None:
    try:
        data = json.loads(reply.text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _error(url: str, data: Mapping[str, Any], job_id: str | None = None) -> SaveResult:
    ext = data.get("status_ext") or "error"
    message = str(data.get("message") or "").strip()
    return SaveResult("save-failed", url, f"{ext}: {message}".rstrip(": "), job_id=job_id)


async def save(
    session: Session,
    url: str,
    credentials: Credentials | None,
    *,
    dry_run: bool = False,
    if_not_archived_within: str = IF_NOT_ARCHIVED_WITHIN,
    poll_limit: float = POLL_LIMIT,
) -> SaveResult:
    """Ask SPN2 to capture `url` and wait for the job (see the module docstring); never raises
    for what the network or the archive does."""
    if dry_run:
        return SaveResult("would-save", url, "dry run: not sent")
    if credentials is None:
        raise MissingCredentials("--save needs Internet Archive keys")
    headers = {"Accept": "application/json", "Authorization": credentials.header}
    try:
        reply = await session.request(
            "save",
            "POST",
            SAVE_URL,
            data={"url": url, "if_not_archived_within": if_not_archived_within},
            headers=headers,
        )
    except Unavailable as error:
        return SaveResult("save-unavailable", url, str(error))
    data = _json(reply)
    if data is None or reply.status != 200:
        return SaveResult(
            "save-unavailable" if reply.status in (429,) or reply.status >= 500 else "save-failed",
            url,
            f"SPN2 answered HTTP {reply.status}" + (f": {data.get('message')}" if data else ""),
        )
    if data.get("status") == "error" or not data.get("job_id"):
        return _error(url, data)
    job_id = str(data["job_id"])
    result: SaveResult | None = None
    with trio.move_on_after(poll_limit):
        result = await _poll(session, url, job_id, headers)
    if result is None:
        return SaveResult(
            "save-pending", url, f"job {job_id} not finished within {poll_limit:g} s", job_id=job_id
        )
    return result


async def _poll(session: Session, url: str, job_id: str, headers: Mapping[str, str]) -> SaveResult:
    delay = POLL_FIRST
    while True:
        await trio.sleep(delay)
        delay = min(delay * 2, POLL_CAP)
        try:
            reply = await session.request(
                "save", "GET", f"{SAVE_URL}/status/{job_id}", headers=headers
            )
        except Unavailable as error:
            return SaveResult("save-unavailable", url, str(error), job_id=job_id)
        data = _json(reply)
        if reply.status >= 500 or data is None:
            continue  # the status service hiccuped: the job goes on, ask again
        status = data.get("status")
        if status == "pending":
            continue
        if status == "success":
            stamp = str(data.get("timestamp", ""))
            original = str(data.get("original_url") or url)
            when = cdx.parse_timestamp(stamp)
            return SaveResult(
                "saved",
                url,
                f"captured by Save Page Now (job {job_id})",
                snapshot=cdx.replay_url(stamp, original) if when else None,
                timestamp=iso(when) if when else None,
                job_id=job_id,
            )
        return _error(url, data, job_id)
