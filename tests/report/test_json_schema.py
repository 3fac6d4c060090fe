"""The JSON report's schema (`docs/json.schema.json`): real `extract` and `check` reports
validate against it, broken ones do not, its codes are the code's own, its objects have exactly
the fields the renderer writes, and docs/json.md names every field it defines."""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
import trustme
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]

from citecheck import policy
from citecheck.archive.model import (
    ARCHIVE_STATUSES,
    ARCHIVES,
    DEAD_STATUSES,
    FOUND,
    ArchiveResult,
    headline,
)
from citecheck.archive.save import SaveResult, SaveStatus
from citecheck.archiving import ArchiveOptions
from citecheck.cache.codec import Failure
from citecheck.caching import CacheOptions
from citecheck.check import check_paths
from citecheck.cli import main
from citecheck.confirm import Rule, judge
from citecheck.encoding import DecodeProblem
from citecheck.model import (
    STATUSES,
    CheckReport,
    Citation,
    CitationCheck,
    CitationForm,
    DocumentSummary,
    ExtractReport,
    Format,
    InputProblem,
    Kind,
    LinkForm,
    Outcome,
    Redirect,
    Role,
    Span,
)
from citecheck.report import json as json_report
from citecheck.resolve.model import (
    Candidate,
    CandidateStatus,
    Resolution,
    ResolutionStatus,
    ResolveOptions,
)
from citecheck.settings import FetchSettings
from citecheck.verify.model import CHECK_STATUSES, Verification, VerifyOptions

sys.path.insert(0, str(Path(__file__).parent))  # the hand-built reports, `reports.py`
sys.path.insert(0, str(Path(__file__).parents[1] / "check"))  # the fake web, `fakeweb.py`
import fakeweb
import reports
from publishers import ARTICLE, Publishers, needs_article

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "json.schema.json"
DOC = ROOT / "docs" / "json.md"
PACKAGE = ROOT / "citecheck"

DOCUMENTS = sorted(
    str(p.relative_to(ROOT))
    for p in [
        ROOT / "tests" / "data" / "all_forms.md",
        *(ROOT / "tests" / "data" / "articles").iterdir(),
        *(ROOT / "tests" / "golden").iterdir(),
    ]
    if p.suffix in {".md", ".html", ".txt"} and p.name != "README.md"
)
"""The project's own test documents: every form, one article of each language and format, and
the golden documents."""

SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def errors(data: Any) -> list[str]:
    """What the schema finds wrong with `data`, one line each (empty when it is valid)."""
    found = VALIDATOR.iter_errors(data)
    return sorted(f"{e.json_path}: {e.message[:300]}" for e in found)


def assert_valid(data: Any) -> None:
    assert errors(data) == []


def rendered(report: Any) -> Any:
    """A report as the JSON text says it, read back (lists, not tuples; what a consumer sees)."""
    return json.loads(json_report.render(report))


def enum(name: str) -> list[Any]:
    return list(DEFS[name]["enum"])


# The schema itself -------------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"].endswith("/docs/json.schema.json")
    Draft202012Validator.check_schema(SCHEMA)


def _objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema that declares `properties`, with where it is."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


def test_every_object_is_closed() -> None:
    objects = list(_objects(SCHEMA))
    assert len(objects) >= 15
    assert [where for where, o in objects if o.get("additionalProperties") is not False] == []


def test_every_reference_resolves() -> None:
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    for name in re.findall(r'"\$ref": "#/\$defs/([^"]+)"', text):
        assert name in DEFS, name


# Real reports ------------------------------------------------------------------------------------


def extract_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """`citecheck extract --format json ARGS`, read back."""
    code = main(["extract", "--format", "json", *args])
    out = capsys.readouterr().out
    assert code in (0, 1, 2), code
    return json.loads(out)


@needs_article
@pytest.mark.parametrize("flags", [[], ["--scare-quotes"]])
def test_extract_of_the_reference_article(
    capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    data = extract_json(capsys, *flags, str(ARTICLE))
    kinds = {c["kind"] for c in data["citations"]}
    assert kinds >= {"link", "reference", "credit", "quote"}
    assert_valid(data)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_extract_of_the_test_documents(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, document: str
) -> None:
    monkeypatch.chdir(ROOT)
    data = extract_json(capsys, "--all-links", "--include-code", "--scare-quotes", document)
    assert data["citations"]
    assert_valid(data)


def test_extract_of_everything_at_once_with_problems(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    binary = tmp_path / "scan.md"
    binary.write_bytes(b"\x00\x01\x02PDF" * 20)
    data = extract_json(capsys, *DOCUMENTS, "missing.md", "nothing-*.md", str(binary))
    assert {p["code"] for p in data["problems"]} == {"not-found", "no-match", "binary"}
    assert len(data["documents"]) == len(DOCUMENTS)
    assert_valid(data)


@pytest.mark.parametrize(
    "report",
    [reports.sample(), reports.hostile(), CheckReport()],
    ids=["sample", "hostile", "empty"],
)
def test_hand_built_check_reports(report: CheckReport) -> None:
    data = rendered(report)
    assert data["command"] == "check"
    assert_valid(data)


def _span(line: int) -> Span:
    return reports.span(line, 1, 12)


def everything() -> CheckReport:
    """A check report with a value in every field the others leave empty: archives found and
    not, `--save`, a cache history and a cached outcome, every verification code, a resolution
    with a candidate of every status and source, each kind of reason, an unchecked citation
    with a reference, a boilerplate link, a document date, problems, and an offline run."""
    found = ArchiveResult(
        "archived",
        "wayback: confirmed by replay",
        url="https://web.archive.org/web/20250301101010/https://news.example/gone",
        timestamp="2025-03-01T10:10:10Z",
        source="wayback",
    )
    after = replace(found, status="archived-after", source="memento")
    history = judge(
        [
            Failure(1_780_000_000.0, "timeout", None, "timed out"),
            Failure(1_780_100_000.0, "dead", 404, "HTTP 404 Not Found"),
            Failure(1_780_400_000.0, "soft-404", 200, "the page says 'not found'"),
        ],
        Rule(),
    )
    gone = CitationCheck(
        reports.link(reports.A, 1, "https://news.example/gone"),
        Outcome("failing", "HTTP 404 Not Found (2 of 3 strikes)", 404, "https://news.example/gone"),
        target="https://news.example/gone",
        archive=found,
        history=history,
    )
    later = CitationCheck(
        reports.link(reports.A, 2, "https://news.example/later"),
        Outcome("dead", "HTTP 410 Gone", 410, attempts=1),
        target="https://news.example/later",
        archive=after,
        cached_at=1_780_000_000.0,
    )
    saved = CitationCheck(
        reports.link(reports.A, 3, "https://news.example/fresh"),
        Outcome(
            "redirected",
            "HTTP 200 after 2 redirects",
            200,
            "https://news.example/fresh-2",
            (
                Redirect("https://news.example/fresh", 302),
                Redirect("https://news.example/fresh-1", 308),
            ),
            attempts=1,
        ),
        target="https://news.example/fresh",
        archive=ArchiveResult("not-archived", "wayback: no capture"),
        saved=SaveResult(
            "saved",
            "https://news.example/fresh",
            "captured by Save Page Now (job spn2-1)",
            snapshot="https://web.archive.org/web/20260601000000/https://news.example/fresh",
            timestamp="2026-06-01T00:00:00Z",
            job_id="spn2-1",
        ),
    )
    pending = replace(
        saved,
        citation=reports.link(reports.A, 4, "https://news.example/other"),
        archive=ArchiveResult("archive-excluded", "the site is excluded", source="wayback"),
        saved=SaveResult("would-save", "https://news.example/other", "--dry-run"),
    )
    failures = [
        CitationCheck(
            reports.link(reports.A, 5 + n, url),
            outcome,
            target=url,
            archive=ArchiveResult("archive-unavailable", "no archive was asked"),
        )
        for n, (url, outcome) in enumerate(
            [
                ("mailto:desk@news.example", Outcome("unsupported-scheme", "no", reason="mailto")),
                ("https://a.example/", Outcome("unsupported-scheme", "redirected", 301)),
                ("https://xn--.example/", Outcome("invalid-url", "bad host", reason="host")),
                ("https://b.example/", Outcome("unreachable", "TLS", reason="tls-certificate")),
                (
                    "https://c.example/",
                    Outcome("refused-private", "10.0.0.1", reason="private-address"),
                ),
                ("https://d.example/", Outcome("excluded", "matches --exclude")),
                ("https://e.example/", Outcome("offline", "no network", reason="dns")),
            ]
        )
    ]
    verified = CitationCheck(
        reports.words(reports.B, 1, "reference", "Joint Statement", "see"),
        Outcome("ok", "HTTP 200", 200, attempts=1),
        target="https://stats.example/joint",
        verification=tuple(
            Verification(check, status, 87.5 if check in ("title", "quote") else None, "why")
            for check, codes in CHECK_STATUSES.items()
            for status in codes
        ),
        resolution=Resolution(
            "resolved",
            "https://stats.example/joint",
            0.97,
            ("title and date match",),
            tuple(
                Candidate(
                    f"https://stats.example/{n}",
                    ("pattern", "index", "search")[n % 3],
                    float(n * 20),
                    status,
                    "because",
                    "A title" if status == "proven" else None,
                    "2025-03-11" if status == "proven" else None,
                    "https://web.archive.org/web/2025/https://stats.example/0" if n == 0 else None,
                    0.97 if status == "proven" else 0.0,
                )
                for n, status in enumerate(get_args(CandidateStatus))
            ),
            requests=7,
        ),
    )
    unavailable = CitationCheck(
        reports.words(reports.B, 2, "credit", "AP", "dateline"),
        None,
        resolution=Resolution("unavailable", None, 0.0, ("the index did not answer",)),
        verification=(),
    )
    reference = reports.words(reports.B, 3, "reference", "Joint Statement", "see")
    quote = replace(
        reports.words(reports.B, 4, "quote", "key to achieving peace", "attributed"),
        reference=replace(reference, publisher="State Department", date="2025-03"),
        attributed_to="Joint Statement",
        confidence=0.9,
    )
    boilerplate = replace(
        reports.link(reports.B, 5, "https://news.example/nav"),
        role="boilerplate",
        url_raw="https://news.example/nav",
        url_span=_span(5),
        title="Home",
    )
    local = Citation(
        "link", reports.B, _span(6), "[x](notes.md#nope)", "x", None, "inline",
        url_raw="notes.md#nope", local="notes.md#nope",
    )  # fmt: skip
    checks = (
        gone,
        later,
        saved,
        pending,
        *failures,
        verified,
        unavailable,
        CitationCheck(quote, None),
        CitationCheck(
            boilerplate, Outcome("ok", "HTTP 200", 200, attempts=2), "https://x.example/"
        ),
        CitationCheck(
            local, Outcome("fragment-missing", "no anchor", reason="no-anchor"), "notes.md"
        ),
    )
    return CheckReport(
        documents=(
            DocumentSummary(reports.A, "markdown", "utf-8", 11, ignored=1, date="2025-03-20"),
            DocumentSummary(reports.B, "html", "gb18030", 6, date="2025"),
        ),
        checks=checks,
        problems=(InputProblem("scan.pdf", "scan.pdf: binary", "binary"),),
        targets=9,
        offline=True,
        cached=1,
    )


def test_a_check_report_with_every_field_filled() -> None:
    data = rendered(everything())
    assert any("save" in c for c in data["citations"])
    assert_valid(data)


def test_the_rendered_objects_validate_as_they_are() -> None:
    """`to_object`, before it becomes text: what a caller of the library gets."""
    data = json.loads(json.dumps(json_report.to_object(everything())))
    assert_valid(data)


CDX_ROWS = [
    ["timestamp", "original", "mimetype", "statuscode"],
    ["20250301101010", "https://news.example/gone", "text/html", "200"],
]


def mock_web(request: httpx.Request) -> httpx.Response:
    """news.example and the Wayback Machine, for a real `check` run without a network."""
    host, path = request.url.host, request.url.path
    html = {"Content-Type": "text/html; charset=utf-8"}
    if host == "news.example":
        if path in ("/fine", "/new"):
            return httpx.Response(200, headers=html, text="<title>Fine</title><h2 id=a>A</h2>")
        if path == "/old":
            return httpx.Response(301, headers={"Location": "https://news.example/new"})
        if path == "/broken":
            return httpx.Response(500, text="oops")
        return httpx.Response(404, headers=html, text="<title>Not found</title>")
    if host == "walled.example":
        return httpx.Response(403, text="forbidden")
    if host == "down.example":
        raise httpx.ConnectError("connection refused", request=request)
    if host == "web.archive.org" and path == "/cdx/search/cdx":
        url = request.url.params.get("url", "")
        return httpx.Response(200, json=CDX_ROWS if url.endswith("/gone") else CDX_ROWS[:1])
    if host == "web.archive.org" and path.startswith("/web/20250301101010id_/"):
        headers = {"Memento-Datetime": "Sat, 01 Mar 2025 10:10:10 GMT", **html}
        return httpx.Response(200, headers=headers, text="<title>x</title>")
    return httpx.Response(404, text="nothing here")


MOCK_ARTICLE = """Dated: 2025-03-20

The report ([gone](https://news.example/gone)), [fine](https://news.example/fine#a),
[old](https://news.example/old), [walled](https://walled.example/x),
[broken](https://news.example/broken), [down](https://down.example/),
[setup](notes.md#setup), [nope](notes.md#nope), [missing](missing.md),
<mailto:desk@news.example>, [skip](https://news.example/skip-me) and [bad](http://[::1).

"We never said that," the ministry told Reuters on 12 March 2025.
"""


def mock_check(tmp_path: Path, archive: ArchiveOptions) -> tuple[Any, Any]:
    """`check_paths` over the mock web, then again three and a half days later (the cache
    answers some, and keeps the history of the failing link): both reports, read back."""
    (tmp_path / "notes.md").write_text("# Setup\n", encoding="utf-8")
    article = tmp_path / "a.md"
    article.write_text(MOCK_ARTICLE, encoding="utf-8")
    now = [1_780_000_000.0]
    cache = CacheOptions(tmp_path / "cache", {"dead": 0}, Rule(), lambda: now[0])
    settings = FetchSettings(retries=0, timeout=5.0)

    def run() -> Any:
        report = check_paths(
            [str(article), str(tmp_path / "missing-input.md")],
            settings=settings,
            transport=httpx.MockTransport(mock_web),
            jobs=1,
            check_fragments=True,
            exclude=["skip-me$"],
            archive=archive,
            cache=cache,
            verify=VerifyOptions(paced=False),
        )
        return rendered(report)

    first = run()
    now[0] += 3.5 * 86400
    return first, run()


def test_real_check_runs_with_archives_and_cache(tmp_path: Path) -> None:
    """Real `check` reports: the Wayback Machine, local files and fragments, exclusions, an
    input that is missing, and a rerun that the cache answers."""
    first, second = mock_check(tmp_path, ArchiveOptions(("wayback",), paced=False))
    statuses = {c["status"] for c in first["citations"]}
    assert {"ok", "redirected", "failing", "blocked", "server-error", "unreachable"} <= statuses
    assert {"fragment-missing", "dead", "excluded", "unsupported-scheme", "invalid-url"} <= statuses
    assert any(c["archive"] and c["archive"]["status"] == "archived" for c in first["citations"])
    assert any(c["history"] for c in second["citations"])
    assert any(c["cached_at"] for c in second["citations"])
    assert first["problems"]
    assert_valid(first)
    assert_valid(second)


def test_real_check_runs_with_save_dry_run(tmp_path: Path) -> None:
    """`--save --dry-run`: a real `save` object."""
    archive = ArchiveOptions(("wayback",), save=True, dry_run=True, paced=False)
    first, second = mock_check(tmp_path, archive)
    assert any(c.get("save") for c in first["citations"])
    assert_valid(first)
    assert_valid(second)


@pytest.fixture(scope="module")
def publishers_web() -> Iterator[fakeweb.FakeWeb]:
    """The loopback fake web with the imitation of the reference article's publishers."""
    web = fakeweb.FakeWeb(trustme.CA())
    fakeweb.start(web, [*fakeweb.PUBLIC, "127.0.0.1"])
    Publishers().install(web)
    yield web
    fakeweb.stop(web)


@needs_article
def test_real_check_of_the_reference_article(publishers_web: fakeweb.FakeWeb) -> None:
    """The reference article resolved and verified over the imitation of its publishers: real
    `resolved` objects with candidates, and real `verification` results."""
    settings = FetchSettings(retries=0, timeout=5.0)
    report = check_paths(
        [str(ARTICLE)],
        settings=settings,
        transport=fakeweb.transport_for(publishers_web, settings),
        jobs=1,
        resolve=ResolveOptions(paced=False),
        verify=VerifyOptions(paced=False),
        archive=ArchiveOptions(("wayback",), paced=False),
    )
    data = rendered(report)
    assert any(c["resolved"] and c["resolved"]["candidates"] for c in data["citations"])
    assert any(c["verification"] for c in data["citations"])
    assert_valid(data)


# Broken reports ----------------------------------------------------------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _first(kind: str | None = None, checked: bool | None = None) -> Callable[[Any], Any]:
    def pick(data: dict[str, Any]) -> Any:
        for citation in data["citations"]:
            if kind is not None and citation["kind"] != kind:
                continue
            if checked is not None and (citation["status"] is not None) != checked:
                continue
            return citation
        raise AssertionError("no such citation")

    return pick


LINK = _first("link", checked=True)
UNCHECKED = _first(checked=False)


def _set(pick: Callable[[Any], Any], field: str, value: Any) -> Mutation:
    return lambda data: pick(data).__setitem__(field, value)


def _delete(pick: Callable[[Any], Any], field: str) -> Mutation:
    return lambda data: pick(data).__delitem__(field)


def _verification(check: str, status: str) -> Mutation:
    entry = {"check": check, "status": status, "score": None, "evidence": ""}
    return _set(LINK, "verification", [entry])


def _archive(**fields: Any) -> Mutation:
    archive = {"status": "archived", "url": None, "timestamp": None, "source": None, "detail": ""}
    return _set(LINK, "archive", {**archive, **fields})


CHECK_MUTATIONS: dict[str, Mutation] = {
    "unknown status": _set(LINK, "status", "gone"),
    "missing required field": _delete(LINK, "detail"),
    "missing top-level field": lambda data: data.__delitem__("summary"),
    "extra field": _set(LINK, "extra", 1),
    "extra top-level field": lambda data: data.__setitem__("notes", []),
    "line 0": _set(LINK, "line", 0),
    "column 0": _set(LINK, "end_column", 0),
    "url_line 0": _set(LINK, "url_line", 0),
    "negative offset": _set(LINK, "offset", -1),
    "line as a string": _set(LINK, "line", "3"),
    "null line": _set(LINK, "line", None),
    "unknown kind": _set(LINK, "kind", "footnote"),
    "a quote's form on a link": _set(LINK, "form", "attributed"),
    "a link's form on a reference": _set(_first("reference"), "form", "inline"),
    "unknown role": _set(LINK, "role", "sidebar"),
    "confidence above 1": _set(LINK, "confidence", 1.5),
    "a date that is not ISO": _set(LINK, "date", "12 March 2025"),
    "unknown reason": _set(LINK, "reason", "bogus"),
    "a scheme as the reason of a dead link": _set(LINK, "reason", "mailto"),
    "outcome fields on an unchecked citation": _set(UNCHECKED, "http_status", 200),
    "attempts on an unchecked citation": _set(UNCHECKED, "attempts", 1),
    "no detail for a checked citation": _set(LINK, "detail", None),
    "a redirect that is not one": _set(
        LINK, "redirects", [{"url": "https://x.example/", "status": 200}]
    ),
    "a relative final_url": _set(LINK, "final_url", "/new"),
    "unknown summary status": lambda data: data["summary"].__setitem__("gone", 1),
    "a zero in the summary": lambda data: data["summary"].__setitem__("timeout", 0),
    "schema_version 2": lambda data: data.__setitem__("schema_version", 2),
    "another command": lambda data: data.__setitem__("command", "extract"),
    "another tool": lambda data: data["tool"].__setitem__("name", "linkcheck"),
    "unknown document format": lambda data: data["documents"][0].__setitem__("format", "pdf"),
    "unknown problem code": lambda data: data["problems"].append(
        {"path": "x", "code": "huge", "message": "x"}
    ),
    "unknown verification check": _verification("author", "title-match"),
    "another check's verification code": _verification("title", "quote-found"),
    "unknown verification code": _verification("quote", "quote-maybe"),
    "unknown archive status": _archive(status="cached", url="https://web.archive.org/x"),
    "an archived copy without its snapshot": _archive(),
    "a snapshot that was not found": _archive(
        status="not-archived", url="https://web.archive.org/x", timestamp="2025-03-01T10:10:10Z"
    ),
    "unknown archive": _archive(
        url="https://web.archive.org/x", timestamp="2025-03-01T10:10:10Z", source="google"
    ),
    "a timestamp that is not UTC": _archive(
        url="https://web.archive.org/x", timestamp="2025-03-01 10:10", source="wayback"
    ),
    "unknown headline": _set(LINK, "headline", "dead, but archived"),
    "unknown save status": _set(
        LINK,
        "save",
        {
            "status": "saving",
            "url": "https://x.example/",
            "snapshot": None,
            "timestamp": None,
            "job_id": None,
            "detail": "",
        },
    ),
    "unknown resolution status": lambda data: _first("reference")(data)["resolved"].__setitem__(
        "status", "found"
    ),
    "a resolution without its url": lambda data: _first("reference")(data)["resolved"].__setitem__(
        "url", None
    ),
    "an extract report's citation in a check report": lambda data: data["citations"].append(
        {k: v for k, v in LINK(data).items() if k in DEFS["citation"]["properties"]}
    ),
}


@pytest.mark.parametrize("mutation", list(CHECK_MUTATIONS), ids=list(CHECK_MUTATIONS))
def test_a_broken_check_report_is_refused(mutation: str) -> None:
    data = rendered(reports.sample())
    assert_valid(data)
    broken = copy.deepcopy(data)
    CHECK_MUTATIONS[mutation](broken)
    assert broken != data
    assert errors(broken)


EXTRACT_MUTATIONS: dict[str, Mutation] = {
    "unknown kind": lambda data: data["citations"][0].__setitem__("kind", "footnote"),
    "missing required field": lambda data: data["citations"][0].__delitem__("url_raw"),
    "extra field": lambda data: data["citations"][0].__setitem__("status", "ok"),
    "line 0": lambda data: data["citations"][0].__setitem__("line", 0),
    "a check field at the top": lambda data: data.__setitem__("summary", {}),
    "unknown quote reference kind": lambda data: next(
        c for c in data["citations"] if c["reference"]
    )["reference"].__setitem__("kind", "footnote"),
    "extra field in a quote's reference": lambda data: next(
        c for c in data["citations"] if c["reference"]
    )["reference"].__setitem__("url", None),
    "a document date that is not ISO": lambda data: data["documents"][0].__setitem__(
        "date", "2025-13-01"
    ),
}


@pytest.mark.parametrize("mutation", list(EXTRACT_MUTATIONS), ids=list(EXTRACT_MUTATIONS))
def test_a_broken_extract_report_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, mutation: str
) -> None:
    monkeypatch.chdir(ROOT)
    data = extract_json(capsys, "tests/data/articles/en-oped.txt")
    assert_valid(data)
    broken = copy.deepcopy(data)
    EXTRACT_MUTATIONS[mutation](broken)
    assert broken != data
    assert errors(broken)


# The codes are the code's ------------------------------------------------------------------------


def test_status_codes_are_the_models() -> None:
    assert enum("status") == list(STATUSES)
    assert list(DEFS["summary"]["properties"]) == list(STATUSES)
    assert DEFS["failure"]["properties"]["status"] == {"$ref": "#/$defs/status"}


def test_kinds_forms_roles_and_formats_are_the_models() -> None:
    assert enum("kind") == list(get_args(Kind))
    assert enum("linkForm") == list(get_args(LinkForm))
    groups = ["referenceForm", "creditForm", "republicationForm", "quoteForm"]
    assert [f for g in groups for f in enum(g)] == list(get_args(CitationForm))
    assert [a["$ref"].rsplit("/", 1)[1] for a in DEFS["form"]["anyOf"]] == ["linkForm", *groups]
    by_kind = {
        rule["if"]["properties"]["kind"]["const"]: rule["then"]["properties"]["form"]["$ref"]
        for rule in DEFS["formOfKind"]["allOf"]
    }
    assert list(by_kind) == list(get_args(Kind))
    assert [r.rsplit("/", 1)[1] for r in by_kind.values()] == ["linkForm", *groups]
    assert enum("role") == list(get_args(Role))
    assert enum("documentFormat") == list(get_args(Format))


def test_verification_codes_are_the_checks() -> None:
    properties = DEFS["verification"]["properties"]
    assert properties["check"]["enum"] == list(CHECK_STATUSES)
    assert properties["status"]["enum"] == [s for codes in CHECK_STATUSES.values() for s in codes]
    per_check = {
        rule["if"]["properties"]["check"]["const"]: tuple(
            rule["then"]["properties"]["status"]["enum"]
        )
        for rule in DEFS["verification"]["allOf"]
    }
    assert per_check == CHECK_STATUSES


def test_archive_and_save_codes_are_the_models() -> None:
    archive = DEFS["archive"]
    assert archive["properties"]["status"]["enum"] == list(ARCHIVE_STATUSES)
    assert archive["properties"]["source"]["enum"] == [*ARCHIVES, None]
    assert set(archive["if"]["properties"]["status"]["enum"]) == FOUND
    assert DEFS["save"]["properties"]["status"]["enum"] == list(get_args(SaveStatus))
    headlines = {
        headline(live, ArchiveResult(found, "")) for live in DEAD_STATUSES for found in FOUND
    }
    written = DEFS["checkedCitation"]["properties"]["headline"]["enum"]
    assert set(written) == {*headlines, None}
    assert len(written) == len(headlines) + 1


def test_resolution_codes_are_the_models() -> None:
    assert DEFS["resolution"]["properties"]["status"]["enum"] == list(get_args(ResolutionStatus))
    candidate = DEFS["candidate"]["properties"]
    assert candidate["status"]["enum"] == list(get_args(CandidateStatus))
    resolver = (PACKAGE / "resolve" / "resolver.py").read_text(encoding="utf-8")
    sources = re.findall(r'_Found\(\s*[\w.]+,\s*"([a-z-]+)"', resolver)
    assert set(candidate["source"]["enum"]) == set(sources)


def test_redirect_statuses_are_the_policys() -> None:
    assert DEFS["redirect"]["properties"]["status"]["enum"] == sorted(policy.REDIRECT_STATUSES)


def test_problem_codes_are_the_readers() -> None:
    collect = (PACKAGE / "collect.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'_problem\(\s*[^,()]+(?:\([^)]*\))?,\s*"([a-z-]+)"', collect))
    assert codes == {"not-found", "no-match", "unreadable", "too-large"}  # the scan still works
    assert set(enum("problemCode")) == codes | set(get_args(DecodeProblem))


def test_reasons_are_every_reason_the_code_gives() -> None:
    """Every `reason="..."` written in the package, and every reason of the table of
    exceptions (`fetch/errors.py`); `unsupported-scheme`'s refused scheme is not a code."""
    given: set[str] = set()
    for source in PACKAGE.rglob("*.py"):
        given.update(re.findall(r'\breason="([a-z-]+)"', source.read_text(encoding="utf-8")))
    table = (PACKAGE / "fetch" / "errors.py").read_text(encoding="utf-8")
    given.update(re.findall(r'return\s*\(?\s*"[a-z0-9-]+",\s*"([a-z-]+)",', table))
    given.add("network")  # the table's last resort, written apart from its rows
    assert {"nxdomain", "tls-certificate", "decoding", "no-file", "host"} <= given  # the scan works
    assert set(enum("reason")) == given


# The objects are the renderer's ------------------------------------------------------------------


def test_fields_are_the_ones_the_renderer_writes_in_its_order() -> None:
    report = everything()
    check = next(c for c in report.checks if c.saved is not None)
    citation = DEFS["citation"]
    checked = DEFS["checkedCitation"]
    assert list(citation["properties"]) == list(json_report.citation_object(check.citation))
    assert list(checked["properties"])[: len(citation["properties"])] == list(
        citation["properties"]
    )
    written = json_report.check_object(check)
    assert set(checked["properties"]) == set(written)
    assert list(checked["properties"])[len(citation["properties"]) :] == [
        k for k in written if k not in citation["properties"]
    ]
    assert citation["required"] == list(citation["properties"])
    assert checked["required"] == [k for k in checked["properties"] if k != "save"]
    for name, value in citation["properties"].items():
        assert checked["properties"][name] == value, name


def test_top_level_fields_are_the_ones_the_renderer_writes() -> None:
    extract = DEFS["extractReport"]
    check = DEFS["checkReport"]
    written = json_report.to_object(everything())
    assert list(check["properties"]) == list(written)
    assert check["required"] == list(written)
    extract_written = json_report.to_object(ExtractReport())
    assert list(extract["properties"]) == list(extract_written)
    assert extract["required"] == list(extract_written)
    for name, value in extract["properties"].items():
        if name != "citations":  # checked citations there, with what checking found
            assert check["properties"][name] == value, name


# The documentation -------------------------------------------------------------------------------


def _named_in_doc() -> set[str]:
    """What docs/json.md writes as code, outside its example."""
    text = re.sub(r"```.*?```", "", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    return set(re.findall(r"`([^`\n]+)`", text))


def test_json_md_names_every_field_the_schema_defines() -> None:
    named = _named_in_doc()
    fields = {name for _, o in _objects(SCHEMA) for name in o["properties"]} - set(STATUSES)
    assert {"schema_version", "kind", "url_line", "attributed_to", "job_id"} <= fields
    assert sorted(fields - named) == []


def test_json_md_points_at_the_schema() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "json.schema.json" in text
    assert "2020-12" in text


KNOWN_UNDOCUMENTED: set[str] = set()
"""Codes the code gives that docs/json.md does not list yet (none)."""


def test_the_example_in_json_md_is_a_valid_report() -> None:
    text = DOC.read_text(encoding="utf-8")
    example = text.split("```json", 1)[1].split("```", 1)[0]
    assert_valid(json.loads(example))


def test_json_md_lists_the_codes_of_the_schema() -> None:
    named = _named_in_doc()
    codes = {
        *STATUSES,
        *enum("kind"),
        *(f for g in DEFS["form"]["anyOf"] for f in enum(g["$ref"].rsplit("/", 1)[1])),
        *enum("role"),
        *enum("documentFormat"),
        *enum("problemCode"),
        *enum("reason"),
        *ARCHIVE_STATUSES,
        *get_args(SaveStatus),
        *(s for codes in CHECK_STATUSES.values() for s in codes),
        *CHECK_STATUSES,
        *get_args(ResolutionStatus),
        *get_args(CandidateStatus),
        *DEFS["candidate"]["properties"]["source"]["enum"],
    }
    assert codes - named == KNOWN_UNDOCUMENTED
