"""The values that flow through citecheck: documents, spans and citations.

Everything here is a frozen, slotted dataclass: stages hand values to each other and never mutate
them. Positions are always in Unicode code points of the decoded document text, lines and columns
1-based, so that what the report says is where an editor's cursor lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from citecheck.archive.model import ArchiveResult
    from citecheck.archive.save import SaveResult
    from citecheck.confirm import History
    from citecheck.resolve.model import Resolution
    from citecheck.verify.model import Verification

Format = Literal["markdown", "html", "text"]
"""The syntax a document is read as."""

Kind = Literal["link", "reference", "credit", "republication", "quote"]
"""What a citation is: a link, a source named in words (`reference`), a photo credit, dateline or
byline (`credit`), a note that the article was first published elsewhere (`republication`), or a
quotation (`quote`)."""

LinkForm = Literal[
    "inline",
    "image",
    "reference",
    "definition",
    "autolink",
    "bare",
    "html-a",
    "html-img",
    "html-blockquote",
    "html-q",
]
"""How a link was written, so that an editor (and `citecheck fix`) knows what to change."""

CitationForm = Literal[
    # reference
    "see",
    "parenthetical",
    "source",
    "according-to",
    "reported",
    "told",
    "statement",
    "reporter",
    "document-title",
    # credit
    "photo",
    "dateline",
    "byline",
    # republication
    "originally-published",
    "reprinted",
    "original-title",
    "permission",
    "original-link",
    # quote
    "attributed",
    "unattributed",
    "scare",
]
"""How a source named in words was written (docs/extraction.md lists every form)."""

Form = LinkForm | CitationForm

Role = Literal["body", "boilerplate"]
"""Where a citation stands: in the article, or in site chrome (navigation, footers, sidebars)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A range of a document's text."""

    start: int
    """Offset of the first code point (0-based) in `Document.text`."""
    end: int
    """Offset just past the last code point (0-based, exclusive)."""
    line: int
    """1-based line of `start`."""
    column: int
    """1-based column of `start`, counted in Unicode code points."""
    end_line: int
    """1-based line of `end`."""
    end_column: int
    """1-based column of `end` (exclusive), counted in Unicode code points."""


@dataclass(frozen=True, slots=True)
class Document:
    """One input, decoded."""

    path: str
    """The path as the user named it (or as found under a named directory); `-` for stdin."""
    format: Format
    """How the text is read."""
    text: str
    """The decoded text, without a byte order mark. Line endings are kept as they were."""
    encoding: str
    """The encoding the bytes were decoded with (`utf-8`, `utf-8-sig`, `utf-16`, `gb18030`, …)."""


@dataclass(frozen=True, slots=True)
class Citation:
    """Something an article points at, with where it says so."""

    kind: Kind
    """What sort of citation this is."""
    path: str
    """The document's path."""
    span: Span
    """The whole construct as written (`[text](url)`, `<a …>`, a bare URL)."""
    source: str
    """The document text at `span`, exactly."""
    text: str
    """Links: the anchor or alt text, or the URL as written when there is none. Other kinds: what
    the citation says, without its brackets or quotation marks, white space collapsed."""
    url: str | None
    """The absolute URL, or None for a local link, a URL that is not valid, or a citation in
    words that names no URL."""
    form: Form
    """How the citation was written."""
    url_raw: str | None = None
    """The link target exactly as written in the source (escapes and entities not decoded)."""
    url_span: Span | None = None
    """Where `url_raw` is written; for a reference-style use, in its definition. None if unknown."""
    title: str | None = None
    """The link title (`[a](u "title")`, `title=` in HTML), if any."""
    local: str | None = None
    """For a relative link with no base URL: the target as written (path, `#fragment`)."""
    invalid: str | None = None
    """Why the target is not a valid URL, when it is not."""
    label: str | None = None
    """For reference-style links and definitions: the reference label."""
    in_code: bool = False
    """True when found inside code (only reported when code is included)."""
    publisher: str | None = None
    """Who published the source: the registry's canonical name when known, else as written."""
    domain: str | None = None
    """The publisher's web domain (with a path prefix for some, `gov.br/planalto`), when known."""
    date: str | None = None
    """The date cited, ISO 8601 with the precision written (`2025`, `2025-03`, `2025-03-11`)."""
    author: str | None = None
    """For credits and bylines: the photographer, reporter, author or account holder."""
    confidence: float = 1.0
    """How sure extraction is that this is what `kind` says (0-1); links are certain."""
    attributed_to: str | None = None
    """For quotes: the speaker or source the article attributes the words to."""
    reference: Citation | None = None
    """For quotes: the reference citation the article ties the words to, if any."""
    role: Role = "body"
    """`boilerplate` for what stands outside an HTML page's article body (site chrome)."""
    link_missing: bool = False
    """For republication notes: the note points at the original ("原文按此") but has no link."""
    note: str | None = None
    """A remark for the editor (why a quote is not attributed, what is missing)."""

    @property
    def resolvable(self) -> bool:
        """Whether resolving looks for the page this citation means (docs/resolve.md): a
        reference in words without a URL that names a publisher, or a republication note whose
        link back is missing and that gives the original's title."""
        if self.url is not None or not self.publisher:
            return False
        if self.kind == "republication":
            return self.link_missing and bool(self.title)
        return self.kind == "reference"


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be read; the run goes on with the others."""

    path: str
    """The path as named."""
    message: str
    """What went wrong, for a person."""
    code: str = "unreadable"
    """A stable code: not-found, no-match, unreadable, too-large, binary, undecodable."""


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """What extraction did with one document."""

    path: str
    """The document's path."""
    format: Format
    """How it was read."""
    encoding: str
    """How its bytes were decoded."""
    citations: int
    """How many citations it yielded."""
    ignored: int = 0
    """How many links inline directives (`citecheck-ignore`, `citecheck-disable`) suppressed."""
    date: str | None = None
    """The article's own date (ISO 8601, as precise as written), when it gives one."""


@dataclass(frozen=True, slots=True)
class ExtractReport:
    """The result of `citecheck extract`."""

    documents: tuple[DocumentSummary, ...] = ()
    """One summary per document read, in input order."""
    citations: tuple[Citation, ...] = ()
    """Every citation, grouped by document in input order, then by position."""
    problems: tuple[InputProblem, ...] = field(default_factory=tuple)
    """Inputs that could not be read."""


# Checking ---------------------------------------------------------------------------------------

Status = Literal[
    "ok",
    "redirected",
    "dead",
    "soft-404",
    "failing",
    "blocked",
    "rate-limited",
    "paywalled",
    "server-error",
    "timeout",
    "unreachable",
    "offline",
    "refused-private",
    "excluded",
    "invalid-url",
    "unsupported-scheme",
    "fragment-missing",
]
"""What checking a link found; each code's meaning is fixed once released (docs/outcomes.md)."""

STATUSES: tuple[Status, ...] = get_args(Status)
"""Every status code, in the order reports list them."""


@dataclass(frozen=True, slots=True)
class Target:
    """What one request is made for: a normalised URL, fetched once however often it is cited."""

    url: str
    """The normalised URL without credentials or fragment: lower-case scheme and host, no default
    port, `/` for an empty path. Safe to show."""
    host: str
    """The host, lower case (IDNA-encoded for an international name; no brackets for IPv6)."""
    group: str
    """Whose limits apply: the registrable domain (`bbc.co.uk`), else the host (an IP address)."""
    credentials: tuple[str, str] | None = field(default=None, repr=False, compare=True)
    """User name and password written in the URL, sent only to `host`; never shown."""

    @property
    def key(self) -> tuple[str, tuple[str, str] | None]:
        """Two citations with the same key share one request."""
        return (self.url, self.credentials)


@dataclass(frozen=True, slots=True)
class Redirect:
    """One hop of a redirect chain."""

    url: str
    """The URL that answered with a redirect (credentials removed)."""
    status: int
    """Its HTTP status: 301, 302, 303, 307 or 308."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the web (or the disk) said about a target."""

    status: Status
    """The verdict, one documented code."""
    detail: str
    """Why, for a person, with the evidence (a marker header, a page title, an error)."""
    http_status: int | None = None
    """The final HTTP status, when an answer came back."""
    final_url: str | None = None
    """Where the redirects ended (credentials removed), when an answer came back."""
    redirects: tuple[Redirect, ...] = ()
    """The redirect chain followed, in order."""
    suggested_url: str | None = None
    """The URL to cite instead, when every redirect was permanent (301, 308) and ended well."""
    reason: str | None = None
    """A stable sub-code for network failures: `refused`, `reset`, `tls`, `nxdomain`, `dns`,
    `no-route`, `closed`, `too-many-redirects`, `private-address`, ... (docs/outcomes.md)."""
    attempts: int = 0
    """How many times the target was requested (retries included); 0 when nothing was sent."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """What fetching a target gave (or the cache kept of it)."""

    outcome: Outcome
    """The verdict."""
    anchors: frozenset[str] | None = None
    """The page's anchors, when the page was wanted and read."""
    complete: bool = True
    """False when the page was longer than the body cap (anchors past it are unknown)."""


@dataclass(frozen=True, slots=True)
class CitationCheck:
    """One citation and what checking it found."""

    citation: Citation
    """The citation, with credentials removed from what it shows."""
    outcome: Outcome | None
    """The verdict; None for a citation with nothing to check (a quote, a source named in words
    without a URL)."""
    target: str | None = None
    """The normalised URL requested (or the local path checked), when there was one."""
    archive: ArchiveResult | None = None
    """The best archived copy of the source (docs/archive.md); None when not looked up."""
    saved: SaveResult | None = None
    """What `--save` did for the source, when it was one to save."""
    history: History | None = None
    """The source's failed checks remembered by the cache, when it has any (`confirm.py`)."""
    cached_at: float | None = None
    """When the outcome was checked (epoch seconds), when it came from the cache, not the web."""
    resolution: Resolution | None = None
    """For a citation in words without a URL: the page resolving found for it, or why none
    (docs/resolve.md); None when it was not resolved (`--no-resolve`, or not such a citation)."""
    verification: tuple[Verification, ...] | None = None
    """What the article claims of the source (title, date, publisher, chronology, a quote),
    checked against its page (docs/verify.md); None when it claims nothing or `--no-verify`."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The result of `citecheck check`."""

    documents: tuple[DocumentSummary, ...] = ()
    """One summary per document read, in input order."""
    checks: tuple[CitationCheck, ...] = ()
    """Every citation with its outcome, grouped by document in input order, then by position."""
    problems: tuple[InputProblem, ...] = ()
    """Inputs that could not be read."""
    targets: int = 0
    """How many distinct URLs were requested (not counting those the cache answered)."""
    offline: bool = False
    """True when nothing at all could be reached: the links were not checked (exit code 2)."""
    cached: int = 0
    """How many distinct URLs were answered from the cache instead of requested."""
    notes: tuple[str, ...] = ()
    """Remarks on the run for the user (a cache that had to be rebuilt, ...)."""
