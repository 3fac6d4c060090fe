"""Severities: every code `--fail-on` accepts has one, and `--fail-on` takes them."""

from __future__ import annotations

import pytest

from citecheck.model import STATUSES, Citation, CitationCheck, Outcome, Span
from citecheck.policy import DEFAULT_FAIL_ON, SEVERITIES, SEVERITY, severity_codes
from citecheck.report.findings import FINE, findings_of
from citecheck.settings import parse_statuses
from citecheck.verify.model import PROBLEMS, Verification

ACCEPTED = frozenset({*STATUSES, *PROBLEMS, "unresolved"})
"""Every code `--fail-on` names one by one."""


def test_every_code_fail_on_accepts_is_a_code_it_accepts() -> None:
    for code in ACCEPTED:
        assert parse_statuses(code) == {code}


def test_every_code_but_the_fine_ones_has_a_severity() -> None:
    assert set(SEVERITY) == ACCEPTED - FINE
    assert set(SEVERITY.values()) <= set(SEVERITIES)


def test_error_is_the_default_fail_on() -> None:
    assert parse_statuses("error") == DEFAULT_FAIL_ON
    assert {code for code, severity in SEVERITY.items() if severity == "error"} == DEFAULT_FAIL_ON


def test_warning_is_what_went_wrong_or_could_not_be_confirmed() -> None:
    warnings = parse_statuses("warning") - DEFAULT_FAIL_ON
    assert warnings == {
        "failing",
        "blocked",
        "rate-limited",
        "paywalled",
        "server-error",
        "timeout",
        "unreachable",
        "offline",
        "refused-private",
        *PROBLEMS,
    }


def test_each_severity_includes_the_worse_ones() -> None:
    assert severity_codes("error") < severity_codes("warning") < severity_codes("note")
    assert parse_statuses("note") == set(SEVERITY)
    assert parse_statuses("note") - parse_statuses("warning") == {"redirected", "unresolved"}


def test_severities_and_codes_mix() -> None:
    assert parse_statuses("warning,redirected,unresolved") == parse_statuses("note")
    assert parse_statuses("error, timeout") == DEFAULT_FAIL_ON | {"timeout"}
    assert parse_statuses("error,error,dead") == DEFAULT_FAIL_ON
    assert parse_statuses("none") == frozenset()
    assert parse_statuses(" None ") == frozenset()


@pytest.mark.parametrize("value", ["errors", "Warning", "dead,", "fatal", "ok,bad"])
def test_an_unknown_item_names_codes_and_severities(value: str) -> None:
    with pytest.raises(ValueError, match="unknown status") as caught:
        parse_statuses(value)
    message = str(caught.value)
    for code in ("dead", "quote-not-found", "unresolved"):
        assert code in message
    assert "error, warning, note" in message


def test_fine_codes_never_fail_by_severity() -> None:
    assert not parse_statuses("note") & {"ok", "excluded", "unsupported-scheme"}


def _check(outcome: Outcome | None = None, *problems: str) -> CitationCheck:
    citation = Citation(
        "link", "a.md", Span(0, 10, 1, 1, 1, 11), "[a](x)", "a", "https://a.example/", "inline"
    )
    verification = tuple(Verification("title", code, None, "the page") for code in problems)
    return CitationCheck(citation, outcome, "https://a.example/", verification=verification or None)


def test_reports_give_non_failing_findings_their_severity() -> None:
    # A report's `error` means "fails this run", so a code of severity error that does not fail
    # is a warning there; below that, the report's level is the code's severity.
    expected = {"error": "warning", "warning": "warning", "note": "note"}
    for status in STATUSES:
        if status in FINE:
            continue
        outcome = Outcome(status, "detail", suggested_url="https://a.example/new")
        (finding,) = findings_of(_check(outcome), frozenset())
        assert finding.level == expected[SEVERITY[status]], status
    for problem in PROBLEMS:
        (finding,) = findings_of(_check(None, problem), frozenset())
        assert finding.level == expected[SEVERITY[problem]], problem
