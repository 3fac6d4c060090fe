"""The values that flow through citecheck: documents, spans and citations.

Everything here is a frozen, slotted dataclass: stages hand values to each other and never mutate
them. Positions are always in Unicode code points of the decoded document text, lines and columns
1-based, so that what the report says is where an editor's cursor lands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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


@dataclass(frozen=True, slots=True)
class ExtractReport:
    """The result of `citecheck extract`."""

    documents: tuple[DocumentSummary, ...] = ()
    """One summary per document read, in input order."""
    citations: tuple[Citation, ...] = ()
    """Every citation, grouped by document in input order, then by position."""
    problems: tuple[InputProblem, ...] = field(default_factory=tuple)
    """Inputs that could not be read."""
