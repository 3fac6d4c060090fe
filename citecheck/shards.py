"""Checking spread over worker processes, each with a shard of the host groups.

One process checking links is CPU-bound well before the network is: about a millisecond of
Python a request (HTTP, trio, policy), so a few thousand links keep one core busy while the
servers wait. `Shards` forks `workers` processes, each with its own trio loop, client and
`Fetcher`, and hands every target to the worker that owns its host group (registrable domain,
`Target.group`). A group belongs to one worker for the whole run, so everything the fetcher
keeps per group holds as in one process: `--host-concurrency`, `--host-interval`, the pause a
429 asks for, a host's refusal of HEAD, and the cookies its answers set (a cookie never spans
registrable domains). `--max-concurrency` is divided among the workers, so that the requests
in flight over all of them stay within it. A new group goes to the worker with the fewest
targets so far (ties to the lowest number), so the split depends only on the input order.

The caller still decides what is requested (each distinct target once, as `check.py` does in
one process) and builds the report in input order from the results, so the report is the same
whatever the number of workers and whichever answer came first. Workers are forked (not
spawned), so they share the parent's loaded modules, settings and transport without pickling
them; only targets and results cross the pipes. A worker forked ahead, as the command starts
(`spares`), shares none of that yet: its settings and paywall test are pickled to it first.
Where `fork` is not available, there is one process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from citecheck.fetch import Fetched
    from citecheck.model import Target
    from citecheck.settings import FetchSettings

    Key = tuple[object, bool]
    """A request as `check.py` counts them: (target key, whether the page is wanted)."""
    Job = tuple[Target, bool]


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


def processes(
    cpus: int, workers: int | None, jobs: int | None, *, in_process: bool = False
) -> tuple[int, int]:
    """How many processes check links and how many extract documents (the calling process
    included), given the CPUs and what was asked (None: the default).

    By default the checking workers get half the CPUs (at least one) and extraction the rest
    (at least this process). On the loopback benchmark's two cores, one checking worker beside
    this process extracting beat two checkers and an extracting worker by 10-15 % on every
    corpus (BENCHMARKS.md, round 8): a checker handles about 1,800 requests a second, each
    more process adds its imports and pipes, and on two cores they took CPU from the checker.
    `in_process` (links checked in this process, after extracting) leaves extraction all but
    one CPU."""
    if workers is None:
        workers = 1 if in_process else max(1, cpus // 2)
    if jobs is None:
        jobs = max(1, cpus - (0 if in_process else workers))
    return workers, jobs


def _never(url: str) -> bool:
    """No URL's publisher is paywalled (the default `paywalled`, which pickles)."""
    return False


def split(total: int, parts: int) -> list[int]:
    """`total` divided into `parts` whole shares, each at least 1, the larger ones first."""
    base, extra = divmod(total, parts)
    return [max(1, base + (1 if n < extra else 0)) for n in range(parts)]


class Shards:
    """The worker processes of one run; a context manager (entering forks them)."""

    def __init__(
        self,
        settings: FetchSettings,
        workers: int,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        paywalled: Callable[[str], bool] = _never,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self._settings = settings
        self._count = max(1, min(workers, settings.max_concurrency))
        self._transport = transport
        self._paywalled = paywalled
        self._progress = progress
        self._owner: dict[str, int] = {}
        self._load = [0] * self._count
        self._pending: list[list[Job]] = [[] for _ in range(self._count)]
        self._inboxes: list[Connection] = []
        self._outboxes: list[Connection] = []
        self._processes: list[multiprocessing.process.BaseProcess] = []
        self._results: dict[Key, Fetched] = {}
        self._sent = 0
        self._failure: str | None = None
        self._collector: threading.Thread | None = None
        self._stopping = False
        self._finished = False

    def __enter__(self) -> Shards:
        context = multiprocessing.get_context("fork")
        # What the workers inherit is never garbage to them: frozen, their collector does not
        # scan it (a hundred thousand objects on a rerun the cache answers, 0.02 s a scan), nor
        # touch it (which would copy its pages). This process thaws its own.
        gc.freeze()
        try:
            self._fork(context)
        finally:
            gc.unfreeze()
        self._collector = threading.Thread(target=self._collect, daemon=True)
        self._collector.start()
        return self

    def _fork(self, context: multiprocessing.context.ForkContext) -> None:
        taken = _take_spares(self._count) if self._spares_fit() else []
        for share in split(self._settings.max_concurrency, self._count):
            settings = replace(self._settings, max_concurrency=share)
            while taken:
                if self._hand(taken.pop(0), settings):
                    break
            else:
                self._start(context, settings)

    def _hand(self, spare: _Worker, settings: FetchSettings) -> bool:
        """Make `spare` one of these shards' workers: send it its settings and the paywall
        test, before its first targets. False if it is gone (killed before its orders came):
        it is stopped, and another is forked in its place."""
        try:
            spare.inbox.send((settings, self._paywalled))
        except OSError:
            _stop([spare])
            return False
        self._adopt(spare)
        return True

    def _start(self, context: multiprocessing.context.ForkContext, settings: FetchSettings) -> None:
        """Fork a worker with `settings`."""
        args = (settings, self._transport, self._paywalled, os.getpid())
        self._adopt(_launch(context, _work, *args))

    def _adopt(self, worker: _Worker) -> None:
        """Make `worker` one of these shards' workers (the last so far)."""
        self._inboxes.append(worker.inbox)
        self._outboxes.append(worker.outbox)
        self._processes.append(worker.process)

    def _spares_fit(self) -> bool:
        """Whether spares can work for these shards: they check on the network (they were
        forked before any transport was made), and the paywall test can be sent to them
        (`policy.Paywalled` pickles; a test's closure may not)."""
        if self._transport is not None or not _spares:
            return False
        try:
            pickle.dumps(self._paywalled)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False
        return True

    def add(self, target: Target, want_page: bool) -> None:
        """Have `target` fetched (sent with the next `flush`)."""
        if self._finished:
            raise RuntimeError("a target added after Shards.finish")
        worker = self._owner.get(target.group)
        if worker is None:
            worker = self._owner[target.group] = self._load.index(min(self._load))
        self._load[worker] += 1
        self._pending[worker].append((target, want_page))
        self._sent += 1

    def flush(self) -> None:
        """Send what was added to the workers."""
        for worker, jobs in enumerate(self._pending):
            if jobs:
                self._inboxes[worker].send(jobs)
                self._pending[worker] = []

    def finish(self) -> None:
        """Send what was added, and tell the workers that nothing more will come (they finish
        what they have, and then stop). Nothing can be added after it."""
        if self._finished:
            return
        self._finished = True
        self.flush()
        if not self._sent:
            # Nothing to check (a rerun the cache answered): no need to wait for the workers to
            # finish importing what they would have checked with.
            self._stopping = True
            for process in self._processes:
                process.terminate()
        else:
            for inbox in self._inboxes:
                inbox.send(None)

    def results(self) -> dict[Key, Fetched]:
        """Every added target's result, once all are in (`finish` first, if not yet). Raises
        RuntimeError if a worker died."""
        self.finish()
        assert self._collector is not None
        self._collector.join()
        if self._failure is not None:
            raise RuntimeError(self._failure)
        return self._results

    def _collect(self) -> None:
        """Read results as they come (a thread of the parent), until every worker is done."""
        open_ = dict(zip(self._outboxes, self._processes, strict=True))
        while open_:
            for ready in wait([*open_, *(p.sentinel for p in open_.values())]):
                if not isinstance(ready, Connection):
                    continue
                try:
                    message = ready.recv()
                except EOFError:
                    message = None
                    if not self._stopping:
                        self._failure = "a checking worker stopped before finishing"
                if message is None:
                    del open_[ready]
                    continue
                for key, fetched in message:
                    self._results[key] = fetched
                if self._progress is not None:
                    self._progress(len(self._results), self._sent)

    def __exit__(self, *exc: object) -> None:
        for inbox in self._inboxes:
            inbox.close()
        for process in self._processes:
            process.join(timeout=5 if exc[0] is None else 0)
            if process.is_alive():
                process.terminate()
                process.join()
        for outbox in self._outboxes:
            outbox.close()


def _work(
    inbox: Connection,
    outbox: Connection,
    settings: FetchSettings,
    transport: httpx.AsyncBaseTransport | None,
    paywalled: Callable[[str], bool],
    parent: int,
) -> None:
    """A worker: fetch what comes in, send back (key, result) lists, then None."""
    _detach(parent)
    _check(inbox, outbox, settings, transport, paywalled)


def _check(
    inbox: Connection,
    outbox: Connection,
    settings: FetchSettings,
    transport: httpx.AsyncBaseTransport | None,
    paywalled: Callable[[str], bool],
) -> None:
    """What a worker does once it has its settings (`_work`, `_spare`)."""
    import trio

    trio.run(_serve, inbox, outbox, settings, transport, paywalled)
    outbox.send(None)


@dataclass
class _Worker:
    """A forked checking worker (a `Shards`'s, or a spare forked ahead of it), and this
    process's ends of its pipes."""

    process: multiprocessing.process.BaseProcess
    inbox: Connection
    outbox: Connection


def _launch(
    context: multiprocessing.context.ForkContext, target: Callable[..., None], *args: object
) -> _Worker:
    """Fork a worker that runs `target(inbox, outbox, *args)` on its ends of two new pipes."""
    inbox_read, inbox_write = context.Pipe(duplex=False)
    outbox_read, outbox_write = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(inbox_read, outbox_write, *args), daemon=True)
    process.start()
    inbox_read.close()
    outbox_write.close()
    return _Worker(process, inbox_write, outbox_read)


_spares: list[_Worker] = []
"""The spares forked by the innermost `spares` and not yet taken by a `Shards`."""


@contextmanager
def spares(count: int) -> Iterator[None]:
    """Fork `count` checking workers now, for a `Shards` entered inside to take instead of
    forking its own; those it does not take are stopped as it takes its own, or on leaving if
    none does (and nothing is forked when `fork` is not available).

    A worker spends its first quarter of a second importing the HTTP stack (trio, httpx, the
    fetcher). Forked by `Shards`, it starts once this process has imported what it reads and
    checks with and read its configuration; forked as the command starts (`cli._spares`), it
    imports while this process does, and the first requests leave about 0.05 s sooner
    (BENCHMARKS.md, round 9). A spare is sent its settings and `paywalled` (pickled:
    `policy.Paywalled`) by the `Shards` that takes it; one with a transport (a test's, a
    cassette's) takes none."""
    if count < 1 or not can_fork():
        yield
        return
    context = multiprocessing.get_context("fork")
    gc.freeze()
    try:
        forked = [_launch(context, _spare, os.getpid()) for _ in range(count)]
    finally:
        gc.unfreeze()
    outer = _spares[:]
    _spares[:] = forked
    try:
        yield
    finally:
        _stop_spares()
        _spares[:] = outer


def _take_spares(count: int) -> list[_Worker]:
    """Up to `count` of the forked spares, no longer spare; the others are stopped at once (a
    run has one `Shards`: they would only hold their memory until it ends)."""
    taken = _spares[:count]
    del _spares[:count]
    _stop_spares()
    return taken


def _stop_spares() -> None:
    """Stop the spares not taken, and forget them."""
    _stop(_spares)
    _spares.clear()


def _stop(stopped: list[_Worker]) -> None:
    """Close the pipes of spares, and end them."""
    for spare in stopped:
        spare.inbox.close()
        spare.outbox.close()
        spare.process.terminate()
    for spare in stopped:
        spare.process.join()


def _spare(inbox: Connection, outbox: Connection, parent: int) -> None:
    """A spare worker: import what checking takes, wait for its orders, then work as `_work`
    does."""
    _detach(parent)
    _import_stack()  # now, while the parent reads
    try:
        orders = inbox.recv()
    except EOFError:
        return
    settings, paywalled = orders
    _check(inbox, outbox, settings, None, paywalled)


def _import_stack() -> None:
    """Import what a worker checks with (trio, httpx, the fetcher)."""
    import trio  # noqa: F401

    import citecheck.fetch
    import citecheck.gate  # noqa: F401


def _detach(parent: int) -> None:
    """What a worker does first: leave Ctrl-C to `parent`, which answers it (exit code 130)
    and stops the workers (a worker interrupted too would print its traceback on the way
    out), and end with it (`_exit_with`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with(parent)


_ORPHAN_POLL = 0.1
"""Seconds between a worker's looks at whether the process that forked it is still there."""


def _exit_with(parent: int) -> None:
    """End this worker as soon as `parent` (the process that forked it) is gone.

    A parent killed with SIGKILL closes nothing on its way out, and the pipes would not tell the
    worker anyway: a forked worker holds both ends of its own pipes (and its siblings hold the
    parent's ends of the earlier workers' pipes), so its `recv` never sees the end of the input,
    nor its `send` a broken pipe. Left alone, it would finish its links for nobody and then wait
    for more forever. An orphan is handed to another process (init or a subreaper), so its
    parent's pid changes: a thread looks every `_ORPHAN_POLL` seconds and leaves with
    `os._exit`, which needs nothing of the trio loop (a worker blocked writing to a full pipe
    still leaves); the worker has nothing to flush, its results had nowhere to go.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_ORPHAN_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="citecheck-orphan-watch", daemon=True).start()


async def _serve(
    inbox: Connection,
    outbox: Connection,
    settings: FetchSettings,
    transport: httpx.AsyncBaseTransport | None,
    paywalled: Callable[[str], bool],
) -> None:
    import trio

    from citecheck.fetch import Fetcher, make_client
    from citecheck.gate import Gate

    done: list[tuple[Key, Fetched]] = []

    async def send_done() -> None:
        # Results go back in small batches: a pipe write per result would cost more than the
        # result itself, and the parent only needs them at the end (and for the progress bar).
        while True:
            await trio.sleep(0.05)
            if done:
                batch = done[:]
                done.clear()
                outbox.send(batch)

    async with make_client(settings, transport=transport) as client:
        fetcher = Fetcher(client, settings, paywalled=paywalled)

        async def one(target: Target, want_page: bool) -> None:
            fetched = await fetcher.fetch(target, want_page=want_page)
            done.append(((target.key, want_page), fetched))

        async with trio.open_nursery() as outer:
            outer.start_soon(send_done)
            async with trio.open_nursery() as nursery:
                gate = Gate.of(nursery, one, settings)
                while True:
                    jobs = await trio.to_thread.run_sync(inbox.recv)
                    if jobs is None:
                        break
                    for target, want_page in jobs:
                        gate.start(target, want_page)
            outer.cancel_scope.cancel()
    if done:
        outbox.send(done)
