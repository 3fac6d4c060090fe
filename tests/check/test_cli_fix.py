"""`citecheck fix` from the command line, over a mock web (no network): the diff, `--write`,
`--backup`, a second run that changes nothing, and the bytes around the edits kept."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from citecheck.cli import main

SNAPSHOT = "https://web.archive.org/web/20250301101010/https://news.example/gone"
CDX_ROWS = [
    ["timestamp", "original", "mimetype", "statuscode"],
    ["20250301101010", "https://news.example/gone", "text/html", "200"],
]


def web(request: httpx.Request) -> httpx.Response:
    """news.example: /gone is dead, /live is fine, /old moved for good to /new; the Wayback
    Machine holds /gone."""
    host, path = request.url.host, request.url.path
    if host == "news.example":
        if path in ("/live", "/new"):
            return httpx.Response(
                200, headers={"Content-Type": "text/html"}, text="<title>x</title>"
            )
        if path == "/old":
            return httpx.Response(301, headers={"Location": "https://news.example/new"})
        return httpx.Response(404, text="not found")
    if host == "web.archive.org" and path == "/cdx/search/cdx":
        url = request.url.params.get("url", "")
        return httpx.Response(200, json=CDX_ROWS if url.endswith("/gone") else CDX_ROWS[:1])
    if host == "web.archive.org" and path.startswith("/web/20250301101010id_/"):
        return httpx.Response(
            200,
            headers={"Memento-Datetime": "Sat, 01 Mar 2025 10:10:10 GMT"},
            text="<title>x</title>",
        )
    return httpx.Response(404, text="nothing here")


ARTICLE = (
    "\ufeffDated: 2025-03-20\r\n\r\n"
    "The report ([gone](https://news.example/gone)) and ([live](https://news.example/live)),\r\n"
    "moved: [old](https://news.example/old). 中文句子。\r\n"
)
FLAGS = ["--archives", "wayback", "--retries", "0", "--no-cache", "--confirm-dead", "now"]


@pytest.fixture
def article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from citecheck import cli_archive

    monkeypatch.setattr(
        cli_archive, "transport", lambda options, settings: httpx.MockTransport(web)
    )
    path = tmp_path / "a.md"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def test_without_write_a_diff_and_nothing_changed(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = article.read_bytes()
    assert main(["fix", *FLAGS, str(article)]) == 0
    out, err = capsys.readouterr()
    assert article.read_bytes() == before
    shown = str(article).lstrip("/")
    assert f"--- a/{shown}\n+++ b/{shown}\n" in out
    assert f"+The report ([gone](https://news.example/gone) ([archived]({SNAPSHOT}))) and" in out
    assert "would change 1 document" in err


def test_write_changes_only_the_edits_and_a_second_run_nothing(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = article.read_bytes()
    assert main(["fix", *FLAGS, "--write", "--backup", "--update-redirects", str(article)]) == 0
    _, err = capsys.readouterr()
    after = article.read_bytes()
    assert Path(f"{article}.orig").read_bytes() == before
    inserted = f" ([archived]({SNAPSHOT}))".encode()
    expected = before.replace(b"/gone)", b"/gone)" + inserted, 1).replace(
        b"https://news.example/old", b"https://news.example/new"
    )
    assert after == expected  # BOM, CRLF and every other byte kept
    assert "changed 1 document" in err
    assert main(["fix", *FLAGS, "--write", "--update-redirects", str(article)]) == 0
    _, err = capsys.readouterr()
    assert article.read_bytes() == after
    assert "changed 0 documents" in err


def test_backup_needs_write(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "--backup", str(article)]) == 2
    assert "--backup goes with --write" in capsys.readouterr().err


def test_a_bad_archived_form_is_a_usage_error(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fix", "--archived-form", " (archived)", str(article)]) == 2
    assert "--archived-form" in capsys.readouterr().err


def test_html_gets_robust_links_and_a_visible_archived_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from citecheck import cli_archive

    monkeypatch.setattr(
        cli_archive, "transport", lambda options, settings: httpx.MockTransport(web)
    )
    page = tmp_path / "a.html"
    page.write_text(
        '<html><body><p>The <a href="https://news.example/gone" title="a>b">report</a>.</p>'
        "</body></html>\n",
        encoding="utf-8",
    )
    assert main(["fix", *FLAGS, "--write", str(page)]) == 0
    capsys.readouterr()
    assert page.read_text(encoding="utf-8") == (
        '<html><body><p>The <a href="https://news.example/gone" title="a>b"'
        ' data-originalurl="https://news.example/gone"'
        f' data-versionurl="{SNAPSHOT}" data-versiondate="2025-03-01">report</a>'
        f' (<a href="{SNAPSHOT}">archived</a>).</p></body></html>\n'
    )
    assert main(["fix", *FLAGS, "--write", str(page)]) == 0
    assert "changed 0 documents" in capsys.readouterr().err


def test_standard_input_is_checked_but_not_fixed(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    assert main(["fix", *FLAGS, "--write", "-"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "standard input was checked but cannot be fixed" in err
    assert "changed 0 documents" in err
