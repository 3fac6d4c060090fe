"""Reading the CDX index, on the real rows recorded from it."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from citecheck.archive import cdx
from citecheck.cassette import load


def body(path: Path, index: int = 0) -> str:
    one = load(path)[index]
    data = one.body
    if ("content-encoding", "gzip") in [(k.lower(), v) for k, v in one.headers]:
        data = gzip.decompress(data)
    return data.decode("utf-8")


def test_duplicate_rows_are_read_and_then_chosen_once(cassettes: Path) -> None:
    page = cdx.parse_text(body(cassettes / "edgi-wayback" / "test_search.yaml"))
    assert len(page.captures) == 3
    assert {c.when for c in page.captures} == {datetime(1996, 12, 31, 23, 58, 47, tzinfo=UTC)}
    assert (
        page.captures[0].url == "https://web.archive.org/web/19961231235847/http://www.nasa.gov:80/"
    )


def test_revisit_rows_have_no_status_and_do_not_count(cassettes: Path) -> None:
    path = cassettes / "edgi-wayback" / "test_search_does_not_repeat_results.yaml"
    page = cdx.parse_text(body(path))
    revisits = [c for c in page.captures if c.mimetype == "warc/revisit"]
    assert revisits
    assert all(c.status is None and not c.counts for c in revisits)
    assert any(c.status == 301 for c in page.captures)


def test_percent_encoded_originals_are_kept(cassettes: Path) -> None:
    page = cdx.parse_text(body(cassettes / "edgi-wayback" / "test_search_with_filter.yaml", 1))
    assert page.captures
    assert all(c.status == 404 for c in page.captures)
    assert "%20mission_pages" in page.captures[0].original


def test_the_resume_key_after_the_blank_line(cassettes: Path) -> None:
    page = cdx.parse_text(body(cassettes / "edgi-wayback" / "test_search_multipage.yaml"))
    assert page.resume_key == "com%2Ccnn%29%2F+2001041400593%3A"
    assert len(page.captures) == 25


def test_malformed_rows_are_skipped_not_fatal(cassettes: Path) -> None:
    text = (cassettes / "edgi-wayback" / "cdx" / "malformed_cdx.txt").read_text()
    page = cdx.parse_text(text)
    assert page.skipped == 1  # `some/not/even/url/thing` is not a URL
    originals = [c.original for c in page.captures]
    assert "https://www.epa.gov/" in originals
    data_uri = next(c for c in page.captures if "data:image" in c.original)
    assert data_uri.status == 404
    assert not data_uri.counts
    mailto = next(c for c in page.captures if "mailto:" in c.original)
    assert mailto.mimetype == "unk"
    assert not mailto.counts


def test_a_dash_length_and_no_final_newline(cassettes: Path) -> None:
    text = (cassettes / "edgi-wayback" / "cdx" / "zero_length_cdx.txt").read_text()
    assert not text.endswith("\n")
    page = cdx.parse_text(text)
    assert len(page.captures) == 5
    assert page.captures[-1].when == datetime(2010, 2, 18, 2, 54, 51, tzinfo=UTC)


def test_impossible_timestamps_are_skipped(cassettes: Path) -> None:
    text = (cassettes / "edgi-wayback" / "cdx" / "bad_timestamp_cdx.txt").read_text()
    page = cdx.parse_text(text)
    assert page.skipped == 2
    stamps = {cdx.timestamp(c.when) for c in page.captures}
    assert "20000012170449" not in stamps
    assert "20000800241623" not in stamps
    assert "20000311052312" in stamps


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20171124151315", datetime(2017, 11, 24, 15, 13, 15, tzinfo=UTC)),
        ("199402152345", datetime(1994, 2, 15, 23, 45, tzinfo=UTC)),
        ("2006", datetime(2006, 1, 1, tzinfo=UTC)),
        ("20000012170449", None),
        ("20000800241623", None),
        ("2000081", None),
        ("-", None),
    ],
)
def test_parse_timestamp(text: str, expected: datetime | None) -> None:
    assert cdx.parse_timestamp(text) == expected


def test_json_rows_with_a_resume_key(cassettes: Path) -> None:
    page = cdx.parse_json(body(cassettes / "handbuilt" / "cdx_json_resume_key.yaml"))
    assert len(page.captures) == 5
    assert page.resume_key == "org%2Carchive%29%2F+19980109140106%21"
    assert page.captures[0].status == 200


def test_json_that_is_not_a_listing_is_an_error() -> None:
    with pytest.raises(cdx.CdxFormatError):
        cdx.parse_json("<html>busy</html>")
    with pytest.raises(cdx.CdxFormatError):
        cdx.parse_json('{"rows": 1}')
    assert cdx.parse_json("").captures == ()
    assert cdx.parse_json("[]").captures == ()


def test_lookup_params_ask_for_2xx_captures_in_a_window() -> None:
    before = cdx.lookup_params("https://a.example/", until=date(2020, 3, 11))
    assert before["filter"] == "statuscode:2.."
    assert before["output"] == "json"
    assert before["fl"] == "timestamp,original,mimetype,statuscode"
    assert (before["to"], before["limit"]) == ("20200311235959", "-5")
    assert "from" not in before
    after = cdx.lookup_params("https://a.example/", since=date(2020, 3, 12))
    assert (after["from"], after["limit"]) == ("20200312000000", "5")
    assert json.dumps(cdx.lookup_params("u")).count("limit") == 1


def test_blocked_site_error_is_exclusion(cassettes: Path) -> None:
    (one,) = load(cassettes / "edgi-wayback" / "test_search_raises_for_blocked_urls.yaml")
    headers = {k.lower(): v for k, v in one.headers}
    why = cdx.is_excluded(one.status, headers, "")
    assert why is not None
    assert "AdministrativeAccessControlException" in why
    assert cdx.is_excluded(403, {}, "Forbidden") is None
    assert cdx.is_excluded(200, {}, "Blocked Site Error") is None
