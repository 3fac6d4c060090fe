"""The command line: output formats, inputs, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citecheck.cli import main

ROOT = Path(__file__).parent.parent
ARTICLE = ROOT / "examples" / "lo-2025-us-russia-ukraine-appeasement.txt"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_json_on_the_reference_article(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["extract", "--format", "json", str(ARTICLE)], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["schema_version"] == 1
    (citation,) = [c for c in report["citations"] if c["kind"] == "link"]
    assert citation["path"] == str(ARTICLE)
    assert (citation["line"], citation["column"]) == (78, 536)
    assert (citation["text"], citation["url"]) == ("www.gov.br", "https://www.gov.br")
    assert report["documents"][0]["format"] == "text"
    kinds = {c["kind"] for c in report["citations"]}
    assert kinds == {"link", "reference", "credit", "republication", "quote"}
    assert not [c for c in report["citations"] if c["form"] == "scare"]


def test_min_confidence_and_kind_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["extract", "--format", "json", "--kind", "reference,quote", "--min-confidence", "0.9",
         str(ARTICLE)],
        capsys,
    )  # fmt: skip
    assert code == 0
    found = json.loads(out)["citations"]
    assert {c["kind"] for c in found} == {"reference"}  # every quote here is below 0.9
    assert all(c["confidence"] >= 0.9 for c in found)
    assert len(found) == 5


def test_scare_quotes_flag_adds_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["extract", "--format", "json", "--scare-quotes", str(ARTICLE)], capsys)
    assert code == 0
    scare = [c["text"] for c in json.loads(out)["citations"] if c["form"] == "scare"]
    assert "apology" in scare
    assert "Greater Russia" in scare


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--min-confidence", "2"], "not between 0 and 1"),
        (["--min-confidence", "x"], "is not a number"),
        (["--kind", "links"], "unknown kind 'links'"),
    ],
)
def test_bad_filters_are_usage_errors(
    capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    code, _, err = run(["extract", *flags, str(ARTICLE)], capsys)
    assert code == 2
    assert message in err


def test_user_publisher_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "citecheck.toml"
    config.write_text(
        '[[publishers]]\nname = "Riverside Gazette"\ntype = "newspaper"\n'
        'domains = ["riverside.example"]\naliases = ["Riverside Gazette"]\n',
        encoding="utf-8",
    )
    article = tmp_path / "a.txt"
    article.write_text("Floods closed the bridge (Riverside Gazette, 3 May 2025).\n")
    code, out, _ = run(
        ["extract", "--format", "json", "--config", str(config), str(article)], capsys
    )
    assert code == 0
    (reference,) = json.loads(out)["citations"]
    assert (reference["publisher"], reference["domain"], reference["date"]) == (
        "Riverside Gazette",
        "riverside.example",
        "2025-05-03",
    )


def test_broken_config_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "citecheck.toml"
    config.write_text("publishers = [", encoding="utf-8")
    code, _, err = run(["extract", "--config", str(config), str(ARTICLE)], capsys)
    assert code == 2
    assert "not valid TOML" in err


def test_extract_table_lists_location_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["extract", str(ARTICLE)], capsys)
    assert code == 0
    assert "78:536" in out
    assert "https://www.gov.br" in out
    summary = " ".join(out.split()[-15:])  # the console may wrap the summary line
    assert summary == (
        "31 citations in 1 document: 1 link, 5 references, 5 credits, 1 republication, 19 quotes"
    )


def test_table_escapes_terminal_control_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "evil.html"
    article.write_text('<a href="https://a.org/x">\x1b[2Jred\u202eevil</a>', encoding="utf-8")
    code, out, _ = run(["extract", str(article)], capsys)
    assert code == 0
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "\\x1b" in out


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.json"
    code, out, _ = run(["extract", "--format", "json", "-o", str(target), str(ARTICLE)], capsys)
    assert code == 0
    assert out == ""
    found = json.loads(target.read_text(encoding="utf-8"))["citations"]
    assert [c["line"] for c in found if c["kind"] == "link"] == [78]


def test_unwritable_output_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["extract", "-o", str(tmp_path / "no" / "such" / "dir.json"), str(ARTICLE)], capsys
    )
    assert code == 2
    assert "cannot write" in err


def test_unreadable_input_is_reported_and_the_rest_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.md"
    good.write_text("https://a.org/x\n", encoding="utf-8")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out, err = run(
        ["extract", "--format", "json", str(binary), str(tmp_path / "gone.md"), str(good)], capsys
    )
    assert code == 2
    report = json.loads(out)
    assert [c["url"] for c in report["citations"]] == ["https://a.org/x"]
    assert {(p["path"], p["code"]) for p in report["problems"]} == {
        (str(binary), "binary"),
        (str(tmp_path / "gone.md"), "not-found"),
    }
    assert str(binary) in err


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO("見https://a.org/x。\n".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(["extract", "--format", "json", "-"], capsys)
    assert code == 0
    (citation,) = json.loads(out)["citations"]
    assert (citation["path"], citation["column"], citation["url"]) == ("-", 2, "https://a.org/x")


def test_base_url_resolves_relative_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "p.html"
    page.write_text('<a href="../x.html">x</a>', encoding="utf-8")
    code, out, _ = run(
        ["extract", "--format", "json", "--base-url", "https://s.org/a/b/", str(page)], capsys
    )
    assert code == 0
    assert json.loads(out)["citations"][0]["url"] == "https://s.org/a/x.html"


@pytest.mark.parametrize(
    "argv",
    [
        ["extract"],
        ["extract", "--base-url", "not a url", "x.md"],
        ["extract", "--encoding", "no-such-codec", "x.md"],
        ["extract", "--extensions", ",", "x.md"],
        ["extract", "--files-from", "/nonexistent/list.txt"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("citecheck: error:")


def test_bad_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["extract", "--no-such-flag", "x.md"])
    assert stopped.value.code == 2


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([], capsys)
    assert code == 2
    assert "extract" in out


def test_python_dash_m_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "citecheck", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("citecheck ")


def test_the_command_ends_without_teardown_but_with_its_output_whole(tmp_path: Path) -> None:
    # `python -m citecheck` (and the `citecheck` script) end with os._exit once the output is
    # flushed: a report larger than a pipe's buffer must still arrive whole, as must a file.
    article = tmp_path / "big.md"
    article.write_text(
        "".join(f"[{n}](https://news.example/{n})\n" for n in range(2000)), encoding="utf-8"
    )
    command = [sys.executable, "-m", "citecheck", "extract", "--format", "json"]
    done = subprocess.run([*command, str(article)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 65536
    assert len(json.loads(done.stdout)["citations"]) == 2000
    written = tmp_path / "report.json"
    done = subprocess.run(
        [*command, "--output", str(written), str(article), str(tmp_path / "missing.md")],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2  # the missing input: its exit code survives os._exit
    assert b"missing.md" in done.stderr
    assert len(json.loads(written.read_bytes())["citations"]) == 2000
    # A reader that goes away early is not an error with a traceback.
    reader = subprocess.Popen(
        [*command, str(article)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None
    assert reader.stderr is not None
    reader.stdout.read(10)
    reader.stdout.close()
    assert reader.wait(timeout=60) == 0
    assert b"Traceback" not in reader.stderr.read()


def test_version_and_help_do_not_load_the_parsers() -> None:
    # `--version` and `--help` must answer at once: none of the heavy modules may be imported.
    probe = (
        "import sys, contextlib, io\n"
        "from citecheck.cli import main\n"
        "for argv in (['--version'], ['--help'], ['extract', '--help'], ['check', '--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(argv)\n"
        "heavy = [m for m in ('rich', 'markdown_it', 'citecheck.extract', 'html.parser',\n"
        "                     'httpx', 'httpcore', 'trio', 'h2', 'citecheck.fetch')\n"
        "         if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_extensions_help_names_the_real_default(capsys: pytest.CaptureFixture[str]) -> None:
    from citecheck.collect import DEFAULT_EXTENSIONS

    with pytest.raises(SystemExit):
        main(["extract", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"(default: {','.join(DEFAULT_EXTENSIONS)})" in help_text


def test_extensions_flag_filters_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("https://a.org/md\n", encoding="utf-8")
    (tmp_path / "b.RST").write_text("https://a.org/rst\n", encoding="utf-8")
    code, out, _ = run(
        ["extract", "--format", "json", "--extensions", "rst", str(tmp_path)], capsys
    )
    assert code == 0
    assert [c["url"] for c in json.loads(out)["citations"]] == ["https://a.org/rst"]


def test_the_checking_workers_are_forked_before_the_command_line_is_parsed() -> None:
    # `main` forks the spares first (`_spares`): what this module imports by then is on the
    # way to the first request, and argparse (0.01 s) is for the parent alone.
    script = (
        "import sys\n"
        "import citecheck.cli\n"
        "assert 'argparse' not in sys.modules, 'imported with citecheck.cli'\n"
        "citecheck.cli._parser().parse_args(['check', 'a.md'])\n"
        "assert 'argparse' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)


def test_a_report_in_pieces_is_written_in_blocks_not_a_write_a_piece(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # With PYTHONUNBUFFERED, standard output has no buffer: a write a citation was a system
    # call a citation.
    from citecheck import cli

    class Raw:
        """An unbuffered standard output's binary layer: every write is kept apart."""

        def __init__(self) -> None:
            self.writes: list[bytes] = []

        def write(self, data: bytes) -> int:
            self.writes.append(data)
            return len(data)

        def flush(self) -> None:
            pass

    class Stdout:
        def __init__(self) -> None:
            self.buffer = Raw()

        def flush(self) -> None:
            pass

    stdout = Stdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    pieces = [b"x" * 1_000 + str(n).encode() for n in range(2_000)]
    cli._write(iter(pieces), None)
    writes = stdout.buffer.writes
    assert b"".join(writes) == b"".join(pieces)
    assert len(writes) <= len(b"".join(pieces)) // cli._BLOCK + 1
    assert all(len(block) >= cli._BLOCK for block in writes[:-1])

    path = tmp_path / "report.json"
    cli._write(iter(pieces), str(path))
    assert path.read_bytes() == b"".join(pieces)
    cli._write(iter([]), str(path))
    assert path.read_bytes() == b""
