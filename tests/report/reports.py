"""Hand-built `CheckReport`s for the renderers' tests: one of every kind of finding, in two
documents, and a report whose every untrusted string is hostile."""

from __future__ import annotations

from html.parser import HTMLParser

from citecheck.model import (
    CheckReport,
    Citation,
    CitationCheck,
    DocumentSummary,
    Form,
    Kind,
    Outcome,
    Redirect,
    Span,
)
from citecheck.resolve.model import Resolution
from citecheck.verify.model import Verification

A = "docs/a.md"
B = "docs/b.md"

HOSTILE = "](javascript:alert(1)) <img src=x onerror=alert(1)> | @org/team **bold** \n# heading"
"""A page title that would be a link, an image, a table break, a mention, emphasis and a
heading if it were pasted into Markdown as it is."""


def span(line: int, column: int, length: int = 10, end_line: int | None = None) -> Span:
    """A span `length` columns long on `line` (or ending on `end_line`)."""
    start = (line - 1) * 80 + column - 1
    end_line = line if end_line is None else end_line
    return Span(start, start + length, line, column, end_line, column + length)


def link(path: str, line: int, url: str, text: str = "a link", column: int = 1) -> Citation:
    """An inline link to `url`."""
    source = f"[{text}]({url})"
    return Citation("link", path, span(line, column, len(source)), source, text, url, "inline")


def words(path: str, line: int, kind: Kind, text: str, form: Form = "according-to") -> Citation:
    """A citation in words, with no URL."""
    source = f"“{text}”"
    return Citation(kind, path, span(line, 1, len(source)), source, text, None, form)


DEAD = CitationCheck(
    link(A, 3, "https://news.example/gone", "the report", column=5),
    Outcome("dead", "HTTP 404 Not Found", http_status=404, final_url="https://news.example/gone"),
    target="https://news.example/gone",
)
BLOCKED = CitationCheck(
    link(A, 5, "https://walled.example/story"),
    Outcome("blocked", "HTTP 403 Forbidden (no bot-protection marker found)", http_status=403),
    target="https://walled.example/story",
)
MOVED = CitationCheck(
    link(A, 7, "https://news.example/old"),
    Outcome(
        "redirected",
        "HTTP 200 after 1 redirect",
        http_status=200,
        final_url="https://news.example/new",
        redirects=(Redirect("https://news.example/old", 301),),
        suggested_url="https://news.example/new",
    ),
    target="https://news.example/old",
)
OK = CitationCheck(
    link(A, 9, "https://news.example/fine"),
    Outcome("ok", "HTTP 200", http_status=200),
    target="https://news.example/fine",
)
RESOLVED = CitationCheck(
    words(A, 11, "reference", "Annual Report 2024"),
    Outcome("ok", "HTTP 200", http_status=200),
    target="https://stats.example/annual-2024",
    resolution=Resolution(
        "resolved", "https://stats.example/annual-2024", 0.93, ("title and date match",)
    ),
)
UNRESOLVED = CitationCheck(
    words(A, 13, "reference", "Survey of Everything"),
    None,
    resolution=Resolution("unresolved", None, 0.0, ("no candidate matched the title",)),
)
QUOTE_NOT_FOUND = CitationCheck(
    words(B, 2, "quote", "we never said that", "attributed"),
    None,
    verification=(Verification("quote", "quote-not-found", 41.0, "closest: we said this"),),
)
QUOTE_UNCHECKED = CitationCheck(words(B, 4, "quote", "nothing to check", "unattributed"), None)

A_CHECKS = (DEAD, BLOCKED, MOVED, OK, RESOLVED, UNRESOLVED)
B_CHECKS = (QUOTE_NOT_FOUND, QUOTE_UNCHECKED)


def sample() -> CheckReport:
    """Two documents: a dead, a blocked, a permanently moved and an ok link, a reference resolved
    and one not, then a quote not found and one with nothing to check.

    With the default `--fail-on`: 1 error (dead), 2 warnings (blocked, quote-not-found),
    3 notes (the redirect, resolved, unresolved)."""
    return CheckReport(
        documents=(
            DocumentSummary(A, "markdown", "utf-8", len(A_CHECKS)),
            DocumentSummary(B, "markdown", "utf-8", len(B_CHECKS)),
        ),
        checks=A_CHECKS + B_CHECKS,
        targets=5,
    )


def hostile(
    title: str = HOSTILE, url: str = "https://evil.example/x", path: str = A
) -> CheckReport:
    """A dead link whose text and detail are `title`, then a reference in words (unresolved) whose
    text is `title`, both in the document `path`."""
    source = f"[{title}]({url})"
    citation = Citation("link", path, span(1, 1, 20), source, title, url, "inline")
    dead = CitationCheck(citation, Outcome("dead", title, http_status=404), target=url)
    reference = CitationCheck(
        words(path, 2, "reference", title),
        None,
        resolution=Resolution("unresolved", None, 0.0, (title,)),
    )
    return CheckReport(
        documents=(DocumentSummary(path, "markdown", "utf-8", 2),), checks=(dead, reference)
    )


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "footer", "section", "article",
    "header", "h1", "h2", "p", "ul", "li", "dl", "dt", "dd", "span", "strong", "blockquote",
    "a", "br",
}  # fmt: skip
"""Every element the HTML report may contain."""


class Page(HTMLParser):
    """Every element and attribute of an HTML report, and its text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def cards(self) -> list[str]:
        return [attrs.get("class") or "" for attrs in self.all("article")]
