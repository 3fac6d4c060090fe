"""How fast any checker built on trio and httpx could check the loopback benchmark's corpora.

Not a test: it measures, and computes. The harness's `bench.py bound` is the least time the
server's answers take at a concurrency (the work divided among the slots, or the longest chain).
Checkers ask in the order of their input, though, and both lychee and citecheck do (citecheck's
gate takes host groups in turn, which on these corpora of 20 hosts at a per-host cap equal to
the global one is the input order). Then what decides a run is when the last slow URL is
asked: one second of extra delay, near the end of the input (c1000: the 935th of 1,000 URLs).

So this script plays the corpus through `C` slots in input order, each URL taking its least
time (`bench.py`'s `url_cost`: the latency for each hop, plus the server's extra delay), with
the first request leaving at `S` seconds:

- `S = 0`: the ordered bound, for any checker;
- `S` = the time Python takes to import trio and httpx (measured here, the best of `--imports`
  runs of `python -c "import trio, httpx"`): the bound for a checker that needs them before its
  first request, however fast it is after that;
- `S` = the time citecheck's checking worker takes to import what it checks with (`STACK`:
  the command line, then `shards._import_stack`, as a spare does): citecheck's own bound, were
  everything after its imports free (extracting, checking, the report).

and prints them beside lychee's and citecheck's median times from a `check_bench.py` run
(`--results`), when given.

Run, after `check_bench.py` (which makes the corpora and the results), from the project root:
`.venv/bin/python benchmarks/floor.py --results runs/check-bench/results.json`
(`--results` is read from the harness's folder when relative).
"""

from __future__ import annotations

import argparse
import heapq
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / ".work" / "bench"
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def input_order(corpus: Path) -> list[str]:
    """The corpus's distinct URLs in the order a checker reads them (files by name)."""
    seen: dict[str, None] = {}
    for page in sorted((corpus / "md").glob("*.md")):
        for url in LINK.findall(page.read_text(encoding="utf-8")):
            seen.setdefault(url, None)
    return list(seen)


def costs(
    harness: ModuleType, corpus: Path, latency: float, timeout: float
) -> dict[str, tuple[float, bool]]:
    """Each URL's least time (the harness's `url_cost`) and whether it is a slow one, for
    every URL of a redirect chain too."""
    manifest = harness.load_manifest(str(corpus))
    entries = manifest["_by_url"]
    return {
        url: (harness.url_cost(entries[first], latency, timeout), entries[first]["kind"] == "slow")
        for url, first in manifest["_alias"].items()
    }


def ordered_bound(
    order: list[str], cost: dict[str, tuple[float, bool]], slots: int, start: float
) -> tuple[float, float]:
    """The end of the last answer, and when the last slow URL is asked, with `slots` requests
    in flight taken in input order and the first leaving at `start`."""
    free = [start] * slots
    end = last_slow = start
    for url in order:
        begins = heapq.heappop(free)
        seconds, slow = cost[url]
        heapq.heappush(free, begins + seconds)
        end = max(end, begins + seconds)
        if slow:
            last_slow = begins
    return end, last_slow


STACK = "import citecheck.cli, citecheck.shards; citecheck.shards._import_stack()"
"""What a citecheck checking worker has imported before its first request."""


def import_time(python: str, runs: int, code: str = "import trio, httpx") -> float:
    """The least wall time of `python -c CODE`: Python's start and the imports, before which
    such a checker sends nothing."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([python, "-c", code], check=True)
        times.append(time.perf_counter() - began)
    return min(times)


def medians(results: Path) -> dict[tuple[str, str, int], float]:
    """(tool, corpus, concurrency) -> median wall seconds, from a `bench.py run` results.json
    (its rows of the Markdown format)."""
    rows = json.loads(results.read_text(encoding="utf-8"))["rows"]
    return {
        (str(row["tool"]), str(row["corpus"]), int(row["concurrency"])): float(row["wall_median_s"])
        for row in rows
        if row.get("format", "md") == "md"
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH)
    parser.add_argument("--corpora", default="c1000,c5000")
    parser.add_argument("--concurrency", default="64,128")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--timeout", type=float, default=10.0, help="as check_bench.py's runs")
    parser.add_argument("--imports", type=int, default=7, help="runs of the import timing")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument(
        "--results", type=Path, help="a check_bench.py results.json (here or in --bench)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(args.bench))
    import bench as harness  # the harness's bench.py

    started = import_time(args.python, args.imports)
    stacked = import_time(args.python, args.imports, STACK)
    results = args.results
    if results is not None and not results.is_absolute() and not results.exists():
        results = args.bench / results  # as check_bench.py's --out names it
    if results is not None and not results.is_file():
        parser.error(f"--results {args.results}: no such file (here or in {args.bench})")
    measured = medians(results) if results is not None else {}
    print(f"python -c 'import trio, httpx': {started:.3f} s (best of {args.imports})")
    print(f"python -c '{STACK}': {stacked:.3f} s (best of {args.imports})\n")
    print(
        "| corpus | C | ordered bound | last slow URL asked | bound after importing trio, httpx"
        " | bound after citecheck's imports | lychee (median) | citecheck (median) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in args.corpora.split(","):
        corpus = args.bench / "corpus" / name
        order = input_order(corpus)
        cost = costs(harness, corpus, args.latency_ms / 1000.0, args.timeout)
        for slots in (int(c) for c in args.concurrency.split(",")):
            bound, slow = ordered_bound(order, cost, slots, 0.0)
            floor, _ = ordered_bound(order, cost, slots, started)
            own, _ = ordered_bound(order, cost, slots, stacked)
            peers = [measured.get((tool, name, slots)) for tool in ("lychee", "citecheck")]
            shown = [f"{wall:.2f} s" if wall is not None else "—" for wall in peers]
            print(
                f"| {name} | {slots} | {bound:.2f} s | {slow:.2f} s | {floor:.2f} s"
                f" | {own:.2f} s | {shown[0]} | {shown[1]} |"
            )


if __name__ == "__main__":
    main()
