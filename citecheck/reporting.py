"""The `check` report from a run's state (`check.Run`): every citation with the outcome of its
target, HTTP statuses the settings accept made `ok`, dead links judged by their history, the
archived copies, and what the run learned kept in the cache.

Accepted statuses are applied here, to what is reported, not to what is fetched or cached: the
cache keeps what the site answered, so a changed `accept` takes effect on the next run without
asking the site again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from citecheck import policy
from citecheck.confirm import verdict
from citecheck.model import CheckReport, Citation, CitationCheck, InputProblem, Outcome
from citecheck.plans import Plan, as_offline, shown, with_fragment

TYPE_CHECKING = False
if TYPE_CHECKING:
    import httpx

    from citecheck.archive import ArchiveResult, SaveResult
    from citecheck.archiving import ArchiveOptions, Key
    from citecheck.caching import RunCache
    from citecheck.check import Run
    from citecheck.confirm import History
    from citecheck.resolve.model import Resolution
    from citecheck.verify.model import Verification


def report(
    run: Run,
    problems: tuple[InputProblem, ...],
    archive: ArchiveOptions | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CheckReport:
    """The report, in input order; with `archive`, the archives are asked first. With a
    cache, dead links are judged by their history, and what this run learned is kept."""
    if archive is not None:
        from citecheck.archiving import key_for
    cache = run.cache
    served = cache.served if cache is not None else {}
    offline = policy.is_offline(f.outcome for k, f in run.fetched.items() if k not in served)
    histories: dict[str, History] = {}
    if cache is not None and not offline:
        # What this run fetched comes after what the cache served (for the same URL, the
        # fetch is the newer word).
        if run.served_histories is None:
            run.served_histories = run.judge_served()
        histories = {
            **run.served_histories,
            **cache.judge(
                (run.targets[k[0]], f.outcome, True)
                for k, f in run.fetched.items()
                if k not in served
            ),
        }
    summaries = [run.done[index][0] for index in sorted(run.done)]
    rows: list[tuple[Citation, Plan, Outcome | None, Key | None]] = []
    extra: list[tuple[History | None, float | None, Resolution | None]] = []
    dates = {summary.path: summary.date for summary in summaries}
    placed = ((i, n, p) for i in sorted(run.done) for n, p in enumerate(run.done[i][1]))
    settings = run.settings
    accepting = bool(settings.accept) or any(host.accept for host in settings.hosts)
    accepts: dict[str, frozenset[int]] = {}
    for index, position, (citation, planned) in placed:
        outcome = planned.outcome
        key = None
        history = cached_at = None
        if planned.target is not None:
            request = (planned.target.key, True)
            if request not in run.fetched:
                request = (planned.target.key, False)
            fetched = run.fetched[request]
            outcome = fetched.outcome
            if offline:
                outcome = as_offline(outcome)
            else:
                outcome = with_fragment(outcome, fetched, planned.fragment)
                if accepting and outcome.http_status is not None:
                    host = planned.target.host
                    codes = accepts.get(host)
                    if codes is None:
                        codes = accepts[host] = settings.accept_for(host)
                    outcome = accepted(outcome, codes)
                history = histories.get(planned.target.url)
                if history is not None:
                    outcome = verdict(outcome, history)
            if request in served:
                cached_at = served[request].checked_at
            if archive is not None:
                key = key_for(planned.target.url, citation.date, dates.get(citation.path))
        rows.append((citation, planned, outcome, key))
        extra.append((history, cached_at, run.resolutions.get((index, position))))
    archived, saved = _archives(run, rows, archive, transport, offline)
    verifications: list[tuple[Verification, ...] | None] = [None] * len(rows)
    if run.verify_options is not None and any(
        c.kind in ("reference", "quote") for c, _, _, _ in rows
    ):
        from citecheck.verifying import verify_rows

        verifications = verify_rows(run, rows, archived, dates, transport, offline)
    if cache is not None:
        read = {i: (d[0], [c for c, _ in d[1]]) for i, d in run.done.items()}
        keep(cache, lambda: cache.record(run.fetched, run.targets, read, offline=offline))
    citations = run.shown
    if citations is None:
        citations = [shown(citation) for citation, _, _, _ in rows]
    checks = [
        CitationCheck(
            citation,
            outcome,
            planned.shown,
            archived.get(key) if key is not None else None,
            saved.get(key[0]) if key is not None else None,
            history,
            cached_at,
            resolution,
            verification,
        )
        for citation, (_, planned, outcome, key), (
            history,
            cached_at,
            resolution,
        ), verification in zip(citations, rows, extra, verifications, strict=True)
    ]
    return CheckReport(
        tuple(summaries),
        tuple(checks),
        problems,
        len(run.fetched) - len(served),
        offline,
        len(served),
        tuple(cache.notes) if cache is not None else (),
    )


NOT_ACCEPTED = frozenset({"ok", "redirected", "fragment-missing"})
"""Statuses an accepted HTTP status leaves as they are: the page answered well (the anchor
missing from it is another matter)."""


def accepted(outcome: Outcome, codes: frozenset[int]) -> Outcome:
    """`outcome` as reported when the HTTP statuses `codes` are accepted: `ok` with the reason
    `accepted` when its final HTTP status is one of them, unless it is already `ok` or
    `redirected` (or `fragment-missing`), or it gave up on too many redirects. The HTTP status,
    the final URL and the redirects are kept, and the detail says what it was."""
    status = outcome.http_status
    if (
        status is None
        or status not in codes
        or outcome.status in NOT_ACCEPTED
        or outcome.reason == "too-many-redirects"
    ):
        return outcome
    return replace(
        outcome,
        status="ok",
        detail=f"HTTP {status} accepted by configuration ({outcome.status}: {outcome.detail})",
        reason="accepted",
    )


def _archives(
    run: Run,
    rows: Sequence[tuple[Citation, Plan, Outcome | None, Key | None]],
    archive: ArchiveOptions | None,
    transport: httpx.AsyncBaseTransport | None,
    offline: bool,
) -> tuple[dict[Key, ArchiveResult], dict[str, SaveResult]]:
    """The archive look-ups of the rows that have one (the cache's, else the archives')."""
    if archive is None:
        return {}, {}
    from citecheck.archiving import look_up

    wanted = [(key, o.status if o else None) for _, _, o, key in rows if key is not None]
    known: dict[Key, ArchiveResult] = {}
    names: dict[Key, str] = {}
    if run.cache is not None and archive.archives:
        from citecheck.caching import archive_key

        names = {key: archive_key(*key, archive.archives) for key, _ in wanted}
        stored = run.cache.archives(names.values())
        known = {key: stored[name] for key, name in names.items() if name in stored}
    archived, saved = look_up(
        wanted, archive, run.settings, transport=transport, offline=offline, known=known
    )
    cache = run.cache
    if cache is not None and not offline:
        learned = {names[k]: r for k, r in archived.items() if k in names and k not in known}
        keep(cache, lambda: cache.record_archives(learned))
    return archived, saved


def keep(cache: RunCache, write: Callable[[], None]) -> None:
    """Write to the cache; if it cannot be written (another run holds it too long, the disk is
    full), the report still comes out whole, and says that this run's results were not kept."""
    from citecheck.cache import CacheError

    try:
        write()
    except CacheError as error:
        cache.notes.append(f"this run's results were not kept in the cache: {error}")
