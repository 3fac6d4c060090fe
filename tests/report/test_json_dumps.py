"""`report.json.dumps`: the standard library's indented text, whoever writes it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from citecheck.report.json import dumps

SAMPLES: list[Any] = [
    {"a": [], "b": {}, "c": [1, -2, 2.5, 0.85, 1e16, 0.001, None, True, False]},
    {"text": 'quote " backslash \\ newline \n tab \t bell \x07 nul \x00 del \x7f'},
    {"zh": "找不到網頁", "rtl": "\u202eevil\u202c", "sep": "\u2028\u2029", "emoji": "🗞️"},
    [{"nested": [{"deep": [[], [{}], "x"]}]}],
    {"lone surrogate": "a\ud800b"},
    {"big": 2**70},
]


@pytest.mark.parametrize("value", SAMPLES)
def test_dumps_writes_what_the_standard_library_writes(value: Any) -> None:
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_a_tiny_float_differs_only_in_how_its_exponent_is_written() -> None:
    assert dumps({"x": 1e-7}) == '{\n  "x": 1e-7\n}\n'
    assert json.loads(dumps({"x": 1e-7})) == {"x": 1e-7}


@pytest.mark.parametrize("value", SAMPLES)
def test_dumps_bytes_is_the_same_text_in_utf8_and_loads_back(value: Any) -> None:
    from citecheck.report.json import dumps_bytes

    data = dumps_bytes(value)
    assert json.loads(data) == value  # a lone surrogate comes back from its JSON escape
    if "lone surrogate" not in str(value):
        assert data == dumps(value).encode("utf-8")
    else:
        assert b"\\ud800" in data
        data.decode("utf-8")  # valid UTF-8 throughout


def _reports() -> list[Any]:
    sys.path.insert(0, str(Path(__file__).parent))  # the hand-built reports, `reports.py`
    from reports import hostile, sample

    from citecheck.model import CheckReport, ExtractReport

    check = sample()
    return [
        check,
        hostile(),
        CheckReport(documents=check.documents),  # no citations: "citations": []
        ExtractReport(documents=check.documents, citations=tuple(c.citation for c in check.checks)),
        ExtractReport(),
    ]


@pytest.mark.parametrize("n", range(5))
def test_the_report_written_in_pieces_is_the_report_written_whole(n: int) -> None:
    from citecheck.report.json import chunks, render_bytes

    report = _reports()[n]
    pieces = list(chunks(report))
    assert b"".join(pieces) == render_bytes(report)
    citations = len(json.loads(b"".join(pieces))["citations"])
    assert len(pieces) == 3 + citations  # one piece a citation: never the whole list at once


def test_preparing_imports_the_encoder_ahead_of_the_report() -> None:
    # `Prepared.add` runs while the last links are checked; the encoder's import (0.008 s)
    # would otherwise come in the report's tail.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from citecheck.report.json import Prepared\n"
        "assert 'orjson' not in sys.modules\n"
        "Prepared().add([])\n"
        "assert 'orjson' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
