"""Which snapshot is chosen: before the cited date, else the article's, else the latest."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from citecheck.archive.choose import choose, parse_cited, ranked
from citecheck.archive.model import Capture


def cap(stamp: str, status: int | None = 200, mimetype: str = "text/html") -> Capture:
    when = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return Capture(when, "https://a.example/", "wayback", status, f"u/{stamp}", mimetype)


CAPTURES = [
    cap("20200101000000"),
    cap("20200310120000"),
    cap("20200311235959"),
    cap("20200312000000"),
    cap("20210101000000"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-11", date(2025, 3, 11)),
        ("2025-03", date(2025, 3, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("2025", date(2025, 12, 31)),
        ("2025-13", None),
        ("2025-02-30", None),
        ("March 2025", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_cited_bounds_at_the_end_of_what_was_written(
    text: str | None, expected: date | None
) -> None:
    assert parse_cited(text) == expected


def test_the_latest_capture_on_or_before_the_cited_day_wins() -> None:
    choice = choose(CAPTURES, cited=date(2020, 3, 11), article=date(2020, 12, 1))
    assert choice is not None
    assert choice.capture.url == "u/20200311235959"  # the cited day itself counts
    assert not choice.after


def test_the_article_date_bounds_when_the_citation_has_none() -> None:
    choice = choose(CAPTURES, cited=None, article=date(2020, 6, 1))
    assert choice is not None
    assert choice.capture.url == "u/20200312000000"


def test_the_latest_capture_without_any_date() -> None:
    choice = choose(CAPTURES, cited=None, article=None)
    assert choice is not None
    assert choice.capture.url == "u/20210101000000"


def test_only_later_captures_give_the_earliest_of_them_flagged() -> None:
    choice = choose(CAPTURES, cited=date(2019, 5, 1), article=None)
    assert choice is not None
    assert choice.capture.url == "u/20200101000000"
    assert choice.after


def test_captures_that_did_not_answer_2xx_never_count() -> None:
    captures = [cap("20200101000000", 404), cap("20200102000000", 301), cap("20200103000000")]
    choice = choose(captures, cited=date(2020, 1, 2), article=None)
    assert choice is not None
    assert choice.capture.url == "u/20200103000000"
    assert choice.after
    assert choose([cap("20200101000000", 404)], cited=None, article=None) is None


def test_revisits_never_count_but_unknown_statuses_do() -> None:
    revisit = cap("20200105000000", None, "warc/revisit")
    unknown = cap("20200101000000", None)
    choice = choose([revisit, unknown], cited=date(2020, 1, 31), article=None)
    assert choice is not None
    assert choice.capture is unknown


def test_ranked_drops_duplicates_and_orders_before_then_after() -> None:
    order = ranked([*CAPTURES, cap("20200310120000")], date(2020, 3, 11))
    assert [c.capture.url for c in order] == [
        "u/20200311235959",
        "u/20200310120000",
        "u/20200101000000",
        "u/20200312000000",
        "u/20210101000000",
    ]
    assert [c.after for c in order] == [False, False, False, True, True]
