"""Build the hand-built cassettes in this folder (run from the repository root:
`.venv/bin/python cassettes/handbuilt/build.py`).

Bodies and headers marked "verbatim" are copied from
`../shared/fixtures/archive/transcribed/api_response_examples.json` (real responses published as
text; each entry there names its source). Everything else follows the documented shapes and is
marked "hand-built" in cassettes/README.md. Request URLs are the ones citecheck sends, built with
the code that sends them, so that a change of query shows up as a cassette miss in the tests.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from citecheck.archive import cdx  # noqa: E402
from citecheck.archive.archive_today import TIMEMAP_URL  # noqa: E402
from citecheck.archive.memento import API_URL  # noqa: E402
from citecheck.archive.save import SAVE_URL  # noqa: E402
from citecheck.archive.wayback import AVAILABILITY_URL  # noqa: E402
from citecheck.cassette import Interaction, dump  # noqa: E402

HERE = Path(__file__).parent
EXAMPLES = ROOT.parent / "shared" / "fixtures" / "archive" / "transcribed"
EXAMPLES_FILE = EXAMPLES / "api_response_examples.json"


def example(group: str, ident: str) -> dict[str, Any]:
    data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return next(e for e in data[group] if e["id"] == ident)


def answer(
    method: str,
    uri: str,
    status: int,
    body: str | bytes = b"",
    headers: dict[str, str] | None = None,
    reason: str = "",
) -> Interaction:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return Interaction(
        method=method,
        uri=uri,
        status=status,
        headers=tuple((headers or {}).items()),
        body=raw,
        reason=reason
        or {200: "OK", 302: "FOUND", 403: "Forbidden", 404: "Not Found"}.get(status, ""),
        request_headers=(("User-Agent", "citecheck (hand-built)"),),
    )


def cdx_query(url: str, *, until: date | None = None, since: date | None = None) -> str:
    return cdx.CDX_URL + "?" + urlencode(cdx.lookup_params(url, until=until, since=since))


def cdx_json(rows: list[list[str]]) -> str:
    return json.dumps([list(cdx.LOOKUP_FIELDS), *rows])


def memento(stamp: str, original: str, when: str, title: str, status: int = 200) -> Interaction:
    return answer(
        "GET",
        cdx.replay_url(stamp, original, raw=True),
        status,
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>Archived text.</p></body></html>",
        {
            "Content-Type": "text/html; charset=utf-8",
            "Memento-Datetime": when,
            "Link": f'<{original}>; rel="original"',
            "X-Archive-Src": "hand-built",
        },
    )


JSON = {"Content-Type": "application/json"}
CDX_503 = {"Content-Type": "text/html"}


def build() -> dict[str, list[Interaction]]:
    cassettes: dict[str, list[Interaction]] = {}

    # The CDX doc example (verbatim rows) answering a look-up bounded at the end of 1997, and
    # replay of the chosen capture (hand-built memento).
    doc = example("wayback_cdx", "doc_json")
    cassettes["cdx_json_lookup.yaml"] = [
        answer("GET", cdx_query("archive.org", until=date(1997, 12, 31)), 200,
               json.dumps(doc["body"]), JSON),
        memento("19971211122953", "http://www.archive.org:80/",
                "Thu, 11 Dec 1997 12:29:53 GMT", "Internet Archive"),
    ]  # fmt: skip

    # The CDX doc example with a resume key (verbatim), and an empty second page (hand-built).
    resume = example("wayback_cdx", "doc_json_resume_key")
    first = cdx.CDX_URL + "?url=archive.org&limit=5&showResumeKey=true&output=json"
    key = resume["body"][-1][0]
    cassettes["cdx_json_resume_key.yaml"] = [
        answer("GET", first, 200, json.dumps(resume["body"]), JSON),
        answer("GET", first + "&" + urlencode({"resumeKey": key}), 200, "[]", JSON),
    ]

    # An archive 429 with Retry-After (no Memento-Datetime), then the answer: replayed in order.
    url = "https://news.example/2024/story"
    stamp = "20240301101500"
    cassettes["cdx_429_then_ok.yaml"] = [
        answer("GET", cdx_query(url, until=date(2024, 3, 31)), 429, "Too Many Requests",
               {"Content-Type": "text/plain", "Retry-After": "30"}),
        answer("GET", cdx_query(url, until=date(2024, 3, 31)), 200,
               cdx_json([[stamp, url, "text/html", "200"]]), JSON),
        memento(stamp, url, "Fri, 01 Mar 2024 10:15:00 GMT", "Story"),
    ]  # fmt: skip

    # A 2xx capture that is a not-found page (a capture taken after the page died).
    url = "https://news.example/gone"
    cassettes["soft404_capture.yaml"] = [
        answer("GET", cdx_query(url, until=date(2023, 6, 30)), 200,
               cdx_json([["20230601000000", url, "text/html", "200"]]), JSON),
        memento("20230601000000", url, "Thu, 01 Jun 2023 00:00:00 GMT", "Page Not Found"),
    ]  # fmt: skip

    # No capture before the cited date; the first one after it (flagged archived-after).
    url = "https://news.example/late"
    cassettes["capture_after_only.yaml"] = [
        answer("GET", cdx_query(url, until=date(2020, 1, 31)), 200, cdx_json([]), JSON),
        answer("GET", cdx_query(url, since=date(2020, 2, 1)), 200,
               cdx_json([["20200315080000", url, "text/html", "200"],
                         ["20210101000000", url, "text/html", "200"]]), JSON),
        memento("20200315080000", url, "Sun, 15 Mar 2020 08:00:00 GMT", "Late"),
    ]  # fmt: skip

    # CDX rows that lead to the real EDGI replay recordings (cassettes/edgi-wayback/).
    cassettes["cdx_for_edgi_replays.yaml"] = [
        answer("GET", cdx_query("https://nationalpost.com/health/", until=date(2017, 10, 1)),
               200, cdx_json([["20170929002712", "https://nationalpost.com/health/",
                               "text/html", "200"]]), JSON),
        answer("GET", cdx_query("http://www.reddit.com/r/PokemonGiveaway",
                                until=date(2015, 1, 31)),
               200, cdx_json([["20150129034904", "http://www.reddit.com/r/PokemonGiveaway",
                               "text/html", "200"]]), JSON),
        answer("GET", cdx_query("http://epa.gov/climatechange", until=date(2020, 2, 15)),
               200, cdx_json([["20200201020357", "http://epa.gov/climatechange",
                               "text/html", "200"]]), JSON),
        answer("GET", cdx_query("https://www.fws.gov/birds/", until=date(2017, 11, 10)),
               200, cdx_json([["20171101000000", "https://www.fws.gov/birds/",
                               "text/html", "200"]]), JSON),
    ]  # fmt: skip

    # Where the real non-playbackable recording's 302 leads (hand-built memento).
    cassettes["replay_nearest_capture.yaml"] = [
        memento("20150503090125", "http://www.fws.gov/birds/",
                "Sun, 03 May 2015 09:01:25 GMT", "Birds"),
    ]  # fmt: skip

    # The CDX server failing (hand-built 503), then the Availability API.
    empty = example("wayback_availability", "observed_2022_empty_with_timestamp_echo")
    url = "http://address.com/some_disappeared_but_archived_image.jpg"
    cassettes["availability_empty_but_archived.yaml"] = [
        answer("GET", cdx_query(url, until=date(1994, 2, 15)), 503, "Service Unavailable",
               CDX_503),
        answer("GET", AVAILABILITY_URL + "?" + urlencode({"url": url, "timestamp": "19940215"}),
               200, json.dumps(empty["body"]), JSON),
        answer("GET", AVAILABILITY_URL + "?" + urlencode(
            {"url": url.removeprefix("http://"), "timestamp": "19940215"}),
               200, json.dumps(empty["body"]), JSON),
    ]  # fmt: skip

    miss = example("wayback_availability", "observed_2025_https_inconsistency")
    url = "https://www.reddit.com/r/duckduckgo/"
    found = {
        "archived_snapshots": {
            "closest": {
                "status": "200",
                "available": True,
                "url": "http://web.archive.org/web/20250901120000/https://www.reddit.com/r/duckduckgo/",
                "timestamp": "20250901120000",
            }
        },
        "url": "www.reddit.com/r/duckduckgo/",
    }
    cassettes["availability_https_prefix_miss.yaml"] = [
        answer("GET", cdx_query(url, until=date(2025, 9, 20)), 503, "Service Unavailable",
               CDX_503),
        answer("GET", AVAILABILITY_URL + "?" + urlencode({"url": url, "timestamp": "20250920"}),
               200, json.dumps(miss["body"]), JSON),
        answer("GET", AVAILABILITY_URL + "?" + urlencode(
            {"url": "www.reddit.com/r/duckduckgo/", "timestamp": "20250920"}),
               200, json.dumps(found), JSON),
        memento("20250901120000", url, "Mon, 01 Sep 2025 12:00:00 GMT", "r/duckduckgo"),
    ]  # fmt: skip

    # archive.today: a TimeMap (verbatim), a miss, a CAPTCHA page.
    timemap = example("archive_today_timemap", "archive_md_wired")
    url = "https://www.wired.com/story/pig-butchering-fbi-ic3-2022-report/"
    cassettes["archive_today.yaml"] = [
        answer("GET", TIMEMAP_URL + url, 200, timemap["body_text"],
               {"Content-Type": "application/link-format"}),
        answer("GET", TIMEMAP_URL + "https://news.example/never", 200,
               "TimeMap does not exists", {"Content-Type": "text/plain"}),
        answer("GET", TIMEMAP_URL + "https://news.example/captcha", 429,
               "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
               {"Content-Type": "text/html", "Server": "cloudflare"}),
    ]  # fmt: skip

    # The Memento aggregator: Time Travel JSON (verbatim body), and a 404.
    travel = example("timetravel_json", "api_json_2013_lib_ugent")
    cassettes["timetravel.yaml"] = [
        answer("GET", API_URL + "20131231235959/http://lib.ugent.be", 200,
               json.dumps(travel["body"]), JSON),
        answer("GET", API_URL + "20131231235959/https://news.example/never", 404,
               "Not Found", {"Content-Type": "text/plain"}),
    ]  # fmt: skip

    # Save Page Now 2: accepted (shape from the transcribed note), pending, then success.
    job = "spn2-dea4b01e0c9b4a1f8d2f0a6b5c7e9d11"
    status_url = f"{SAVE_URL}/status/{job}"
    cassettes["spn2_accepted.yaml"] = [
        answer("POST", SAVE_URL, 200,
               json.dumps({"url": "https://news.example/new", "job_id": job}), JSON),
        answer("GET", status_url, 200, json.dumps({"status": "pending", "job_id": job}), JSON),
        answer("GET", status_url, 200, json.dumps({
            "status": "success", "job_id": job, "timestamp": "20260827101533",
            "original_url": "https://news.example/new", "duration_sec": 16.04,
            "http_status": 200}), JSON),
    ]  # fmt: skip

    refused = example("spn2", "capture_refused_http200")
    cassettes["spn2_refused.yaml"] = [
        answer("POST", SAVE_URL, 200, json.dumps(refused["body"]), JSON),
    ]
    return cassettes


def main() -> None:
    for name, interactions in build().items():
        dump(HERE / name, interactions)
        print(name, len(interactions))


if __name__ == "__main__":
    main()
