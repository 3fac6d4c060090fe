"""The project's promises about itself: README commands, CI script, public API, docs."""

from __future__ import annotations

import re
from pathlib import Path

import citecheck
from citecheck.model import (
    CheckReport,
    Citation,
    CitationCheck,
    Document,
    DocumentSummary,
    ExtractReport,
    InputProblem,
    Outcome,
    Redirect,
)
from citecheck.report import json as json_report

ROOT = Path(__file__).parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_starts_with_run_and_test_commands() -> None:
    run_command, test_command = readme_commands()
    assert "pip install" in run_command
    assert "citecheck extract examples/lo-2025-us-russia-ukraine-appeasement.txt" in run_command
    assert "pytest" in test_command
    assert (ROOT / "examples" / "lo-2025-us-russia-ukraine-appeasement.txt").is_file()


def test_ci_runs_the_readme_test_command_step_by_step() -> None:
    _, test_command = readme_commands()
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    steps = [step.strip() for step in test_command.split("&&")]
    positions = [ci_lines.index(step) for step in steps]  # each step is a line of .ci/run
    assert positions == sorted(positions)


def test_public_api() -> None:
    assert set(citecheck.__all__) == {
        "CheckReport",
        "CitationCheck",
        "FetchSettings",
        "Outcome",
        "Target",
        "check_paths",
        "Citation",
        "Document",
        "DocumentSummary",
        "ExtractReport",
        "InputProblem",
        "Span",
        "__version__",
        "extract_document",
        "extract_paths",
    }
    for name in citecheck.__all__:
        assert getattr(citecheck, name) is not None
    assert citecheck.Citation is Citation
    assert citecheck.Document is Document
    assert citecheck.ExtractReport is ExtractReport
    assert set(dir(citecheck)) >= set(citecheck.__all__)


def test_json_fields_are_all_documented() -> None:
    docs = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)`", docs, flags=re.MULTILINE))
    documented |= {
        part
        for row in re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)+) \|", docs, flags=re.MULTILINE)
        for part in re.findall(r"`([a-z_]+)`", row)
    }
    text = "[a](https://a.org/x)"
    found, _ = citecheck.extract_document(Document("a.md", "markdown", text, "utf-8"))
    report = ExtractReport(
        (DocumentSummary("a.md", "markdown", "utf-8", 1),),
        tuple(found),
        (InputProblem("b.md", "gone", "not-found"),),
    )
    data = json_report.to_object(report)
    fields = set(data) | set(data["documents"][0]) | set(data["citations"][0])
    fields |= set(data["problems"][0])
    outcome = Outcome(
        "redirected", "HTTP 200 after 1 redirect", http_status=200,
        final_url="https://a.org/y", redirects=(Redirect("https://a.org/x", 301),),
        suggested_url="https://a.org/y", attempts=1,
    )  # fmt: skip
    checked = CheckReport(
        report.documents,
        tuple(CitationCheck(c, outcome, c.url) for c in found),
        report.problems,
        targets=1,
    )
    data = json_report.to_object(checked)
    fields |= set(data) | set(data["citations"][0]) | set(data["citations"][0]["redirects"][0])
    assert fields - documented == set()


def test_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text


def test_the_action_and_the_hooks_use_real_flags() -> None:
    # action.yml and .pre-commit-hooks.yaml are run by other people's CI: every flag they give
    # `citecheck check` must be one the parser accepts, and the YAML must load.
    import shlex

    import yaml

    from citecheck.cli import _parser

    root = Path(__file__).resolve().parents[1]
    action = yaml.safe_load((root / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    (check,) = [s for s in action["runs"]["steps"] if s.get("id") == "check"]
    command = check["run"].split("citecheck check", 1)[1].split("\n\n")[0]
    flags = [w for w in shlex.split(command.replace("\\\n", " ")) if w.startswith("--")]
    assert {"--format", "--sarif", "--markdown"} <= set(flags)
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    parser = _parser()
    for hook in hooks:
        argv = shlex.split(hook["entry"])
        assert argv[:2] == ["citecheck", "check"]
        parser.parse_args([*argv[1:], "article.md"])  # exits 2 on an unknown flag
    flags.append("--changed-since")  # what the action adds for its changed-since input
    values = {"--format": "github", "--sarif": "x.sarif", "--markdown": "x.md"}
    values["--changed-since"] = "origin/main"
    argv = ["check"]
    for flag in dict.fromkeys(f for f in flags if f != "--"):
        argv += [flag, values[flag]] if flag in values else [flag]
    parser.parse_args([*argv, "article.md"])
