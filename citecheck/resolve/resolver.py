"""Finding the page an unlinked citation means, within a budget of requests and time.

For one citation (its publisher, title, date and the key terms of the paragraph citing it):

1. **Where the publisher puts such a page** (the registry's URL patterns and the slug of the
   cited title): each URL is read and proven (`proof.py`). A proof with a confidence of 0.9 or
   more ends the search.
2. **The Wayback Machine's index**, searched under the publisher's URL prefixes (or its whole
   domain) within a window around the cited date: every page captured there is a candidate,
   ranked by how well its URL's slug matches the cited title — or, with no title, the key terms
   of the citing paragraph. The best few are read (live, else the archived copy the index
   listed) and proven.
3. **A search endpoint**, when the user configured one: every link to the publisher's site in its
   answer is a candidate, ranked and proven like the index's.

The best proven candidate wins, unless another is as good (`proof.choose`). Every request counts
against the citation's budget (`ResolveOptions.requests`), and the whole search against its time
(`ResolveOptions.seconds`); what the budget left unread is listed as `not-fetched`. A search that
could not ask anything (the index and the pages unreachable) is `unavailable`, not
`unresolved`: a lost network says nothing about the citation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import quote, urlsplit

import trio

from citecheck.archive.cdx import CDX_URL, CdxFormatError, parse_json, search_params, timestamp
from citecheck.archive.session import Session, Unavailable
from citecheck.pagebytes import decode_html
from citecheck.pagefacts import PageFacts, page_facts
from citecheck.publishers import Publisher, Registry
from citecheck.resolve.model import Candidate, Resolution, ResolveOptions
from citecheck.resolve.pages import Page, PageReader
from citecheck.resolve.patterns import Search, date_span, parse_date, pattern_urls, searches
from citecheck.resolve.proof import Cited, Proof, choose, prove
from citecheck.resolve.text import terms_score, title_score, url_words

CONFIDENT = 0.9
"""A proof this sure ends the search, if its date is the day cited (or the citation gives no
day): a page a day off may have a sibling of the same title on the very day."""

INDEX_PAGES = 3
"""The most pages of one index search read."""

GOOD_SLUG = 60.0
"""A candidate whose URL's slug matches the cited title this well (0–100) makes the index
search stop looking further."""

GOOD_TERMS = 20.0
"""The same for a citation without a title, whose URL scores by the paragraph's key terms (a
slug holds a few of a dozen terms at best)."""

_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>\\]+")


@dataclass
class _Found:
    """A candidate while the search goes on."""

    url: str
    source: str
    score: float
    stamp: str | None = None
    """The index's capture time, when it came from the index (for reading the archived copy)."""
    done: Candidate | None = None


@dataclass
class _Budget:
    left: int
    used: int = 0

    def take(self, count: int = 1) -> bool:
        """Take `count` requests if they are left."""
        if self.left < count:
            return False
        self.spend(count)
        return True

    def spend(self, count: int) -> None:
        """Count requests already made (a page's redirects), left or not."""
        self.left -= count
        self.used += count


@dataclass
class _Search:
    """One citation's search, as it goes."""

    publisher: Publisher
    cited: Cited
    budget: _Budget
    found: dict[str, _Found] = field(default_factory=dict)
    proofs: list[tuple[str, Proof]] = field(default_factory=list)
    answered: int = 0
    """Requests that got an answer (any HTTP status): the network was there."""
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Resolver:
    """Resolves citations for one run: one archive session, one page reader, one registry."""

    def __init__(
        self,
        session: Session,
        registry: Registry,
        options: ResolveOptions,
        *,
        reader: PageReader | None = None,
    ) -> None:
        self.session = session
        self.registry = registry
        self.options = options
        self.reader = reader if reader is not None else PageReader(session)
        self.pages: dict[str, PageFacts] = {}
        """The facts of every live page read, by its URL after redirects (verification reads
        no page twice)."""
        self.index_down: str | None = None
        """Why the index could not be asked, once it could not: the other searches of the run
        do not wait their turn to fail the same way."""

    async def resolve(self, publisher: Publisher, cited: Cited) -> Resolution:
        """The page `cited` means, among `publisher`'s."""
        if cited.title is None and parse_date(cited.date) is None:
            return Resolution("unresolved", None, 0.0, ("neither a title nor a date to search by",))
        search = _Search(publisher, cited, _Budget(self.options.requests))
        with trio.move_on_after(self.options.seconds) as scope:
            await self._search(search)
        if scope.cancelled_caught:
            search.notes.append(f"stopped after {self.options.seconds:g} s (--resolve-budget)")
        return _resolution(search)

    async def _search(self, search: _Search) -> None:
        cited = search.cited
        for url in pattern_urls(search.publisher, cited.title, cited.date):
            score = title_score(cited.title, url) if cited.title else 0.0
            found = search.found.setdefault(_key(url), _Found(url, "pattern", score))
            if self._decisive(search, await self._read(search, found)):
                return
        for query in searches(search.publisher, cited.title, cited.date):
            if await self._index(search, query):
                break
        if self.options.search is not None:
            await self._ask(search, self.options.search)
        waiting = sorted(
            (f for f in search.found.values() if f.done is None), key=lambda f: -f.score
        )
        for found in waiting[: self.options.read]:
            proof = await self._read(search, found)
            # Without a title, every candidate read is a rival: all of them are compared.
            if cited.title is not None and self._decisive(search, proof):
                return

    async def _index(self, search: _Search, query: Search) -> bool:
        """Search the index under `query`; whether it found a candidate worth reading."""
        since, until = _window(search.cited.date)
        resume: str | None = None
        good = False
        for _ in range(INDEX_PAGES):
            if self.index_down is not None:
                search.failures.append(f"the Wayback index: {self.index_down}")
                return False
            # Keep enough of the budget to read the best candidates.
            if search.budget.left <= self.options.read or not search.budget.take():
                search.notes.append("the index search stopped: the budget is for reading")
                break
            params = search_params(
                query.prefix, query.match_type, since=since, until=until, resume_key=resume
            )
            try:
                reply = await self.session.get("cdx", CDX_URL, params=params)
            except Unavailable as error:
                self.index_down = str(error)
                search.failures.append(f"the Wayback index: {error}")
                return False
            search.answered += 1
            if reply.status != 200:
                search.notes.append(
                    f"the Wayback index answered HTTP {reply.status} for {query.prefix}"
                )
                return False
            try:
                page = parse_json(reply.text)
            except CdxFormatError as error:
                search.notes.append(f"the Wayback index: {error}")
                return False
            for capture in page.captures:
                if capture.mimetype and "html" not in capture.mimetype:
                    continue
                key = _key(capture.original)
                if key in search.found:
                    continue
                score = self._score(search.cited, capture.original)
                good = good or score >= (GOOD_SLUG if search.cited.title else GOOD_TERMS)
                search.found[key] = _Found(
                    capture.original, "index", score, timestamp(capture.when)
                )
            resume = page.resume_key
            if resume is None:
                break
        return good

    async def _ask(self, search: _Search, template: str) -> None:
        """Ask the configured search endpoint; every link in its answer on the publisher's site
        is a candidate."""
        cited = search.cited
        words = cited.title or " ".join(term for term, _ in cited.terms[:8])
        query = f"{words} {search.publisher.name}".strip()
        url = template.replace("{query}", quote(query)).replace(
            "{site}", quote(search.publisher.domain)
        )
        if not search.budget.take():
            return
        try:
            page = await self.reader.live(url)
        except Unavailable as error:
            search.failures.append(f"the search endpoint: {error}")
            return
        search.answered += 1
        text = decode_html(page.body, page.content_type)
        for found in dict.fromkeys(_URL_IN_TEXT.findall(text)):
            link = html.unescape(found).rstrip(".,;)")
            if not self._on_site(search.publisher, link) or _key(link) in search.found:
                continue
            search.found[_key(link)] = _Found(link, "search", self._score(cited, link))

    def _decisive(self, search: _Search, proof: Proof | None) -> bool:
        if proof is None or not proof.accepted or proof.confidence < CONFIDENT:
            return False
        parts = parse_date(search.cited.date)
        return proof.exact_date or parts is None or parts[2] is None

    def _score(self, cited: Cited, url: str) -> float:
        if cited.title is not None:
            return title_score(cited.title, url)
        return round(100 * terms_score(cited.terms, url_words(url)), 1)

    async def _read(self, search: _Search, found: _Found) -> Proof | None:
        """Read a candidate (live, else its archived copy) and prove it; the proof, or None when
        it could not be read."""
        if not search.budget.take():
            found.done = _candidate(found, "not-fetched", "the budget ran out before it was read")
            return None
        page: Page | None = None
        snapshot: str | None = None
        why = ""
        try:
            page = await self.reader.live(found.url)
            search.answered += 1
            search.budget.spend(page.requests - 1)
            if page.status != 200:
                why = f"the live page answered HTTP {page.status}"
                page = None
        except Unavailable as error:
            search.failures.append(f"{found.url}: {error}")
            why = f"the live page could not be read ({error})"
        if page is None and found.stamp is not None and search.budget.take():
            try:
                page = await self.reader.archived(found.stamp, found.url)
                search.answered += 1
                snapshot = page.url
                if page.status != 200:
                    why += f"; its archived copy answered HTTP {page.status}"
                    page = None
            except Unavailable as error:
                search.failures.append(f"{found.url} (archived): {error}")
                why += f"; its archived copy could not be read ({error})"
        if page is None:
            found.done = _candidate(found, "unreadable", why)
            return None
        facts = page_facts(page.body, url=page.url, content_type=page.content_type)
        if snapshot is None:
            self.pages[page.url] = facts
        final = found.url if snapshot is not None else page.url
        site = urlsplit(final).hostname or final
        proof = prove(
            search.cited, facts, on_site=self._on_site(search.publisher, final), site=site
        )
        reason = "; ".join(proof.evidence) if proof.accepted else proof.reason
        if snapshot is not None and why:
            reason = f"{why}, read its archived copy: {reason}"
        candidate = Candidate(
            found.url,
            found.source,
            found.score,
            "proven" if proof.accepted else "rejected",
            reason,
            facts.title,
            facts.date,
            snapshot,
            proof.confidence,
        )
        if final != found.url and snapshot is None and proof.accepted:
            # The page lives at the end of its redirects: that is the link to give.
            candidate = replace(candidate, url=final)
        found.done = candidate
        search.proofs.append((candidate.url, proof))
        return proof

    def _on_site(self, publisher: Publisher, url: str) -> bool:
        owner = self.registry.for_url(url)
        return owner is not None and owner.name == publisher.name


def _resolution(search: _Search) -> Resolution:
    done = [f.done for f in search.found.values() if f.done is not None]
    unread = [
        _candidate(f, "not-fetched", "ranked below the ones read")
        for f in sorted(search.found.values(), key=lambda f: -f.score)
        if f.done is None
    ][:5]
    by_url = {c.url: c for c in done}
    chosen, tied = choose(search.proofs, titled=search.cited.title is not None)
    candidates = sorted(done, key=lambda c: (-c.confidence, -c.score)) + unread
    if tied:
        tie = set(tied)
        candidates = [
            replace(c, status="ambiguous", reason=f"as good as another: {c.reason}")
            if c.url in tie
            else c
            for c in candidates
        ]
    notes = tuple(search.notes)
    if chosen is not None:
        best = by_url[chosen]
        evidence = (best.reason, *notes)
        return Resolution(
            "resolved", best.url, best.confidence, evidence, tuple(candidates), search.budget.used
        )
    if search.answered == 0 and search.failures:
        evidence = ("could not search: " + "; ".join(search.failures[:3]), *notes)
        return Resolution("unavailable", None, 0.0, evidence, tuple(candidates), search.budget.used)
    if tied:
        why = f"{len(tied)} pages fit the citation equally well; none is chosen"
    elif not candidates:
        why = "no candidate found (no URL pattern fits, and the index listed no page)"
    else:
        why = "no candidate is proven by its title, date and site"
    return Resolution(
        "unresolved", None, 0.0, (why, *notes), tuple(candidates[:8]), search.budget.used
    )


def _candidate(found: _Found, status: str, reason: str) -> Candidate:
    return Candidate(found.url, found.source, found.score, status, reason)  # type: ignore[arg-type]


def _key(url: str) -> str:
    """A URL as the same page: no scheme, `www.`, query, fragment or final slash; host lower."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _window(cited: str | None) -> tuple[date | None, date | None]:
    """The days to search the index in: from a day before the cited date to a week after its
    end (captures come after publication, and a date may be a day off)."""
    span = date_span(cited)
    if span is None:
        return None, None
    first, last = span
    return first - timedelta(days=1), last + timedelta(days=7)
