"""The JUnit XML report, for CI systems that show test results (Jenkins, GitLab, the GitHub
Actions test reporters). Pure.

The shape is the common one: `<testsuites name="citecheck">`, one `<testsuite>` per document
(named by its path), one `<testcase>` per citation (`classname` the path, `name`
`"{line}:{column} {kind} {URL or cited text}"`). What each citation's findings
(`report.findings`) make of its test case:

- any `error`-level finding: one `<failure type="{code}" message="{message}">`, the code and
  message of the first, the body every error with where the citation is and how it was written;
- `warning` and `note` findings: lines of the test case's `<system-out>` (never failures);
- nothing checked (no outcome, resolution or verification; or `excluded`,
  `unsupported-scheme`): `<skipped message="not checked"/>`.

An input that could not be read is a test suite of its own whose one test case has an
`<error>`; `errors` is 0 otherwise.

The XML is built with `xml.etree.ElementTree`, which escapes what it writes. What XML 1.0 cannot
hold even escaped is removed first from every text and attribute — C0 controls but tab, newline
and carriage return, U+FFFE and U+FFFF, lone surrogates — and with them DEL, C1 controls and bidi
controls, which no report needs; a carriage return becomes a newline (a parser would make it
one anyway).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from citecheck.model import CheckReport, CitationCheck
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report.findings import findings_of

NAME_LIMIT = 120
"""The most characters of a citation's URL or text in a test case's name."""
SOURCE_LIMIT = 300
"""The most characters of a citation's source text in a failure's body."""

_UNFIT = re.compile(
    "[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    "|[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_NOT_CHECKED = frozenset({"excluded", "unsupported-scheme"})


def clean(text: str) -> str:
    """`text` without what XML 1.0 cannot hold (and without DEL, C1 and bidi controls), line
    breaks as `\\n`."""
    return _UNFIT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {key: clean(value) for key, value in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _name(check: CitationCheck) -> str:
    citation = check.citation
    shown = check.target or citation.url or citation.local or citation.text
    shown = " ".join(clean(shown).split())
    return f"{citation.span.line}:{citation.span.column} {citation.kind} {_cap(shown, NAME_LIMIT)}"


def _unchecked(check: CitationCheck) -> bool:
    if check.outcome is None:
        return check.resolution is None and not check.verification
    return check.outcome.status in _NOT_CHECKED


def _testcase(suite: ET.Element, check: CitationCheck, fail_on: frozenset[str]) -> str:
    """Add the test case of `check` to `suite`; say how it ended (passed, failure, skipped)."""
    citation = check.citation
    case = _child(suite, "testcase", classname=citation.path, name=_name(check), time="0")
    found = list(findings_of(check, fail_on))
    errors = [finding for finding in found if finding.level == "error"]
    others = [finding for finding in found if finding.level != "error"]
    ended = "passed"
    if errors:
        span = citation.span
        body = [finding.message for finding in errors]
        body.append(f"at {citation.path}:{span.line}:{span.column}")
        body.append(f"cited as: {_cap(citation.source, SOURCE_LIMIT)}")
        _child(
            case,
            "failure",
            "\n".join(body),
            type=errors[0].code,
            message="; ".join(finding.message for finding in errors),
        )
        ended = "failure"
    elif _unchecked(check):
        outcome = check.outcome
        why = "not checked" if outcome is None else f"not checked: {outcome.status}"
        _child(case, "skipped", message=why)
        ended = "skipped"
    if others:
        _child(case, "system-out", "\n".join(f"{f.level}: {f.message}" for f in others))
    return ended


def _counts(element: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    for key, value in (
        ("tests", tests),
        ("failures", failures),
        ("errors", errors),
        ("skipped", skipped),
        ("time", 0),
    ):
        element.set(key, str(value))


def render(report: CheckReport, *, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> str:
    """The whole report as a JUnit XML document (with its XML declaration; write it as UTF-8)."""
    root = ET.Element("testsuites", {"name": "citecheck"})
    by_path: dict[str, list[CitationCheck]] = {}
    for check in report.checks:
        by_path.setdefault(check.citation.path, []).append(check)
    paths = [document.path for document in report.documents]
    paths += [path for path in by_path if path not in paths]
    totals = {"passed": 0, "failure": 0, "skipped": 0}
    for path in paths:
        suite = _child(root, "testsuite", name=path)
        ended = [_testcase(suite, check, fail_on) for check in by_path.get(path, [])]
        _counts(suite, len(ended), ended.count("failure"), 0, ended.count("skipped"))
        for key in totals:
            totals[key] += ended.count(key)
    for problem in report.problems:
        suite = _child(root, "testsuite", name=problem.path)
        _counts(suite, 1, 0, 1, 0)
        case = _child(suite, "testcase", classname=problem.path, name="read", time="0")
        _child(case, "error", problem.message, type=problem.code, message=problem.message)
    _counts(
        root,
        sum(totals.values()) + len(report.problems),
        totals["failure"],
        len(report.problems),
        totals["skipped"],
    )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
