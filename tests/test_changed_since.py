"""`--changed-since REV`: reading only the documents that differ from a git revision."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from citecheck.cli import main
from citecheck.collect import InputError, changes_since, collect

if shutil.which("git") is None:
    pytest.skip("git is not installed", allow_module_level=True)


def _git(repo: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.email=test@example.com", "-c", "user.name=Test", *arguments],
        cwd=repo,
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Git sees neither the user's nor the system's configuration, nor a repository above
    the test's temporary directory."""
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with three commits' worth of documents, committed, then: one modified
    (staged), one modified (committed after the first commit), one deleted, one untracked,
    one untracked but ignored, one untouched."""
    root = tmp_path / "articles"
    root.mkdir()
    _git(root, "init", "-q")
    _write(root / ".gitignore", "drafts/\n")
    _write(root / "posts" / "a.md", "# A\n\n<https://a.example/one>\n")
    _write(root / "posts" / "b.md", "# B\n\n<https://b.example/one>\n")
    _write(root / "posts" / "gone.md", "# Gone\n")
    _write(root / "notes" / "c.md", "# C\n\n<https://c.example/one>\n")
    _write(root / "notes" / "untouched.md", "# Untouched\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first")
    _git(root, "tag", "first")
    _write(root / "notes" / "c.md", "# C\n\n<https://c.example/two>\n")
    _git(root, "commit", "-q", "-am", "second")
    _write(root / "posts" / "a.md", "# A\n\n<https://a.example/two>\n")
    _git(root, "add", "posts/a.md")
    (root / "posts" / "gone.md").unlink()
    _write(root / "posts" / "new.md", "# New\n\n<https://new.example/>\n")
    _write(root / "drafts" / "ignored.md", "# Ignored\n")
    return root


def _extract(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    """The exit code, the paths of the documents read, and standard error."""
    code = main(["extract", "--format", "json", *argv])
    captured = capsys.readouterr()
    paths: list[str] = []
    if captured.out:
        paths = [document["path"] for document in json.loads(captured.out)["documents"]]
    return code, paths, captured.err


def test_reads_only_files_changed_or_untracked_since_the_revision(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, err = _extract(["--changed-since", "HEAD"], capsys)
    # a.md is staged, new.md untracked; gone.md deleted, drafts/ ignored, c.md committed.
    # No path named is `.` named, and paths are built under it as they would be then.
    assert (code, err) == (0, "")
    assert paths == ["./posts/a.md", "./posts/new.md"]


def test_committed_changes_since_an_older_revision_count_too(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, _ = _extract(["--changed-since", "first"], capsys)
    assert code == 0
    assert paths == ["./notes/c.md", "./posts/a.md", "./posts/new.md"]  # the walk's order


def test_a_directory_argument_narrows_the_changes_further(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, _ = _extract(["--changed-since", "first", "notes"], capsys)
    assert code == 0
    assert paths == ["notes/c.md"]


def test_files_and_globs_keep_their_order_and_unchanged_ones_are_skipped(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    argv = ["--changed-since", "HEAD", "posts/new.md", "notes/untouched.md", "posts/*.md"]
    code, paths, _ = _extract(argv, capsys)
    assert code == 0
    assert paths == ["posts/new.md", "posts/a.md"]


def test_a_named_file_deleted_since_the_revision_is_not_a_problem(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, _ = _extract(["--changed-since", "HEAD", "posts/gone.md", "posts/a.md"], capsys)
    assert (code, paths) == (0, ["posts/a.md"])
    # A name that never existed is still a mistake worth reporting.
    code, _, err = _extract(["--changed-since", "HEAD", "posts/typo.md"], capsys)
    assert code == 2
    assert "posts/typo.md: No such file" in err


def test_from_a_subdirectory_changes_elsewhere_in_the_repository_are_known(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo / "notes")
    code, paths, _ = _extract(["--changed-since", "first", "../posts"], capsys)
    assert code == 0
    assert paths == ["../posts/a.md", "../posts/new.md"]


def test_paths_are_matched_through_symbolic_links(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(repo, target_is_directory=True)
    cwd = os.getcwd()
    os.chdir(link)
    try:
        documents = collect([str(link / "posts")], changed_since="HEAD").documents
    finally:
        os.chdir(cwd)
    assert [Path(d.path).name for d in documents] == ["a.md", "new.md"]


def test_nothing_changed_reads_nothing_and_exits_zero_with_a_message(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "third")
    monkeypatch.chdir(repo)
    code, paths, err = _extract(["--changed-since", "HEAD"], capsys)
    assert (code, paths) == (0, [])
    assert err == "citecheck: no document changed since HEAD\n"


def test_changes_outside_the_named_inputs_count_as_nothing_changed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, err = _extract(["--changed-since", "HEAD", "notes"], capsys)
    assert (code, paths) == (0, [])
    assert "no document changed since HEAD" in err


def test_check_with_nothing_changed_exits_zero_without_the_network(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "third")
    monkeypatch.chdir(repo)
    argv = ["check", "--no-cache", "--format", "json", "--changed-since", "HEAD"]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0
    report = json.loads(captured.out)
    assert report["documents"] == []
    assert "citecheck: no document changed since HEAD" in captured.err
    assert "offline" not in captured.err


def test_an_unknown_revision_is_an_error_that_names_it(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, err = _extract(["--changed-since", "no-such-branch"], capsys)
    assert (code, paths) == (2, [])
    assert "unknown revision 'no-such-branch'" in err
    assert "fetch-depth: 0" in err


def test_in_a_shallow_clone_an_unknown_revision_says_the_history_is_missing(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _git(repo, "rev-parse", "first").strip()
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))
    monkeypatch.chdir(clone)
    with pytest.raises(InputError, match="shallow clone") as raised:
        changes_since(first)
    assert first in str(raised.value)
    assert "fetch-depth: 0" in str(raised.value)


def test_outside_a_repository_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain"
    _write(plain / "a.md", "# A\n")
    monkeypatch.chdir(plain)
    code, paths, err = _extract(["--changed-since", "HEAD"], capsys)
    assert (code, paths) == (2, [])
    assert "needs a git repository" in err
    assert "not a git repository" in err


@pytest.mark.parametrize("rev", ["--output=x", "-p", ""])
def test_a_revision_that_looks_like_an_option_is_refused(
    rev: str,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo)
    code, paths, err = _extract([f"--changed-since={rev}"], capsys)
    assert (code, paths) == (2, [])
    assert f"{rev!r} is not a revision" in err
    assert not (repo / "x").exists()  # git was never asked to write it


def test_git_missing_is_an_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(repo / "no-such-directory"))
    code, _, err = _extract(["--changed-since", "HEAD"], capsys)
    assert code == 2
    assert "needs git, which is not installed" in err


def test_git_too_slow_is_an_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def slow(*args: object, **kwargs: object) -> object:
        raise subprocess.TimeoutExpired(cmd="git", timeout=60)

    monkeypatch.chdir(repo)
    monkeypatch.setattr(subprocess, "run", slow)  # what citecheck.collect calls
    code, _, err = _extract(["--changed-since", "HEAD"], capsys)
    assert code == 2
    assert "did not finish within 60 seconds" in err


def test_standard_input_is_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, _, err = _extract(["--changed-since", "HEAD", "-"], capsys)
    assert code == 2
    assert "standard input (-) has no history" in err


def test_files_from_lists_are_narrowed_and_do_not_default_to_the_whole_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = repo.parent / "list.txt"
    listing.write_text("notes/untouched.md\nposts/new.md\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    code, paths, _ = _extract(["--changed-since", "HEAD", "--files-from", str(listing)], capsys)
    assert (code, paths) == (0, ["posts/new.md"])  # not posts/a.md: "." is not added


def test_without_the_flag_no_path_is_still_a_usage_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    code, paths, err = _extract([], capsys)
    assert (code, paths) == (2, [])
    assert "nothing to read" in err


def test_excluded_paths_are_not_read_even_when_changed(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from citecheck.globs import path_exclusions

    monkeypatch.chdir(repo)
    exclude = path_exclusions(globs=["notes"])
    walked = collect([], changed_since="first", exclude_paths=exclude)
    assert [document.path for document in walked.documents] == ["./posts/a.md", "./posts/new.md"]
    assert walked.excluded == ("notes/",)
    named = ["notes/c.md", "notes/untouched.md", "posts/a.md"]
    collected = collect(named, changed_since="first", exclude_paths=exclude)
    assert [document.path for document in collected.documents] == ["posts/a.md"]
    assert collected.excluded == ("notes/c.md",)  # the unchanged file would not be read anyway
