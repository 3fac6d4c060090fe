"""`citecheck check` from the command line: flags, output, exit codes. The network is the
loopback fake web, reached with the user-facing seams `--connect-to` and `--cacert`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeweb import FakeWeb, page

from citecheck.cli import main
from citecheck.cli_check import _exit_code
from citecheck.model import CheckReport, Citation, CitationCheck, Outcome, Span


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seams(web: FakeWeb, tmp_path: Path) -> list[str]:
    """Flags that send news.example to the fake web's TLS server and trust its CA."""
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    return [
        "--connect-to", f"news.example:443:127.0.0.1:{web.https_port}",
        "--cacert", str(ca),
        "--allow-private", "--retries", "0", "--timeout", "5",
    ]  # fmt: skip


def article(tmp_path: Path, text: str) -> str:
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_all_fine_exits_0(web: FakeWeb, seams: list[str], tmp_path: Path, capsys) -> None:
    web.route("news.example", "/a", page("Story"))
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    code, out, _ = run(["check", "--format", "json", *seams, doc], capsys)
    assert code == 0
    (citation,) = json.loads(out)["citations"]
    assert (citation["status"], citation["http_status"]) == ("ok", 200)
    assert web.seen[0].host == "news.example"  # the Host header (and TLS name) stayed HOST1
    assert web.seen[0].tls


def test_a_dead_link_exits_1_once_confirmed_unless_fail_on_says_otherwise(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys
) -> None:
    doc = article(tmp_path, "[a](https://news.example/missing)\n")
    code, out, _ = run(["check", *seams, doc], capsys)
    assert code == 0  # a first failure is `failing` (docs/cache.md), not yet a finding
    assert "1 citation in 1 document: 1 failing" in " ".join(out.split())
    code, out, _ = run(["check", "--confirm-dead", "now", *seams, doc], capsys)
    assert code == 1
    assert "1 citation in 1 document: 1 dead" in " ".join(out.split())
    assert "answered from the cache" in " ".join(out.split())
    code, _, _ = run(["check", "--no-cache", "--fail-on", "none", *seams, doc], capsys)
    assert code == 0
    code, _, _ = run(["check", "--no-cache", "--fail-on", "blocked", *seams, doc], capsys)
    assert code == 0
    code, _, _ = run(["check", "--no-cache", *seams, doc], capsys)
    assert code == 1


def test_connect_to_a_loopback_address_is_refused_without_allow_private(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys
) -> None:
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    flags = [f for f in seams if f != "--allow-private"]
    code, out, _ = run(["check", "--format", "json", "--fail-on", "refused-private", *flags, doc],
                       capsys)  # fmt: skip
    assert code == 1
    assert json.loads(out)["citations"][0]["status"] == "refused-private"
    assert web.seen == []


def test_table_shows_status_location_url_http_and_detail(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys
) -> None:
    web.route("news.example", "/old", (301, {"Location": "/new"}, b""))
    web.route("news.example", "/new", page("New home"))
    doc = article(tmp_path, "See [it](https://news.example/old).\n")
    table = tmp_path / "table.txt"
    code, _, _ = run(["check", "-o", str(table), *seams, doc], capsys)
    assert code == 0
    out = table.read_text(encoding="utf-8")
    assert "redirected" in out
    assert "1:5" in out
    assert "https://news.example/old" in out
    assert "200" in out
    assert "cite https://news.example/new" in out
    assert "1 URL requested" in " ".join(out.split())


def test_no_cache_and_no_archive_are_accepted(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys
) -> None:
    web.route("news.example", "/a", page("Story"))
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    code, _, _ = run(["check", "--no-cache", "--no-archive", *seams, doc], capsys)
    assert code == 0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--connect-to", "nonsense"], "--connect-to"),
        (["--exclude", "("], "--exclude '(': not a regular expression"),
        (["--exclude-glob", "x["], "--exclude-glob 'x[': "),
        (["--exclude-path", "[z-a]"], "--exclude-path '[z-a]': "),
        (["--exclude-path-regex", "a)"], "--exclude-path-regex 'a)': not a regular expression"),
        (["--header", "Host: evil.example"], "Host"),
        (["--header", "no colon"], "--header"),
        (["--accept", "999"], "--accept"),
        (["--cacert", "/nonexistent/ca.pem"], "--cacert"),
        (["--fail-on", "broken"], "unknown status"),
        (["--host-user-agent", "no-equals"], "HOST=USER-AGENT"),
        (["--max-body-size", "huge"], "--max-body-size"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    code, out, err = run(["check", *flags, doc], capsys)
    assert code == 2
    assert out == ""
    assert message in err


def test_nothing_to_check_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check"], capsys)
    assert code == 2
    assert "nothing to check" in err


def test_bad_numbers_are_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--max-concurrency", "0", "x.md"])
    assert stopped.value.code == 2


def _report(status: str, *, offline: bool = False) -> CheckReport:
    span = Span(0, 1, 1, 1, 1, 2)
    citation = Citation("link", "a.md", span, "x", "x", "https://a.example/", "bare")
    outcome = Outcome(status, "why", reason="dns" if offline else None)  # type: ignore[arg-type]
    return CheckReport((), (CitationCheck(citation, outcome),), (), 1, offline)


def test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    from citecheck.policy import DEFAULT_FAIL_ON

    assert _exit_code(_report("ok"), DEFAULT_FAIL_ON) == 0
    assert _exit_code(_report("blocked"), DEFAULT_FAIL_ON) == 0
    assert _exit_code(_report("soft-404"), DEFAULT_FAIL_ON) == 1
    assert _exit_code(_report("offline", offline=True), DEFAULT_FAIL_ON) == 2
    assert "OFFLINE" in capsys.readouterr().err


def test_several_report_files_in_one_run(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web.route("news.example", "/a", page("Story"))
    doc = article(tmp_path, "[a](https://news.example/a) [b](https://news.example/gone)\n")
    files = {
        name: tmp_path / f"report.{name}" for name in ("json", "sarif", "markdown", "junit", "html")
    }
    flags = [flag for name, path in files.items() for flag in (f"--{name}", str(path))]
    code, out, _ = run(
        ["check", "--format", "github", "--confirm-dead", "now", *seams, *flags, doc], capsys
    )
    assert code == 1
    assert out.startswith("::error file=")  # standard output in --format
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert [c["status"] for c in data["citations"]] == ["ok", "dead"]
    assert json.loads(files["sarif"].read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert files["junit"].read_text(encoding="utf-8").startswith("<?xml")
    assert "dead" in files["markdown"].read_text(encoding="utf-8")
    assert files["html"].read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_extract_has_no_machine_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    code, _, err = run(["extract", "--format", "sarif", doc], capsys)
    assert code == 2
    assert "--format sarif is for check" in err


def test_an_unwritable_report_file_is_exit_2_after_the_others(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    web.route("news.example", "/a", page("Story"))
    doc = article(tmp_path, "[a](https://news.example/a)\n")
    written = tmp_path / "r.json"
    code, out, err = run(
        ["check", *seams, "--json", str(written), "--junit", str(tmp_path / "no" / "r.xml"), doc],
        capsys,
    )
    assert code == 2
    assert "cannot write" in err
    assert json.loads(written.read_text(encoding="utf-8"))["citations"][0]["status"] == "ok"
    assert "1 citation in 1 document" in " ".join(out.split())  # standard output still came


def test_warn_only_reports_findings_as_warnings_and_exits_0(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = article(tmp_path, "[b](https://news.example/gone)\n")
    code, out, _ = run(
        ["check", "--format", "github", "--confirm-dead", "now", "--warn-only", *seams, doc], capsys
    )
    assert code == 0
    assert out.startswith("::warning file=")
    code, _, err = run(["check", "--warn-only", "--fail-on", "dead", *seams, doc], capsys)
    assert code == 2
    assert "--warn-only and --fail-on" in err


@pytest.mark.parametrize("fmt", ["github", "json", "sarif"])
def test_machine_formats_put_the_summary_line_on_standard_error(
    web: FakeWeb, seams: list[str], tmp_path: Path, capsys, fmt: str
) -> None:
    web.route("news.example", "/a", page("Story"))
    doc = article(tmp_path, "[a](https://news.example/a) [b](https://news.example/b)\n")
    code, out, err = run(["check", "--format", fmt, "--no-cache", *seams, doc], capsys)
    assert code == 1
    if fmt == "github":  # the line is not mixed into the format
        assert all(line.startswith("::") for line in out.splitlines())
    else:
        json.loads(out)
    summary = [line for line in err.splitlines() if "citations in 1 document" in line]
    assert summary == ["citecheck: 2 citations in 1 document: 1 ok, 1 dead; 2 URLs requested"]
