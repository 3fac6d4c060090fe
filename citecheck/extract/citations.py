"""Sources named in words: references, credits and republication notes, found in a prose view.

No link checker reads these, and no grammar describes them: they are conventions of journalism,
recognised here by patterns in English and Chinese (`references.py`, `credits.py`,
`republication.py`) and weighed with the publisher registry. This module holds what the three
share: the document being read (`Scan`), how a citation is built, how a publisher and a date are
read from what the article wrote, and the rule that settles overlaps (a credit or a republication
note is more specific than a reference found inside it).

Every finder works paragraph by paragraph and looks only a bounded distance around what triggered
it, so the whole stays linear in the length of the document.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from citecheck.extract import dates
from citecheck.extract.links import Context
from citecheck.extract.prose import collapse
from citecheck.extract.segments import Group, groups, paragraphs, sentences
from citecheck.model import Citation, CitationForm, Kind
from citecheck.publishers import Publisher, Registry

_NEWS_TYPES = frozenset({"wire", "broadcaster", "newspaper", "magazine", "online"})


@dataclass(slots=True)
class Scan:
    """One document being searched for citations in words."""

    context: Context
    """The document and its line index."""
    prose: str
    """Its prose view (same length as its text)."""
    registry: Registry
    """The publishers known."""
    anchor: dates.PartialDate | None
    """The article's own date, for dates written without a year."""
    links: list[Citation]
    """Its link citations, by position."""
    found_dates: list[dates.DateMatch] = field(default_factory=list)
    """Every date written in the prose, by position."""
    _publishers: dict[tuple[int, int], list[tuple[Publisher, int, int]]] = field(
        default_factory=dict
    )
    _date_starts: list[int] = field(default_factory=list)
    _link_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.found_dates = dates.find_dates(self.prose)
        self._date_starts = [d.start for d in self.found_dates]
        self.links = sorted(self.links, key=lambda c: c.span.start)
        self._link_starts = [c.span.start for c in self.links]

    # -- building ------------------------------------------------------------------------------

    def citation(
        self,
        kind: Kind,
        form: CitationForm,
        start: int,
        end: int,
        *,
        confidence: float,
        text: str | None = None,
        publisher: str | None = None,
        domain: str | None = None,
        title: str | None = None,
        date: str | None = None,
        author: str | None = None,
        url: str | None = None,
        link_missing: bool = False,
        note: str | None = None,
    ) -> Citation:
        """A citation of `kind` over `prose[start:end]`."""
        document = self.context.document
        return Citation(
            kind=kind,
            path=document.path,
            span=self.context.span(start, end),
            source=document.text[start:end],
            text=text if text is not None else collapse(self.prose[start:end]),
            url=url,
            form=form,
            publisher=publisher,
            domain=domain,
            title=title or None,
            date=date,
            author=author or None,
            confidence=round(confidence, 2),
            link_missing=link_missing,
            note=note,
        )

    # -- reading what was written --------------------------------------------------------------

    def publisher(self, written: str) -> tuple[str | None, str | None, Publisher | None]:
        """(name, domain, registry entry) for a publisher as written; unknown ones as written."""
        name = collapse(written).strip(" ,;:.-–—'\"“”‘’")
        if not name:
            return None, None, None
        known = self.registry.lookup(name)
        if known is not None:
            return known.name, known.domain, known
        return name, None, None

    def anchor_at(self, position: int) -> dates.PartialDate | None:
        """The date a date without a year is read against: the nearest full date written before
        `position`, or else the article's own date."""
        index = bisect.bisect_left(self._date_starts, position) - 1
        while index >= 0:
            date = self.found_dates[index].date
            if date.year is not None and date.month is not None:
                return date
            index -= 1
        return self.anchor

    def date_in(self, start: int, end: int, *, last: bool = False) -> dates.DateMatch | None:
        """The first (or `last`) date written wholly inside `prose[start:end]`."""
        low = bisect.bisect_left(self._date_starts, start)
        high = bisect.bisect_left(self._date_starts, end)
        # dates do not overlap, so only the last one starting inside can run past `end`
        if low < high and self.found_dates[high - 1].end > end:
            high -= 1
        if low >= high:
            return None
        return self.found_dates[high - 1] if last else self.found_dates[low]

    def iso(self, match: dates.DateMatch | None) -> str | None:
        """A date as written, completed in ISO form.

        A day alone (`8日`) is read against the article's own date when it has one: Chinese news
        writes `8日` for a day of the dateline's month, whatever dates the text named before it.
        A date without a year is read against the nearest full date before it, or else the
        article's date.
        """
        if match is None:
            return None
        date = match.date
        article = self.anchor
        if date.month is None and article is not None and article.month is not None:
            return dates.complete(date, article).iso()
        return dates.complete(date, self.anchor_at(match.start)).iso()

    def publishers_in(self, start: int, end: int) -> list[tuple[Publisher, int, int]]:
        """Every known publisher named in `prose[start:end]` (found once per range)."""
        found = self._publishers.get((start, end))
        if found is None:
            found = self._publishers[(start, end)] = self.registry.find_all(self.prose, start, end)
        return found

    def links_in(self, start: int, end: int) -> list[Citation]:
        """The link citations (not images) that start inside `[start, end)`."""
        low = bisect.bisect_left(self._link_starts, start)
        high = bisect.bisect_left(self._link_starts, end)
        return [c for c in self.links[low:high] if c.form not in ("image", "html-img")]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of the prose, with its sentences and bracket groups."""

    start: int
    """Offset of its first character."""
    end: int
    """Offset just past its last character."""
    sentences: list[tuple[int, int]]
    """Its sentences, as ranges."""
    groups: list[Group]
    """Its bracket groups, by opening position."""

    def sentence_at(self, position: int) -> tuple[int, int]:
        """The sentence holding `position` (the paragraph, if none does)."""
        for start, end in self.sentences:
            if start <= position < end:
                return start, end
        return self.start, self.end


def find(
    context: Context,
    prose: str,
    links: list[Citation],
    registry: Registry,
    anchor: dates.PartialDate | None,
) -> list[Citation]:
    """The references, credits and republication notes in a document's prose view."""
    from citecheck.extract import credits, references, republication

    scan = Scan(context, prose, registry, anchor, links)
    found: list[Citation] = []
    spans = paragraphs(prose)
    for start, end in spans:
        paragraph = Paragraph(start, end, sentences(prose, start, end), groups(prose, start, end))
        found += credits.find(scan, paragraph)
        found += republication.find(scan, paragraph)
        found += references.find(scan, paragraph)
    if spans:
        found += credits.closing_byline(scan, *spans[-1])
    return settle(found)


_PRIORITY = {"republication": 0, "credit": 1, "reference": 2}


def settle(found: list[Citation]) -> list[Citation]:
    """Keep one citation where several overlap: the more specific kind, then the longer."""
    ranked = sorted(
        found,
        key=lambda c: (_PRIORITY.get(c.kind, 3), -(c.span.end - c.span.start), c.span.start),
    )
    kept: list[Citation] = []
    starts: list[int] = []  # of the kept spans, which never overlap: sorted by start and by end
    ends: list[int] = []
    for citation in ranked:
        start, end = citation.span.start, citation.span.end
        index = bisect.bisect_right(starts, start)
        if (index > 0 and ends[index - 1] > start) or (index < len(starts) and starts[index] < end):
            continue
        kept.append(citation)
        starts.insert(index, start)
        ends.insert(index, end)
    kept.sort(key=lambda c: c.span.start)
    return kept
