"""Verification for `check`: which citations make claims, which page each is checked against,
and how the pages are read (docs/verify.md).

A citation claims something of its source when it gives a title, a date or a publisher (a
reference, once resolving found its page), or when the article quotes words it ties to it.
Each such source is checked against its page: the live page when it answered (`ok`,
`redirected`), else its archived copy when the archives hold one — a dead link's words are
still on record. Each page is read once per run (or taken from the cache, or from what
resolving already read), in this process, after the links are checked and the archives asked;
requests to one host are spaced as resolution spaces them. A plain link claims nothing but that
its page exists, so a run of plain links reads no page at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from citecheck.model import Citation, Outcome
from citecheck.pagefacts import PageFacts
from citecheck.verify.model import Verification, VerifyOptions

TYPE_CHECKING = False
if TYPE_CHECKING:
    import httpx

    from citecheck.archive import ArchiveResult
    from citecheck.archiving import Key
    from citecheck.check import Run
    from citecheck.plans import Plan

LIVE = frozenset({"ok", "redirected"})
"""Outcomes whose live page is read."""

AT_ONCE = 8
"""How many pages are read at the same time."""


@dataclass(frozen=True, slots=True)
class Page:
    """Where a source's claims are checked."""

    read: str
    """The URL to read (the live page, or the archived copy)."""
    site: str
    """The page's own URL, for the publisher check (after redirects; the captured URL for an
    archived copy)."""
    archived: bool
    """Whether it is an archived copy."""


Row = tuple[Citation, "Plan", Outcome | None, "Key | None"]


def verify_rows(
    run: Run,
    rows: Sequence[Row],
    archived: Mapping[Key, ArchiveResult],
    article_dates: Mapping[str, str | None],
    transport: httpx.AsyncBaseTransport | None,
    offline: bool,
) -> list[tuple[Verification, ...] | None]:
    """Each row's verification results (None for a row that claims nothing)."""
    results: list[tuple[Verification, ...] | None] = [None] * len(rows)
    options = run.verify_options
    if options is None:
        return results
    quotes = _quotes_by_source(rows)
    pages: dict[int, Page | None] = {}
    for index, (citation, planned, outcome, key) in enumerate(rows):
        if planned.target is None or not (_claims(citation) or index in quotes):
            continue
        pages[index] = _page(planned.target.url, outcome, archived.get(key) if key else None)
    if not pages:
        return results
    wanted = sorted({page.read for page in pages.values() if page is not None})
    if offline:
        facts: dict[str, PageFacts | str] = dict.fromkeys(wanted, "the run is offline")
    else:
        facts = _read_all(run, wanted, options, transport)
    from citecheck.publishers import default_registry

    registry = run.registry if run.registry is not None else default_registry()
    for index, page in pages.items():
        citation = rows[index][0]
        found = facts.get(page.read, "no page to read") if page is not None else None
        if page is None or isinstance(found, str) or found is None:
            why = found if isinstance(found, str) else "no live page and no archived copy"
            unverified = (Verification("page", "unverified", None, f"not verified: {why}"),)
            results[index] = unverified
            for quote in quotes.get(index, ()):
                results[quote] = unverified
            continue
        # Only a publisher the registry knows has domains to hold the page to.
        cited = registry.lookup(citation.publisher) if citation.publisher else None
        owner = registry.for_url(page.site)
        on_site = None if cited is None else owner is not None and owner.name == cited.name
        results[index] = _source_checks(
            citation, found, page, on_site, article_dates.get(citation.path)
        )
        for quote in quotes.get(index, ()):
            results[quote] = (_quote_check(rows[quote][0], found, page),)
    return results


def _claims(citation: Citation) -> bool:
    """Whether a citation says something of its source beyond where it is."""
    return citation.kind == "reference" and bool(
        citation.title or citation.date or citation.publisher
    )


def _quotes_by_source(rows: Sequence[Row]) -> dict[int, list[int]]:
    """The rows of the quotes tied to each reference's row."""
    places = {
        (c.path, c.span.start, c.span.end): index
        for index, (c, _, _, _) in enumerate(rows)
        if c.kind == "reference"
    }
    quotes: dict[int, list[int]] = {}
    for index, (citation, _, _, _) in enumerate(rows):
        cited = citation.reference
        if citation.kind != "quote" or cited is None:
            continue
        source = places.get((cited.path, cited.span.start, cited.span.end))
        if source is not None:
            quotes.setdefault(source, []).append(index)
    return quotes


def _page(target: str, outcome: Outcome | None, archive: ArchiveResult | None) -> Page | None:
    """The page a source's claims are checked against: live if it answered, else archived."""
    if outcome is not None and outcome.status in LIVE:
        return Page(target, outcome.final_url or target, False)
    if archive is not None and archive.url:
        original = _captured(archive.url) or target
        return Page(archive.url, original, True)
    return None


def _captured(snapshot: str) -> str | None:
    """The URL a Wayback snapshot captured (`…/web/<timestamp>/<url>`)."""
    from citecheck.archive.wayback import split_replay

    split = split_replay(snapshot)
    return split[1] if split else None


def _source_checks(
    citation: Citation, facts: PageFacts, page: Page, on_site: bool | None, article: str | None
) -> tuple[Verification, ...]:
    """The checks of a source's own claims; `on_site` is None when its publisher's domains are
    unknown (no publisher check then)."""
    from urllib.parse import urlsplit

    from citecheck.verify.checks import chronology_check, date_check, publisher_check, title_check

    found: list[Verification] = []
    if citation.title:
        found.append(title_check(citation.title, facts))
    if citation.date:
        found.append(date_check(citation.date, facts))
    if citation.publisher and on_site is not None:
        site = urlsplit(page.site).hostname or page.site
        found.append(publisher_check(citation.publisher, on_site, site))
    chronology = chronology_check(article, citation.date, facts.date)
    if chronology is not None:
        found.append(chronology)
    if page.archived:
        found = [
            Verification(v.check, v.status, v.score, f"{v.evidence} (archived copy)") for v in found
        ]
    return tuple(found)


def _quote_check(quote: Citation, facts: PageFacts, page: Page) -> Verification:
    from citecheck.verify.quotes import match_quote

    source = "\n".join(part for part in (facts.title or "", facts.text) if part)
    match = match_quote(quote.text, source, source_language=facts.language)
    evidence = match.evidence + (" (archived copy)" if page.archived else "")
    return Verification("quote", match.status, match.score, evidence)


# Reading the pages -------------------------------------------------------------------------------


def _read_all(
    run: Run,
    urls: Sequence[str],
    options: VerifyOptions,
    transport: httpx.AsyncBaseTransport | None,
) -> dict[str, PageFacts | str]:
    """Each page's facts, or why it could not be read: what resolving read, else the cache's,
    else read now (and kept)."""
    found: dict[str, PageFacts | str] = {}
    for url in urls:
        known = run.page_facts.get(url)
        if known is not None:
            found[url] = known
    cache = run.cache
    left = [url for url in urls if url not in found]
    if cache is not None and left:
        found.update(cache.pages(left))
        left = [url for url in urls if url not in found]
    if left:
        import trio

        read: dict[str, PageFacts | str] = {}
        trio.run(_read_pages, run, left, options, transport, read)
        found.update(read)
        if cache is not None:
            from citecheck.reporting import keep

            learned = {u: f for u, f in read.items() if isinstance(f, PageFacts)}
            keep(cache, lambda: cache.record_pages(learned))
    return found


async def _read_pages(
    run: Run,
    urls: Sequence[str],
    options: VerifyOptions,
    transport: httpx.AsyncBaseTransport | None,
    into: dict[str, PageFacts | str],
) -> None:
    import trio

    from citecheck.archive.session import Unavailable, run_session
    from citecheck.fetch import make_client
    from citecheck.pagefacts import page_facts
    from citecheck.resolve.pages import reader_for

    settings = run.settings
    async with make_client(settings, transport=transport) as client:
        session = run_session(client, settings.user_agent, settings.timeout, paced=options.paced)
        reader = reader_for(session, settings.host_interval, paced=options.paced)
        limiter = trio.CapacityLimiter(AT_ONCE)

        async def one(url: str) -> None:
            async with limiter:
                try:
                    stamp, original = _wayback(url)
                    if stamp is not None:
                        page = await reader.archived(stamp, original)
                    else:
                        page = await reader.live(url)
                except Unavailable as error:
                    into[url] = f"the page could not be read ({error})"
                    return
                if page.status != 200:
                    into[url] = f"the page answered HTTP {page.status}"
                    return
                into[url] = page_facts(page.body, url=page.url, content_type=page.content_type)

        async with trio.open_nursery() as nursery:
            for url in urls:
                nursery.start_soon(one, url)


def _wayback(url: str) -> tuple[str | None, str]:
    """A Wayback snapshot's timestamp and captured URL (its original bytes are read, `id_`),
    or (None, url) for any other page."""
    from citecheck.archive.wayback import split_replay

    split = split_replay(url)
    return (split[0], split[1]) if split else (None, url)


# The cache's form --------------------------------------------------------------------------------


def encode(facts: PageFacts) -> bytes:
    """Page facts as the cache keeps them (JSON)."""
    import orjson

    return orjson.dumps(asdict(facts))


def decode(value: bytes) -> PageFacts | None:
    """Kept page facts, or None when the bytes are not them (another version wrote them)."""
    import orjson

    try:
        data: Any = orjson.loads(value)
        data["titles"] = tuple(data["titles"])
        return PageFacts(**data)
    except (ValueError, TypeError, KeyError):
        return None


def to_object(verification: Verification) -> dict[str, Any]:
    """One result as the JSON report shows it (`verification[]`)."""
    return {
        "check": verification.check,
        "status": verification.status,
        "score": verification.score,
        "evidence": verification.evidence,
    }
