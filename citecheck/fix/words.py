"""`citecheck fix`'s edits of citations in words: the link to the page resolving proved, on the
cited title (or the citation's words), or on a republication note's pointer to its original."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from citecheck.fix.links import ANCHOR_TAG, TEXT_UNSAFE, encode_url, markdown_url, safe_url
from citecheck.fix.model import FixOptions, Planned
from citecheck.model import Citation, CitationCheck, Format

_POINTER = re.compile(
    r"原文按此|原文連結|原文链接|閱讀原文|阅读原文|原文網址|原文网址|原文地址"
    r"|Click here to read the original(?:\s+(?:article|story))?"
    r"|Read the original(?:\s+(?:article|story|piece|post))?(?:\s+here)?",
    re.IGNORECASE,
)


def words_edits(
    text: str,
    fmt: Format,
    check: CitationCheck,
    links: Sequence[Citation],
    options: FixOptions,
) -> list[Planned]:
    citation, resolution = check.citation, check.resolution
    if (
        resolution is None
        or resolution.status != "resolved"
        or resolution.url is None
        or resolution.confidence < options.min_confidence
        or (citation.kind == "reference" and citation.url is not None)
    ):
        return []
    url = safe_url(resolution.url)
    span = citation.span
    inside = [link for link in links if link.span.start < span.end and span.start < link.span.end]
    if url is None or any(link.url == url for link in inside):
        return []  # already linked to the page found
    message = f"link {citation.text!r} to {url}, which resolving found"
    if fmt == "text":
        for link in links:
            if link.span.start >= span.end:
                if re.fullmatch(r"[ \t]*<?", text[span.end : link.span.start]):
                    return []
                break
        insert = f" <{encode_url(url, TEXT_UNSAFE)}>"
        return [(span.end, span.end, insert, "link-added", message)]
    found = _phrase(text, fmt, citation)
    if found is None:
        return []
    start, end = found
    if any(link.span.start < end and start < link.span.end for link in inside):
        return []  # a link among the words (a domain named, say): a link cannot hold another
    phrase = text[start:end]
    if fmt == "html":
        if "<" in phrase or ">" in phrase or _inside_anchor(text, start):
            return []
        replacement = f'<a href="{html.escape(url, quote=True)}">{phrase}</a>'
    else:
        if (
            re.search(r"[\[\]]", phrase)
            or phrase.endswith("\\")
            or text[start - 1 : start]
            in (
                "!",
                "\\",
                "]",
            )
        ):
            return []
        replacement = f"[{phrase}]({markdown_url(url)})"
    return [(start, end, replacement, "link-added", message)]


def _phrase(text: str, fmt: Format, citation: Citation) -> tuple[int, int] | None:
    """Where the words to link are: a republication note's pointer or publisher, a reference's
    title, else its text, else its span without the brackets around it."""
    start, end = citation.span.start, citation.span.end
    source = text[start:end]
    wanted: list[str] = []
    if citation.kind == "republication":
        pointer = _POINTER.search(source)
        if pointer is not None:
            return start + pointer.start(), start + pointer.end()
        wanted = [citation.publisher or ""]
    else:
        wanted = [citation.title or "", citation.text]
    for words in wanted:
        for written in (words, html.escape(words, quote=False)) if fmt == "html" else (words,):
            at = source.find(written) if written.strip() else -1
            if at >= 0:
                return start + at, start + at + len(written)
    if citation.kind == "republication":
        return None
    inner = re.fullmatch(r"\s*[(\[（「“\"]?\s*(.*?)\s*[)\]）」”\"]?\s*", source, re.DOTALL)
    if inner is None or not inner.group(1):
        return None
    return start + inner.start(1), start + inner.end(1)


def _inside_anchor(text: str, offset: int) -> bool:
    """Whether `offset` lies inside an `<a>` element (the last anchor tag before it opens one)."""
    tags = list(ANCHOR_TAG.finditer(text, 0, offset))
    return bool(tags) and not tags[-1].group(1)
