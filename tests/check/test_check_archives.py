"""`check` with the archives: the snapshot beside the live result, `--save --dry-run`, and a
run recorded with `--record` and replayed with `--replay`, all through a mock web (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from citecheck.archiving import ArchiveOptions
from citecheck.check import check_paths
from citecheck.cli import main
from citecheck.settings import FetchSettings

CDX_ROWS = [
    ["timestamp", "original", "mimetype", "statuscode"],
    ["20250301101010", "https://news.example/gone", "text/html", "200"],
    ["20250401101010", "https://news.example/gone", "text/html", "200"],
]


def web(request: httpx.Request) -> httpx.Response:
    """news.example: /gone is dead, /live is fine; the Wayback Machine holds /gone."""
    host, path = request.url.host, request.url.path
    if host == "news.example":
        if path == "/live":
            return httpx.Response(
                200, headers={"Content-Type": "text/html"}, text="<title>x</title>"
            )
        return httpx.Response(404, text="not found")
    if host == "web.archive.org" and path == "/cdx/search/cdx":
        url = request.url.params.get("url", "")
        rows = CDX_ROWS if url.endswith("/gone") else CDX_ROWS[:1]
        return httpx.Response(200, json=rows)
    if host == "web.archive.org" and path.startswith("/web/20250301101010id_/"):
        return httpx.Response(
            200,
            headers={"Memento-Datetime": "Sat, 01 Mar 2025 10:10:10 GMT"},
            text="<title>x</title>",
        )
    return httpx.Response(404, text="nothing here")  # other archives: nothing held


ARTICLE = (
    "Dated: 2025-03-20\n\n"
    "The report ([gone](https://news.example/gone)) and ([live](https://news.example/live)).\n"
)


def write(tmp_path: Path) -> str:
    path = tmp_path / "a.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return str(path)


def test_dead_link_with_a_snapshot_is_reported_with_it(tmp_path: Path) -> None:
    report = check_paths(
        [write(tmp_path)],
        settings=FetchSettings(retries=0, timeout=5.0),
        transport=httpx.MockTransport(web),
        archive=ArchiveOptions(("wayback",), paced=False),
    )
    checks = {c.citation.url: c for c in report.checks if c.citation.kind == "link"}
    gone = checks["https://news.example/gone"]
    assert gone.outcome is not None
    assert gone.outcome.status == "dead"
    assert gone.archive is not None
    assert (gone.archive.status, gone.archive.source) == ("archived", "wayback")
    assert (
        gone.archive.url == "https://web.archive.org/web/20250301101010/https://news.example/gone"
    )
    live = checks["https://news.example/live"]
    assert live.archive is not None
    assert live.archive.status == "not-archived"


def test_no_archive_asks_no_archive(tmp_path: Path) -> None:
    asked: list[str] = []

    def counting(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        return web(request)

    report = check_paths(
        [write(tmp_path)],
        settings=FetchSettings(retries=0, timeout=5.0),
        transport=httpx.MockTransport(counting),
        archive=None,
    )
    assert set(asked) == {"news.example"}
    assert all(c.archive is None for c in report.checks)


def test_record_then_replay_gives_the_same_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from citecheck import cli_archive
    from citecheck.cassette import RecordingTransport

    cassette = tmp_path / "run.yaml"
    doc = write(tmp_path)
    # --record over the mock web instead of the network: the transport it builds, swapped.
    monkeypatch.setattr(
        cli_archive, "transport",
        lambda options, settings: RecordingTransport(httpx.MockTransport(web), options.record),
    )  # fmt: skip
    flags = ["--format", "json", "--archives", "wayback", "--retries", "0"]
    assert main(["check", *flags, "--record", str(cassette), doc]) == 1
    recorded = json.loads(capsys.readouterr().out)
    assert cassette.exists()
    monkeypatch.undo()
    assert main(["check", *flags, "--replay", str(cassette), doc]) == 1
    replayed = json.loads(capsys.readouterr().out)
    assert replayed["citations"] == recorded["citations"]
    gone = next(c for c in replayed["citations"] if c.get("url") == "https://news.example/gone")
    assert gone["status"] == "dead"
    assert gone["archive"]["status"] == "archived"
    assert gone["archive"]["timestamp"] == "2025-03-01T10:10:10Z"
    assert gone["headline"] == "dead, archived copy available"


def test_replay_of_an_unrecorded_request_is_unreachable_naming_the_cassette(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cassette = tmp_path / "empty.yaml"
    cassette.write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    code = main(["check", "--format", "json", "--no-archive", "--replay", str(cassette),
                 write(tmp_path)])  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    links = [c for c in data["citations"] if c.get("kind") == "link"]
    assert code == 0  # unreachable is not among the statuses that fail a run by default
    assert [c["status"] for c in links] == ["unreachable", "unreachable"]
    assert all(str(cassette) in c["detail"] for c in links)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--archives", "wayback,nope"], "--archives"),
        (["--dry-run"], "--dry-run goes with --save"),
        (["--save", "--no-archive"], "--save needs the archives"),
        (["--save"], "CITECHECK_IA_ACCESS_KEY"),
        (["--replay", "x.yaml", "--record", "y.yaml"], "cannot go together"),
        (["--replay", "/nonexistent/c.yaml"], "--replay"),
    ],
)
def test_archive_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    flags: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("CITECHECK_IA_ACCESS_KEY", raising=False)
    monkeypatch.delenv("CITECHECK_IA_SECRET_KEY", raising=False)
    assert main(["check", *flags, write(tmp_path)]) == 2
    assert message in capsys.readouterr().err
