"""A cold run and a warm rerun of `citecheck check` on the 5,000-URL corpus of `../shared/bench`.

Not a test: it measures. It uses the harness copy that `check_bench.py` prepares
(`benchmarks/.work/bench`) and the harness's own server (`bench.py`'s `TestServer`, on
127.0.0.0/8), and for each round, with a new empty cache directory:

1. resets the server's counters, runs `citecheck check` (the cold run, which fills the cache),
   and reads `/stats?paths=1`: what was requested;
2. resets again and runs the same command (the warm run), and reads what was requested now.

It checks what issue 6 promises: the warm run requests no URL whose cold outcome was final, only
the transient ones (429, 5xx, timeouts, resets); its report gives every other URL the same
status as the cold run; and it takes at most a tenth of the cold run's time or one second,
whichever is larger. It also profiles one warm run (`cProfile`) and prints where its time goes.

The command is the harness's `equal` profile (concurrency 128, per-host cap 128, no retries,
timeout 10 s, `--no-archive`) with the cache on (`--cache-dir`) instead of `--no-cache`.

Run: `.venv/bin/python benchmarks/cache_bench.py [--runs 5] [--corpus c5000]`
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from check_bench import ROOT, prepare

TRANSIENT = frozenset({"rate-limited", "server-error", "timeout", "unreachable"})
CITECHECK = [str(ROOT / ".venv" / "bin" / "python"), "-m", "citecheck"]


def command(files: list[str], cache: Path) -> list[str]:
    return [
        *CITECHECK, "check", "--format", "json", "--allow-private", "--no-archive",
        "--max-concurrency", "128", "--host-concurrency", "128", "--retries", "0",
        "--timeout", "10", "--cache-dir", str(cache), *files,
    ]  # fmt: skip


def timed(argv: list[str]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"citecheck exited with {done.returncode}: {done.stderr[-2000:]}")
    return elapsed, json.loads(done.stdout)


def statuses(report: dict[str, object]) -> dict[str, str]:
    citations = report["citations"]
    assert isinstance(citations, list)
    return {c["target"]: c["status"] for c in citations if c.get("kind") == "link"}


def requested(paths: list[str]) -> set[str]:
    return {p if "://" in p else f"http://{p}" for p in paths}


def key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", default="c5000")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON here")
    args = parser.parse_args()
    bench = prepare(args.work)
    sys.path.insert(0, str(bench))
    os.chdir(bench)
    import bench as harness  # the harness's bench.py

    manifest = json.loads((bench / "corpus" / args.corpus / "manifest.json").read_text())
    files = sorted(str(p) for p in (bench / "corpus" / args.corpus / "md").glob("*.md"))
    logs = Path(tempfile.mkdtemp(prefix="cache-bench-"))
    server = harness.TestServer(manifest, 50.0, 8079, 3600, str(logs))
    rows = []
    try:
        for number in range(args.runs):
            cache = logs / f"cache-{number}"
            server.get("/reset")
            cold_s, cold = timed(command(files, cache))
            cold_stats = server.get("/stats?paths=1")
            server.get("/reset")
            warm_s, warm = timed(command(files, cache))
            warm_stats = server.get("/stats?paths=1")
            before, after = statuses(cold), statuses(warm)
            transient = {key(u) for u, s in before.items() if s in TRANSIENT}
            asked = {key(u) for u in requested(warm_stats.get("paths", []))}
            final_asked = sorted(asked - transient)
            changed = sorted(
                u for u, s in before.items() if s not in TRANSIENT and after.get(u) != s
            )
            rows.append(
                {
                    "cold_s": round(cold_s, 3),
                    "warm_s": round(warm_s, 3),
                    "cold_requests": cold_stats["requests"],
                    "warm_requests": warm_stats["requests"],
                    "transient_urls": len(transient),
                    "warm_urls_asked": len(asked),
                    "final_urls_asked_again": len(final_asked),
                    "final_statuses_changed": len(changed),
                    "examples": (final_asked + changed)[:3],
                    "warm_cached": warm["cached"],
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        profile = logs / "warm.prof"
        server.get("/reset")
        argv = command(files, logs / "cache-0")
        # `python -m citecheck` ends with os._exit (no teardown), before cProfile could write
        # its file: the profile is taken around `main` instead.
        probe = (
            "import cProfile, sys\n"
            "from citecheck.cli import main\n"
            f"cProfile.run('main(sys.argv[1:])', {str(profile)!r})\n"
        )
        subprocess.run(
            [argv[0], "-c", probe, *argv[3:], "--output", os.devnull],
            capture_output=True,
            check=False,
        )
    finally:
        server.stop()
    cold_median = statistics.median(r["cold_s"] for r in rows)
    warm_median = statistics.median(r["warm_s"] for r in rows)
    target = max(cold_median / 10, 1.0)
    summary = {
        "corpus": args.corpus,
        "runs": args.runs,
        "cold_median_s": round(cold_median, 3),
        "warm_median_s": round(warm_median, 3),
        "target_s": round(target, 3),
        "within_target": warm_median <= target,
        "final_urls_asked_again": max(r["final_urls_asked_again"] for r in rows),
        "final_statuses_changed": max(r["final_statuses_changed"] for r in rows),
        "rows": rows,
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}, indent=2))
    print("\nWhere a warm run's time goes (cProfile, cumulative, citecheck's own functions):")
    stats = pstats.Stats(str(profile))
    stats.sort_stats("cumulative").print_stats(r"citecheck/.*\.py", 25)
    if args.out is not None:
        args.out.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
