"""The cache shared by processes: concurrent writers wait for each other, and a writer killed
at any moment leaves a consistent file with whole batches only."""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from citecheck.cache import SCHEMA_VERSION, Cache, Check
from citecheck.model import Outcome

ROOT = Path(__file__).resolve().parents[2]


def _writer(directory: str, name: str, go: multiprocessing.synchronize.Event) -> None:
    go.wait(10)
    # Each process opens the (new) cache only once both are running: the schema is created by
    # one of them while the other waits.
    with Cache(Path(directory)) as cache:
        for batch in range(30):
            cache.record(
                Check(
                    f"https://{name}.example/{batch}/{i}",
                    False,
                    Outcome("ok", "fine"),
                    at=time.time(),
                )
                for i in range(10)
            )


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    go = context.Event()
    workers = [
        context.Process(target=_writer, args=(str(tmp_path / "c"), name, go))
        for name in ("first", "second")
    ]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    with Cache(tmp_path / "c") as cache:
        assert cache.notes == []
        assert cache.stats().outcomes == {"ok": 600}
        keys = [
            (f"https://{name}.example/{batch}/{i}", False)
            for name in ("first", "second")
            for batch in range(30)
            for i in range(10)
        ]
        assert len(cache.lookup_many(keys)) == 600


def _upgrader(directory: str, name: str, go: multiprocessing.synchronize.Event) -> None:
    go.wait(10)
    # Both processes find an old version and want to upgrade it: one does, the other finds it
    # done.
    with Cache(Path(directory)) as cache:
        assert cache.notes == [], cache.notes
        assert cache.lookup_many([(f"https://old.example/{i}", False) for i in range(10)])
        cache.record_resolutions([(name, "resolved", name.encode())])
        cache.record_pages([(f"https://{name}.example/", "live", name.encode())])


@pytest.mark.parametrize("version", [1, 2])
def test_two_processes_upgrade_an_older_file_at_once(
    tmp_path: Path, request: pytest.FixtureRequest, version: int
) -> None:
    directory = tmp_path / "c"
    make: Callable[..., sqlite3.Connection] = request.getfixturevalue(f"version_{version}")
    db = make(directory)
    db.executemany(
        "INSERT INTO outcomes VALUES (?, 0, 'ok', 'fine', 200, NULL, '[]', NULL, NULL, 1, NULL,"
        " 1, ?)",
        [(f"https://old.example/{i}", time.time()) for i in range(10)],
    )
    if version == 2:
        db.execute(
            "INSERT INTO resolutions VALUES ('old', 'resolved', x'6f6c64', ?)", (time.time(),)
        )
    db.close()
    context = multiprocessing.get_context("fork")
    go = context.Event()
    workers = [
        context.Process(target=_upgrader, args=(str(directory), name, go))
        for name in ("first", "second")
    ]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    with Cache(directory) as cache:
        assert cache.notes == []
        assert cache.stats().schema_version == SCHEMA_VERSION == 3
        assert cache.stats().outcomes == {"ok": 10}
        searches = {"first": b"first", "second": b"second"}
        if version == 2:
            searches["old"] = b"old"
        assert cache.resolutions_many(["first", "second", "old"]) == searches
        assert cache.pages_many(["https://first.example/", "https://second.example/"]) == {
            "https://first.example/": ("live", b"first"),
            "https://second.example/": ("live", b"second"),
        }


LOOP = """
import sys, time
from pathlib import Path
from citecheck.cache import Cache, Check
from citecheck.model import Outcome

cache = Cache(Path(sys.argv[1]))
batch = 0
while True:
    cache.record(
        Check(f"https://e.example/{batch}/{i}", False, Outcome("ok", "fine"), at=time.time())
        for i in range(50)
    )
    batch += 1
"""


def _stored(path: Path) -> int:
    """Rows in the outcome table, read as another process would; 0 while it is not there."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute("SELECT COUNT(*) FROM outcomes").fetchone()[0])
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0


def test_kill_9_leaves_whole_batches_only(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    child = subprocess.Popen(
        [sys.executable, "-c", LOOP, str(directory)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while _stored(directory / "cache.sqlite3") < 5 * 50:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the writer did not get 5 batches in 20 s"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with Cache(directory) as cache:
        assert cache.notes == []
        db = sqlite3.connect(cache.path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            urls = [url for (url,) in db.execute("SELECT url FROM outcomes")]
        finally:
            db.close()
        per_batch: dict[int, int] = {}
        for url in urls:
            batch = int(url.split("/")[3])
            per_batch[batch] = per_batch.get(batch, 0) + 1
        assert len(per_batch) >= 5
        assert set(per_batch.values()) == {50}
        assert sorted(per_batch) == list(range(len(per_batch)))
        keys = [(f"https://e.example/{b}/{i}", False) for b in per_batch for i in range(50)]
        assert len(cache.lookup_many(keys)) == len(urls)


class _Busy:
    """A connection whose journal-mode switch answers "database is locked" `times` times."""

    def __init__(self, times: int, message: str = "database is locked") -> None:
        self.times = times
        self.message = message
        self.calls = 0

    def execute(self, sql: str) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise sqlite3.OperationalError(self.message)


def test_the_switch_to_wal_waits_for_another_process_like_any_statement() -> None:
    from citecheck.cache.schema import _wal

    busy = _Busy(3)
    _wal(busy, busy_timeout=5.0)  # type: ignore[arg-type]
    assert busy.calls == 4
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _wal(_Busy(10_000), busy_timeout=0.05)  # type: ignore[arg-type]
    other = _Busy(1, "disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _wal(other, busy_timeout=5.0)  # type: ignore[arg-type]
    assert other.calls == 1  # not a lock: no waiting
