"""Real saved pages from ../shared/fixtures/pages: decoded right and read without a problem.

The pages belong to their publishers and are not copied here; when ../shared is not beside the
project these tests are skipped (CI always has it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citecheck.collect import collect
from citecheck.extract import extract

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "pages"
EXPECTATIONS = PAGES / "expectations.json"

if not EXPECTATIONS.is_file():
    pytest.skip("../shared/fixtures/pages is not beside the project", allow_module_level=True)

FILES: dict[str, dict[str, object]] = json.loads(EXPECTATIONS.read_text(encoding="utf-8"))["files"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_real_page_decodes_and_yields_links(name: str) -> None:
    collected = collect([str(PAGES / name)])
    assert collected.problems == ()
    (document,) = collected.documents
    citations, _ = extract(document)
    assert citations, "a saved news page links somewhere"
    for citation in citations:
        assert document.text[citation.span.start : citation.span.end] == citation.source


def test_gb2312_wayback_replay_is_decoded_as_gb18030() -> None:
    # Wayback injects <script charset="utf-8"> before the page's own gb2312 meta: sniffing the
    # first charset would give mojibake; decoding the bytes does not.
    (document,) = collect([str(PAGES / "archive.org.he.xinhuanet.com.25340717.html")]).documents
    assert document.encoding == "gb18030"
    assert "话剧《约定无期限》河北各市巡演结束" in document.text
