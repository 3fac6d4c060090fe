"""Golden tests: the whole JSON report for one document of each format.

The expected files were written by the extractor and then read line by line by a person; each
names the positions and targets a careful editor would list. To rewrite them after a deliberate
change, run `CITECHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from citecheck.report import json as json_report
from citecheck.run import extract_paths

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", ["markdown.md", "page.html", "notes.txt"])
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    data = json_report.to_object(extract_paths([name]))
    del data["tool"]  # the version changes with every release
    expected_file = GOLDEN / (name + ".json")
    if os.environ.get("CITECHECK_UPDATE_GOLDEN"):
        expected_file.write_text(
            json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert data == expected
