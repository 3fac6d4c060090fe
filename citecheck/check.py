"""Orchestration of `citecheck check`: read, extract, check every link once, map back.

Links are checked in forked worker processes (`shards.py`) while this one extracts the documents
(with extracting workers beside it when there are CPUs to spare, `shards.processes`), links
first (`passes.py`): each document's links are handed to the checkers as soon as its first pass
is done, so the network is busy while the citations in words are still being looked for. (With
a transport and one worker, as in tests and `--record`, this process checks too, after
extracting.) Each distinct normalised URL is requested once (`targets.py`), however many
citations name it; the outcome is then given to every one of them. A run in which nothing at
all could be reached is reported as offline (`policy.is_offline`). Then, unless `--no-archive`,
the archives are asked for every requested source (`archiving.py`).

With the cache (`caching.py`), documents whose extraction it holds are not read again and come
first, and a URL it has a fresh final outcome for is not requested; once the links are checked,
a dead link is judged by its history, and what the run learned is kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container, Iterator, Sequence
from typing import BinaryIO

from citecheck.collect import DEFAULT_EXTENSIONS, collect
from citecheck.globs import Exclusion, path_exclusions, url_exclusions
from citecheck.model import (
    CheckReport,
    Citation,
    Document,
    DocumentSummary,
    Format,
    InputProblem,
    Target,
)
from citecheck.passes import Done, Event, Links, events, warm
from citecheck.plans import Plan, plan, shown
from citecheck.policy import Paywalled
from citecheck.run import Extraction
from citecheck.settings import FetchSettings
from citecheck.shards import Shards, can_fork, processes

TYPE_CHECKING = False
if TYPE_CHECKING:
    import httpx

    from citecheck.archiving import ArchiveOptions
    from citecheck.caching import CacheOptions, RunCache
    from citecheck.confirm import History
    from citecheck.fetch import Fetched, Fetcher
    from citecheck.pagefacts import PageFacts
    from citecheck.resolve.model import Resolution, ResolveOptions
    from citecheck.verify.model import VerifyOptions

Progress = Callable[[int, int], None]
"""Told (targets done, targets known) as checking goes on."""


# The run ------------------------------------------------------------------------------------------


def check_paths(
    inputs: Sequence[str],
    *,
    settings: FetchSettings | None = None,
    files_from: str | None = None,
    extensions: Sequence[str] = DEFAULT_EXTENSIONS,
    input_format: Format | None = None,
    encoding: str | None = None,
    stdin: BinaryIO | None = None,
    extraction: Extraction | None = None,
    check_fragments: bool = False,
    exclude: Sequence[str] = (),
    exclude_globs: Sequence[str] = (),
    exclude_paths: Sequence[str] = (),
    exclude_path_globs: Sequence[str] = (),
    jobs: int | None = None,
    workers: int | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Progress | None = None,
    archive: ArchiveOptions | None = None,
    cache: CacheOptions | None = None,
    idle: Callable[[Sequence[Citation]], None] | None = None,
    resolve: ResolveOptions | None = None,
    verify: VerifyOptions | None = None,
    changed_since: str | None = None,
) -> CheckReport:
    """Read the inputs, extract their citations as `extract` does, and check every link.

    `transport` replaces the network (tests). `workers` is how many forked processes check
    links, each with its own host groups (`shards.py`), and `jobs` how many extract documents,
    this one included (`processes` gives the defaults). With `transport` and one worker (or no
    `workers`), this process checks the links itself, after extracting. With `archive`, the best
    archived copy of every requested source is looked up once the links are checked
    (`archiving.py`). With `cache`, fresh results of earlier runs are used instead of
    requests, and a dead link is held back as `failing` until its history confirms it
    (`caching.py`). `idle` is called at most once, while the last links are checked by worker
    processes and this one would only wait, with the citations the report will show (in its
    order): a chance to prepare their rendering (`report.json.Prepared`). Links matching a
    regular expression of `exclude` or a glob of `exclude_globs` (`globs.url_glob`) are not
    requested but reported `excluded`; input files whose relative path matches a regular
    expression of `exclude_paths` or a glob of `exclude_path_globs` (`globs.path_glob`) are not
    read (`collect`). Raises `InputError` (collect), `re.error` (a bad regular expression in
    `exclude` or `exclude_paths`), `ValueError` (a bad glob; the message names the flag) and
    `CacheError` (a cache that cannot be opened or written). With `resolve`, citations in
    words without a URL are resolved to the page they mean once the links are checked
    (`resolving.py`), and the pages found are checked (and archived) like links. With
    `verify`, what citations claim of their sources (title, date, publisher, quotes) is
    checked against the pages (`verifying.py`)."""
    settings = settings if settings is not None else FetchSettings()
    extraction = extraction if extraction is not None else Extraction()
    exclusions = url_exclusions(exclude, exclude_globs)
    collected = collect(
        inputs,
        files_from=files_from,
        extensions=extensions,
        stdin=stdin,
        input_format=input_format,
        encoding=encoding,
        changed_since=changed_since,
        exclude_paths=path_exclusions(exclude_paths, exclude_path_globs),
    )
    in_process = transport is not None and (workers is None or workers == 1)
    workers, jobs = processes(os.cpu_count() or 1, workers, jobs, in_process=in_process)
    run = Run(settings, extraction, exclusions, check_fragments, progress, idle)
    run.resolve_options = resolve
    run.verify_options = verify
    try:
        run.open_cache(cache)
        documents = collected.documents
        stored = run.cache.stored(documents, extraction) if run.cache is not None else {}
        if not in_process and settings.max_concurrency > 1 and can_fork():
            # The checking workers are forked first, while this process has no other threads
            # (and no open cache: an SQLite connection must not cross a fork). They import the
            # HTTP stack while this one reads; a rerun whose documents are all in the cache
            # needs one (it has only what failed transiently to ask again).
            count = workers if len(stored) < len(documents) else 1
            run.suspend_cache()
            with Shards(
                settings, count, transport=transport, paywalled=run.paywalled, progress=progress
            ) as shards:
                run.resume_cache()
                known, early = run.known(stored)
                for wanted in early:
                    shards.add(*wanted)
                shards.flush()
                extracted, stop = run.read(documents, extraction, jobs, known)
                try:
                    run.sharded(extracted, shards)
                finally:
                    stop()
            run.resolve(documents, transport)
            return run.report(collected.problems, archive, transport)
        import trio

        known, early = run.known(stored)
        extracted, stop = run.read(documents, extraction, jobs, known)
        try:
            trio.run(run.main, early, extracted, transport)
        finally:
            stop()
        run.resolve(documents, transport)
        return run.report(collected.problems, archive, transport)
    finally:
        run.close_cache()


class Run:
    """One check run's state: documents as they come, targets requested, outcomes."""

    def __init__(
        self,
        settings: FetchSettings,
        extraction: Extraction,
        exclude: Sequence[Exclusion],
        check_fragments: bool,
        progress: Progress | None,
        idle: Callable[[Sequence[Citation]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.idle = idle
        self.registry = extraction.registry
        self.paywalled = Paywalled(extraction.registry)
        self.exclude = exclude
        self.check_fragments = check_fragments
        self.progress = progress
        self.done: dict[int, tuple[DocumentSummary, list[tuple[Citation, Plan]]]] = {}
        """Each document's summary and planned citations, by index (they may come in any
        order: the cache's first)."""
        self.fetched: dict[tuple[object, bool], Fetched] = {}
        self.started: set[tuple[object, bool]] = set()
        self.early: dict[int, dict[tuple[int, int], Plan]] = {}
        """The plans of the links of documents whose `Done` has not come, by document."""
        self.targets: dict[object, Target] = {}
        """Every target asked for, by key."""
        self.cache: RunCache | None = None
        self.shown: list[Citation] | None = None
        """The citations as the report shows them, in its order, once `prepare` made them."""
        self.served_histories: dict[str, History] | None = None
        """The histories of the failures the cache served, once `prepare` judged them."""
        self.resolve_options: ResolveOptions | None = None
        """How to resolve citations without a URL; None: they are not resolved."""
        self.resolutions: dict[tuple[int, int], Resolution] = {}
        """What resolving found, by (document index, citation position)."""
        self.verify_options: VerifyOptions | None = None
        """How to verify citations against their pages; None: they are not verified."""
        self.page_facts: dict[str, PageFacts] = {}
        """Pages already read in this run (by resolving), by the URL verification reads."""

    def open_cache(self, options: CacheOptions | None) -> None:
        if options is not None:
            from citecheck.caching import RunCache

            self.cache = RunCache(options)

    def known(
        self, stored: dict[int, bytes]
    ) -> tuple[dict[int, tuple[DocumentSummary, list[Citation]]], list[tuple[Target, bool]]]:
        """The documents whose extraction the cache holds (`stored`, as `RunCache.stored` gave
        it), planned as if just read, and what they need requested that the cache cannot
        answer."""
        if self.cache is None or not stored:
            return {}, []
        known = self.cache.decode(stored)
        wanted = [
            w for index, done in known.items() for w in self.wanted(Done(index, *done), serve=False)
        ]
        return known, self.serve(wanted)

    def read(
        self,
        documents: Sequence[Document],
        extraction: Extraction,
        jobs: int,
        known: Container[int],
    ) -> tuple[Iterator[Event], Callable[[], None]]:
        """The extraction events of the documents the cache does not know (`passes.events`),
        with what reading them takes loaded first; the cache is closed while the extracting
        workers are forked."""
        warm([d for i, d in enumerate(documents) if i not in known], extraction)
        self.suspend_cache()
        try:
            return events(documents, extraction, jobs, skip=known)
        finally:
            self.resume_cache()

    def suspend_cache(self) -> None:
        if self.cache is not None:
            self.cache.close()

    def resume_cache(self) -> None:
        if self.cache is not None:
            self.cache.open()

    def close_cache(self) -> None:
        if self.cache is not None:
            self.cache.close()

    async def main(
        self,
        early: list[tuple[Target, bool]],
        extracted: Iterator[Event],
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        import trio

        from citecheck.fetch import Fetcher, make_client
        from citecheck.gate import Gate

        async with make_client(self.settings, transport=transport) as client:
            fetcher = Fetcher(client, self.settings, paywalled=self.paywalled)
            async with trio.open_nursery() as nursery:

                async def fetch(target: Target, want_page: bool) -> None:
                    await self.fetch_one(fetcher, target, want_page, (target.key, want_page))

                gate = Gate.of(nursery, fetch, self.settings)
                wanted = early
                while True:
                    for target, want_page in wanted:
                        gate.start(target, want_page)
                    event = await trio.to_thread.run_sync(next, extracted, None)
                    if event is None:
                        break
                    wanted = self.wanted(event)

    def sharded(self, extracted: Iterator[Event], shards: Shards) -> None:
        """The run with worker processes checking: each document's new targets go to them as
        soon as its links are known."""
        for event in extracted:
            for wanted in self.wanted(event):
                shards.add(*wanted)
            shards.flush()
        shards.finish()
        self.prepare()
        self.fetched.update(shards.results())

    def prepare(self) -> None:
        """Make what the report needs and the links still being checked cannot change, while
        they are: the citations as shown, the histories of the failures the cache served; then
        let `idle` prepare their rendering. (On a rerun the cache answers, checking the few
        links it cannot is the longest wait: a third of the run.)"""
        self.shown = [shown(c) for index in sorted(self.done) for c, _ in self.done[index][1]]
        self.served_histories = self.judge_served()
        if self.idle is not None:
            self.idle(self.shown)

    def judge_served(self) -> dict[str, History]:
        cache = self.cache
        if cache is None or not cache.served:
            return {}
        served = cache.served
        return cache.judge(
            (self.targets[k[0]], f.outcome, False) for k, f in self.fetched.items() if k in served
        )

    def wanted(self, event: Event, *, serve: bool = True) -> list[tuple[Target, bool]]:
        """What to request for an extraction event that was not requested yet (and, with
        `serve`, that the cache cannot answer). A document's `Done` is where its citations are
        planned for the report (which puts the documents in input order)."""
        if isinstance(event, Links):
            plans = [self.plan_for(link) for link in event.links]
            self.early[event.index] = {
                (link.span.start, link.span.end): planned
                for link, planned in zip(event.links, plans, strict=True)
            }
        else:
            assert isinstance(event, Done)
            plans = []
            planned_citations = []
            early = self.early.pop(event.index, {})
            for citation in event.citations:
                planned = None
                if citation.kind == "link":  # planned already when its links came
                    planned = early.get((citation.span.start, citation.span.end))
                if planned is None:
                    planned = self.plan_for(citation)
                planned_citations.append((citation, planned))
                plans.append(planned)
            self.done[event.index] = (event.summary, planned_citations)
        wanted = self.requests_for(plans)
        return self.serve(wanted) if serve else wanted

    def requests_for(self, plans: Sequence[Plan]) -> list[tuple[Target, bool]]:
        """The requests `plans` need that were not asked for yet (which are now)."""
        wanted = []
        for planned in plans:
            target = planned.target
            if target is None:
                continue
            want_page = planned.fragment is not None
            key = (target.key, want_page)
            if key in self.started or (not want_page and (target.key, True) in self.started):
                continue
            self.started.add(key)
            self.targets[target.key] = target
            wanted.append((target, want_page))
        return wanted

    def serve(self, wanted: list[tuple[Target, bool]]) -> list[tuple[Target, bool]]:
        """The requests of `wanted` the cache cannot answer (the others are answered)."""
        if self.cache is not None and wanted:
            wanted, served = self.cache.serve(wanted)
            self.fetched.update(served)
        return wanted

    def plan_for(self, citation: Citation) -> Plan:
        return plan(citation, exclude=self.exclude, check_fragments=self.check_fragments)

    async def fetch_one(
        self, fetcher: Fetcher, target: Target, want_page: bool, key: tuple[object, bool]
    ) -> None:
        self.fetched[key] = await fetcher.fetch(target, want_page=want_page)
        if self.progress is not None:
            self.progress(len(self.fetched), len(self.started))

    def resolve(
        self, documents: Sequence[Document], transport: httpx.AsyncBaseTransport | None
    ) -> None:
        """Resolve the citations in words without a URL, and check the pages found
        (`resolving.resolve_run`)."""
        if self.resolve_options is None or not any(
            c.resolvable for _, pairs in self.done.values() for c, _ in pairs
        ):
            return  # nothing to resolve: not even the resolver's modules are loaded
        from citecheck.resolving import resolve_run

        resolve_run(self, documents, transport)

    def report(
        self,
        problems: tuple[InputProblem, ...],
        archive: ArchiveOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> CheckReport:
        """The report (`reporting.report`)."""
        from citecheck.reporting import report

        return report(self, problems, archive, transport)
