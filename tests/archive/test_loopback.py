"""Archive hosts are ordinary hosts for `--connect-to`: the real client stack (pool, TLS,
connect-time guard) pointed at a loopback fake of web.archive.org."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import trustme

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "check"))
import fakeweb

from citecheck.archive import Archives, Pacer, Session
from citecheck.fetch import make_client
from citecheck.settings import FetchSettings, parse_connect_to

MEMENTO_DATETIME = "Fri, 01 Mar 2024 10:15:00 GMT"
HOSTS = ["web.archive.org", "archive.org", "archive.ph", "timetravel.mementoweb.org"]


@pytest.fixture(scope="module")
def archive_web() -> Iterator[fakeweb.FakeWeb]:
    web = fakeweb.FakeWeb(trustme.CA())
    fakeweb.start(web, HOSTS)
    yield web
    fakeweb.stop(web)


@pytest.mark.trio
async def test_connect_to_points_the_archives_at_loopback(archive_web: fakeweb.FakeWeb) -> None:
    # The real clock: a mock clock would jump ahead while the loopback servers answer. The two
    # requests go to two services (cdx, replay), so neither waits for pacing.
    web = archive_web
    rows = [["timestamp", "original", "mimetype", "statuscode"],
            ["20240301101500", "https://news.example/x", "text/html", "200"]]  # fmt: skip
    web.route("web.archive.org", "/cdx/search/cdx",
              (200, {"Content-Type": "application/json"}, json.dumps(rows).encode()))  # fmt: skip
    web.route(
        "web.archive.org",
        "/web/20240301101500id_/https://news.example/x",
        fakeweb.page(
            "Story", "<p>text</p>", **{"Memento-Datetime": "Fri, 01 Mar 2024 10:15:00 GMT"}
        ),
    )
    rules = tuple(parse_connect_to(f"{host}:443:127.0.0.1:{web.https_port}") for host in HOSTS)
    settings = FetchSettings(connect_to=rules, allow_private=True, retries=0, timeout=5.0)
    transport = fakeweb.transport_for(web, settings)
    async with make_client(settings, transport=transport) as client:
        archives = Archives(Session(client, Pacer()), archives=("wayback",))
        result = await archives.find("https://news.example/x", cited=date(2024, 3, 31))
    assert result.status == "archived", result.detail
    assert result.timestamp == "2024-03-01T10:15:00Z"
    seen = web.requests_to("web.archive.org")
    assert [s.path for s in seen] == [
        "/cdx/search/cdx",
        "/web/20240301101500id_/https://news.example/x",
    ]
    assert all(s.tls and s.headers["User-Agent"].startswith("citecheck/") for s in seen)
