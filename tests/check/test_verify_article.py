"""Verifying the reference article's claims against its sources' pages, over the loopback fake
web with the hand-built imitation of its publishers (`publishers.py`): the joint statement's
title, date, publisher and the quotes the article ties to it (one quoted with a word the page
does not have, one the page does not hold at all), CBS's "extremely confrontational", the
archived copy of a page that is gone, a source the article dates after itself, an offline run,
`--no-verify` and `--fail-on`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakeweb import FakeWeb, transport_for
from publishers import ARTICLE, CBS_URL, JEDDAH_URL, Publishers, needs_article

from citecheck.archiving import ArchiveOptions
from citecheck.check import check_paths
from citecheck.cli import main
from citecheck.model import CheckReport, CitationCheck
from citecheck.report import json as json_report
from citecheck.resolve.model import ResolveOptions
from citecheck.settings import FetchSettings
from citecheck.verify.model import VerifyOptions

SETTINGS = FetchSettings(retries=0, timeout=5.0)
QUICK = ResolveOptions(paced=False)
VERIFY = VerifyOptions(paced=False)
STATEMENT = (
    "They met (see: Joint Statement on the United States-Ukraine Meeting in Jeddah – United"
    " States Department of State, March 11, 2025)."
)

pytestmark = needs_article


def run(web: FakeWeb, path: Path = ARTICLE, **more: object) -> CheckReport:
    options: dict[str, object] = {"resolve": QUICK, "verify": VERIFY, **more}
    return check_paths(
        [str(path)],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS),
        jobs=1,
        **options,  # type: ignore[arg-type]
    )


def statuses(check: CitationCheck) -> dict[str, str]:
    return {v.check: v.status for v in check.verification or ()}


@pytest.fixture
def sites(web: FakeWeb) -> Publishers:
    imitation = Publishers()
    imitation.install(web)
    return imitation


def test_the_joint_statement_and_its_quotes(web: FakeWeb, sites: Publishers) -> None:
    report = run(web)
    by_place = {(c.citation.span.line, c.citation.kind): c for c in report.checks}
    statement = by_place[(62, "reference")]
    assert statuses(statement) == {
        "title": "title-match",
        "date": "date-match",
        "publisher": "publisher-match",
        "chronology": "chronology-ok",  # both dates are before the article's (2025-04-26)
    }
    quotes = {
        c.citation.text: c.verification[0]
        for c in report.checks
        if c.citation.kind == "quote" and c.verification
    }
    found = quotes["important steps towards restoring durable peace for Ukraine."]
    assert (found.status, found.score) == ("quote-found", 100)
    assert quotes["bravery."].status == "quote-found"
    close = next(v for t, v in quotes.items() if t.startswith("communicate to Russia"))
    assert close.status == "quote-close"  # the page says "is key to", the article "is the key to"
    assert "the" in close.evidence
    missing = next(v for t, v in quotes.items() if t.startswith("European partners"))
    assert missing.status == "quote-not-found"
    assert quotes["extremely confrontational"].status == "quote-found"  # CBS's page
    # Quotes the article ties to no source are not verified (their page is unknown).
    untied = [
        c for c in report.checks if c.citation.kind == "quote" and c.citation.reference is None
    ]
    assert untied
    assert all(c.verification is None for c in untied)


def test_pages_resolving_read_are_not_read_again(web: FakeWeb, sites: Publishers) -> None:
    run(web)
    jeddah = JEDDAH_URL.removeprefix("https://www.state.gov")
    gets = [s for s in web.seen if s.host == "www.state.gov" and s.path == jeddah]
    # One GET to prove it while resolving; then the link check (HEAD), and no GET to verify it.
    assert [s.method for s in gets].count("GET") == 1


def test_a_gone_page_is_verified_against_its_archived_copy(web: FakeWeb) -> None:
    gone = Publishers()
    gone.stories = [
        s if s.url != CBS_URL else type(s)(**{**s.__dict__, "live": False}) for s in gone.stories
    ]
    gone.install(web)
    report = run(web, archive=ArchiveOptions(("wayback",), paced=False))
    cbs = next(
        c for c in report.checks if c.citation.kind == "reference" and c.citation.span.line == 94
    )
    assert cbs.resolution is not None
    assert cbs.resolution.url == CBS_URL  # proven through its archived copy
    assert cbs.outcome is not None
    assert cbs.outcome.status in ("dead", "failing")
    assert cbs.archive is not None
    assert cbs.archive.status == "archived"
    quote = next(
        c for c in report.checks if c.citation.kind == "quote" and c.citation.span.line == 94
    )
    assert quote.verification is not None
    assert quote.verification[0].status == "quote-found"
    assert quote.verification[0].evidence.endswith("(archived copy)")


def test_a_source_dated_after_the_article(web: FakeWeb, sites: Publishers, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f"2025-03-01\n\n{STATEMENT}\n", encoding="utf-8")
    (check,) = [c for c in run(web, article).checks if c.citation.kind == "reference"]
    assert statuses(check)["chronology"] == "cited-after-article"


def test_offline_nothing_is_verified_nor_called_wrong(web: FakeWeb, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f"{STATEMENT}\n", encoding="utf-8")
    report = check_paths(
        [str(article)],
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS, dns={"www.state.gov": OSError("no route")}),
        jobs=1,
        resolve=QUICK,
        verify=VERIFY,
    )
    (check,) = [c for c in report.checks if c.citation.kind == "reference"]
    assert check.verification is None or all(v.status == "unverified" for v in check.verification)


def test_no_verify(web: FakeWeb, sites: Publishers) -> None:
    report = run(web, verify=None)
    assert all(c.verification is None for c in report.checks)


def test_json_verification_and_fail_on(
    web: FakeWeb, sites: Publishers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json_report.render(run(web)))
    (statement,) = [c for c in data["citations"] if c["kind"] == "reference" and c["line"] == 62]
    assert {"check": "title", "status": "title-match"}.items() <= statement["verification"][
        0
    ].items()
    assert set(statement["verification"][0]) == {"check", "status", "score", "evidence"}
    links = [c for c in data["citations"] if c["kind"] == "link"]
    assert all(c["verification"] is None for c in links)
    ca = tmp_path / "ca.pem"
    web.ca.cert_pem.write_to_path(str(ca))
    flags = [
        "check", "--format", "json", "--no-cache", "--no-archive",
        "--connect-to", f"::127.0.0.1:{web.https_port}", "--cacert", str(ca),
        "--allow-private", "--retries", "0",
    ]  # fmt: skip
    article = tmp_path / "a.txt"
    article.write_text(
        f"{STATEMENT} It spoke of “European partners shall be involved in the peace process”"
        " (see: Joint Statement on the United States-Ukraine Meeting in Jeddah – United States"
        " Department of State, March 11, 2025).\n",
        encoding="utf-8",
    )
    assert main([*flags, str(article)]) == 0  # a quote not found is for an editor to judge ...
    capsys.readouterr()
    code = main([*flags, "--fail-on", "quote-not-found", str(article)])
    out = json.loads(capsys.readouterr().out)
    assert code == 1, json.dumps(out["citations"], indent=1)[:3000]  # ... or CI's
    codes = [v["status"] for c in out["citations"] for v in c["verification"] or ()]
    assert "quote-not-found" in codes
