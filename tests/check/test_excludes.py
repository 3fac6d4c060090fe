"""Exclusions through `check_paths` and `extract_paths`: links by regular expression and by glob
(reported `excluded`, naming the user's pattern, never requested), input files by path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakeweb import FakeWeb, page, transport_for

from citecheck.check import check_paths
from citecheck.model import CheckReport
from citecheck.run import extract_paths
from citecheck.settings import FetchSettings

SETTINGS = FetchSettings(retries=0, timeout=5.0)

ARTICLE = (
    "[a](https://news.example/story) [b](https://cdn.news.example/img.png) "
    "[c](https://NEWS.example/private/memo?id=1) [d](https://shop.example/skip-me) "
    "[e](drafts/notes.md) [f](https://shop.example/ok)\n"
)


def run(web: FakeWeb, paths: list[str], **options: object) -> CheckReport:
    return check_paths(
        paths,
        settings=SETTINGS,
        transport=transport_for(web, SETTINGS),  # type: ignore[arg-type]
        jobs=1,
        **options,  # type: ignore[arg-type]
    )


def outcomes(report: CheckReport) -> dict[str, tuple[str, str]]:
    return {
        (c.citation.url or c.citation.local or ""): (c.outcome.status, c.outcome.detail)
        for c in report.checks
        if c.outcome is not None
    }


@pytest.fixture
def article(tmp_path: Path, web: FakeWeb) -> Path:
    web.route("news.example", "/story", page("Story"))
    web.route("shop.example", "/ok", page("Shop"))
    path = tmp_path / "article.md"
    path.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "notes.md").write_text("# Notes\n", encoding="utf-8")
    return path


def test_globs_and_regexes_exclude_links_naming_the_users_pattern(
    web: FakeWeb, article: Path
) -> None:
    report = run(
        web,
        [str(article)],
        exclude=["skip-me$"],
        exclude_globs=["*.news.example/**", "news.example/private/*", "drafts/*"],
    )
    assert outcomes(report) == {
        "https://news.example/story": ("ok", "HTTP 200"),
        "https://cdn.news.example/img.png": (
            "excluded",
            "matches --exclude-glob '*.news.example/**'",
        ),
        "https://NEWS.example/private/memo?id=1": (
            "excluded",
            "matches --exclude-glob 'news.example/private/*'",
        ),
        "https://shop.example/skip-me": ("excluded", "matches --exclude 'skip-me$'"),
        "drafts/notes.md": ("excluded", "matches --exclude-glob 'drafts/*'"),
        "https://shop.example/ok": ("ok", "HTTP 200"),
    }
    assert sorted(seen.path for seen in web.seen) == ["/ok", "/story"]


def test_a_regex_is_reported_as_before(web: FakeWeb, article: Path) -> None:
    report = run(web, [str(article)], exclude=[r"^https://cdn\."])
    status, detail = outcomes(report)["https://cdn.news.example/img.png"]
    assert (status, detail) == ("excluded", r"matches --exclude '^https://cdn\\.'")


def test_the_first_matching_exclusion_names_itself_regexes_first(
    web: FakeWeb, article: Path
) -> None:
    report = run(web, [str(article)], exclude=["private"], exclude_globs=["**/private/*"])
    detail = outcomes(report)["https://NEWS.example/private/memo?id=1"][1]
    assert detail == "matches --exclude 'private'"


def test_a_glob_with_a_scheme_matches_only_that_scheme(web: FakeWeb, article: Path) -> None:
    report = run(web, [str(article)], exclude_globs=["http://news.example/**"])
    assert "excluded" not in {status for status, _ in outcomes(report).values()}


def test_bad_patterns_raise_before_anything_is_read(tmp_path: Path, web: FakeWeb) -> None:
    missing = str(tmp_path / "missing.md")
    with pytest.raises(ValueError, match=r"--exclude-glob 'x\[': the \[ at character 2"):
        run(web, [missing], exclude_globs=["x["])
    with pytest.raises(re.error):
        run(web, [missing], exclude=["("])
    with pytest.raises(ValueError, match=r"--exclude-path '\[z-a\]': the range z-a"):
        run(web, [missing], exclude_path_globs=["[z-a]"])
    with pytest.raises(re.error):
        run(web, [missing], exclude_paths=["("])


def test_excluded_input_files_are_not_read(
    web: FakeWeb, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(article.parent)
    report = run(
        web,
        ["."],
        exclude_path_globs=["drafts"],
        exclude_paths=["^article"],
        exclude_globs=["**"],
    )
    assert report.documents == ()
    assert report.problems == ()
    only_drafts = run(web, ["."], exclude_path_globs=["./article.md"])
    assert [d.path for d in only_drafts.documents] == ["./drafts/notes.md"]


def test_exclusions_hold_with_checking_workers(web: FakeWeb, tmp_path: Path) -> None:
    hosts = ["news.example", "shop.example", "paper.example"]
    lines = []
    for host in hosts:
        for n in range(4):
            web.route(host, f"/{n}", page(f"{host} {n}"))
            lines.append(f"[{host} {n}](https://{host}/{n}) [x](https://{host}/skip/{n})")
    article = tmp_path / "a.md"
    article.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    options: dict[str, object] = {"exclude_globs": ["*.example/skip/*"], "exclude": ["/3$"]}
    alone = run(web, [str(article)], workers=1, **options)
    web.seen.clear()
    sharded = run(web, [str(article)], workers=3, **options)
    assert outcomes(alone) == outcomes(sharded)
    assert sorted(s.path for s in web.seen if s.method == "HEAD") == sorted(
        f"/{n}" for n in range(3) for _ in hosts
    )
    excluded = [d for s, d in outcomes(sharded).values() if s == "excluded"]
    # `/3$` comes first, so it names the excluded `/skip/3` links too.
    assert excluded.count("matches --exclude-glob '*.example/skip/*'") == 9
    assert excluded.count("matches --exclude '/3$'") == 6


def test_extract_paths_excludes_input_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.md", "old/b.md", "posts/drafts/c.md", "posts/d.md"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<https://example.org/{path.stem}>\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    report = extract_paths(["."], exclude_paths=["^old/"], exclude_path_globs=["drafts"])
    assert [d.path for d in report.documents] == ["./a.md", "./posts/d.md"]
    assert [c.url for c in report.citations] == [
        "https://example.org/a",
        "https://example.org/d",
    ]
    assert report.problems == ()
    named = extract_paths(["old/b.md", "missing/x.md"], exclude_path_globs=["old", "missing"])
    assert (named.documents, named.problems) == ((), ())
    with pytest.raises(ValueError, match="--exclude-path"):
        extract_paths(["."], exclude_path_globs=["[a"])
