"""Resolution for `check`: which citations are resolved, how they are asked for, and how a
resolution is kept in the cache (docs/resolve.md).

A citation is resolved when it names a source in words without a URL — a `reference` whose
publisher the registry knows (a name alone cannot say where to look). What the search gets is
what the citation says (title, date, publisher) and, when there is no title, the key terms of the
sentence and paragraph that cite it. The searches run in this process, in one trio run with one
client and one archive `Pacer` (the Wayback index's rate limit is per client), a few citations at
a time, after the links are checked; a run that found itself offline searches nothing.

Each search is kept in the cache under a digest of everything it depends on (the citation's
words, the publisher's domains and patterns, this module's version), so an unchanged article
is not searched again while the result is fresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import httpx
import trio

from citecheck.model import Citation, Document, Target
from citecheck.pagefacts import PageFacts
from citecheck.publishers import Publisher, Registry
from citecheck.resolve.model import Candidate, Resolution, ResolveOptions
from citecheck.resolve.proof import Cited
from citecheck.settings import FetchSettings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from citecheck.check import Run

VERSION = 1
"""Bumped when the search changes enough that kept results should be searched again."""

AT_ONCE = 4
"""How many citations are searched at the same time."""

OFFLINE = Resolution("unavailable", None, 0.0, ("not searched: the run is offline (no network)",))


@dataclass(frozen=True, slots=True)
class Wanted:
    """A citation to resolve, as the search sees it."""

    key: str
    """The cache key: a digest of everything the search depends on."""
    publisher: Publisher
    """The cited publisher."""
    cited: Cited
    """What the citation says."""


def wanted_for(
    citation: Citation, text: str | None, registry: Registry, *, markup: bool = False
) -> Wanted | None:
    """What to search for `citation` (in a document whose text is `text`, HTML when
    `markup`), or None when it is not a citation to resolve."""
    if not citation.resolvable or citation.publisher is None:
        return None
    publisher = registry.lookup(citation.publisher)
    if publisher is None:
        return None
    terms: tuple[tuple[str, float], ...] = ()
    if citation.title is None and text is not None:
        from citecheck.resolve.context import paragraph_at
        from citecheck.resolve.text import key_terms

        paragraph, sentence = paragraph_at(
            text, citation.span.start, citation.span.end, markup=markup
        )
        found = key_terms(sentence, paragraph, exclude=citation.text)
        terms = tuple((term, round(weight, 3)) for term, weight in found)
    cited = Cited(citation.title, citation.date, publisher.name, terms)
    return Wanted(_key(publisher, cited), publisher, cited)


def resolve_all(
    wanted: Sequence[Wanted],
    options: ResolveOptions,
    settings: FetchSettings,
    registry: Registry,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[dict[str, Resolution], dict[str, PageFacts]]:
    """Each search's resolution, by key (each distinct key searched once); and the facts of the
    live pages read, by URL after redirects."""
    distinct = {w.key: w for w in wanted}
    results: dict[str, Resolution] = {}
    pages: dict[str, PageFacts] = {}
    if distinct:
        trio.run(
            _resolve_all,
            list(distinct.values()),
            options,
            settings,
            registry,
            transport,
            results,
            pages,
        )
    return results, pages


async def _resolve_all(
    wanted: Sequence[Wanted],
    options: ResolveOptions,
    settings: FetchSettings,
    registry: Registry,
    transport: httpx.AsyncBaseTransport | None,
    results: dict[str, Resolution],
    pages: dict[str, PageFacts],
) -> None:
    from citecheck.archive.session import run_session
    from citecheck.fetch import make_client
    from citecheck.resolve.pages import reader_for
    from citecheck.resolve.resolver import Resolver

    async with make_client(settings, transport=transport) as client:
        session = run_session(client, settings.user_agent, settings.timeout, paced=options.paced)
        reader = reader_for(session, settings.host_interval, paced=options.paced)
        resolver = Resolver(session, registry, options, reader=reader)
        limiter = trio.CapacityLimiter(AT_ONCE)

        async def one(item: Wanted) -> None:
            async with limiter:
                results[item.key] = await resolver.resolve(item.publisher, item.cited)

        async with trio.open_nursery() as nursery:
            for item in wanted:
                nursery.start_soon(one, item)
        pages.update(resolver.pages)


# In a check run -----------------------------------------------------------------------------------


def resolve_run(
    run: Run, documents: Sequence[Document], transport: httpx.AsyncBaseTransport | None
) -> None:
    """Resolve the citations in words without a URL (`resolving.py`), then check the pages
    found, as links are: each resolved citation is planned for the report as a link to its
    page."""
    options = run.resolve_options
    if options is None:
        return
    from citecheck import policy
    from citecheck.publishers import default_registry
    from citecheck.reporting import keep

    registry = run.registry if run.registry is not None else default_registry()
    texts = {d.path: (d.text, d.format == "html") for d in documents}
    wanted: dict[tuple[int, int], Wanted] = {}
    for index, (_, pairs) in run.done.items():
        for position, (citation, _) in enumerate(pairs):
            text, markup = texts.get(citation.path, (None, False))
            item = wanted_for(citation, text, registry, markup=markup)
            if item is not None:
                wanted[(index, position)] = item
    if not wanted:
        return
    served = run.cache.served if run.cache is not None else {}
    if policy.is_offline(f.outcome for k, f in run.fetched.items() if k not in served):
        run.resolutions = dict.fromkeys(wanted, OFFLINE)
        return
    keys = {item.key for item in wanted.values()}
    known = run.cache.resolutions(keys) if run.cache is not None else {}
    learned, pages = resolve_all(
        [item for item in wanted.values() if item.key not in known],
        options,
        run.settings,
        registry,
        transport=transport,
    )
    cache = run.cache
    if cache is not None:
        keep(cache, lambda: cache.record_resolutions(learned))
    found = {**known, **learned}
    run.resolutions = {place: found[item.key] for place, item in wanted.items()}
    more: list[tuple[Target, bool]] = []
    for (index, position), resolution in run.resolutions.items():
        if resolution.url is None:
            continue
        citation, _ = run.done[index][1][position]
        planned = run.plan_for(replace(citation, url=resolution.url))
        run.done[index][1][position] = (citation, planned)
        facts = pages.get(resolution.url)
        if facts is not None and planned.target is not None:
            run.page_facts[planned.target.url] = facts
        more.extend(run.requests_for([planned]))
    if more:
        # The cache may answer some of them: the histories judged ahead of the report
        # (`Run.prepare`) did not know those, so they are judged again with the report.
        run.served_histories = None
    _fetch_more(run, run.serve(more), transport)


def _fetch_more(
    run: Run, wanted: list[tuple[Target, bool]], transport: httpx.AsyncBaseTransport | None
) -> None:
    """Check `wanted` in this process (the few pages resolution found)."""
    if not wanted:
        return
    import trio

    from citecheck.fetch import Fetcher, make_client

    async def fetch_all() -> None:
        async with make_client(run.settings, transport=transport) as client:
            fetcher = Fetcher(client, run.settings, paywalled=run.paywalled)
            async with trio.open_nursery() as nursery:
                for target, want_page in wanted:
                    key = (target.key, want_page)
                    nursery.start_soon(run.fetch_one, fetcher, target, want_page, key)

    trio.run(fetch_all)


# The cache's form ---------------------------------------------------------------------------------


def encode(resolution: Resolution) -> bytes:
    """A resolution as the cache keeps it (JSON)."""
    import orjson

    return orjson.dumps(asdict(resolution))


def decode(value: bytes) -> Resolution | None:
    """A kept resolution, or None when the bytes are not one (another version wrote them)."""
    import orjson

    try:
        data: Any = orjson.loads(value)
        candidates = tuple(Candidate(**c) for c in data.pop("candidates"))
        data["evidence"] = tuple(data["evidence"])
        return Resolution(**data, candidates=candidates)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def to_object(resolution: Resolution) -> dict[str, Any]:
    """A resolution as the JSON report shows it (`resolved`)."""
    return {
        "status": resolution.status,
        "url": resolution.url,
        "confidence": resolution.confidence,
        "evidence": list(resolution.evidence),
        "candidates": [asdict(c) for c in resolution.candidates],
        "requests": resolution.requests,
    }


def _key(publisher: Publisher, cited: Cited) -> str:
    import orjson

    parts = [
        VERSION,
        publisher.name,
        list(publisher.domains),
        list(publisher.url_patterns),
        list(publisher.search_prefixes),
        cited.title,
        cited.date,
        [list(term) for term in cited.terms],
    ]
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()


def kept(stored: Mapping[str, bytes]) -> dict[str, Resolution]:
    """The cache's resolutions that can still be read, by key."""
    found = {key: decode(value) for key, value in stored.items()}
    return {key: value for key, value in found.items() if value is not None}
