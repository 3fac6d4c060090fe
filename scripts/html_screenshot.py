"""Render a sample HTML report and photograph it with headless Chromium, to look at it.

The sample is the reference article's report (`../shared/examples/`), checked against the
project's loopback imitation of the sites it cites (`tests/check/publishers.py` over
`tests/check/fakeweb.py`): nothing leaves the machine. The page is then shot at phone width
(390 px) and at desktop width (1280 px); the phone shot is what `docs/html-report.png` shows.

    .venv/bin/python scripts/html_screenshot.py [--out docs/html-report.png] [--keep DIR]

Needs `chromium` (Debian: `apt-get install chromium`) and the test dependencies (trustme).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "check"))
sys.path.insert(0, str(ROOT))

import fakeweb  # noqa: E402
import trustme  # noqa: E402
from publishers import ARTICLE, Publishers  # noqa: E402

from citecheck.archiving import ArchiveOptions  # noqa: E402
from citecheck.check import check_paths  # noqa: E402
from citecheck.model import CheckReport  # noqa: E402
from citecheck.report import html as html_report  # noqa: E402
from citecheck.resolve.model import ResolveOptions  # noqa: E402
from citecheck.settings import FetchSettings  # noqa: E402
from citecheck.verify.model import VerifyOptions  # noqa: E402

PHONE = (390, 4800)
DESKTOP = (1280, 2400)


def sample_report() -> CheckReport:
    """The reference article checked against the imitation sites."""
    web = fakeweb.FakeWeb(trustme.CA())
    fakeweb.start(web, [*fakeweb.PUBLIC, "127.0.0.1"])
    try:
        Publishers().install(web)
        settings = FetchSettings(retries=0, timeout=5.0)
        return check_paths(
            [str(ARTICLE)],
            settings=settings,
            transport=fakeweb.transport_for(web, settings),
            jobs=1,
            archive=ArchiveOptions(("wayback",), paced=False),
            resolve=ResolveOptions(paced=False),
            verify=VerifyOptions(paced=False),
        )
    finally:
        fakeweb.stop(web)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("chromium is not installed (Debian: apt-get install chromium)")


def shoot(browser: str, page: Path, out: Path, size: tuple[int, int], profile: Path) -> None:
    """A screenshot of `page` in a window of `size` (the shot is the window, top down)."""
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            f"--window-size={size[0]},{size[1]}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "html-report.png")
    parser.add_argument("--keep", type=Path, help="write the HTML and both shots here too")
    args = parser.parse_args()
    if not ARTICLE.exists():
        raise SystemExit(f"the reference article is not at {ARTICLE}")
    report = sample_report()
    browser = chromium()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        page = work / "report.html"
        text = html_report.render(report)
        page.write_text(text, encoding="utf-8")
        phone, desktop = work / "phone.png", work / "desktop.png"
        shoot(browser, page, phone, PHONE, work / "profile")
        shoot(browser, page, desktop, DESKTOP, work / "profile")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(phone, args.out)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            for made in (page, phone, desktop):
                shutil.copyfile(made, args.keep / made.name)
    print(
        f"{len(report.checks)} citations, HTML {len(text.encode())} bytes;"
        f" wrote {args.out} ({args.out.stat().st_size} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
