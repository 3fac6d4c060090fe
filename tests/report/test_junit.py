"""`report.junit`: JUnit XML, one test suite per document and one test case per citation, and
well-formed whatever a page or an article says."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # the tests here import the helper `reports`
import reports

from citecheck.model import CheckReport, DocumentSummary, InputProblem
from citecheck.report.junit import clean, render

NASTY = "a]]>b <c> & d\x00e\x1b[31mf\udcffg \"h\" 'i'\r\nj\tk\x85l\u202em\ufffen\uffffo 😀"
"""A title with what breaks XML: a CDATA end, markup, controls, a lone surrogate, non-characters."""


def parse(report: CheckReport, fail_on: frozenset[str] | None = None) -> ET.Element:
    out = render(report) if fail_on is None else render(report, fail_on=fail_on)
    return ET.fromstring(out.encode("utf-8"))


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in root.iter("testcase")}


def test_counts_add_up_across_suites_and_cases() -> None:
    root = parse(reports.sample())
    assert root.tag == "testsuites"
    assert root.attrib == {
        "name": "citecheck",
        "tests": "8",
        "failures": "1",
        "errors": "0",
        "skipped": "1",
        "time": "0",
    }
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [reports.A, reports.B]
    for key in ("tests", "failures", "errors", "skipped"):
        assert sum(int(suite.get(key, "")) for suite in suites) == int(root.get(key, ""))
    for suite in suites:
        found = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(found)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in found)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in found)


def test_test_cases_are_named_by_position_kind_and_url_or_text() -> None:
    names = [(c.get("classname"), c.get("name")) for c in parse(reports.sample()).iter("testcase")]
    assert names == [
        (reports.A, "3:5 link https://news.example/gone"),
        (reports.A, "5:1 link https://walled.example/story"),
        (reports.A, "7:1 link https://news.example/old"),
        (reports.A, "9:1 link https://news.example/fine"),
        (reports.A, "11:1 reference https://stats.example/annual-2024"),
        (reports.A, "13:1 reference Survey of Everything"),
        (reports.B, "2:1 quote we never said that"),
        (reports.B, "4:1 quote nothing to check"),
    ]


def test_an_error_finding_is_a_failure_with_its_code_message_and_details() -> None:
    dead = cases(parse(reports.sample()))["3:5 link https://news.example/gone"]
    (failure,) = dead.findall("failure")
    assert failure.attrib == {
        "type": "dead",
        "message": "dead: https://news.example/gone (HTTP 404 Not Found)",
    }
    assert failure.text == (
        "dead: https://news.example/gone (HTTP 404 Not Found)\n"
        "at docs/a.md:3:5\n"
        "cited as: [the report](https://news.example/gone)"
    )


def test_there_is_one_failure_per_citation_with_error_findings() -> None:
    fail_on = frozenset({"dead", "blocked", "quote-not-found", "unresolved"})
    root = parse(reports.sample(), fail_on)
    failures = [(case.get("name"), f.get("type")) for case in root.iter("testcase")
                for f in case.findall("failure")]  # fmt: skip
    assert failures == [
        ("3:5 link https://news.example/gone", "dead"),
        ("5:1 link https://walled.example/story", "blocked"),
        ("13:1 reference Survey of Everything", "unresolved"),
        ("2:1 quote we never said that", "quote-not-found"),
    ]
    assert root.get("failures") == "4"


def test_warnings_and_notes_go_to_system_out_not_failures() -> None:
    found = cases(parse(reports.sample()))
    blocked = found["5:1 link https://walled.example/story"]
    assert blocked.find("failure") is None
    assert blocked.findtext("system-out") == (
        "warning: blocked: https://walled.example/story"
        " (HTTP 403 Forbidden (no bot-protection marker found))"
    )
    moved = found["7:1 link https://news.example/old"]
    assert moved.findtext("system-out") == (
        "note: redirected permanently: cite https://news.example/new instead of"
        " https://news.example/old"
    )
    quote = found["2:1 quote we never said that"]
    assert quote.findtext("system-out") == "warning: quote-not-found: closest: we said this"


def test_a_passing_citation_has_an_empty_test_case() -> None:
    ok = cases(parse(reports.sample()))["9:1 link https://news.example/fine"]
    assert list(ok) == []


def test_a_citation_with_nothing_to_check_is_skipped() -> None:
    found = cases(parse(reports.sample()))
    (skipped,) = found["4:1 quote nothing to check"]
    assert (skipped.tag, skipped.attrib) == ("skipped", {"message": "not checked"})
    # A reference that was resolved (or searched for) and a verified quote were checked.
    assert found["13:1 reference Survey of Everything"].find("skipped") is None
    assert found["2:1 quote we never said that"].find("skipped") is None


def test_unreadable_inputs_are_errors() -> None:
    report = CheckReport(problems=(InputProblem("gone.md", "no such file", "not-found"),))
    root = parse(report)
    assert (root.get("tests"), root.get("errors"), root.get("failures")) == ("1", "1", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "gone.md"
    error = suite.find("testcase/error")
    assert error is not None
    assert error.attrib == {"type": "not-found", "message": "no such file"}


def test_output_declares_utf8_xml_and_a_document_without_citations_is_an_empty_suite() -> None:
    report = CheckReport(documents=(DocumentSummary("empty.md", "markdown", "utf-8", 0),))
    out = render(report)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    (suite,) = ET.fromstring(out.encode("utf-8")).findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), list(suite)) == ("empty.md", "0", [])


def test_clean_removes_what_xml_cannot_hold_and_the_controls_no_report_needs() -> None:
    assert clean(NASTY) == "a]]>b <c> & de[31mfg \"h\" 'i'\nj\tklmno 😀"


def test_a_hostile_title_yields_well_formed_xml_whose_text_is_the_cleaned_title() -> None:
    out = render(reports.hostile(NASTY, path=f"docs/{NASTY}.md"))
    out.encode("utf-8")  # no lone surrogate left
    assert "]]>" not in out
    root = ET.fromstring(out.encode("utf-8"))
    shown = clean(NASTY)
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == f"docs/{shown}.md"
    dead, reference = root.iter("testcase")
    assert dead.get("classname") == f"docs/{shown}.md"
    assert dead.get("name") == "1:1 link https://evil.example/x"
    failure = dead.find("failure")
    assert failure is not None
    assert failure.get("message") == f"dead: https://evil.example/x ({shown})"
    assert (failure.text or "").startswith(f"dead: https://evil.example/x ({shown})\n")
    assert reference.get("name") == "2:1 reference " + " ".join(shown.split())
    assert reference.findtext("system-out") == f"note: unresolved: {shown} ({shown})"


def test_long_names_are_capped() -> None:
    out = render(reports.hostile("x" * 500, url="https://a.example/" + "y" * 500))
    name = next(ET.fromstring(out.encode("utf-8")).iter("testcase")).get("name", "")
    assert name == "1:1 link https://a.example/" + "y" * 101 + "…"
