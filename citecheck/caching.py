"""The result cache in a `check` run: what it serves, what it remembers, how it judges.

`check.py` asks `RunCache.serve` before it requests a target: a fresh, final outcome from an
earlier run (`cache/store.py` decides what is fresh and final; transient failures never are) is
used as it is, and no request is sent. Once the links are checked, `RunCache.judge` gives each
source its failure history and holds back a `dead` that the history does not confirm
(`confirm.py`), and `RunCache.record` writes what this run learned in one transaction. Archive
look-ups are served and recorded the same way (`archives`, `record_archives`), and so are
documents' extractions (`documents`; `cache/documents.py` says why and how).

The cache is used only by the parent process, and closed while it forks workers (an SQLite
connection must not cross a fork: `check.py` suspends and resumes it). A target with
credentials in its URL is never looked up or stored. A run that found itself offline records
no outcome: its failures say nothing about the links.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from citecheck.confirm import Rule, judge
from citecheck.model import Citation, Document, DocumentSummary, Fetched, Target

if TYPE_CHECKING:
    from citecheck.archive import ArchiveName, ArchiveResult
    from citecheck.cache import Cache, Cached
    from citecheck.confirm import History
    from citecheck.model import Outcome
    from citecheck.pagefacts import PageFacts
    from citecheck.resolve.model import Resolution
    from citecheck.run import Extraction

Key = tuple[object, bool]
"""A request as `check.py` counts them: (target key, whether the page is wanted)."""


@dataclass(frozen=True, slots=True)
class CacheOptions:
    """What `check` asks of the cache."""

    directory: Path
    """Where the cache lives (`--cache-dir`)."""
    ttl: Mapping[str, float] = field(default_factory=dict)
    """Seconds a stored result may be served, by status (or `archive`), over the defaults."""
    confirm: Rule = field(default_factory=Rule)
    """How many failed checks, how many days apart, make a link dead (`--confirm-dead`)."""
    now: Callable[[], float] = time.time
    """The wall clock (epoch seconds); tests pass their own."""
    busy_timeout: float = 30.0
    """Seconds to wait for another run's write before giving up on the cache's."""


class RunCache:
    """The cache as one run uses it."""

    def __init__(self, options: CacheOptions) -> None:
        self.options = options
        self.store: Cache
        self.notes: list[str] = []
        """What the user should hear about the cache (a rebuild, a corrupt file moved aside)."""
        self.open()
        self.served: dict[Key, Cached] = {}
        """What came from the cache instead of the web, by request."""
        self.known: dict[int, str] = {}
        """The documents whose extraction came from the cache: their keys, by index."""
        self.unknown: dict[int, str] = {}
        """The keys of the documents read in this run, by index."""

    def open(self) -> None:
        """Open (or reopen, after a fork) the store."""
        from citecheck.cache import Cache

        self.store = Cache(
            self.options.directory,
            ttl=self.options.ttl,
            now=self.options.now,
            busy_timeout=self.options.busy_timeout,
        )
        self.notes.extend(n for n in self.store.notes if n not in self.notes)

    def close(self) -> None:
        self.store.close()

    def stored(self, documents: Sequence[Document], options: Extraction) -> dict[int, bytes]:
        """The stored extractions of these documents (unchanged since they were read with the
        same options), encoded, by index; `decode` gives them."""
        from citecheck.cache import documents as codec
        from citecheck.publishers.registry import builtin_fingerprint

        registry = (
            options.registry.fingerprint()
            if options.registry is not None
            else builtin_fingerprint()
        )
        flags = repr(
            (
                options.base_url,
                options.include_code,
                options.min_confidence,
                options.all_links,
                options.scare_quotes,
                options.kinds,
            )
        )
        keys = {
            index: codec.key(
                options=flags,
                path=document.path,
                format=document.format,
                encoding=document.encoding,
                text=document.text,
                registry=registry,
            )
            for index, document in enumerate(documents)
        }
        stored = self.store.documents_many(keys.values())
        found: dict[int, bytes] = {}
        for index, key in keys.items():
            data = stored.get(key)
            if data is None:
                self.unknown[index] = key
            else:
                found[index] = data
                self.known[index] = key
        return found

    def decode(
        self, stored: Mapping[int, bytes]
    ) -> dict[int, tuple[DocumentSummary, list[Citation]]]:
        """The extractions `stored` gave; one that cannot be decoded is left out (and its
        document read again)."""
        from citecheck.cache import documents as codec

        found: dict[int, tuple[DocumentSummary, list[Citation]]] = {}
        for index, data in stored.items():
            try:
                found[index] = codec.decode(data)
            except ValueError:  # written by something else: read the document again
                self.unknown[index] = self.known.pop(index)
        return found

    def serve(
        self, wanted: list[tuple[Target, bool]]
    ) -> tuple[list[tuple[Target, bool]], dict[Key, Fetched]]:
        """The requests of `wanted` that the cache cannot answer, and the answers it gives to
        the others (as the fetcher would have given them; also kept in `served`)."""
        keys = [(target.url, want_page) for target, want_page in wanted if _cacheable(target)]
        found = self.store.lookup_many(keys) if keys else {}
        if not found:
            return wanted, {}
        left = []
        answers: dict[Key, Fetched] = {}
        for target, want_page in wanted:
            cached = found.get((target.url, want_page)) if _cacheable(target) else None
            if cached is None:
                left.append((target, want_page))
            else:
                key = (target.key, want_page)
                self.served[key] = cached
                answers[key] = Fetched(cached.outcome, cached.anchors, cached.complete)
        return left, answers

    def judge(self, outcomes: Iterable[tuple[Target, Outcome, bool]]) -> dict[str, History]:
        """The failure history of each target (outcome, whether it was fetched in this run)
        that failed: what the cache holds, plus this run's failure."""
        from citecheck.cache import FAILED, Failure

        failed = {
            target.url: (outcome, fresh)
            for target, outcome, fresh in outcomes
            if _cacheable(target) and outcome.status in FAILED
        }
        if not failed:
            return {}
        stored = self.store.failures_many(failed)
        now = self.options.now()
        histories = {}
        for url, (outcome, fresh) in failed.items():
            failures = list(stored.get(url, ()))
            if fresh:
                failures.append(Failure(now, outcome.status, outcome.http_status, outcome.detail))
            histories[url] = judge(failures, self.options.confirm)
        return histories

    def record(
        self,
        fetched: Mapping[Key, Fetched],
        targets: Mapping[object, Target],
        read: Mapping[int, tuple[DocumentSummary, list[Citation]]],
        *,
        offline: bool = False,
    ) -> None:
        """Write what this run learned: the documents it read, and (unless it was offline) what
        it fetched (not what the cache served), each in one transaction."""
        from citecheck.cache import Check
        from citecheck.cache import documents as codec
        from citecheck.cache.policy import storable

        new = [
            (key, codec.encode(*read[i]))
            for i, key in self.unknown.items()
            # A document citing a URL with credentials is not kept: the password would be in the
            # cache file. It is read again on every run.
            if i in read and all(c.url is None or storable(c.url) for c in read[i][1])
        ]
        self.store.record_documents(new, used=self.known.values())
        if offline:
            return
        now = self.options.now()
        checks = []
        for key, result in fetched.items():
            if key in self.served:
                continue
            target_key, want_page = key
            target = targets.get(target_key)
            if target is None or not _cacheable(target):
                continue
            checks.append(
                Check(target.url, want_page, result.outcome, result.anchors, result.complete, now)
            )
        if checks:
            self.store.record(checks)

    def archives(self, keys: Iterable[str]) -> dict[str, ArchiveResult]:
        """The fresh archive records of these look-ups."""
        return self.store.archive_many(keys)

    def record_archives(self, results: Mapping[str, ArchiveResult]) -> None:
        """Remember this run's archive look-ups (the store keeps only the final ones)."""
        if results:
            self.store.record_archives(results.items(), at=self.options.now())

    def resolutions(self, keys: Iterable[str]) -> dict[str, Resolution]:
        """The fresh resolutions of these searches (`resolving.py` keys)."""
        from citecheck.resolving import kept

        return kept(self.store.resolutions_many(keys))

    def record_resolutions(self, results: Mapping[str, Resolution]) -> None:
        """Remember this run's resolutions (the store keeps neither `unavailable` ones nor any
        whose status has no time to live)."""
        if not results:
            return
        from citecheck.resolving import encode

        items = [(key, r.status, encode(r)) for key, r in results.items()]
        self.store.record_resolutions(items, at=self.options.now())

    def pages(self, urls: Iterable[str]) -> dict[str, PageFacts]:
        """The fresh facts of these pages (`verifying.py`)."""
        from citecheck.verifying import decode

        found = {url: decode(value) for url, (_, value) in self.store.pages_many(urls).items()}
        return {url: facts for url, facts in found.items() if facts is not None}

    def record_pages(self, facts: Mapping[str, PageFacts]) -> None:
        """Remember the pages this run read (live or archived: the archive's URL says which)."""
        if not facts:
            return
        from citecheck.verifying import encode

        items = [
            (url, "archived" if url.startswith("https://web.archive.org/") else "live", encode(f))
            for url, f in facts.items()
        ]
        self.store.record_pages(items, at=self.options.now())


def archive_key(
    url: str, cited: date | None, article: date | None, archives: tuple[ArchiveName, ...]
) -> str:
    """The cache's name for an archive look-up: the URL, both dates, the archives asked."""
    parts = (url, cited.isoformat() if cited else "", article.isoformat() if article else "")
    return "\t".join((*parts, ",".join(archives)))


def _cacheable(target: Target) -> bool:
    return target.credentials is None
