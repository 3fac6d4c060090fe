"""`report.github`: GitHub Actions workflow commands, one line per finding, escaped as the runner
unescapes them, so that no page title can inject a command or switch command processing off."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the tests here import the helper `reports`
import reports

from citecheck.model import CheckReport, DocumentSummary, Span
from citecheck.report.github import escape_data, escape_property, render

OURS = ("::error file=", "::warning file=", "::notice file=")


def test_a_dead_link_is_one_exact_error_command() -> None:
    report = CheckReport(documents=reports.sample().documents[:1], checks=(reports.DEAD,))
    assert render(report) == (
        "::error file=docs/a.md,line=3,col=5,endLine=3,endColumn=43,title=citecheck%3A dead"
        "::dead: https://news.example/gone (HTTP 404 Not Found)\n"
    )


def test_levels_map_to_error_warning_and_notice_one_line_per_finding() -> None:
    lines = render(reports.sample()).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",  # dead
        "::warning",  # blocked
        "::notice",  # permanent redirect
        "::notice",  # resolved
        "::notice",  # unresolved
        "::warning",  # quote not found
    ]
    assert [line.split("title=citecheck%3A ", 1)[1].split("::", 1)[0] for line in lines] == [
        "dead",
        "blocked",
        "redirected",
        "resolved",
        "unresolved",
        "quote-not-found",
    ]


def test_fail_on_decides_what_is_an_error() -> None:
    lines = render(reports.sample(), fail_on=frozenset({"blocked"})).splitlines()
    assert lines[0].startswith("::warning file=docs/a.md,line=3,")
    assert lines[1].startswith("::error file=docs/a.md,line=5,")


def test_no_finding_prints_nothing() -> None:
    report = CheckReport(documents=reports.sample().documents[:1], checks=(reports.OK,))
    assert render(report) == ""


def test_data_escapes_percent_carriage_return_and_line_feed() -> None:
    assert escape_data("100% a\r\nb\nc: d, e") == "100%25 a%0D%0Ab%0Ac: d, e"
    assert escape_data("%0A") == "%250A"  # an escape written in the text stays text


def test_properties_also_escape_colon_and_comma() -> None:
    assert escape_property("C:\\dir,x:y/50%\n") == "C%3A\\dir%2Cx%3Ay/50%25%0A"


def test_a_path_with_a_comma_colon_percent_and_backslashes_is_escaped() -> None:
    report = reports.hostile("t", path="docs\\a,b:c%d.md")
    line = render(report).splitlines()[0]
    assert line.startswith(
        "::error file=docs/a%2Cb%3Ac%25d.md,line=1,col=1,endLine=1,endColumn=20,"
        "title=citecheck%3A dead::"
    )


def test_a_hostile_message_cannot_start_a_command_or_stop_command_processing() -> None:
    title = (
        "x\n::error::injected\r\n::stop-commands::tok\n  ::add-mask::y ##[stop-commands]z ###[w]"
    )
    out = render(reports.hostile(title))
    lines = out.split("\n")
    assert lines[-1] == ""  # the output ends with a newline
    lines = lines[:-1]
    assert len(lines) == 2  # one per finding: the dead link, the unresolved reference
    for line in lines:
        assert line.startswith(OURS)
        assert "\r" not in line
        assert "##[" not in line  # the legacy form, which the runner looks for anywhere
    assert "%0A::error::injected%0D%0A::stop-commands::tok%0A  ::add-mask::y" in lines[0]
    assert "#＃[stop-commands]z ##＃[w]" in lines[0]
    assert [line.split(" ", 1)[0] for line in lines] == ["::error", "::notice"]


def test_control_bidi_and_separator_characters_become_replacement_characters() -> None:
    text = "a\x00b\x1b[31mc\x7fd\x85e\u202ef\u2066g\u2028h\ud800i\tj"
    assert escape_data(text) == "a\ufffdb\ufffd[31mc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffdi j"
    render(reports.hostile(text)).encode("utf-8")  # printable: no lone surrogate


def test_the_title_names_the_code_and_stdin_has_no_file() -> None:
    report = reports.hostile("t", path="-")
    line = render(report).splitlines()[0]
    assert line.startswith("::error title=citecheck%3A dead::dead: ")


def test_a_citation_over_several_lines_gets_lines_but_no_columns() -> None:
    check = replace(
        reports.DEAD, citation=replace(reports.DEAD.citation, span=Span(0, 90, 3, 5, 4, 7))
    )
    report = CheckReport(
        documents=(DocumentSummary("a.md", "markdown", "utf-8", 1),), checks=(check,)
    )
    line = render(report).splitlines()[0]
    assert line.startswith("::error file=docs/a.md,line=3,endLine=4,title=citecheck%3A dead::")


def test_long_messages_are_capped() -> None:
    line = render(reports.hostile("x" * 5000)).splitlines()[0]
    message = line.split("::", 2)[2]
    assert len(message) == 1000
    assert message.endswith("x…")
