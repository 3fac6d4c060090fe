"""`kill -9` during `check` and during `fix --write` (issue 11): no partial article, a consistent
cache, no orphaned worker, and the next run is right.

citecheck runs as a real subprocess (`python -m citecheck`) with its cache in the test's
directory, against a plain-HTTP server on 127.0.0.1 that this file starts: every host name of the
articles is sent there by `--connect-to ::127.0.0.1:PORT`, so no name is ever looked up and
nothing leaves loopback. A run is killed with SIGKILL at a chosen moment, after which:

- its worker processes (forked by `shards.py`, and `passes.py`'s pool) are gone within a bound:
  the killed process is first stopped (SIGSTOP, so it can fork no more), its descendants listed
  from /proc, then killed;
- the cache passes `PRAGMA integrity_check` (opened read-only, its WAL left as the kill left it)
  and holds each run's results all or none;
- the next run reports what a clean run reports, and the run after that is answered from the
  cache;
- an article `fix --write` was rewriting holds its original bytes or the fully fixed ones, never
  anything else, and the next `fix --write` leaves exactly the fixed bytes.

Besides kills after 1, 10 and 50 answers of a slowed server, the kill moments are drawn at random
(a fixed seed; `CITECHECK_KILL9_SEED` picks others), in turn anywhere in a run and aimed at its
last writes, which last milliseconds and so are timed from events the test sees: for `check`,
from the server's last answer (the cache's two transactions follow ~80 ms later) and from the
cache's WAL starting to grow; for `fix --write`, from the last answer, from its temporary file
appearing, and from the article being replaced. The default rounds (6 and 8) keep the file under
a minute on this two-CPU machine (49 s; 63 s with the machine loaded by other work);
`CITECHECK_KILL9_CHECK_ROUNDS` and `CITECHECK_KILL9_FIX_ROUNDS` raise them (the soak for issue 11
ran 24 and 36). Each test prints where its kills landed (`pytest -s`).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

SEED = int(os.environ.get("CITECHECK_KILL9_SEED", "11"))
CHECK_ROUNDS = int(os.environ.get("CITECHECK_KILL9_CHECK_ROUNDS", "6"))
FIX_ROUNDS = int(os.environ.get("CITECHECK_KILL9_FIX_ROUNDS", "8"))

LINKS = 100
"""Links in the `check` article: every fifth dead (404), every fifth from the second redirected
for good, the others fine; over ten hosts, so that both workers have some."""
DEAD = LINKS // 5
FIX_LINKS = 100
"""Permanently redirected links in the `fix` article, which `--update-redirects` replaces."""
ORPHAN_BOUND = 10.0
"""Seconds the killed run's workers may take to leave (they look every 0.1 s: typically gone
within 0.03-0.11 s; before `shards.py` looked, they never left)."""
RUN_BOUND = 180.0
"""Seconds an unkilled run may take (typically 1-5 s; far more on a loaded machine)."""


# The loopback server --------------------------------------------------------------------------


class Web:
    """A plain-HTTP server on 127.0.0.1: /p/N answers 200 (404 when N is a multiple of 5) after
    `delay` seconds; /old/N redirects for good (301) to /new/N, which answers 200. It counts what
    it answered, and when the last answer went out."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.answered = 0
        self.busy = 0
        self.last_answer = 0.0
        self.changed = threading.Condition()
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_HEAD(self) -> None:
                web.answer(self, body=False)

            def do_GET(self) -> None:
                web.answer(self, body=True)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            # A run opens up to 128 connections at once; with the default backlog (5) the
            # kernel drops the handshakes it has no room for, and requests stall for seconds.
            request_queue_size = 256

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a killed client's connection breaks mid-answer: expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, handler: BaseHTTPRequestHandler, *, body: bool) -> None:
        with self.changed:
            self.busy += 1
        try:
            kind, _, number = handler.path.strip("/").partition("/")
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if kind == "old":
                status, headers = 301, {"Location": f"/new/{number}"}
            elif kind == "p":
                time.sleep(self.delay)
                status = 404 if int(number) % 5 == 0 else 200
            else:
                status = 200 if kind == "new" else 404
            payload = b"" if status == 301 else b"<html><head><title>A page</title></head></html>"
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            if body:
                handler.wfile.write(payload)
            handler.wfile.flush()
            with self.changed:
                self.answered += 1
                self.last_answer = time.monotonic()
        finally:
            with self.changed:
                self.busy -= 1
                self.changed.notify_all()

    def wait_answered(self, count: int, process: subprocess.Popen[bytes]) -> bool:
        """Wait until `count` answers went out in all (True), or `process` ended first."""
        with self.changed:
            while self.answered < count:
                if process.poll() is not None:
                    return False
                self.changed.wait(0.005)
        return True

    def settle(self) -> None:
        """Wait until no request is being answered (a killed run's last ones, say)."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.busy == 0, 30)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.close()


# Processes ------------------------------------------------------------------------------------


def start(args: list[str], cache: Path, cwd: Path, name: str) -> subprocess.Popen[bytes]:
    """`citecheck ARGS` in `cwd` with its cache in `cache`; its output goes to files NAME.out and
    NAME.err (never pipes: an orphaned worker would hold them open)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITECHECK_")}
    env["CITECHECK_CACHE_DIR"] = str(cache)
    with open(cwd / f"{name}.out", "wb") as out, open(cwd / f"{name}.err", "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "citecheck", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )


def run(args: list[str], cache: Path, cwd: Path, name: str) -> tuple[int, str, str]:
    """An unkilled run: its exit code, standard output and standard error."""
    process = start(args, cache, cwd, name)
    code = process.wait(RUN_BOUND)
    return (
        code,
        (cwd / f"{name}.out").read_text(encoding="utf-8"),
        (cwd / f"{name}.err").read_text(encoding="utf-8"),
    )


Family = list[tuple[int, str]]
"""Processes as (pid, start time in clock ticks since boot): a pid alone could be reused."""


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # from field 3 (state) on


def descendants(pid: int) -> Family:
    found: Family = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                fields = _stat(child)
                if fields is not None:
                    found.append((child, fields[19]))
                    todo.append(child)
    return found


def running(pid: int, started: str) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[19] == started and fields[0] not in "ZXx"


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    """Poll (every half millisecond: the moments aimed at last a few) until `ready`, or until
    `process` ends."""
    while not ready() and process.poll() is None:
        time.sleep(0.0005)


@dataclass
class Kill:
    landed: bool
    """Whether the run was killed (not: it had ended by itself before)."""
    family: Family
    """Its descendants when it was killed."""
    code: int


def kill9(process: subprocess.Popen[bytes]) -> Kill:
    """Stop the run (it forks no more), list its descendants, SIGKILL it."""
    if process.poll() is not None:
        return Kill(False, [], process.returncode)
    os.kill(process.pid, signal.SIGSTOP)
    family = descendants(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    code = process.wait(30)
    return Kill(code == -signal.SIGKILL, family, code)


def assert_no_orphans(family: Family) -> float:
    """Wait until none of `family` runs; how long that took. Fails (killing the stragglers,
    ours) after `ORPHAN_BOUND` seconds."""
    began = time.monotonic()
    while True:
        alive = [(pid, started) for pid, started in family if running(pid, started)]
        if not alive:
            return time.monotonic() - began
        if time.monotonic() - began > ORPHAN_BOUND:
            for pid, _ in alive:
                os.kill(pid, signal.SIGKILL)
            pytest.fail(
                f"{len(alive)} of the killed run's {len(family)} worker processes still ran"
                f" {ORPHAN_BOUND} s after it was killed: {[pid for pid, _ in alive]}"
            )
        time.sleep(0.01)


# The cache ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheState:
    exists: bool
    integrity: list[str]
    rows: dict[str, int]
    """Rows per table (only the tables the file has)."""


def wal_size(directory: Path) -> int | None:
    try:
        return (directory / "cache.sqlite3-wal").stat().st_size
    except FileNotFoundError:
        return None


def wal_changed(directory: Path, size: int | None) -> bool:
    return wal_size(directory) != size


def inspect_cache(directory: Path) -> CacheState:
    """The cache file as a killed run left it, opened read-only (SQLite reads its WAL; nothing
    is written, so the next run meets the file as the kill left it)."""
    path = directory / "cache.sqlite3"
    if not path.exists():
        return CacheState(False, [], {})
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = [str(row[0]) for row in db.execute("PRAGMA integrity_check")]
        tables = {str(n) for (n,) in db.execute("SELECT name FROM sqlite_master")}
        rows: dict[str, int] = {
            table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("outcomes", "failures", "documents")
            if table in tables
        }
    finally:
        db.close()
    return CacheState(True, integrity, rows)


# `check` --------------------------------------------------------------------------------------


def check_article() -> str:
    lines = ["# Sources\n\n"]
    for n in range(LINKS):
        path = f"old/{n}" if n % 5 == 1 else f"p/{n}"
        lines.append(f"Source {n} is [here](http://h{n % 10}.test/{path}).\n\n")
    return "".join(lines)


def check_flags(web: Web) -> list[str]:
    return [
        "check", "--format", "json", "--workers", "2", "--host-concurrency", "2",
        "--retries", "0", "--timeout", "30", "--confirm-dead", "now",
        "--no-archive", "--no-resolve", "--no-verify", "--progress", "never",
        "--allow-private", "--connect-to", f"::127.0.0.1:{web.port}",
    ]  # fmt: skip


Results = dict[str, tuple[str, int | None, str | None, str | None]]


def results(output: str) -> tuple[dict[str, Any], Results]:
    """The JSON report, and (status, HTTP status, final URL, suggested URL) per cited URL."""
    report = json.loads(output)
    found = {
        c["url"]: (c["status"], c["http_status"], c["final_url"], c["suggested_url"])
        for c in report["citations"]
    }
    assert len(found) == LINKS
    return report, found


@dataclass(frozen=True)
class Reference:
    results: Results
    requests: int
    """Requests a run with an empty cache makes."""
    seconds: float
    """How long such a run took."""
    tail: float
    """Seconds from the server's last answer to the run's end: the cache writes are in there."""
    rows: dict[str, int]
    """The cache's rows after it."""


@pytest.fixture(scope="module")
def checked(web: Web, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Reference]:
    """The `check` article, and what a clean run makes of it (measured)."""
    home = tmp_path_factory.mktemp("check")
    (home / "a.md").write_text(check_article(), encoding="utf-8")
    cache = home / "reference-cache"
    web.settle()
    before = web.answered
    began = time.monotonic()
    process = start([*check_flags(web), "a.md"], cache, home, "reference")
    code = process.wait(RUN_BOUND)
    ended = time.monotonic()
    assert code == 1  # the dead links are findings
    report, found = results((home / "reference.out").read_text(encoding="utf-8"))
    statuses = Counter(status for status, *_ in found.values())
    assert statuses == {"ok": LINKS - 2 * DEAD, "dead": DEAD, "redirected": DEAD}
    assert (report["targets"], report["cached"]) == (LINKS, 0)
    state = inspect_cache(cache)
    assert state.integrity == ["ok"]
    assert state.rows == {"outcomes": LINKS, "failures": DEAD, "documents": 1}
    reference = Reference(
        found, web.answered - before, ended - began, ended - web.last_answer, state.rows
    )
    # The same from the cache: how a served run shows.
    assert_served(web, home, cache, reference, "reference-again")
    return home, reference


def assert_served(web: Web, home: Path, cache: Path, reference: Reference, name: str) -> None:
    """A run now is answered from the cache alone, with the reference's results."""
    before = web.answered
    code, out, _ = run([*check_flags(web), "a.md"], cache, home, name)
    assert code == 1
    report, found = results(out)
    assert found == reference.results
    assert (report["targets"], report["cached"]) == (0, LINKS)
    assert all(c["cached_at"] is not None for c in report["citations"])
    assert web.answered == before  # not one request


def assert_recovers(web: Web, home: Path, cache: Path, reference: Reference, name: str) -> None:
    """After a kill: the next run reports what the clean run did, and the one after it is served
    from the cache."""
    web.settle()
    code, out, _ = run([*check_flags(web), "a.md"], cache, home, f"{name}-next")
    assert code == 1
    report, found = results(out)
    assert found == reference.results
    assert report["targets"] + report["cached"] == LINKS
    state = inspect_cache(cache)
    assert state.integrity == ["ok"]
    assert state.rows == reference.rows
    assert_served(web, home, cache, reference, f"{name}-served")


def assert_all_or_none(state: CacheState, reference: Reference) -> str:
    """The killed run's cache is sound and holds its results whole or not at all; which phase
    the kill landed in."""
    if not state.exists:
        return "before the cache file was made"
    assert state.integrity == ["ok"]
    if "outcomes" not in state.rows:
        return "before the tables were made"
    outcomes, failures = state.rows["outcomes"], state.rows["failures"]
    assert outcomes in (0, reference.rows["outcomes"])
    assert failures in (0, reference.rows["failures"])
    assert (outcomes == 0) == (failures == 0)  # one transaction
    assert state.rows["documents"] in (0, 1)
    if outcomes:
        return "after the results were written"
    if state.rows["documents"]:
        return "between the documents' write and the results'"
    return "before any result was written"


@pytest.mark.parametrize("answers", [1, 10, 50])
def test_kill9_mid_check_leaves_no_worker_and_the_next_run_is_right(
    web: Web, checked: tuple[Path, Reference], answers: int
) -> None:
    home, reference = checked
    cache = home / f"mid-{answers}"
    web.settle()
    web.delay = 0.1  # 20 requests in flight at most (10 hosts, 2 each): a run lasts > 0.6 s
    try:
        base = web.answered
        process = start([*check_flags(web), "a.md"], cache, home, f"mid-{answers}")
        reached = web.wait_answered(base + answers, process)
        killed = kill9(process)
    finally:
        web.delay = 0.0
    assert reached
    assert killed.landed
    assert len(killed.family) == 2  # the two checking workers
    waited = assert_no_orphans(killed.family)
    state = inspect_cache(cache)
    assert state.integrity == ["ok"]
    # A run writes what it learned once, when its links are checked: nothing yet.
    assert state.rows == {"outcomes": 0, "failures": 0, "documents": 0}
    print(f"\nkill -9 after {answers} answers: workers gone in {waited:.2f} s")
    assert_recovers(web, home, cache, reference, f"mid-{answers}")


def test_kill9_at_random_moments_of_check_leaves_the_cache_whole(
    web: Web, checked: tuple[Path, Reference]
) -> None:
    home, reference = checked
    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    waits = []
    for round_ in range(CHECK_ROUNDS):
        cache = home / f"random-{round_}"
        web.settle()
        base = web.answered
        process = start([*check_flags(web), "a.md"], cache, home, f"random-{round_}")
        aim = round_ % 3
        if aim == 0:  # anywhere in the run
            time.sleep(rng.uniform(0, 1.1 * reference.seconds))
        else:
            web.wait_answered(base + reference.requests, process)
            if aim == 1:  # anywhere after the last answer
                time.sleep(rng.uniform(0, 1.2 * reference.tail))
            else:  # in or just after the cache's writes (a few milliseconds, ~80 ms later)
                unchanged = wal_size(cache)
                wait_until(partial(wal_changed, cache, unchanged), process)
                time.sleep(rng.uniform(0, 0.015))
        killed = kill9(process)
        waits.append(assert_no_orphans(killed.family))
        state = inspect_cache(cache)
        if killed.landed:
            phases[assert_all_or_none(state, reference)] += 1
        else:
            assert killed.code == 1
            assert state.integrity == ["ok"]
            assert state.rows == reference.rows
            phases["after the run had ended"] += 1
        assert_recovers(web, home, cache, reference, f"random-{round_}")
    print(
        f"\nkill -9 of check, {CHECK_ROUNDS} rounds (seed {SEED}): {dict(phases)};"
        f" workers gone within {max(waits):.2f} s"
    )


# `fix --write` ---------------------------------------------------------------------------------


def fix_article() -> tuple[bytes, bytes]:
    """A Markdown article of about 2.5 MB (mostly code listings, cheap to extract) citing
    `FIX_LINKS` moved pages; and the same with every link updated, as `fix` should leave it."""
    parts = ["# Moved sources\n\n"]
    n = 0
    while sum(map(len, parts)) < 2_500_000:
        if n < FIX_LINKS:
            parts.append(f"Step {n} follows [the source](http://h{n % 10}.test/old/{n}).\n\n")
        listing = "\n".join(f"    total = add(total, {i}, {n})  # running sum" for i in range(40))
        parts.append(f"```python\n{listing}\n```\n\n")
        n += 1
    original = "".join(parts).encode("utf-8")
    fixed = original
    for k in range(FIX_LINKS):
        old = f"(http://h{k % 10}.test/old/{k})".encode()
        assert original.count(old) == 1
        fixed = fixed.replace(old, f"(http://h{k % 10}.test/new/{k})".encode())
    return original, fixed


def fix_flags(web: Web) -> list[str]:
    # `redirected=0`: no check result is kept, so every run checks all the links again (the
    # document's extraction is kept, which saves each run a second).
    return [
        "fix", "--write", "--update-redirects", "--workers", "2", "--retries", "0",
        "--timeout", "30", "--cache-ttl", "redirected=0",
        "--no-archive", "--no-resolve", "--no-verify", "--progress", "never",
        "--allow-private", "--connect-to", f"::127.0.0.1:{web.port}",
    ]  # fmt: skip


def temporaries(directory: Path) -> set[str]:
    """`write_atomically`'s temporary files for a.md (`.a.md.XXXX.tmp`)."""
    return {p.name for p in directory.iterdir() if p.name.startswith(".a.md.")}


def writing(home: Path, left: set[str], inode: int) -> bool:
    """Whether a.md's write has begun: a new temporary file, or the file replaced already."""
    return bool(temporaries(home) - left) or (home / "a.md").stat().st_ino != inode


def replaced(article: Path, inode: int) -> bool:
    return article.stat().st_ino != inode


def test_kill9_during_fix_write_leaves_the_old_or_the_new_article(web: Web, tmp_path: Path) -> None:
    original, fixed = fix_article()
    home = tmp_path / "articles"
    home.mkdir()
    article = home / "a.md"
    cache = tmp_path / "cache"
    article.write_bytes(original)
    code, _, err = run([*fix_flags(web), "a.md"], cache, home, "reference")
    assert (code, article.read_bytes()) == (0, fixed), err[-2000:]
    assert "changed 1 document" in err
    code, _, err = run([*fix_flags(web), "a.md"], cache, home, "again")
    assert (code, article.read_bytes()) == (0, fixed)
    assert "changed 0 documents" in err
    assert temporaries(home) == set()

    # One more clean run, timed: how many requests it makes, when the server's last answer goes
    # out (the cache, the edits and the write follow), and when the run ends.
    article.write_bytes(original)
    web.settle()
    base = web.answered
    inode = article.stat().st_ino
    began = time.monotonic()
    process = start([*fix_flags(web), "a.md"], cache, home, "timed")
    wait_until(lambda: writing(home, set(), inode), process)
    began_writing = time.monotonic() - began
    assert process.wait(RUN_BOUND) == 0
    ended = time.monotonic()
    assert article.read_bytes() == fixed
    requests, seconds, tail = web.answered - base, ended - began, ended - web.last_answer

    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    for round_ in range(FIX_ROUNDS):
        article.write_bytes(original)
        left = temporaries(home)
        inode = article.stat().st_ino
        web.settle()
        base = web.answered
        process = start([*fix_flags(web), "a.md"], cache, home, f"kill-{round_}")
        aim = round_ % 4
        if aim == 0:  # anywhere in the run
            time.sleep(rng.uniform(0, 1.1 * seconds))
        elif aim == 1:  # anywhere after the last answer (the cache, the edits, the write)
            web.wait_answered(base + requests, process)
            time.sleep(rng.uniform(0, 1.2 * tail))
        elif aim == 2:  # from the moment the write begins (a few milliseconds before the replace)
            wait_until(partial(writing, home, left, inode), process)
            time.sleep(rng.uniform(0, seconds - began_writing))
        else:  # once the file is replaced (the run ends a few milliseconds later)
            wait_until(partial(replaced, article, inode), process)
            time.sleep(rng.uniform(0, 0.003))
        killed = kill9(process)
        assert_no_orphans(killed.family)
        now = article.read_bytes()
        assert now in (original, fixed), f"round {round_}: the article is neither old nor new"
        new = temporaries(home) - left
        assert len(new) <= 1
        for name in new:
            # What a temporary file holds is the start of the new bytes, nothing else.
            assert fixed.startswith((home / name).read_bytes())
        if not killed.landed:
            assert (killed.code, now) == (0, fixed)
            phases["after the run had ended"] += 1
        elif now == fixed:
            assert not new  # the replace took the temporary file
            phases["after the replace"] += 1
        else:
            phases["during the write" if new else "before the write"] += 1
        assert inspect_cache(cache).integrity == ["ok"]
        code, _, err = run([*fix_flags(web), "a.md"], cache, home, f"next-{round_}")
        assert (code, article.read_bytes()) == (0, fixed), err[-2000:]
        assert f"changed {int(now == original)} document" in err
        # A run that is not killed leaves no temporary file; the killed run's stays (nothing
        # removes it).
        assert temporaries(home) == left | new
    leftovers = temporaries(home)
    print(
        f"\nkill -9 of fix --write, {FIX_ROUNDS} rounds (seed {SEED}), a {len(original):,}-byte"
        f" article, run {seconds:.2f} s, the last answer {tail * 1000:.0f} ms and the write"
        f" {(seconds - began_writing) * 1000:.0f} ms before its end: {dict(phases)};"
        f" {len(leftovers)} temporary files left behind"
    )
