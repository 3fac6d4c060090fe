"""The cache on the command line: `check`'s cache flags, `citecheck cache stats|clear|prune`, and a
run killed with SIGKILL mid-check (a real subprocess against a loopback server)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.cli import main

ROOT = Path(__file__).resolve().parents[2]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[str]

    def _answer(self, body: bool) -> None:
        self.seen.append(self.path)
        if self.path.startswith("/slow/"):
            time.sleep(3)
        status = 404 if self.path.startswith("/gone/") else 200
        payload = b"<title>page</title>" if status == 200 else b"no"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if body:
            self.wfile.write(payload)

    def do_HEAD(self) -> None:
        self._answer(False)

    def do_GET(self) -> None:
        self._answer(True)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def article(tmp_path: Path, base: str, paths: list[str], name: str = "a.md") -> Path:
    doc = tmp_path / name
    doc.write_text("".join(f"[{p}]({base}{p})\n" for p in paths), encoding="utf-8")
    return doc


def check(*args: str) -> list[str]:
    return ["check", "--format", "json", "--allow-private", "--no-archive", "--retries", "0",
            "--workers", "1", *args]  # fmt: skip


def test_a_404_is_failing_at_first_and_dead_with_confirm_now(
    server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    doc = str(article(tmp_path, base, ["/gone/1"]))
    assert main(check(doc)) == 0  # failing is not in the default --fail-on
    first = json.loads(capsys.readouterr().out)["citations"][0]
    assert first["status"] == "failing"
    assert first["history"]["strikes"] == 1
    assert main(check("--confirm-dead", "now", doc)) == 1
    now = json.loads(capsys.readouterr().out)["citations"][0]
    assert now["status"] == "dead"
    assert now["cached_at"] is not None  # the 404 of the first run, not asked again
    assert main(check("--no-cache", doc)) == 1
    assert json.loads(capsys.readouterr().out)["citations"][0]["history"] is None
    assert main(check("--fail-on", "failing", doc)) == 1


def test_cache_stats_clear_and_prune(
    server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    doc = str(article(tmp_path, base, ["/ok/1", "/ok/2", "/gone/1"]))
    cache = str(tmp_path / "c")
    main(check("--cache-dir", cache, doc))
    capsys.readouterr()
    assert main(["cache", "stats", "--cache-dir", cache, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["results"] == {"dead": 1, "ok": 2}
    assert stats["fresh"] == 3
    assert stats["failing"] == 1
    assert stats["documents"] == 1
    assert main(["cache", "stats", "--cache-dir", cache]) == 0
    assert "results:   3 (3 fresh, 0 stale)" in capsys.readouterr().out
    assert main(["cache", "prune", "--cache-dir", cache]) == 0
    assert "0 results" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache-dir", cache]) == 0
    assert "5 entries removed" in capsys.readouterr().out  # 3 results, 1 failure, 1 document
    main(["cache", "stats", "--cache-dir", cache, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["results"] == {}


def test_the_cache_directory_comes_from_the_environment(
    server: tuple[str, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, seen = server
    doc = str(article(tmp_path, base, ["/ok/1"]))
    monkeypatch.setenv("CITECHECK_CACHE_DIR", str(tmp_path / "env"))
    main(check(doc))
    main(check(doc))
    assert seen == ["/ok/1"]
    assert (tmp_path / "env" / "cache.sqlite3").exists()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--confirm-dead", "soon"], "--confirm-dead 'soon': expected COUNT/DAYS"),
        (["--cache-ttl", "ok"], "--cache-ttl 'ok': expected STATUS=DURATION"),
        (["--cache-ttl", "fine=1d"], "--cache-ttl 'fine=1d': expected STATUS=DURATION"),
        (["--cache-ttl", "ok=forever"], "'forever' is not a duration"),
        (["--cache-ttl", "nonsense=1d"], "--cache-ttl 'nonsense=1d': expected STATUS=DURATION"),
        # A search that could not be made is never kept, so it has no lifetime to set.
        (["--cache-ttl", "unavailable=1d"], "--cache-ttl 'unavailable=1d': expected"),
    ],
)
def test_bad_cache_flags_are_usage_errors(
    flags: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("nothing\n", encoding="utf-8")
    assert main(check(*flags, str(doc))) == 2
    assert message in capsys.readouterr().err


def test_the_lifetimes_of_citation_searches_can_be_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from citecheck.cli_cache import ttl

    assert ttl(["resolved=2d", "unresolved=6h"]) == {"resolved": 2 * 86400.0, "unresolved": 21600.0}
    doc = tmp_path / "a.md"
    doc.write_text("nothing\n", encoding="utf-8")
    flags = ["--cache-dir", str(tmp_path / "c"), "--cache-ttl", "resolved=2d"]
    assert main(check(*flags, "--cache-ttl", "unresolved=0", str(doc))) == 0
    assert "--cache-ttl" not in capsys.readouterr().err


def test_cache_stats_and_prune_show_the_citation_searches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from citecheck.cache import DAY, Cache

    cache = str(tmp_path / "c")
    with Cache(Path(cache)) as store:
        store.record_resolutions([("found", "resolved", b"{}"), ("lost", "unresolved", b"{}")])
        store.record_resolutions([("old", "unresolved", b"{}")], at=time.time() - 2 * DAY)
        store.record_resolutions([("never", "unavailable", b"{}")])
    assert main(["cache", "stats", "--cache-dir", cache, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["schema_version"] == 3
    assert stats["resolutions"] == {"resolved": 1, "unresolved": 2}
    assert stats["resolutions_fresh"] == 2
    assert main(["cache", "stats", "--cache-dir", cache]) == 0
    text = capsys.readouterr().out
    assert "searches:  3 citation searches (2 fresh, 1 stale)" in text
    assert "  unresolved: 2" in text
    assert main(["cache", "prune", "--cache-dir", cache]) == 0
    assert "1 citation searches" in capsys.readouterr().out
    assert main(["cache", "clear", "--cache-dir", cache]) == 0
    assert "2 entries removed" in capsys.readouterr().out


def test_the_lifetime_of_pages_read_can_be_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from citecheck.cli_cache import ttl

    assert ttl(["page=2d"]) == {"page": 2 * 86400.0}
    doc = tmp_path / "a.md"
    doc.write_text("nothing\n", encoding="utf-8")
    flags = ["--cache-dir", str(tmp_path / "c"), "--cache-ttl", "page=2d"]
    assert main(check(*flags, str(doc))) == 0
    assert "--cache-ttl" not in capsys.readouterr().err
    assert main(check(*flags[:2], "--cache-ttl", "pages=2d", str(doc))) == 2
    assert "--cache-ttl 'pages=2d': expected STATUS=DURATION" in capsys.readouterr().err


def test_cache_stats_and_prune_show_the_pages_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from citecheck.cache import DAY, Cache

    cache = str(tmp_path / "c")
    with Cache(Path(cache)) as store:
        store.record_pages([("https://a.example/", "live", b"{}")])
        store.record_pages([("https://b.example/", "archived", b"{}")], at=time.time() - DAY)
        store.record_pages([("https://c.example/", "live", b"{}")], at=time.time() - 8 * DAY)
    assert main(["cache", "stats", "--cache-dir", cache, "--format", "json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["pages"], stats["pages_fresh"]) == (3, 2)
    assert main(["cache", "stats", "--cache-dir", cache]) == 0
    assert "pages:     3 pages read (2 fresh, 1 stale)" in capsys.readouterr().out
    assert main(["cache", "prune", "--cache-dir", cache]) == 0
    assert "1 pages read" in capsys.readouterr().out
    main(["cache", "stats", "--cache-dir", cache, "--format", "json"])
    assert json.loads(capsys.readouterr().out)["pages"] == 2
    assert main(["cache", "clear", "--cache-dir", cache]) == 0
    assert "2 entries removed" in capsys.readouterr().out


def test_a_cache_directory_that_cannot_be_made_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    doc = tmp_path / "a.md"
    doc.write_text("nothing\n", encoding="utf-8")
    assert main(check("--cache-dir", str(blocker / "cache"), str(doc))) == 2
    err = capsys.readouterr().err
    assert "cannot create the cache directory" in err
    assert str(blocker / "cache") in err
    assert main(["cache", "stats", "--cache-dir", str(blocker / "cache")]) == 2


def test_a_garbage_cache_file_is_moved_aside_and_the_run_goes_on(
    server: tuple[str, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, _ = server
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / "cache.sqlite3").write_bytes(b"this is not a database" * 100)
    doc = str(article(tmp_path, base, ["/ok/1"]))
    assert main(check("--cache-dir", str(cache), doc)) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["citations"][0]["status"] == "ok"
    assert "corrupt" in captured.err
    assert list(cache.glob("cache.sqlite3.corrupt-*"))


def test_a_run_killed_mid_check_leaves_a_cache_the_next_run_trusts(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, seen = server
    cache = tmp_path / "c"
    fast = [f"/ok/{n}" for n in range(20)] + [f"/gone/{n}" for n in range(5)]
    slow = [f"/slow/{n}" for n in range(5)]
    doc = article(tmp_path, base, fast)
    env = {**os.environ, "CITECHECK_CACHE_DIR": str(cache)}
    argv = [sys.executable, "-m", "citecheck", *check(str(doc))]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    before = {c["target"]: c["status"] for c in json.loads(done.stdout)["citations"]}
    # A second run with slow links too: killed while they are being fetched.
    article(tmp_path, base, [*fast, *slow])
    seen.clear()
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT
    )
    deadline = time.monotonic() + 30
    while not any(p.startswith("/slow/") for p in seen):
        assert time.monotonic() < deadline, "the run never reached the slow links"
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    with sqlite3.connect(cache / "cache.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    seen.clear()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    after = json.loads(done.stdout)
    statuses = {c["target"]: c["status"] for c in after["citations"]}
    assert {u: statuses[u] for u in before} == before
    assert {statuses[f"{base}{p}"] for p in slow} == {"ok"}
    assert sorted(set(seen)) == sorted(slow)  # the others were answered by the cache
    assert after["cached"] == len(fast)
