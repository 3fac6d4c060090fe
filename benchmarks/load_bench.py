"""The load run of issue 11: 100,000 links over 500 loopback hosts, with bounded memory.

Not a test: it measures. It uses the harness copy that `check_bench.py` prepares
(`benchmarks/.work/bench`, with uvloop for the server) and the harness's own pieces by import:
`gencorpus.py` makes one corpus per size (500 hosts, 127.0.0.2 … 127.0.1.245, port 8080, seed
11), `bench.py`'s `TestServer` serves them (on 127.0.0.0/8 only, stopping by itself after a
bounded `--lifetime`), the `citecheck` adapter of `tools.py` (patched by `check_bench.py` to read
citecheck's JSON) builds the command line of the `equal` profile and reads the verdicts, and
`bench.py`'s `score` compares them with `manifest.json`: every broken link found, no live link
called broken (`ok` and `redirected` are alive; always-429 URLs are scored apart).

What it measures per size, one run each:

* wall time and links per second (unique URLs ÷ wall);
* peak memory of the whole process tree: citecheck forks its checking and extracting workers, so
  `/usr/bin/time -v` (whose "maximum resident set size" is that of the largest single process)
  is not enough. A thread reads `VmRSS` of the parent and of every descendant from `/proc` every
  50 ms and keeps the largest sum; each process's own peak is its `VmHWM` (the kernel's
  high-water mark, so no spike between samples is missed), and the sum of those peaks bounds
  the tree's peak from above (they need not fall at the same moment). Forked workers share
  pages with the parent (copy on write), which the RSS sum counts twice, so it also sums `Pss`
  (`/proc/PID/smaps_rollup`, shared pages divided among their sharers): the memory the tree
  really holds;
* the open file descriptors of the tree (sampled every 0.5 s) and the server's counters.

Memory is bounded when the peak grows about linearly with the report (the report lists every
link) at a small cost per link: the script fits peak = a + b · links over the sizes and prints
b in MB per 1,000 links.

Run: `.venv/bin/python benchmarks/load_bench.py [--sizes 10000,30000,100000] [--out DIR]`
Results: `DIR/results.json` and `DIR/results.md` (default DIR `benchmarks/.work/load`), copied
by hand into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from check_bench import ROOT, _patch_adapter, prepare

HOSTS = 500
SEED = 11
PORT = 8080
CONCURRENCY = 128
TIMEOUT_S = 10
LATENCY_MS = 50.0
WRAPPERS = frozenset({"time", "timeout"})
"""Processes of the measuring wrappers, left out of the tree's sums."""
KB = 1024
BULKY = ("per_process", "timeline")
"""Parts of the memory summary kept in the run's memory.json only."""


def raise_nofile() -> dict[str, int]:
    """Lift the soft RLIMIT_NOFILE to the hard one; the server and citecheck inherit it.

    500 listening sockets, up to 128 requests in flight and the idle keep-alive connections of
    500 origins, on both ends, must fit.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return {
        "soft_before": soft,
        "soft": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        "hard": hard,
    }


def _children() -> dict[int, list[int]]:
    """Every process's children, from `/proc/PID/stat` (this kernel has no `.../children`)."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def _status(pid: int) -> tuple[str, int, int] | None:
    """(name, VmRSS, VmHWM in kB) of a live process, else None (VmHWM: its peak RSS so far)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            text = f.read()
    except OSError:
        return None
    name, rss, hwm = "", 0, 0
    for line in text.splitlines():
        if line.startswith("Name:"):
            name = line[5:].strip()
        elif line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return name, rss, hwm


def _pss(pid: int) -> int:
    """Proportional set size in kB (shared pages split among their sharers), 0 if gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


class TreeSampler(threading.Thread):
    """Samples the memory and descriptors of every process below `root` until stopped."""

    def __init__(self, root: int, interval: float = 0.05, fd_every: int = 10) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.fd_every = fd_every
        self.done = threading.Event()
        self.start_time = time.monotonic()
        self.samples = 0
        self.rss_sum_max = 0
        self.rss_sum_max_at = 0.0
        self.pss_sum_max = 0
        self.fds_sum_max = 0
        self.fds_proc_max = 0
        self.procs_max = 0
        self.per_proc: dict[int, dict[str, Any]] = {}
        self.parent: int | None = None
        self.timeline: list[dict[str, Any]] = []
        """About once a second: seconds, RSS and PSS sums (kB), and each process's RSS (kB)."""

    def run(self) -> None:
        while not self.done.is_set():
            self.tick()
            self.done.wait(self.interval)

    def stop(self) -> None:
        self.done.set()
        self.join()

    def _tree(self) -> list[tuple[int, str, int, int]]:
        """(pid, name, VmRSS kB, VmHWM kB) of the root's descendants, wrappers left out.

        The first process below the wrappers is citecheck itself: it becomes `self.parent`.
        """
        kids = _children()
        found, stack = [], [(self.root, True)]
        while stack:
            pid, below_wrapper = stack.pop()
            status = _status(pid)
            if status is None:
                continue
            wrapper = status[0] in WRAPPERS
            if not wrapper:
                found.append((pid, *status))
                if below_wrapper and self.parent is None:
                    self.parent = pid
            stack.extend((kid, wrapper) for kid in kids.get(pid, ()))
        return found

    def tick(self) -> None:
        now = time.monotonic() - self.start_time
        tree = self._tree()
        if not tree:
            return
        self.samples += 1
        rss_sum = sum(rss for _, _, rss, _ in tree)
        pss_sum = sum(_pss(pid) for pid, *_ in tree)
        if rss_sum > self.rss_sum_max:
            self.rss_sum_max, self.rss_sum_max_at = rss_sum, now
        self.pss_sum_max = max(self.pss_sum_max, pss_sum)
        self.procs_max = max(self.procs_max, len(tree))
        for pid, name, rss, hwm in tree:
            entry = self.per_proc.setdefault(
                pid, {"name": name, "rss_max_kb": 0, "hwm_kb": 0, "fds_max": 0}
            )
            entry["rss_max_kb"] = max(entry["rss_max_kb"], rss)
            entry["hwm_kb"] = max(entry["hwm_kb"], hwm)
        if self.samples % self.fd_every == 1:
            counts = {pid: _fds(pid) for pid, *_ in tree}
            for pid, n in counts.items():
                self.per_proc[pid]["fds_max"] = max(self.per_proc[pid]["fds_max"], n)
            self.fds_sum_max = max(self.fds_sum_max, sum(counts.values()))
            self.fds_proc_max = max(self.fds_proc_max, *counts.values())
        if not self.timeline or now - self.timeline[-1]["s"] >= 1.0:
            rss = {str(pid): kb for pid, _, kb, _ in tree}
            self.timeline.append({"s": round(now, 2), "rss": rss_sum, "pss": pss_sum, "each": rss})

    def summary(self) -> dict[str, Any]:
        parent = self.per_proc.get(self.parent or -1, {"hwm_kb": 0})
        workers = [v for pid, v in self.per_proc.items() if pid != self.parent]
        return {
            "samples": self.samples,
            "processes_seen": len(self.per_proc),
            "processes_at_once_max": self.procs_max,
            "rss_tree_sum_max_mb": round(self.rss_sum_max / KB, 1),
            "rss_tree_sum_max_at_s": round(self.rss_sum_max_at, 1),
            "pss_tree_sum_max_mb": round(self.pss_sum_max / KB, 1),
            "rss_hwm_sum_mb": round(sum(p["hwm_kb"] for p in self.per_proc.values()) / KB, 1),
            "rss_parent_max_mb": round(parent["hwm_kb"] / KB, 1),
            "rss_worker_max_mb": round(max((w["hwm_kb"] for w in workers), default=0) / KB, 1),
            "fds_tree_sum_max": self.fds_sum_max,
            "fds_process_max": self.fds_proc_max,
            "per_process": {
                str(pid): {**v, "rss_max_mb": round(v["hwm_kb"] / KB, 1)}
                for pid, v in self.per_proc.items()
            },
            "timeline": self.timeline,
        }


def corpus(bench: Path, out: Path, size: int) -> Path:
    """The corpus of `size` URLs over the 500 hosts, made by the harness's gencorpus.py once."""
    where = out / f"c{size}"
    manifest = where / "manifest.json"
    if manifest.exists():
        params = json.loads(manifest.read_text())["params"]
        if (params["urls"], params["hosts"], params["seed"], params["port"]) == (
            size,
            HOSTS,
            SEED,
            PORT,
        ):
            return where
        shutil.rmtree(where)
    subprocess.run(
        [str(bench / ".venv" / "bin" / "python"), "gencorpus.py", "--out", str(where),
         "--urls", str(size), "--hosts", str(HOSTS), "--port", str(PORT), "--seed", str(SEED)],
        cwd=bench, check=True,
    )  # fmt: skip
    return where


def run_size(size: int, where: Path, out: Path, server: Any, run_limit: int) -> dict[str, Any]:
    """One measured run of citecheck over one corpus; its row of the table."""
    import bench as harness  # the harness's bench.py
    import tools  # the harness's adapters, patched by check_bench._patch_adapter

    manifest = harness.load_manifest(str(where))
    run_dir = out / f"run-{size}"
    run_dir.mkdir(parents=True, exist_ok=True)
    tool = tools.TOOLS["citecheck"]
    ctx = tools.Ctx(
        files=manifest["files"]["md"], fmt="md", concurrency=CONCURRENCY, timeout_s=TIMEOUT_S,
        profile="equal", run_dir=str(run_dir),
    )  # fmt: skip
    command = tool.command(ctx)
    (run_dir / "command.txt").write_text(" ".join(command[: -len(ctx.files)]) + " PAGES...\n")
    timing = run_dir / "time.txt"
    argv = ["timeout", "-k", "5", str(run_limit), *command]
    if os.path.exists("/usr/bin/time"):
        argv = ["/usr/bin/time", "-v", "-o", str(timing), *argv]
    server.get("/reset")
    with (run_dir / "stdout.json").open("wb") as stdout, (run_dir / "stderr.txt").open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=stdout, stderr=err, cwd=run_dir)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        rc = proc.wait()
        wall = time.perf_counter() - start
        sampler.stop()
    stats = server.get("/stats?paths=1")
    text = (run_dir / "stdout.json").read_text()
    stderr = (run_dir / "stderr.txt").read_text(errors="replace")
    parsed = tool.parse(text, stderr, ctx)
    score = harness.score(manifest, parsed.broken)
    try:
        report = json.loads(text)
        statuses: dict[str, int] = {}
        for c in report.get("citations", []):
            if c.get("kind") == "link":
                statuses[c["status"]] = statuses.get(c["status"], 0) + 1
    except json.JSONDecodeError:
        statuses = {}
    memory = sampler.summary()
    (run_dir / "memory.json").write_text(json.dumps(memory, indent=1))
    per_proc = memory["per_process"].items()
    return {
        "size": size,
        "unique_urls": manifest["unique_urls"],
        "occurrences": manifest["occurrences"],
        "pages": len(ctx.files),
        "hosts": len(manifest["hosts"]),
        "rc": rc,
        "wall_s": round(wall, 2),
        "links_per_s": round(manifest["unique_urls"] / wall, 1),
        "time_v": harness.parse_time_v(str(timing)),
        "memory": {k: v for k, v in memory.items() if k not in BULKY},
        "processes": {pid: (p["name"], p["rss_max_mb"], p["fds_max"]) for pid, p in per_proc},
        "report_bytes": len(text.encode()),
        "checked": parsed.checked,
        "notes": parsed.notes,
        "statuses": dict(sorted(statuses.items())),
        "score": score,
        "coverage": harness.coverage(manifest, stats.get("paths")),
        "server": {k: stats.get(k) for k in (
            "requests", "unique_host_paths", "duplicate_requests", "by_method", "connections",
            "inflight_peak", "host_inflight_peak_max", "timer_lag_max_ms", "server_cpu_s",
            "active_s", "parse_errors", "drops", "client_aborts")},
        "stderr_tail": stderr[-1500:],
        "command": " ".join(command[: -len(ctx.files)]) + " PAGES...",
    }  # fmt: skip


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares y = a + b·x: (a, b)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return my, 0.0
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my - b * mx, b


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| links (unique URLs) | wall s | links/s | peak RSS tree sum MB | sum of peaks MB "
        "| peak PSS tree sum MB "
        "| parent MB | largest worker MB | time -v max RSS MB | processes | fds max (tree) "
        "| requests / connections "
        "| broken found / truth | false alarms | 429 flagged | rc |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        m, s, srv = r["memory"], r["score"], r["server"]
        tv = r["time_v"].get("max_rss_kb")
        lines.append(
            f"| {r['unique_urls']:,} | {r['wall_s']:.1f} | {r['links_per_s']:.0f} "
            f"| {m['rss_tree_sum_max_mb']:.0f} | {m['rss_hwm_sum_mb']:.0f} "
            f"| {m['pss_tree_sum_max_mb']:.0f} "
            f"| {m['rss_parent_max_mb']:.0f} | {m['rss_worker_max_mb']:.0f} "
            f"| {tv / KB if tv else float('nan'):.0f} | {m['processes_seen']} "
            f"| {m['fds_tree_sum_max']} | {srv['requests']:,} / {srv['connections']:,} "
            f"| {s['found']}/{s['truth_broken']} | {s['false_alarms']} "
            f"| {s['ratelimited_flagged']}/{s['ratelimited_total']} | {r['rc']} |"
        )
    if len(rows) > 1:
        xs = [r["unique_urls"] / 1000 for r in rows]
        lines.append("")
        for label, key in (
            ("RSS tree sum", "rss_tree_sum_max_mb"),
            ("sum of per-process peaks", "rss_hwm_sum_mb"),
            ("PSS tree sum", "pss_tree_sum_max_mb"),
            ("parent RSS", "rss_parent_max_mb"),
            ("largest worker RSS", "rss_worker_max_mb"),
        ):
            a, b = fit(xs, [r["memory"][key] for r in rows])
            lines.append(f"- {label}: {a:.0f} MB + {b:.2f} MB per 1,000 links (least squares)")
        a, b = fit(xs, [r["report_bytes"] / KB / KB for r in rows])
        lines.append(f"- JSON report: {a:.1f} MB + {b:.2f} MB per 1,000 links")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--out", type=Path, default=None, help="default: WORK/load")
    parser.add_argument("--run-limit", type=int, default=1200, help="seconds a run may take")
    parser.add_argument("--ctl-port", type=int, default=8079)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out = (args.out or args.work / "load").resolve()
    if not out.is_relative_to((ROOT / "benchmarks" / ".work").resolve()):
        raise SystemExit("--out must lie under benchmarks/.work (ignored by git)")
    out.mkdir(parents=True, exist_ok=True)
    nofile = raise_nofile()
    bench = prepare(args.work)
    os.environ.setdefault("CITECHECK", str(ROOT / ".venv" / "bin" / "citecheck"))
    sys.path.insert(0, str(bench))
    os.chdir(bench)
    _patch_adapter()
    import bench as harness  # the harness's bench.py

    corpora = {size: corpus(bench, out, size) for size in sizes}
    first = harness.load_manifest(str(corpora[sizes[0]]))
    hosts = first["hosts"]
    print(f"{len(hosts)} hosts {hosts[0]} .. {hosts[-1]}; RLIMIT_NOFILE {nofile}", file=sys.stderr)
    lifetime = len(sizes) * (args.run_limit + 60) + 120
    server = harness.TestServer(first, LATENCY_MS, args.ctl_port, lifetime, str(out))
    rows = []
    try:
        info = server.get("/info")
        print(f"server: {len(info.get('endpoints', []))} endpoints, loop {info.get('loop')}")
        for size in sizes:
            row = run_size(size, corpora[size], out, server, args.run_limit)
            rows.append(row)
            m, s = row["memory"], row["score"]
            print(
                f"{size}: {row['wall_s']} s, {row['links_per_s']} links/s, rc {row['rc']}, "
                f"RSS tree {m['rss_tree_sum_max_mb']} MB (PSS {m['pss_tree_sum_max_mb']}), "
                f"parent {m['rss_parent_max_mb']}, worker {m['rss_worker_max_mb']}, "
                f"fds {m['fds_tree_sum_max']}, broken {s['found']}/{s['truth_broken']}, "
                f"false {s['false_alarms']}, unknown {s['unknown_reported']}, "
                f"checked {row['checked']}/{row['unique_urls']}",
                file=sys.stderr,
                flush=True,
            )
            (out / "results.json").write_text(
                json.dumps({"nofile": nofile, "rows": rows}, indent=1)
            )
    finally:
        server.stop()
    text = table(rows)
    (out / "results.md").write_text(text + "\n")
    print(text)
    print(f"\nwrote {out}/results.json and results.md", file=sys.stderr)


if __name__ == "__main__":
    main()
