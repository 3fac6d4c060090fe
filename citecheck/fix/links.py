"""`citecheck fix`'s edits of links: the archived copy of a dead link, the Robust Links
attributes, and the URL a permanent redirect leads to (`plan.py` says when each applies)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from citecheck.archive.model import FOUND
from citecheck.fix.model import EditCode, FixOptions, Planned
from citecheck.model import Citation, CitationCheck, Format

_DEAD = frozenset({"dead", "soft-404"})
_LIVE = frozenset({"ok", "redirected"})
_MARKDOWN_FORMS = frozenset({"inline", "autolink", "bare", "reference"})
_ARCHIVE_HOSTS = re.compile(
    r"(?:^|\.)(?:web\.archive\.org|wayback\.archive-it\.org|archive\.(?:today|ph|is|li|vn|fo|md)"
    r"|webcitation\.org|ghostarchive\.org|perma\.cc|arquivo\.pt|webarchive\.org\.uk)$"
)
_ARCHIVE_URL = re.compile(
    r"https?://(?:[\w-]+\.)*(?:web\.archive\.org|archive\.(?:today|ph|is|li|vn|fo|md))/",
    re.IGNORECASE,
)
_START_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*(?P<attrs>(?:\s*[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
    r"""|\s*/(?!>))*)\s*(?P<close>/?>)"""
)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
ANCHOR_TAG = re.compile(r"<(/?)a(?=[\s/>])[^>]*>", re.IGNORECASE)
_ROBUST = frozenset({"data-originalurl", "data-versionurl", "data-versiondate"})
_MARKDOWN_UNSAFE = re.compile(r"""[\s"<>()\[\]\\`{}|^]""")
TEXT_UNSAFE = re.compile(r"""[\s"<>]""")
_TRAILING = re.compile(r"[.,:;!?'\")\]]$")


def link_edits(
    text: str,
    fmt: Format,
    check: CitationCheck,
    links: Sequence[Citation],
    options: FixOptions,
) -> list[Planned]:
    citation, outcome = check.citation, check.outcome
    if outcome is None:
        return []
    edits: list[Planned] = []
    new = outcome.suggested_url
    redirected = False
    if options.update_redirects and new is not None and new != citation.url:
        edit = _redirect(text, fmt, citation, new)
        if edit is not None:
            edits.append(edit)
            redirected = True
    snapshot = _snapshot(check)
    if snapshot is None or citation.url is None or is_archive_url(citation.url):
        return edits
    url, date = snapshot
    if outcome.status in _DEAD:
        if citation.form == "html-a":
            edits.extend(_robust(text, citation, url, date, "archived-link"))
            edits.extend(_visible(text, citation, url, links))
        elif citation.form in _MARKDOWN_FORMS:
            edits.extend(_after(text, fmt, citation, url, date, links, options))
    elif (
        options.robustify
        and outcome.status in _LIVE
        and citation.form == "html-a"
        and not redirected
    ):
        edits.extend(_robust(text, citation, url, date, "robust-link"))
    return edits


def _snapshot(check: CitationCheck) -> tuple[str, str | None] | None:
    """The found snapshot's URL (safe to write) and its date, YYYY-MM-DD when known."""
    archive = check.archive
    if archive is None or archive.status not in FOUND or not archive.url:
        return None
    url = safe_url(archive.url)
    if url is None:
        return None
    stamp = archive.timestamp or ""
    date: str | None = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T.*)?", stamp):
        date = stamp[:10]
    elif re.fullmatch(r"\d{8}(?:\d{6})?", stamp):
        date = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}"
    else:
        found = re.search(r"/web/(\d{4})(\d{2})(\d{2})\d*", url)
        if found is not None:
            date = "-".join(found.groups())
    return url, date


def safe_url(url: str) -> str | None:
    """`url` if it is an http(s) URL with no control characters, else None."""
    if re.search(r"[\x00-\x1f\x7f]", url) or urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return url


def is_archive_url(url: str) -> bool:
    """Whether `url` points into a web archive (the Wayback Machine, archive.today, ...)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return _ARCHIVE_HOSTS.search(host) is not None


def encode_url(url: str, unsafe: re.Pattern[str]) -> str:
    """`url` with the characters `unsafe` matches percent-encoded, after its authority."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    slash = rest.find("/")
    head, tail = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])

    def percent(match: re.Match[str]) -> str:
        return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))

    return f"{scheme}{sep}{head}{unsafe.sub(percent, tail)}"


def markdown_url(url: str) -> str:
    """`url` written so that Markdown reads it whole as a link destination, an autolink or a
    bare URL: white space, quotes, brackets, parentheses, backslashes and back quotes after the
    host are percent-encoded."""
    return encode_url(url, _MARKDOWN_UNSAFE)


def _archived_follows(text: str, end: int, links: Sequence[Citation], limit: int) -> bool:
    """Whether an archived copy is already linked right after `end` on the same line."""
    for link in links:
        if link.span.start >= end:
            gap = text[end : link.span.start]
            if len(gap) <= limit and "\n" not in gap and "\r" not in gap:
                return link.url is not None and is_archive_url(link.url)
            break
    window = text[end : end + limit + 40]
    first = window.find("\n")
    found = _ARCHIVE_URL.search(window)
    return found is not None and found.start() <= limit and (first < 0 or found.start() < first)


def _after(
    text: str,
    fmt: Format,
    citation: Citation,
    url: str,
    date: str | None,
    links: Sequence[Citation],
    options: FixOptions,
) -> list[Planned]:
    end = citation.span.end
    if fmt == "text":
        insert = f" (archived: {encode_url(url, TEXT_UNSAFE)})"
    elif fmt == "html":
        insert = f' (<a href="{html.escape(url, quote=True)}">archived</a>)'
    else:
        if date is None and "{date" in options.archived_form:
            return []
        insert = options.archived_form.format(url=markdown_url(url), date=date or "")
    if text.startswith(insert, end) or _archived_follows(text, end, links, max(40, len(insert))):
        return []
    message = f"add the archived copy {url} after the dead link to {citation.url}"
    return [(end, end, insert, "archived-link", message)]


def _robust(
    text: str, citation: Citation, url: str, date: str | None, code: EditCode
) -> list[Planned]:
    """The Robust Links attributes, inserted at the end of the `<a>` start tag."""
    tag = _START_TAG.match(text, citation.span.start)
    if tag is None or citation.url is None:
        return []
    names = {m.group(1).lower() for m in _ATTRIBUTE.finditer(tag.group("attrs"))}
    if names & _ROBUST:
        return []
    attributes = (
        f' data-originalurl="{html.escape(citation.url, quote=True)}"'
        f' data-versionurl="{html.escape(url, quote=True)}"'
    )
    if date is not None:
        attributes += f' data-versiondate="{date}"'
    at = tag.start("close")
    what = "dead" if code == "archived-link" else "live"
    message = f"add Robust Links attributes (snapshot {url}) to the {what} link to {citation.url}"
    return [(at, at, attributes, code, message)]


def _visible(text: str, citation: Citation, url: str, links: Sequence[Citation]) -> list[Planned]:
    """A visible link to the snapshot after the `<a>` element's end tag."""
    tag = _START_TAG.match(text, citation.span.start)
    if tag is None:
        return []
    closing = ANCHOR_TAG.search(text, tag.end())
    if closing is None or not closing.group(1):
        return []
    insert = f' (<a href="{html.escape(url, quote=True)}">archived</a>)'
    end = closing.end()
    if text.startswith(insert, end) or _archived_follows(text, end, links, max(40, len(insert))):
        return []
    message = f"add a link to the archived copy {url} after the dead link to {citation.url}"
    return [(end, end, insert, "archived-link", message)]


def _redirect(text: str, fmt: Format, citation: Citation, new: str) -> Planned | None:
    """The URL as written replaced by where it permanently redirects."""
    span = citation.url_span
    safe = safe_url(new)
    if span is None or safe is None or not 0 <= span.start <= span.end <= len(text):
        return None
    if citation.url_raw is not None and text[span.start : span.end] != citation.url_raw:
        return None
    before = text[span.start - 1 : span.start]
    if citation.form.startswith("html-"):
        if before in ("'", '"') and text[span.end : span.end + 1] == before:
            value = html.escape(safe, quote=True)
        else:  # unquoted: quote it, since the new URL may hold what an unquoted value cannot
            value = f'"{html.escape(safe, quote=True)}"'
    elif citation.form in ("inline", "image", "autolink", "bare", "reference", "definition"):
        value = encode_url(safe, TEXT_UNSAFE) if fmt == "text" else markdown_url(safe)
        if citation.form == "bare" and _TRAILING.search(value):
            return None  # a bare URL's trailing punctuation would be read as prose
    else:
        return None
    message = f"replace {citation.url} with {new}, where it permanently redirects"
    return (span.start, span.end, value, "redirect-updated", message)
