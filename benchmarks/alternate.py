"""Checkers run in turn against one loopback bench server: wall time, CPU, and when their first
and last slow requests reached the server.

Not a test: it measures. `check_bench.py` gives each checker's medians in separate minutes; on a
noisy machine that can hide a change of a few percent. This script alternates the checkers run
by run (A, B, A, B, ...), against one server started here with its access log, and reads from
the log when each run's first request and its last request for a slow URL (`/delay/`) arrived:
the first says how long a checker takes to start, the last how fast it asks.

A checker is `NAME` or `NAME=SPEC`. `lychee` runs the harness's lychee with the `equal`
profile check_bench.py uses (the command line of the harness's adapter); any other name runs
citecheck (`.venv/bin/citecheck`, or `$CITECHECK`) with the same profile, and SPEC adds to its
command line: words are flags, `EXE:PATH` runs another citecheck executable (another
checkout's, to compare commits), `ENV:NAME=VALUE` sets its environment.

Run, after `check_bench.py` (which makes the corpora and installs lychee), from the project
root: `.venv/bin/python benchmarks/alternate.py RUNS C CORPUS lychee citecheck
'two=--workers 2'`. Every address it talks to is on 127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / ".work" / "bench"
CONTROL = "http://127.0.0.1:8079"
"""The bench server's control endpoint (its default `--ctl-port`)."""


@dataclass(frozen=True)
class Checker:
    """One checker to run: its name and its command line, environment and all."""

    name: str
    command: list[str]
    environment: dict[str, str]


@dataclass(frozen=True)
class Timing:
    """One run: wall and CPU seconds, and the server's clock at its first and last slow
    requests (seconds after the reset that came just before the run)."""

    wall: float
    cpu: float
    first: float
    last_slow: float


def checker(argument: str, concurrency: int, pages: list[str]) -> Checker:
    """The checker `NAME` or `NAME=SPEC` stands for (see the module docstring): its command
    line as the harness's adapter (`tools.py`, on sys.path) makes it for the `equal` profile."""
    import tools  # type: ignore[import-not-found]

    name, _, spec = argument.partition("=")
    environment = dict(os.environ)
    context = tools.Ctx(pages, "md", concurrency, 10, "equal", str(BENCH / "runs"))
    if name == "lychee":
        return Checker(name, tools.TOOLS["lychee"].command(context), environment)
    executable = os.environ.get("CITECHECK", str(ROOT / ".venv" / "bin" / "citecheck"))
    extra = []
    for word in spec.split():
        if word.startswith("EXE:"):
            executable = word[4:]
        elif word.startswith("ENV:"):
            key, _, value = word[4:].partition("=")
            environment[key] = value
        else:
            extra.append(word)
    command = tools.TOOLS["citecheck"].command(context)
    flags = command[1 : len(command) - len(pages)]
    return Checker(name, [executable, *flags, *extra, *pages], environment)


def control(path: str) -> dict[str, object]:
    """The bench server's answer to a control request."""
    with urllib.request.urlopen(CONTROL + path, timeout=30) as answer:
        data: dict[str, object] = json.load(answer)
        return data


def once(run: Checker) -> Timing:
    """Run a checker once against a freshly reset server."""
    control("/reset")
    began = time.perf_counter()
    before = os.times()
    done = subprocess.run(run.command, env=run.environment, capture_output=True, check=False)
    wall = time.perf_counter() - began
    after = os.times()
    if len(done.stdout) < 1000:
        raise SystemExit(f"{run.name} wrote no report (exit {done.returncode}): {done.stderr!r}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    log = [str(line) for line in control("/log")["log"]]  # type: ignore[attr-defined]
    arrivals = [float(line.split()[0]) for line in log]
    slow = [float(line.split()[0]) for line in log if "/delay/" in line]
    return Timing(wall, cpu, min(arrivals), max(slow))


def serve(bench: Path) -> subprocess.Popen[bytes]:
    """Start the bench server (20 hosts, 50 ms of latency, its access log) and wait for it."""
    ready = bench / "runs" / "alternate.ready"
    ready.parent.mkdir(exist_ok=True)
    ready.unlink(missing_ok=True)
    server = subprocess.Popen(
        [str(bench / ".venv" / "bin" / "python"), "server.py", "--hosts", "20",
         "--latency-ms", "50", "--lifetime", "3600", "--access-log",
         "--ready-file", str(ready)],
        cwd=bench, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not ready.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            raise SystemExit("the bench server did not start (is port 8079 taken?)")
        time.sleep(0.05)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=int, help="runs of each checker")
    parser.add_argument("concurrency", type=int)
    parser.add_argument("corpus", help="c1000 or c5000 (made by check_bench.py)")
    parser.add_argument("checkers", nargs="+", help="NAME or NAME=SPEC")
    parser.add_argument("--bench", type=Path, default=BENCH)
    args = parser.parse_args()
    sys.path.insert(0, str(args.bench))  # the harness's tools.py
    pages = sorted(str(page) for page in (args.bench / "corpus" / args.corpus / "md").glob("*.md"))
    if not pages:
        parser.error(f"no corpus {args.corpus} in {args.bench} (run check_bench.py first)")
    checkers = [checker(argument, args.concurrency, pages) for argument in args.checkers]
    timings: dict[str, list[Timing]] = {run.name: [] for run in checkers}
    server = serve(args.bench)
    try:
        for _ in range(args.runs):
            for run in checkers:
                timing = once(run)
                timings[run.name].append(timing)
                print(
                    f"{run.name:12} wall {timing.wall:.3f} cpu {timing.cpu:.2f}"
                    f" first {timing.first:.3f} last slow {timing.last_slow:.3f}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait()
    print()
    for name, runs in timings.items():
        wall = [t.wall for t in runs]
        print(
            f"{name:12} median wall {statistics.median(wall):.3f} (min {min(wall):.3f})"
            f" cpu {statistics.median(t.cpu for t in runs):.2f}"
            f" first {statistics.median(t.first for t in runs):.3f}"
            f" last slow {statistics.median(t.last_slow for t in runs):.3f}"
        )


if __name__ == "__main__":
    main()
