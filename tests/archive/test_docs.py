"""The archive docs and the cassette list keep up with the code and the files."""

from __future__ import annotations

import re
from pathlib import Path

from citecheck.archive import ARCHIVE_STATUSES, ArchiveResult

ROOT = Path(__file__).resolve().parents[2]


def test_every_outcome_code_and_json_field_is_documented() -> None:
    docs = (ROOT / "docs" / "archive.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z-]+)` \|", docs, flags=re.MULTILINE))
    assert set(ARCHIVE_STATUSES) <= rows
    assert set(ArchiveResult("archived", "d").to_json()) <= rows
    for flag in ("--archives", "--no-archive", "--save", "--dry-run", "--replay", "--record"):
        assert f"`{flag}" in docs
    assert "CITECHECK_IA_ACCESS_KEY" in docs
    assert "CITECHECK_IA_SECRET_KEY" in docs


def test_every_cassette_is_listed_with_its_origin() -> None:
    folder = ROOT / "cassettes"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    files = [p for p in folder.rglob("*") if p.suffix in (".yaml", ".txt")]
    assert len(files) > 20
    for path in files:
        name = path.relative_to(folder).as_posix()
        if name.endswith(".txt") and path.name.startswith("LICENSE"):
            continue
        assert f"`{name}`" in readme, name
    assert (folder / "edgi-wayback" / "LICENSE.BSD-3-Clause.txt").is_file()
