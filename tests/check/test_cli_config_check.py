"""`citecheck check` configured by a file and the environment, end to end on the loopback fake
web: the seams, per-host headers and accepted statuses, and `fail-on`, all from the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeweb import FakeWeb, page

from citecheck.cli import main


@pytest.fixture
def configured(web: FakeWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with an article and a citecheck.toml that points news.example (and
    other.example) at the fake web: nothing on the command line but the command."""
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    (tmp_path / "a.md").write_text(
        "[a](https://news.example/a) [gone](https://news.example/gone) "
        "[b](https://other.example/b) [gone too](https://other.example/gone)\n",
        encoding="utf-8",
    )
    (tmp_path / "citecheck.toml").write_text(
        f"""
paths = ["a.md"]
[check]
format = "json"
connect-to = ["news.example:443:127.0.0.1:{web.https_port}",
              "other.example:443:127.0.0.1:{web.https_port}"]
cacert = "ca.pem"
allow-private = true
retries = 0
timeout = 5
no-cache = true
no-archive = true
confirm-dead = "now"
header = {{ "X-Desk" = "all" }}

[hosts."news.example"]
headers = {{ "X-Desk" = "news", "X-Token" = "t1" }}
user-agent = "desk-bot/1"
accept = [404]
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    web.route("news.example", "/a", page("A"))
    web.route("other.example", "/b", page("B"))
    return tmp_path


def statuses(out: str) -> dict[str, tuple[str, str | None]]:
    return {c["url"]: (c["status"], c["reason"]) for c in json.loads(out)["citations"]}


def test_everything_from_the_file(
    web: FakeWeb, configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check"])
    out, err = capsys.readouterr()
    assert code == 1, err  # other.example/gone is dead; news.example's 404 is accepted
    assert statuses(out) == {
        "https://news.example/a": ("ok", None),
        "https://news.example/gone": ("ok", "accepted"),
        "https://other.example/b": ("ok", None),
        "https://other.example/gone": ("dead", None),
    }
    news = web.requests_to("news.example")
    other = web.requests_to("other.example")
    assert news
    assert other
    assert all(s.headers.get("X-Desk") == "news" for s in news)
    assert all(s.headers.get("X-Token") == "t1" for s in news)
    assert all(s.headers.get("User-Agent") == "desk-bot/1" for s in news)
    assert all(s.headers.get("X-Desk") == "all" for s in other)
    assert not any("X-Token" in s.headers for s in other)
    assert all(s.headers.get("User-Agent", "").startswith("citecheck/") for s in other)


def test_environment_and_flags_over_the_file(
    web: FakeWeb, configured: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("CITECHECK_FAIL_ON", "none")
    assert main(["check"]) == 0  # the environment's fail-on over the default
    capsys.readouterr()
    assert main(["check", "--fail-on", "dead"]) == 1  # the flag's over the environment's
    capsys.readouterr()
    monkeypatch.setenv("CITECHECK_ACCEPT", "404")
    assert main(["check", "--fail-on", "dead", "--format", "table"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "4 ok" in out


def test_excludes_and_severities_from_the_file(
    web: FakeWeb, configured: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafts = configured / "drafts"
    drafts.mkdir()
    (drafts / "b.md").write_text("[x](https://news.example/draft)\n", encoding="utf-8")
    (configured / "old.md").write_text("[y](https://news.example/old)\n", encoding="utf-8")
    config = configured / "citecheck.toml"
    config.write_text(
        'exclude-glob = ["other.example/gone"]\n'
        'exclude-path = ["drafts"]\nexclude-path-regex = ["^old"]\n'
        'fail-on = "warning"\n' + config.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    code = main(["check", "."])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert [d["path"] for d in report["documents"]] == ["./a.md"]
    assert statuses(out)["https://other.example/gone"] == ("excluded", None)
    (gone,) = [c for c in report["citations"] if c["url"] == "https://other.example/gone"]
    assert gone["detail"] == "matches --exclude-glob 'other.example/gone'"
    assert not web.requests_to("other.example", "/gone")
    web.route("news.example", "/a", page("Busy", status=503))
    assert main(["check", "."]) == 1  # a server error is a warning: it fails at `warning`
    capsys.readouterr()
    assert main(["check", "--fail-on", "error", "."]) == 0
