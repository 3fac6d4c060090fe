"""atheris harness: every renderer over reports built from coverage-guided bytes.

Not a test (pytest does not collect it): run it by hand, see fuzz/README.md. The bytes are
spent by `atheris.FuzzedDataProvider` on a `check` report of one or two documents, each with a
few checked citations whose every untrusted string (text, source, URLs, title, publisher,
details, archive and save details, evidence, notes, file names) is drawn from the bytes, lone
surrogates included. Each report goes through all seven renderers, and the fuzz tests' own
checks (`tests/fuzz/test_render_fuzz.py`) judge what comes out: the JSON loads back, the SARIF
log is valid and its messages plain, the JUnit XML parses, the GitHub commands are one a line,
the Markdown and the HTML have only the report's own structure, the terminal gets no escape.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar, get_args

import atheris  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fuzz")]

# Instrumented: our modules, those the renderers import lazily (resolving, verifying) included.
with atheris.instrument_imports(include=["citecheck"]):
    from citecheck import confirm, resolving, verifying
    from citecheck.archive.model import ARCHIVE_STATUSES, ArchiveResult
    from citecheck.archive.save import SaveResult
    from citecheck.cache.codec import Failure
    from citecheck.model import (
        STATUSES,
        CheckReport,
        Citation,
        CitationCheck,
        CitationForm,
        DocumentSummary,
        Form,
        InputProblem,
        Kind,
        LinkForm,
        Outcome,
        Redirect,
        Role,
        Span,
    )
    from citecheck.report import github, html, junit, markdown, sarif, table
    from citecheck.report import json as json_report
    from citecheck.resolve.model import Candidate, Resolution, ResolutionStatus
    from citecheck.verify.model import CHECK_STATUSES, Verification

import test_render_fuzz as checks  # noqa: E402  (after the instrumented imports)

_ = (resolving, verifying, github, html, junit, markdown, sarif, table, json_report)  # used lazily
KINDS: list[Kind] = sorted(get_args(Kind))
FORMS: list[Form] = sorted([*get_args(LinkForm), *get_args(CitationForm)])
VERDICTS = [(check, code) for check, codes in CHECK_STATUSES.items() for code in codes]
T = TypeVar("T")
ROLES: list[Role] = ["body", "boilerplate"]
RESOLUTIONS: list[ResolutionStatus] = ["resolved", "unresolved", "unavailable"]
FAIL_ON = [frozenset({"dead", "soft-404", "invalid-url"}), frozenset({"redirected", "quote-close"})]


class Draw:
    """Values drawn from the fuzzer's bytes."""

    def __init__(self, data: bytes) -> None:
        self.fdp = atheris.FuzzedDataProvider(data)

    def text(self) -> str:
        return str(self.fdp.ConsumeUnicode(self.fdp.ConsumeIntInRange(0, 24)))

    def maybe(self) -> str | None:
        return self.text() if self.fdp.ConsumeBool() else None

    def pick(self, options: Sequence[T]) -> T:
        index: int = self.fdp.ConsumeIntInRange(0, len(options) - 1)
        return options[index]

    def number(self, most: int) -> int:
        return int(self.fdp.ConsumeIntInRange(0, most))

    def span(self) -> Span:
        line, column, length = self.number(500) + 1, self.number(500) + 1, self.number(500)
        start = self.number(10**6)
        return Span(start, start + length, line, column, line, column + length)

    def citation(self, path: str) -> Citation:
        return Citation(
            self.pick(KINDS),
            path,
            self.span(),
            self.text(),
            self.text(),
            self.maybe(),
            self.pick(FORMS),
            url_raw=self.maybe(),
            title=self.maybe(),
            local=self.maybe(),
            invalid=self.maybe(),
            publisher=self.maybe(),
            domain=self.maybe(),
            date=self.maybe(),
            author=self.maybe(),
            attributed_to=self.maybe(),
            role=self.pick(ROLES),
            note=self.maybe(),
        )

    def check(self, path: str) -> CitationCheck:
        outcome = None
        if self.fdp.ConsumeBool():
            hops = (Redirect(self.text(), 301),) if self.fdp.ConsumeBool() else ()
            outcome = Outcome(
                self.pick(STATUSES),
                self.text(),
                final_url=self.maybe(),
                redirects=hops,
                suggested_url=self.maybe(),
            )
        archive = None
        if self.fdp.ConsumeBool():
            kept = self.pick(ARCHIVE_STATUSES)
            archive = ArchiveResult(kept, self.text(), self.maybe(), self.maybe())
        resolution = None
        if self.fdp.ConsumeBool():
            candidate = Candidate(self.text(), "index", 50.0, "rejected", self.text(), self.maybe())
            found = self.pick(RESOLUTIONS)
            resolution = Resolution(found, self.maybe(), 0.5, (self.text(),), (candidate,))
        verification = None
        if self.fdp.ConsumeBool():
            check, code = self.pick(VERDICTS)
            verification = (Verification(check, code, None, self.text()),)
        saved = (
            SaveResult("save-failed", self.text(), self.text()) if self.fdp.ConsumeBool() else None
        )
        history = None
        if self.fdp.ConsumeBool():
            failure = Failure(float(self.number(2**31)), "dead", 404, self.text())
            history = confirm.judge([failure], confirm.Rule())
        return CitationCheck(
            self.citation(path),
            outcome,
            target=self.maybe(),
            archive=archive,
            saved=saved,
            history=history,
            resolution=resolution,
            verification=verification,
        )

    def report(self) -> CheckReport:
        paths = list(dict.fromkeys(self.text() or "a.md" for _ in range(self.number(1) + 1)))
        documents, found = [], []
        for path in paths:
            these = [self.check(path) for _ in range(self.number(3))]
            documents.append(DocumentSummary(path, "markdown", "utf-8", len(these)))
            found += these
        problems = [InputProblem(self.text(), self.text()) for _ in range(self.number(1))]
        return CheckReport(
            tuple(documents),
            tuple(found),
            tuple(problems),
            offline=self.fdp.ConsumeBool(),
            notes=tuple(self.text() for _ in range(self.number(1))),
        )


def test_one_input(data: bytes) -> None:
    draw = Draw(data)
    report = draw.report()
    fail_on: frozenset[str] = draw.pick(FAIL_ON)
    checks.check_table(report, 20 + draw.number(120), draw.fdp.ConsumeBool())
    checks.check_json(report)
    checks.check_sarif(report, fail_on)
    checks.check_junit(report, fail_on)
    checks.check_github(report, fail_on)
    checks.check_markdown(report, fail_on)
    checks.check_html(report, fail_on)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
