"""`verify/checks.py` in plain values, and on the real pages of `../shared/fixtures/pages/`: a
citation giving a page's own title and date is verified by them, and one giving others is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citecheck.pagefacts import PageFacts, page_facts
from citecheck.verify.checks import chronology_check, date_check, publisher_check, title_check

PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "pages"


def facts(title: str | None = None, day: str | None = None) -> PageFacts:
    return PageFacts(
        title=title,
        titles=(title,) if title else (),
        date=day,
        date_source=None,
        site=None,
        language="en",
        text="",
    )


def test_title_match_mismatch_and_unknown() -> None:
    page = facts("Joint Statement on the United States-Ukraine Meeting in Jeddah", "2025-03-11")
    same = title_check("Joint statement on the United States–Ukraine meeting in Jeddah", page)
    assert (same.check, same.status) == ("title", "title-match")
    assert same.score is not None
    assert same.score >= 85
    other = title_check("Secretary Rubio's Remarks to Press", page)
    assert other.status == "title-mismatch"
    assert "Joint Statement" in other.evidence
    assert title_check("Anything", facts()).status == "title-unknown"


def test_date_within_a_day_or_the_precision_cited() -> None:
    page = facts("x", "2025-03-12")
    assert date_check("2025-03-11", page).status == "date-match"
    assert date_check("2025-03", page).status == "date-match"
    assert date_check("2025-03-09", page).status == "date-mismatch"
    assert date_check("2025-03-11", facts("x")).status == "date-unknown"


def test_publisher_by_site() -> None:
    assert publisher_check("CBS News", True, "www.cbsnews.com").status == "publisher-match"
    wrong = publisher_check("CBS News", False, "mirror.example")
    assert wrong.status == "publisher-mismatch"
    assert "mirror.example" in wrong.evidence


@pytest.mark.parametrize(
    ("article", "cited", "published", "status"),
    [
        ("2025-04-26", "2025-03-11", "2025-03-11", "chronology-ok"),
        ("2025-03-01", "2025-03-11", None, "cited-after-article"),
        ("2025-03-01", None, "2025-03-11", "published-after-article"),
        ("2025-03", "2025-03-20", None, "chronology-ok"),  # the same month: not after
        ("2025-03", "2025-04-02", None, "cited-after-article"),
        ("2025-04-26", "2025-03-11", "2025-05-01", "published-after-article"),
    ],
)
def test_chronology(article: str, cited: str | None, published: str | None, status: str) -> None:
    result = chronology_check(article, cited, published)
    assert result is not None
    assert result.status == status


def test_chronology_needs_the_articles_date_and_another() -> None:
    assert chronology_check(None, "2025-03-11", "2025-03-11") is None
    assert chronology_check("2025-04-26", None, None) is None


def _expectations() -> list[tuple[str, str, str]]:
    path = PAGES / "expectations.json"
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for name, entry in sorted(data["files"].items()):
        expected = entry.get("trafilatura_annotation") or {}
        if expected.get("title") and expected.get("date"):
            cases.append((name, expected["title"].strip(), expected["date"]))
    return cases


@pytest.mark.skipif(not (PAGES / "expectations.json").exists(), reason=f"no fixtures at {PAGES}")
@pytest.mark.parametrize(("name", "title", "day"), _expectations())
def test_a_real_page_verifies_its_own_title_and_date(name: str, title: str, day: str) -> None:
    found = page_facts((PAGES / name).read_bytes())
    assert title_check(title, found).status == "title-match", name
    assert date_check(day, found).status == "date-match", name
    year = int(day[:4])
    assert date_check(f"{year - 2}{day[4:]}", found).status == "date-mismatch", name
    assert title_check("An entirely different headline about tariffs", found).status in (
        "title-mismatch"
    )


def test_the_gb2312_wayback_replay_is_among_the_real_pages() -> None:
    if not (PAGES / "expectations.json").exists():
        pytest.skip(f"no fixtures at {PAGES}")
    names = [name for name, _, _ in _expectations()]
    assert "archive.org.he.xinhuanet.com.25340717.html" in names
